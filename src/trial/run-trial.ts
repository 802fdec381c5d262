// One trial = one migration, and everything around it, each "on" with its "off" in a finally:
//   delay on → guest load on (warm-up) → migrate (sampled) → read statistics → load off → delay off
// then where the VM is now, and the timings from the libvirt events of both hosts.
import { applyDelay, noDelay, relayBytes, type ActiveDelay } from '../delay/delay.js';
import { errorMessage } from '../errors.js';
import type { JobInfo } from '../libvirt/jobinfo.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import { migrateArgs, migrateFlags } from '../libvirt/migrate-args.js';
import type { Trial } from '../plan/trial.js';
import type { TrialRecord, TrialStatus } from '../results/record.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { analyseProbe } from '../probe/analysis.js';
import { startProbe, type ProbeSample, type RunningProbe } from '../probe/probe.js';
import { startGuestLoad, type GuestPause, type RunningLoad } from '../workload/guest-load.js';
import type { TrialContext } from './context.js';
import { describeStates, locateDomain } from '../placement/locate.js';
import { migrate, type MigrationOutcome } from './migration.js';
import { deriveTiming, toControllerClock, type TrialTiming } from '../libvirt/timing.js';

export type { TrialContext } from './context.js';

export interface TrialOutcome {
  readonly record: TrialRecord;
  /** True when the user interrupted the trial: it is not a measurement and must not become a row. */
  readonly interrupted: boolean;
  /** Something the trial did to a host could not be undone: the sweep must stop. */
  readonly cleanupFailed: string | undefined;
  /** The VM was left where no next trial can run (a post-copy that could not be resumed): why, and what to do. */
  readonly stopSweep?: string | undefined;
  /** Everything behind the row, for raw.jsonl. */
  readonly raw: Record<string, unknown>;
}

