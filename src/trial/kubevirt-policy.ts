// KubeVirt's convergence policy (pkg/virt-launcher/virtwrap/live-migration-source.go): abort when data_remaining
// has set no new low for progressTimeout; past completionTimeoutPerGiB × the guest's size (decimal GB, rounded up,
// as resource.ScaledValue gives it), switch to post-copy when allowPostCopy, else abort. Checked on every job sample.
import type { KubevirtPolicy } from '../config/strategy.js';
import type { JobSample } from '../libvirt/job-sampler.js';

export type KubevirtAction =
  | { readonly action: 'abort'; readonly reason: 'no-progress'; readonly detail: string }
  | { readonly action: 'abort' | 'postcopy'; readonly reason: 'completion-timeout'; readonly detail: string };

export function completionBudgetS(p: KubevirtPolicy, ramBytes: number): number {
  return p.completionTimeoutPerGiBS * Math.max(1, Math.ceil(ramBytes / 1e9));
}

export class KubevirtMonitor {
  private lowest: number | undefined;
  private lowestAtMs = 0;
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
    if (remaining !== undefined && (this.lowest === undefined || remaining < this.lowest)) {
      this.lowest = remaining;
      this.lowestAtMs = elapsed;
    }
    const stalledMs = elapsed - this.lowestAtMs;
    if (stalledMs > this.policy.progressTimeoutS * 1000) {
      this.acted = true;
      const low = this.lowest === undefined ? '?' : `${Math.round(this.lowest / 2 ** 20)} MiB`;
      return { action: 'abort', reason: 'no-progress', detail: `no progress for ${this.policy.progressTimeoutS} s (data_remaining's lowest ${low} at ${(this.lowestAtMs / 1000).toFixed(1)} s)` };
    }
    const budget = completionBudgetS(this.policy, this.ramBytes);
    if (elapsed > budget * 1000) {
      this.acted = true;
      return { action: this.policy.allowPostcopy ? 'postcopy' : 'abort', reason: 'completion-timeout', detail: `not completed within ${budget} s (${this.policy.completionTimeoutPerGiBS} s per GB)` };
    }
    return undefined;
  }
}
