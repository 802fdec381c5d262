// What one trial produced. trials.csv rows and raw.jsonl lines are both made from this.
import type { DelayRecord } from '../delay/delay.js';
import type { DirtyRate } from '../libvirt/dirty-rate.js';
import type { JobInfo } from '../libvirt/jobinfo.js';
import type { Phases } from '../libvirt/phases.js';
import type { LinkMeasure } from '../link/link.js';
import type { Blocktime } from '../libvirt/blocktime.js';
import type { QmpCounters } from '../libvirt/qmp-migrate.js';
import type { MigrationSettings } from '../libvirt/migration-settings.js';
import type { Trial } from '../plan/trial.js';
import type { ProbeReport } from '../probe/analysis.js';
import type { TrialTiming } from '../libvirt/timing.js';
import type { GuestLoadRecord, GuestPause } from '../workload/guest-load.js';

/** A max downtime the downtime_steps policy set: when (ms of the job's elapsed time), and whether libvirt took it. */
export interface AppliedStep {
  readonly atMs: number;
  readonly downtimeMs: number;
  readonly accepted: boolean;
}

/** What the kubevirt policy did during the job. */
export interface PolicyAction {
  readonly action: 'abort' | 'postcopy';
  readonly reason: 'no-progress' | 'completion-timeout';
  readonly detail: string;
  readonly atMs: number;
  readonly accepted: boolean;
}

/** completed: virsh migrate succeeded and the VM runs on the destination. */
export type TrialStatus = 'completed' | 'failed' | 'timeout';

export interface TrialRecord {
  readonly sweepId: string;
  readonly trial: Trial;
  /** Set for rows made by `migbench import` from saved virsh output: what the sweep would know is unknown. */
  readonly imported?: { readonly file: string; readonly line: number };
  /** The host pair that ran it (its name in a `pairs:` hosts file, else "A-B"). */
  readonly pair?: string;
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
  /** When the harness's switch to post-copy was accepted, ms after `virsh migrate` started. */
  readonly postcopySwitchMs: number | undefined;
  readonly ramBytes: number | undefined;
  readonly libvirtVersion: string | undefined;
  readonly qemuVersion: string | undefined;
  /** The destination's: a mixed pair (hosts upgraded one by one) migrates between versions. */
  readonly dstLibvirtVersion: string | undefined;
  readonly dstQemuVersion: string | undefined;
  readonly load: GuestLoadRecord | undefined;
  readonly delay: DelayRecord;
  readonly timeout: { readonly seconds: number; readonly action: string; readonly fired: boolean };
  readonly timing: TrialTiming | undefined;
  readonly guestPause: GuestPause | undefined;
  /** What the service probe saw (experiment `probe:`). */
  readonly probe?: ProbeReport | undefined;
  /** QEMU's calc-dirty-rate after the warm-up (experiment `dirty_rate_calc`). */
  readonly dirtyRate?: DirtyRate | undefined;
  /** The migration path's round trip and throughput under this trial's delay (experiment `link_probe`). */
  readonly link?: LinkMeasure | undefined;
  /** QEMU's own byte counters per phase (query-migrate on the source; experiment `qmp`). */
  readonly qmp?: QmpCounters | undefined;
  /** Post-copy's vCPU blocktime as the destination's QEMU measured it (the domain's own QMP socket). */
  readonly blocktime?: Blocktime | undefined;
  /** What the migration cost: QEMU CPU time on each host over it (ms), the guest load's rate against its warm-up (%). */
  readonly cost?: { readonly sourceCpuMs: number | undefined; readonly destinationCpuMs: number | undefined; readonly loadRateDuringPct: number | undefined };
  /** Where the wall time went (completed trials whose instants were all seen). */
  readonly phases?: Phases | undefined;
  /** What the migration used and showed beyond libvirt's completed statistics. */
  readonly migration: {
    /** The virsh migrate options used (values included, domain and URI left out). */
    readonly flags: string;
    readonly connections: number | undefined;
    readonly switchReason: string | undefined;
    /** Highest auto-converge throttle seen in the job samples or the completed statistics, %. */
    readonly maxThrottlePct: number | undefined;
    /** Post-copy whose connection broke: resumes that reconnected it, and the time it stood paused. */
    readonly postcopyRecoveries?: number | undefined;
    readonly postcopyPausedMs?: number | undefined;
    /** downtime_steps: each max downtime set and when (ms of the job). */
    readonly downtimeSteps?: readonly AppliedStep[] | undefined;
    /** What the kubevirt policy did, if it acted. */
    readonly kubevirt?: PolicyAction | undefined;
    /** The source QEMU's capabilities and parameters once RAM flowed. */
    readonly settings?: MigrationSettings | undefined;
  };
}