export async function runTrial(ctx: TrialContext, trial: Trial, source: LibvirtHost, destination: LibvirtHost): Promise<TrialOutcome> {
  const { domain, log, experiment } = ctx;
  const raw: Record<string, unknown> = {};
  const trialStartedAt = Date.now();
  let delay: ActiveDelay | undefined;
  let load: RunningLoad | undefined;
  let m: MigrationOutcome | undefined;
  let failure: string | undefined;
  let cleanupFailed: string | undefined;
  let job: JobInfo | undefined;
  let timing: TrialTiming | undefined;
  let guestPause: GuestPause | undefined;
  let probe: RunningProbe | undefined;
  let probeSamples: ProbeSample[] | undefined;
  const p = experiment.probe;
  const pause = (s: number) => sleep(s * 1000, undefined, { signal: ctx.signal }).catch(() => undefined);

  try {
    delay = await applyDelay(ctx.delayMethod, trial.delayMs, experiment.delay, hostEnd(ctx, source), hostEnd(ctx, destination), ctx.undo);
    if (trial.load.kind === 'writer') {
      if (!ctx.guest?.writer) throw new Error('internal: writer load without a prepared guest');
      load = await startGuestLoad(ctx.guest.host, ctx.guest.writer, trial.load, ctx.ramBytes, experiment.warmup_s, ctx.signal);
    }
    if (p && ctx.guestAddress) {
      const http = p.http === true ? `http://${ctx.guestAddress}/` : p.http === false ? undefined : p.http;
      probe = startProbe({ address: ctx.guestAddress, udpPort: p.udp_port, rateHz: p.rate_hz, timeoutMs: p.timeout_ms, httpUrl: http });
      await pause(p.before_s);
    }
    if (ctx.signal?.aborted) throw new Error('interrupted before the migration started');
    m = await migrate(ctx, trial, source, destination, delay);
    Object.assign(raw, m.raw);
    failure = m.failure;
    if (failure === undefined) {
      job = await readCompleted(source, domain, raw, 'sourceJob');
      if (trial.strategy.postcopy === 'none') await readCompleted(destination, domain, raw, 'destinationJob');
      // a post-copy that QEMU recovered after libvirt gave its resume up has no completed statistics: its last sample
      if (!job && m.recovery?.recovered) job = lastSample(m);
      if (!job) failure = `migration completed but its statistics could not be read: ${String(raw.sourceJobError)}`;
    }
    timing = trialTiming(ctx, m, source, destination, job);
    raw.samples = m.samples.map((s) => ({ at: s.at, ...s.stats }));
    if (probe && p) await pause(p.after_s);
  } catch (err) {
    failure = errorMessage(err);
  } finally {
    if (probe) probeSamples = await probe.stop();
    if (load) {
      const from = timing?.jobStartAt ?? m?.commandStartedAt ?? trialStartedAt;
      const to = timing && job?.stats.time_elapsed !== undefined ? timing.jobStartAt + job.stats.time_elapsed : (m?.commandEndedAt ?? Date.now());
      try {
        const stopped = await load.stop(from, to);
        guestPause = stopped.pause;
        raw.writer = {
          lines: stopped.log.progress.length,
          errors: stopped.log.errors,
          readyAt: stopped.log.readyAt,
          stoppedAt: stopped.log.stoppedAt,
          pause: guestPause,
          // progress over time for the report's timeline: controller time of arrival, bytes written (≤ 1000 points)
          series: thin(stopped.log.progress, 1000).map((x) => [x.receivedAt, x.bytes]),
        };
      } catch (err) {
        raw.writerStopError = errorMessage(err);
      }
    }
    if (delay) {
      try {
        raw.delay = await delay.remove();
      } catch (err) {
        cleanupFailed = `could not remove the network delay: ${errorMessage(err)}`;
        failure ??= cleanupFailed;
      }
    }
  }

  if (failure !== undefined) failure = withLibvirtLoss(ctx, [source, destination], failure);
  if (failure === undefined && trial.strategy.postcopy === 'immediate') {
    // Accepted is not enough: QEMU may already have been completing in pre-copy. The events tell.
    if (m?.postcopySwitchMs === undefined || (timing?.resumedAt !== undefined && !timing.postcopy)) {
      failure = 'the migration completed in pre-copy before the switch to post-copy took effect';
    }
  }
  if (failure === undefined && delay?.record.method === 'proxy' && !relayBytes((raw.delay as Record<string, unknown>) ?? {})) {
    failure = 'the migration stream did not pass through the delay relay';
  }
  let status: TrialStatus = failure === undefined ? 'completed' : m?.abortReason === 'timeout' ? 'timeout' : 'failed';
  if (status === 'timeout') {
    failure = `no completion within ${experiment.timeout.seconds} s; job aborted (${failure})`;
    // what the job had done when it was aborted: its last sample
    job = m && lastSample(m);
  }

  // A completed migration must leave the VM running on the destination.
  try {
    const where = await locateDomain(ctx.hosts, domain);
    raw.after = describeStates(where);
    if (status === 'completed' && where.runningOn !== destination) {
      status = 'failed';
      failure = `virsh migrate succeeded but the domain is not running on ${destination.spec.name} afterwards (${raw.after})`;
    }
  } catch (err) {
    raw.afterError = errorMessage(err);
  }

  const t = experiment.timeout;
  const fired =
    (t.action === 'abort' && m?.abortReason === 'timeout') ||
    (t.action === 'suspend' && timing?.suspendedByTimeout === true) ||
    (t.action === 'postcopy' && timing?.postcopySwitchAt !== undefined && timing.postcopySwitchAt - timing.jobStartAt >= t.seconds * 1000 - 1000);
  const jobStart = timing?.jobStartAt ?? m?.commandStartedAt;
  const jobEnd = jobStart !== undefined && job?.stats.time_elapsed !== undefined ? jobStart + job.stats.time_elapsed : m?.commandEndedAt;
  const probeReport =
    probeSamples && jobStart !== undefined && jobEnd !== undefined
      ? analyseProbe(probeSamples, { start: jobStart, end: jobEnd, pullFrom: timing?.postcopy ? timing.resumedAt : undefined })
      : undefined;
  if (probeSamples) raw.probe = { report: probeReport, samples: probeSamples.map((x) => [x.at, x.kind === 'udp' ? 0 : 1, x.ms === undefined ? null : Math.round(x.ms * 100) / 100]) };
  /** 0 recoveries and 0 ms paused for a post-copy whose connection held; nothing for pre-copy. */
  const neverBroke = trial.strategy.postcopy !== 'none' && m?.result ? 0 : undefined;
  const record: TrialRecord = {
    sweepId: ctx.sweepId,
    trial,
    source: source.spec.name,
    destination: destination.spec.name,
    startedAt: m?.startedAt ?? new Date(trialStartedAt).toISOString(),
    status,
    error: failure,
    wallTimeMs: m ? m.commandEndedAt - m.commandStartedAt : undefined,
    job,
    postcopySwitchMs: m?.postcopySwitchMs,
    ramBytes: ctx.ramBytes,
    libvirtVersion: source.versions.daemon ?? source.versions.library,
    qemuVersion: source.versions.hypervisor,
    load: load?.record,
    delay: delay?.record ?? noDelay(trial.delayMs),
    timeout: { seconds: t.seconds, action: t.action, fired },
    timing,
    guestPause,
    probe: probeReport,
    migration: {
      flags: migrateFlags((m?.raw.migrate as string[] | undefined) ?? migrateArgs({ domain, strategy: trial.strategy, knobs: trial.knobs, destinationUri: '' })),
      connections: m?.connections,
      switchReason: m?.postcopySwitchReason,
      maxThrottlePct: maxOf([...(m?.samples ?? []).map((s) => s.stats.auto_converge_throttle), job?.stats.auto_converge_throttle]),
      postcopyRecoveries: m?.recovery?.recoveries ?? neverBroke,
      postcopyPausedMs: m?.recovery?.pausedMs ?? neverBroke,
    },
  };
  raw.timing = timing;
  if (m?.postcopySwitchDetail) raw.postcopySwitch = m.postcopySwitchDetail;
  const interrupted = m?.abortReason === 'interrupted' && status !== 'completed';
  log.info({ trial: trial.index, status, error: failure }, 'trial ended');
  const stopSweep =
    m?.recovery && !m.recovery.recovered
      ? `the post-copy migration of ${domain} from ${source.spec.name} to ${destination.spec.name} stays paused (${String(raw.after ?? 'states unknown')}), the guest stalled: once the migration path is back, resume it on ${source.spec.name} with virsh migrate --live --postcopy --postcopy-resume --domain=${domain} --desturi=${destination.spec.libvirtUri} (migbench cleanup tries that); if it cannot be resumed, the guest's memory is split and lost: virsh destroy ${domain} on both hosts, virsh start it on one, then migbench run --resume`
      : undefined;
  return { record, interrupted: interrupted || (ctx.signal?.aborted === true && status !== 'completed'), cleanupFailed, stopSweep, raw };
}

