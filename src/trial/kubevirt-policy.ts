// KubeVirt's convergence policy, as its migration monitor applies it (pkg/virt-launcher/virtwrap/
// live-migration-source.go, the path without stall detection): progress is data_remaining below the previous
// sample's; past completionTimeoutPerGiB × the guest's size (decimal GB, rounded up, as resource.ScaledValue gives
// it) it switches to post-copy when allowPostCopy; otherwise no progress for progressTimeout, or the budget passed,
// aborts. Both are compared in whole seconds, as KubeVirt divides by time.Second; 0 turns a timeout off. The clock
// is the job's own elapsed time (KubeVirt's starts with its monitor). Once in post-copy there is nothing to decide.
import type { KubevirtPolicy } from '../config/strategy.js';
import type { JobSample } from '../libvirt/job-sampler.js';

export type KubevirtAction =
  | { readonly action: 'abort'; readonly reason: 'no-progress'; readonly detail: string }
  | { readonly action: 'abort' | 'postcopy'; readonly reason: 'completion-timeout'; readonly detail: string };

export function completionBudgetS(p: KubevirtPolicy, ramBytes: number): number {
  return p.completionTimeoutPerGiBS * Math.max(1, Math.ceil(ramBytes / 1e9));
}

export class KubevirtMonitor {
  private watermark: number | undefined;
  private progressAtMs = 0;
  private acted = false;

  constructor(
    private readonly policy: KubevirtPolicy,
    private readonly ramBytes: number,
  ) {}

  /** Once, the action the policy takes at this sample. */
  observe(s: JobSample): KubevirtAction | undefined {
    const elapsed = s.stats.time_elapsed;
    const remaining = s.stats.data_remaining ?? s.stats.memory_remaining;
    if (this.acted || elapsed === undefined) return undefined;
    if (remaining !== undefined) {
      if (this.watermark === undefined || remaining < this.watermark) this.progressAtMs = elapsed;
      this.watermark = remaining;
    }
    const p = this.policy;
    const budget = completionBudgetS(p, this.ramBytes);
    const pastBudget = p.completionTimeoutPerGiBS > 0 && Math.trunc(elapsed / 1000) > budget;
    const budgetDetail = `not completed within ${budget} s (${p.completionTimeoutPerGiBS} s per GB)`;
    if (pastBudget && p.allowPostcopy) return this.act({ action: 'postcopy', reason: 'completion-timeout', detail: budgetDetail });
    if (p.progressTimeoutS > 0 && Math.trunc((elapsed - this.progressAtMs) / 1000) > p.progressTimeoutS) {
      const left = this.watermark === undefined ? '?' : `${Math.round(this.watermark / 2 ** 20)} MiB`;
      return this.act({ action: 'abort', reason: 'no-progress', detail: `no progress for ${p.progressTimeoutS} s (data_remaining last fell at ${(this.progressAtMs / 1000).toFixed(1)} s; ${left} left)` });
    }
    if (pastBudget) return this.act({ action: 'abort', reason: 'completion-timeout', detail: budgetDetail });
    return undefined;
  }

  private act(a: KubevirtAction): KubevirtAction {
    this.acted = true;
    return a;
  }
}
