// A trial's row (TrialRecord) from what its steps produced. Pure: unit-tested without a lab.
import { noDelay, type ActiveDelay } from '../delay/delay.js';
import type { DirtyRate } from '../libvirt/dirty-rate.js';
import type { JobInfo } from '../libvirt/jobinfo.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import { migrateArgs, migrateFlags } from '../libvirt/migrate-args.js';
import { phasesOf } from '../libvirt/phases.js';
import type { QemuCpu } from '../libvirt/qemu-cpu.js';
import { qmpCounters } from '../libvirt/qmp-migrate.js';
import type { LinkMeasure } from '../link/link.js';
import type { TrialTiming } from '../libvirt/timing.js';
import type { Trial } from '../plan/trial.js';
import type { ProbeReport } from '../probe/analysis.js';
import type { TrialRecord } from '../results/record.js';
import type { GuestPause, RunningLoad } from '../workload/guest-load.js';
import type { MigrationOutcome } from './migration.js';
import { timeoutFired, type Verdict } from './verdict.js';

export interface TrialParts {
  readonly sweepId: string;
  readonly domain: string;
  readonly trial: Trial;
  readonly source: Pick<LibvirtHost, 'spec' | 'versions'>;
  readonly destination: Pick<LibvirtHost, 'spec' | 'versions'>;
  readonly ramBytes: number | undefined;
  readonly timeout: { readonly seconds: number; readonly action: string };
  readonly trialStartedAt: number;
  readonly verdict: Verdict;
  readonly m: MigrationOutcome | undefined;
  readonly job: JobInfo | undefined;
  readonly load: Pick<RunningLoad, 'record'> | undefined;
  readonly delay: Pick<ActiveDelay, 'record'> | undefined;
  readonly timing: TrialTiming | undefined;
  readonly guestPause: GuestPause | undefined;
  readonly probe: ProbeReport | undefined;
  readonly dirtyRate?: DirtyRate | undefined;
  /** memwriter's rate over the job, MiB/s. */
  readonly loadDuringMiBs?: number | undefined;
  readonly link?: LinkMeasure | undefined;
}

export function assembleRecord(p: TrialParts): TrialRecord {
  const { m, job, trial } = p;
  /** 0 recoveries and 0 ms paused for a post-copy whose connection held; nothing for pre-copy. */
  const neverBroke = trial.strategy.postcopy !== 'none' && m?.result ? 0 : undefined;
  return {
    sweepId: p.sweepId,
    trial,
    source: p.source.spec.name,
    destination: p.destination.spec.name,
    startedAt: m?.startedAt ?? new Date(p.trialStartedAt).toISOString(),
    status: p.verdict.status,
    error: p.verdict.failure,
    wallTimeMs: m ? m.commandEndedAt - m.commandStartedAt : undefined,
    job,
    postcopySwitchMs: m?.postcopySwitchMs,
    ramBytes: p.ramBytes,
    libvirtVersion: p.source.versions.daemon ?? p.source.versions.library,
    qemuVersion: p.source.versions.hypervisor,
    dstLibvirtVersion: p.destination.versions.daemon ?? p.destination.versions.library,
    dstQemuVersion: p.destination.versions.hypervisor,
    load: p.load?.record,
    delay: p.delay?.record ?? noDelay(trial.delayMs),
    timeout: { seconds: p.timeout.seconds, action: p.timeout.action, fired: timeoutFired(p.timeout, m?.abortReason, p.timing) },
    timing: p.timing,
    guestPause: p.guestPause,
    probe: p.probe,
    dirtyRate: p.dirtyRate,
    link: p.link,
    qmp: m ? qmpCounters(m.qmp, job?.stats.memory_processed) : undefined,
    blocktime: typeof m?.blocktime === 'object' && p.verdict.status === 'completed' ? m.blocktime : undefined,
    cost: {
      sourceCpuMs: cpuOver(m?.qemuCpu.source, 'since-first'),
      destinationCpuMs: cpuOver(m?.qemuCpu.destination, 'whole-life'),
      loadRateDuringPct: p.loadDuringMiBs !== undefined && p.load?.record.warmupMiBs ? (p.loadDuringMiBs / p.load.record.warmupMiBs) * 100 : undefined,
    },
    phases: m && p.timing && p.verdict.status === 'completed' ? phasesOf({ commandStartedAt: m.commandStartedAt, commandEndedAt: m.commandEndedAt, timing: p.timing, setupTimeMs: job?.stats.setup_time }) : undefined,
    migration: {
      flags: migrateFlags((m?.raw.migrate as string[] | undefined) ?? migrateArgs({ domain: p.domain, strategy: trial.strategy, knobs: trial.knobs, destinationUri: '' })),
      connections: m?.connections,
      switchReason: m?.postcopySwitchReason,
      downtimeSteps: m?.downtimeSteps,
      kubevirt: m?.kubevirt,
      settings: m?.settings,
      maxThrottlePct: maxOf([...(m?.samples ?? []).map((s) => s.stats.auto_converge_throttle), job?.stats.auto_converge_throttle]),
      postcopyRecoveries: m?.recovery?.recoveries ?? neverBroke,
      postcopyPausedMs: m?.recovery?.pausedMs ?? neverBroke,
    },
  };
}

/** The source's QEMU ran before the migration: its readings' difference. The destination's started for it: all of it. */
function cpuOver(c: QemuCpu | undefined, span: 'since-first' | 'whole-life'): number | undefined {
  if (!c) return undefined;
  return span === 'since-first' ? (c.readings > 1 ? c.lastMs - c.firstMs : undefined) : c.lastMs;
}

function maxOf(xs: ReadonlyArray<number | undefined>): number | undefined {
  const present = xs.filter((x): x is number => x !== undefined);
  return present.length ? Math.max(...present) : undefined;
}