/** The job as its last sample showed it (statistics partial: stats_format=sample). */
function lastSample(m: MigrationOutcome): JobInfo | undefined {
  const last = m.samples.at(-1);
  return last && { format: 'sample', type: last.type, operation: 'outgoing migration', stats: last.stats, fields: {}, unknown: [] };
}

/** A failure while a host's libvirt connection went away (its event stream ended, SSH still up) says so first. */
function withLibvirtLoss(ctx: TrialContext, hosts: readonly LibvirtHost[], failure: string): string {
  const lost = hosts.filter((h) => h.connected && ctx.events.get(h.spec.name)?.running === false);
  if (lost.length === 0) return failure;
  return `libvirtd on ${lost.map((h) => h.spec.name).join(' and ')} went away during the trial (restarted or crashed): ${failure}`;
}

/** At most `n` evenly spaced elements, first and last kept. */
function thin<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  const step = (xs.length - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => xs[Math.round(i * step)]!);
}

function maxOf(xs: ReadonlyArray<number | undefined>): number | undefined {
  const present = xs.filter((x): x is number => x !== undefined);
  return present.length ? Math.max(...present) : undefined;
}

function hostEnd(ctx: TrialContext, host: LibvirtHost) {
  return { host, relayScript: ctx.relayScripts.get(host.spec.name) };
}

function trialTiming(ctx: TrialContext, m: MigrationOutcome, source: LibvirtHost, destination: LibvirtHost, job: JobInfo | undefined): TrialTiming {
  const slice = (h: LibvirtHost) =>
    toControllerClock(ctx.events.get(h.spec.name)?.between(ctx.domain, m.commandStartedAt - 1000, Date.now()) ?? [], ctx.clockOffsetMs.get(h.spec.name) ?? 0);
  return deriveTiming({
    samples: m.samples,
    sourceEvents: slice(source),
    destinationEvents: slice(destination),
    commandStartedAt: m.commandStartedAt,
    totalTimeMs: job?.stats.time_elapsed,
  });
}

async function readCompleted(host: LibvirtHost, domain: string, raw: Record<string, unknown>, key: string): Promise<JobInfo | undefined> {
  try {
    const { text, info } = await host.virsh.completedJobInfo(domain, host.jobInfo);
    raw[key] = { host: host.spec.name, text, unknown: info.unknown };
    if (info.type === 'completed') return info;
    raw[`${key}Error`] = `${host.spec.name} reports job type "${info.type}" instead of completed statistics`;
    return undefined;
  } catch (err) {
    raw[`${key}Error`] = errorMessage(err);
    return undefined;
  }
}
