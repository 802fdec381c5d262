// One trial = one migration, and everything around it, each "on" with its "off" in a finally:
//   delay on → guest load on (warm-up) → migrate (sampled) → read statistics → load off → delay off
// then where the VM is now, and the timings from the libvirt events of both hosts.
import { applyDelay, relayBytes, type ActiveDelay } from '../delay/delay.js';
import { errorMessage } from '../errors.js';
import { calcDirtyRate, type DirtyRate } from '../libvirt/dirty-rate.js';
import type { JobInfo } from '../libvirt/jobinfo.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import { linkPath, measureLink, type LinkMeasure } from '../link/link.js';
import type { Trial } from '../plan/trial.js';
import type { TrialRecord } from '../results/record.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { analyseProbe, type ProbeReport } from '../probe/analysis.js';
import { startProbe, type ProbeSample, type RunningProbe } from '../probe/probe.js';
import { startGuestLoad, type GuestPause, type RunningLoad } from '../workload/guest-load.js';
import type { Phase } from '../progress/phase.js';
import type { TrialContext } from './context.js';
import { describeStates, locateDomain } from '../placement/locate.js';
import { migrate, type MigrationOutcome } from './migration.js';
import { deriveTiming, toControllerClock, type TrialTiming } from '../libvirt/timing.js';
import { assembleRecord } from './assemble.js';
import { placementVerdict, trialVerdict, unresumedPostcopyAdvice } from './verdict.js';

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

/** What the trial's steps produced, for the rules and the row. */
interface Steps {
  delay?: ActiveDelay;
  load?: RunningLoad;
  m?: MigrationOutcome;
  failure?: string;
  cleanupFailed?: string;
  job?: JobInfo;
  timing?: TrialTiming;
  guestPause?: GuestPause;
  probeSamples?: ProbeSample[];
  dirtyRate?: DirtyRate;
  loadDuringMiBs?: number | undefined;
  link?: LinkMeasure;
}

export async function runTrial(ctx: TrialContext, trial: Trial, source: LibvirtHost, destination: LibvirtHost): Promise<TrialOutcome> {
  const { domain, log, experiment } = ctx;
  const raw: Record<string, unknown> = {};
  const trialStartedAt = Date.now();
  const s = await runSteps(ctx, trial, source, destination, raw, trialStartedAt);
  const { m } = s;

  let verdict = trialVerdict({
    failure: s.failure === undefined ? undefined : withLibvirtLoss(ctx, [source, destination], s.failure),
    postcopy: trial.strategy.postcopy,
    postcopySwitchMs: m?.postcopySwitchMs,
    resumedAt: s.timing?.resumedAt,
    resumedInPostcopy: s.timing?.postcopy,
    relayBytes: s.delay?.record.method === 'proxy' ? (relayBytes((raw.delay as Record<string, unknown>) ?? {}) ?? 0) : undefined,
    abortReason: m?.abortReason,
    timeoutSeconds: experiment.timeout.seconds,
  });
  // what a timed-out job had done when it was aborted: its last sample
  const job = verdict.status === 'timeout' ? m && lastSample(m) : s.job;
  try {
    const where = await locateDomain(ctx.hosts, domain);
    raw.after = describeStates(where);
    verdict = placementVerdict(verdict, where.runningOn === destination, destination.spec.name, String(raw.after));
  } catch (err) {
    raw.afterError = errorMessage(err);
  }

  const probe = probeReport(s, job, raw);
  const record = assembleRecord({
    sweepId: ctx.sweepId, domain, trial, source, destination, ramBytes: ctx.ramBytes, timeout: experiment.timeout, trialStartedAt,
    verdict, m, job, load: s.load, delay: s.delay, timing: s.timing, guestPause: s.guestPause, probe, dirtyRate: s.dirtyRate, loadDuringMiBs: s.loadDuringMiBs, link: s.link,
  });
  raw.timing = s.timing;
  if (m?.postcopySwitchDetail) raw.postcopySwitch = m.postcopySwitchDetail;
  const { status } = verdict;
  const interrupted = m?.abortReason === 'interrupted' && status !== 'completed';
  log.info({ trial: trial.index, status, error: verdict.failure }, 'trial ended');
  const stopSweep =
    m?.recovery && !m.recovery.recovered
      ? unresumedPostcopyAdvice(domain, source.spec.name, destination.spec.name, destination.spec.libvirtUri, String(raw.after ?? 'states unknown'))
      : undefined;
  return { record, interrupted: interrupted || (ctx.signal?.aborted === true && status !== 'completed'), cleanupFailed: s.cleanupFailed, stopSweep, raw };
}

