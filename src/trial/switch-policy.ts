// hybrid-timeout: pre-copy first, post-copy when it is not going anywhere. The rule is OpenStack Nova's
// (nova/virt/libvirt/migration.py, should_switch_to_postcopy): after the first pass over memory, switch when an
// iteration brought the remaining data down by less than 10 %; and switch when the completion timeout passes.
import type { JobSample } from '../libvirt/job-sampler.js';

/** Why the harness switched to post-copy: hybrid-timeout's two rules, or the kubevirt policy's completion budget. */
export type SwitchReason = 'timeout' | 'no-progress' | 'completion-timeout';

export class SwitchPolicy {
  private iteration = 0;
  private remainingAtIteration: number | undefined;

  constructor(
    private readonly afterMs: number,
    private readonly minProgressPct: number,
  ) {}

  /** Feed every job sample; returns a reason once the migration should switch to post-copy. */
  observe(s: JobSample): SwitchReason | undefined {
    const elapsed = s.stats.time_elapsed;
    if (elapsed !== undefined && elapsed >= this.afterMs) return 'timeout';
    const iteration = s.stats.memory_iteration;
    const remaining = s.stats.data_remaining ?? s.stats.memory_remaining;
    if (iteration === undefined || remaining === undefined || iteration <= this.iteration) return undefined;
    const previous = this.remainingAtIteration;
    const before = this.iteration;
    this.iteration = iteration;
    this.remainingAtIteration = remaining;
    if (before >= 1 && iteration > 1 && previous !== undefined && previous > 0) {
      const progressPct = ((previous - remaining) * 100) / previous;
      if (progressPct < this.minProgressPct) return 'no-progress';
    }
    return undefined;
  }
}
