// What one trial produced. trials.csv rows and raw.jsonl lines are both made from this.
import type { JobInfo } from '../libvirt/jobinfo.js';
import type { Trial } from '../plan/trial.js';

/** completed: virsh migrate succeeded and the VM runs on the destination. */
export type TrialStatus = 'completed' | 'failed' | 'timeout';

export interface TrialRecord {
  readonly sweepId: string;
  readonly trial: Trial;
  readonly source: string;
  readonly destination: string;
  /** ISO 8601 time, controller clock, when `virsh migrate` was started. */
  readonly startedAt: string;
  readonly status: TrialStatus;
  readonly error: string | undefined;
  /** Controller-side duration of the `virsh migrate` command. */
  readonly wallTimeMs: number | undefined;
  /** Completed job statistics read on the source host. */
  readonly job: JobInfo | undefined;
  /** When the harness asked for the switch to post-copy, ms after `virsh migrate` started. */
  readonly postcopySwitchMs: number | undefined;
  readonly ramBytes: number | undefined;
  readonly libvirtVersion: string | undefined;
  readonly qemuVersion: string | undefined;
}