/** Each "on" with its "off" in a finally: delay, guest load, probe around the migration and its statistics. */
async function runSteps(ctx: TrialContext, trial: Trial, source: LibvirtHost, destination: LibvirtHost, raw: Record<string, unknown>, trialStartedAt: number): Promise<Steps> {
  const { domain, experiment } = ctx;
  const s: Steps = {};
  let probe: RunningProbe | undefined;
  const p = experiment.probe;
  const pause = (sec: number) => sleep(sec * 1000, undefined, { signal: ctx.signal }).catch(() => undefined);
  const phase = (name: Phase) => ctx.onPhase?.({ phase: name });
  try {
    phase('delay');
    s.delay = await applyDelay(ctx.delayMethod, trial.delayMs, experiment.delay, hostEnd(ctx, source), hostEnd(ctx, destination), ctx.undo);
    s.link = await linkOf(ctx, trial, source, destination, s.delay, raw);
    if (trial.load.kind === 'writer') {
      if (!ctx.guest?.writer) throw new Error('internal: writer load without a prepared guest');
      phase('warm-up');
      s.load = await startGuestLoad(ctx.guest.host, ctx.guest.writer, trial.load, ctx.ramBytes, experiment.warmup_s, ctx.signal);
      if (experiment.dirty_rate_calc !== false) phase('dirty rate');
      s.dirtyRate = await dirtyRateOf(ctx, source, raw);
    }
    if (p && ctx.guestAddress) {
      const http = p.http === true ? `http://${ctx.guestAddress}/` : p.http === false ? undefined : p.http;
      probe = startProbe({ address: ctx.guestAddress, udpPort: p.udp_port, rateHz: p.rate_hz, timeoutMs: p.timeout_ms, httpUrl: http });
      phase('probe baseline');
      await pause(p.before_s);
    }
    if (ctx.signal?.aborted) throw new Error('interrupted before the migration started');
    const m = await migrate(ctx, trial, source, destination, s.delay);
    s.m = m;
    Object.assign(raw, m.raw);
    s.failure = m.failure;
    phase('reading statistics');
    if (s.failure === undefined) {
      s.job = await readCompleted(source, domain, raw, 'sourceJob');
      if (trial.strategy.postcopy === 'none') await readCompleted(destination, domain, raw, 'destinationJob');
      // a post-copy that QEMU recovered after libvirt gave its resume up has no completed statistics: its last sample
      if (!s.job && m.recovery?.recovered) s.job = lastSample(m);
      if (!s.job) s.failure = `migration completed but its statistics could not be read: ${String(raw.sourceJobError)}`;
    }
    s.timing = trialTiming(ctx, m, source, destination, s.job);
    raw.samples = m.samples.map((x) => ({ at: x.at, ...x.stats }));
    if (m.qmp.length) raw.qmp = m.qmp;
    if (probe && p) await pause(p.after_s);
  } catch (err) {
    s.failure = errorMessage(err);
  } finally {
    phase('undoing');
    if (probe) s.probeSamples = await probe.stop();
    if (s.load) await stopLoad(s, raw, trialStartedAt);
    if (s.delay) {
      try {
        raw.delay = await s.delay.remove();
      } catch (err) {
        s.cleanupFailed = `could not remove the network delay: ${errorMessage(err)}`;
        s.failure ??= s.cleanupFailed;
      }
    }
  }
  return s;
}

/** The link of this trial's path and delay: measured before the first trial that has them, then reused. */
async function linkOf(ctx: TrialContext, trial: Trial, source: LibvirtHost, destination: LibvirtHost, delay: ActiveDelay, raw: Record<string, unknown>): Promise<LinkMeasure | undefined> {
  const probe = ctx.experiment.link_probe;
  const scripts = [ctx.linkScripts.get(source.spec.name), ctx.linkScripts.get(destination.spec.name)] as const;
  if (probe === false || !scripts[0] || !scripts[1]) return undefined;
  const key = `${source.spec.name}>${destination.spec.name} ${trial.delayMs}ms`;
  let known = ctx.links.get(key);
  if (known === undefined) {
    const path = linkPath(destination.spec, delay, ctx.experiment.delay.proxy_port);
    ctx.onPhase?.({ phase: 'measuring the link' });
    try {
      known = await measureLink(source.remote, scripts[0], destination.remote, scripts[1], path, probe.seconds);
      ctx.log.info({ link: key, rttMs: known.rttMs, mibS: Math.round(known.mibS * 10) / 10 }, 'link measured');
    } catch (err) {
      known = errorMessage(err);
      ctx.log.warn({ link: key, error: known }, 'link measurement failed; the link columns (link_rtt_ms, link_mib_s, bound_total_ms, transfer_efficiency) stay empty');
    }
    ctx.links.set(key, known);
    raw.link = { key, path, ...(typeof known === 'string' ? { error: known } : known) };
  }
  return typeof known === 'string' ? undefined : known;
}

/** QEMU's view of the load's dirty rate, before the migration (and outside its time); a failure only empties the column. */
async function dirtyRateOf(ctx: TrialContext, source: LibvirtHost, raw: Record<string, unknown>): Promise<DirtyRate | undefined> {
  const calc = ctx.experiment.dirty_rate_calc;
  if (calc === false) return undefined;
  try {
    const rate = await calcDirtyRate(source.virsh, ctx.domain, calc.seconds, calc.mode, ctx.signal);
    raw.dirtyRate = rate;
    return rate;
  } catch (err) {
    raw.dirtyRateError = errorMessage(err);
    ctx.log.warn({ host: source.spec.name, error: raw.dirtyRateError }, 'dirty-rate calculation failed; dirty_rate_calc_mib_s stays empty');
    return undefined;
  }
}

/** Stops the writer; what it saw of the guest's pause over the job (controller clock), and its progress for raw.jsonl. */
async function stopLoad(s: Steps, raw: Record<string, unknown>, trialStartedAt: number): Promise<void> {
  const { timing, job, m } = s;
  const from = timing?.jobStartAt ?? m?.commandStartedAt ?? trialStartedAt;
  const to = timing && job?.stats.time_elapsed !== undefined ? timing.jobStartAt + job.stats.time_elapsed : (m?.commandEndedAt ?? Date.now());
  try {
    const stopped = await s.load!.stop(from, to);
    s.guestPause = stopped.pause;
    s.loadDuringMiBs = stopped.duringMiBs;
    raw.writer = {
      lines: stopped.log.progress.length,
      errors: stopped.log.errors,
      readyAt: stopped.log.readyAt,
      stoppedAt: stopped.log.stoppedAt,
      pause: s.guestPause,
      // progress over time for the report's timeline: controller time of arrival, bytes written (≤ 1000 points)
      series: thin(stopped.log.progress, 1000).map((x) => [x.receivedAt, x.bytes]),
    };
  } catch (err) {
    raw.writerStopError = errorMessage(err);
  }
}

/** The probe's figures over the job (and, post-copy, the page-pull phase); its samples go to raw.jsonl. */
function probeReport(s: Steps, job: JobInfo | undefined, raw: Record<string, unknown>): ProbeReport | undefined {
  const { probeSamples, timing, m } = s;
  if (!probeSamples) return undefined;
  const jobStart = timing?.jobStartAt ?? m?.commandStartedAt;
  const jobEnd = jobStart !== undefined && job?.stats.time_elapsed !== undefined ? jobStart + job.stats.time_elapsed : m?.commandEndedAt;
  const report =
    jobStart !== undefined && jobEnd !== undefined ? analyseProbe(probeSamples, { start: jobStart, end: jobEnd, pullFrom: timing?.postcopy ? timing.resumedAt : undefined }) : undefined;
  raw.probe = { report, samples: probeSamples.map((x) => [x.at, x.kind === 'udp' ? 0 : 1, x.ms === undefined ? null : Math.round(x.ms * 100) / 100]) };
  return report;
}

/**
 * The job as its last sample of the running migration showed it (statistics partial: stats_format=sample). A sample
 * taken while the abort was under way can hold little more than the elapsed time; the last one with memory figures
 * is the job's last full picture.
 */
function lastSample(m: MigrationOutcome): JobInfo | undefined {
  const last = m.samples.findLast((x) => x.type === 'unbounded' && x.stats.memory_total !== undefined) ?? m.samples.at(-1);
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
