// The migration itself: `virsh migrate` on the source, the post-copy switch when the strategy wants it, the
// job sampled all along, and the harness's deadline (virsh domjobabort) above everything.
import { errorMessage } from '../errors.js';
import type { ActiveDelay } from '../delay/delay.js';
import { armBlocktime, type Blocktime, type BlocktimeArm } from '../libvirt/blocktime.js';
import { startJobSampler, type JobSample } from '../libvirt/job-sampler.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import { migrateArgs } from '../libvirt/migrate-args.js';
import { startQemuCpuSampler, type QemuCpu } from '../libvirt/qemu-cpu.js';
import { startQmpSampler, type QmpMigrateSample } from '../libvirt/qmp-migrate.js';
import type { MigrationSettings } from '../libvirt/migration-settings.js';
import { virshError } from '../libvirt/virsh.js';
import type { Trial } from '../plan/trial.js';
import type { ExecResult } from '../remote/host.js';
import type { TrialContext } from './context.js';
import { brokeInPostcopy, pausedInPostcopy, recoverPostcopy, watchForOneSidedBreak, type PostcopyRecovery } from './postcopy-recovery.js';
import { startPostcopySwitch } from './postcopy-switch.js';
import { SwitchPolicy, type SwitchReason } from './switch-policy.js';
import { DowntimeStepper, downtimeSchedule } from './downtime-steps.js';
import { KubevirtMonitor } from './kubevirt-policy.js';
import type { AppliedStep, PolicyAction } from '../results/record.js';

export interface MigrationOutcome {
  readonly startedAt: string;
  /** Controller wall clock (epoch ms) when `virsh migrate` started and ended. */
  readonly commandStartedAt: number;
  readonly commandEndedAt: number;
  readonly result: ExecResult | undefined;
  /** Why virsh migrate failed, if it did. */
  readonly failure: string | undefined;
  readonly abortReason: 'timeout' | 'interrupted' | undefined;
  readonly postcopySwitchMs: number | undefined;
  readonly postcopySwitchDetail: string | undefined;
  /** hybrid-timeout: why the harness switched to post-copy. */
  readonly postcopySwitchReason: SwitchReason | undefined;
  /** A post-copy whose connection broke: whether it was resumed, how often, how long it stood paused. */
  readonly recovery: { readonly recovered: boolean; readonly recoveries: number; readonly pausedMs: number } | undefined;
  /** Established TCP connections of the destination's QEMU, counted once the RAM transfer was under way. */
  readonly connections: number | undefined;
  /** downtime_steps: each max downtime set, and when (ms of the job's elapsed time; the first before it started). */
  readonly downtimeSteps: readonly AppliedStep[] | undefined;
  /** kubevirt: what the policy did, if it acted. */
  readonly kubevirt: PolicyAction | undefined;
  /** The source QEMU's capabilities and parameters once RAM flowed (experiment `qmp`). */
  readonly settings: MigrationSettings | undefined;
  /** CPU time of each host's QEMU process over the migration (/proc). */
  readonly qemuCpu: { readonly source: QemuCpu | undefined; readonly destination: QemuCpu | undefined };
  readonly samples: JobSample[];
  /** QEMU's query-migrate answers on the source (experiment `qmp`). */
  readonly qmp: readonly QmpMigrateSample[];
  /** Post-copy's vCPU blocktime on the destination (the domain's own QMP socket), or why there is none. */
  readonly blocktime: Blocktime | string | undefined;
  readonly raw: Record<string, unknown>;
}

/** Extra time the SSH command gets after the harness deadline, for domjobabort to take effect. */
const ABORT_GRACE_MS = 60_000;

export function harnessDeadlineMs(t: TrialContext['experiment']['timeout']): number {
  return (t.action === 'abort' ? t.seconds : t.seconds + t.grace_s) * 1000;
}

export async function migrate(ctx: TrialContext, trial: Trial, source: LibvirtHost, destination: LibvirtHost, delay: ActiveDelay): Promise<MigrationOutcome> {
  const { domain, experiment } = ctx;
  const timeout = experiment.timeout;
  const migrateUri = delay.migrateUri ?? destination.spec.migrateUri;
  const args = migrateArgs({
    domain,
    strategy: trial.strategy,
    knobs: trial.knobs,
    destinationUri: destination.spec.libvirtUri,
    migrateUri,
    // the certificate carries the destination's name, not the relay's or migrate_uri's address
    tlsDestination: migrateUri ? new URL(destination.spec.libvirtUri).hostname : undefined,
    listenAddress: delay.listenAddress,
    timeout: timeout.action === 'abort' ? undefined : { seconds: timeout.seconds, action: timeout.action },
  });
  const raw: Record<string, unknown> = { migrate: source.virsh.argv(args) };
  const deadlineMs = harnessDeadlineMs(timeout);
  const steps = trial.strategy.downtimeSteps ? new DowntimeStepper(downtimeSchedule(trial.strategy.downtimeSteps, ctx.ramBytes ?? 0)) : undefined;
  const firstDowntimeMs = steps?.first ?? trial.knobs.maxDowntimeMs;
  // QEMU's downtime-limit of the source's process, which the migration uses; put back after a job that left the
  // guest here (the next QEMU, on the destination, starts at the default)
  const undoDowntime = firstDowntimeMs === undefined ? undefined : await setDowntime(ctx, source, firstDowntimeMs, raw);
  try {
    return await runJob(ctx, trial, source, destination, { args, raw, deadlineMs, steps, firstDowntimeMs });
  } finally {
    await undoDowntime?.();
  }
}

interface Prepared {
  readonly args: string[];
  readonly raw: Record<string, unknown>;
  readonly deadlineMs: number;
  readonly steps: DowntimeStepper | undefined;
  readonly firstDowntimeMs: number | undefined;
}

async function runJob(ctx: TrialContext, trial: Trial, source: LibvirtHost, destination: LibvirtHost, p: Prepared): Promise<MigrationOutcome> {
  const { domain, log, experiment } = ctx;
  const { args, raw, deadlineMs, steps, firstDowntimeMs } = p;
  // CPU readings from before the command; the loops end with stop(), or with the connection (the watchdog)
  const cpu = { source: startQemuCpuSampler(source, domain), destination: startQemuCpuSampler(destination, domain) };
  const stopCpu = () => Promise.all([cpu.source.stop(), cpu.destination.stop()]);
  let jobMarker: Awaited<ReturnType<typeof ctx.undo.will>>;
  try {
    await cpu.source.firstReading(2000);
    // If the controller dies now, the source's guard aborts the job (post-copy cannot be aborted: it completes).
    jobMarker = await ctx.undo.will(source.remote, `migration job of ${domain}`, abortJobArgv(source.virsh.uri, domain));
  } catch (err) {
    await stopCpu();
    throw err;
  }
  const startedAt = new Date().toISOString();
  const commandStartedAt = Date.now();
  const t0 = performance.now();
  const watch = watchJob(ctx, trial, source, destination, t0, raw, steps);
  if (firstDowntimeMs !== undefined && steps) watch.downtimeSteps.push({ atMs: 0, downtimeMs: firstDowntimeMs, accepted: true });
  const qmpSampler = experiment.qmp ? startQmpSampler(source, domain, experiment.sample_hz) : undefined;
  log.info({ trial: trial.index, strategy: trial.strategy.label, load: trial.load.name, delayMs: trial.delayMs, from: source.spec.name, to: destination.spec.name }, 'migration started');

  ctx.onPhase?.({ phase: 'migrating' });
  const arm = armDestination(ctx, trial, destination, t0);
  const job = startAbortable(ctx, trial, source, args, deadlineMs, raw);
  const postcopySwitch = trial.strategy.postcopy === 'immediate' ? startPostcopySwitch(source, domain, t0, deadlineMs, arm && within(arm.settled, ARM_GATE_MS)) : undefined;
  const destinationEvents = ctx.events.get(destination.spec.name);
  const oneSided = trial.strategy.postcopy !== 'none' && destinationEvents ? watchForOneSidedBreak(destinationEvents, source, domain, commandStartedAt, job.ended, log) : undefined;
  let ran = await job.settled;
  watch.ended = true;
  oneSided?.stop();
  const armed = await arm?.stop();
  const sw = await postcopySwitch?.finish();
  let recovery: PostcopyRecovery | undefined;
  if (trial.strategy.postcopy !== 'none') {
    const recovered = await recoverIfBroken(ctx, source, destination, args, ran, { brokeAt: oneSided?.pausedAt(), commandStartedAt, deadlineMs });
    if (recovered) {
      ({ recovery } = recovered);
      ran = recovered.ran;
      raw.postcopyRecovery = recovery;
    }
  }
  const commandEndedAt = Date.now();
  // a lost connection leaves the marker: the guard has run it, or the next replay does
  await ctx.undo.done(source.remote, jobMarker).catch((err: unknown) => {
    raw.jobMarkerError = errorMessage(err);
  });
  const [samples, qmp, [sourceCpu, destinationCpu]] = await Promise.all([watch.sampler.stop(), qmpSampler?.stop() ?? [], stopCpu()]);
  await Promise.all(watch.pending);
  const settings = qmpSampler?.settings();
  if (qmpSampler && !settings) raw.settings = { error: 'no read of the settings came between two answers saying the migration was under way', reads: qmpSampler.settingsTrace() };
  const blocktime = arm && ran.failure === undefined ? await arm.read() : undefined;
  if (armed) raw.blocktime = { ...armed, ...(typeof blocktime === 'string' ? { error: blocktime } : blocktime) };
  return {
    startedAt,
    commandStartedAt,
    commandEndedAt,
    result: ran.result,
    failure: watch.kubevirt?.action === 'abort' && watch.kubevirt.accepted && ran.failure ? `the kubevirt policy aborted the job: ${watch.kubevirt.detail} (${ran.failure})` : ran.failure,
    abortReason: ran.abortReason,
    postcopySwitchMs: sw?.switchMs ?? watch.policySwitchMs,
    postcopySwitchDetail: sw?.detail,
    postcopySwitchReason: watch.switchReason,
    recovery: recovery && { recovered: recovery.recovered, recoveries: recovery.recoveries, pausedMs: recovery.pausedMs },
    connections: watch.connections,
    downtimeSteps: steps ? watch.downtimeSteps : undefined,
    kubevirt: watch.kubevirt,
    settings,
    qemuCpu: { source: sourceCpu, destination: destinationCpu },
    samples,
    qmp,
    blocktime,
    raw,
  };
}

/** How long the `postcopy` strategy's switch waits for the destination to be armed for blocktime. */
const ARM_GATE_MS = 5000;

/** A post-copy strategy with the domain's own QMP socket: the destination armed for blocktime while libvirt prepares it. */
function armDestination(ctx: TrialContext, trial: Trial, destination: LibvirtHost, t0: number): BlocktimeArm | undefined {
  const script = ctx.qmpSocket?.scripts.get(destination.spec.name);
  if (!ctx.qmpSocket || !script || trial.strategy.postcopy === 'none') return undefined;
  return armBlocktime(destination.remote, script, ctx.qmpSocket.path, t0, harnessDeadlineMs(ctx.experiment.timeout) / 1000);
}

function within(p: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([p, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

/**
 * The source's max downtime set to `ms`. Returns its undo: what it was put back on a guest that stayed (a job that
 * failed or was aborted); the host's guard does it if the controller dies first.
 */
async function setDowntime(ctx: TrialContext, source: LibvirtHost, ms: number, raw: Record<string, unknown>): Promise<() => Promise<void>> {
  const { domain } = ctx;
  const before = Number((await source.virsh.run(['migrate-getmaxdowntime', `--domain=${domain}`])).trim());
  if (!Number.isInteger(before) || before <= 0) throw new Error(`virsh migrate-getmaxdowntime gave no value for ${domain}`);
  const argv = ['sh', '-c', 'virsh -q -c "$1" migrate-setmaxdowntime --domain="$2" --downtime="$3" >/dev/null 2>&1; exit 0', 'migbench-max-downtime', source.virsh.uri, domain, String(before)];
  const marker = await ctx.undo.will(source.remote, `max downtime of ${domain} (${before} ms)`, argv);
  const undo = async () => {
    // the guest left: the command finds no domain here, which is fine
    await source.remote.exec(argv).catch(() => undefined);
    await ctx.undo.done(source.remote, marker).catch((err: unknown) => {
      raw.downtimeMarkerError = errorMessage(err);
    });
  };
  try {
    await source.virsh.run(['migrate-setmaxdowntime', `--domain=${domain}`, `--downtime=${ms}`]);
    raw.maxDowntimeReadBack = (await source.virsh.run(['migrate-getmaxdowntime', `--domain=${domain}`])).trim();
  } catch (err) {
    await undo();
    throw err;
  }
  return undo;
}

/** What the sampler saw and did while the job ran: connections counted, the policies' actions. */
interface JobWatch {
  readonly sampler: ReturnType<typeof startJobSampler>;
  switchReason: SwitchReason | undefined;
  policySwitchMs: number | undefined;
  connections: number | undefined;
  readonly downtimeSteps: AppliedStep[];
  kubevirt: MigrationOutcome['kubevirt'];
  /** Commands the watch sent, awaited before the outcome is read. */
  readonly pending: Array<Promise<unknown>>;
  /** `virsh migrate` returned: the policies stop acting (a post-copy resume job is not theirs). */
  ended: boolean;
}

/** Samples the job; counts the destination's connections once RAM flows; acts when a policy says. */
function watchJob(ctx: TrialContext, trial: Trial, source: LibvirtHost, destination: LibvirtHost, t0: number, raw: Record<string, unknown>, steps: DowntimeStepper | undefined): JobWatch {
  const { domain } = ctx;
  const s = trial.strategy;
  const policy = s.switchPolicy && s.postcopy === 'policy' ? new SwitchPolicy(s.switchPolicy.afterS * 1000, s.switchPolicy.minProgressPct) : undefined;
  const kubevirt = s.kubevirt ? new KubevirtMonitor(s.kubevirt, ctx.ramBytes ?? 0) : undefined;
  const virsh = (args: string[]) => {
    const p = source.virsh.exec(args).catch((err: unknown) => ({ code: -1, stdout: '', stderr: errorMessage(err) }));
    w.pending.push(p);
    return p;
  };
  let probes = 0;
  const w: JobWatch = {
    switchReason: undefined,
    policySwitchMs: undefined,
    connections: undefined,
    downtimeSteps: [],
    kubevirt: undefined,
    pending: [],
    ended: false,
    sampler: startJobSampler(source, domain, ctx.experiment.sample_hz, (sample) => {
      // once RAM flows, and again a little later: multifd's extra channels connect just after the main one
      const processed = sample.stats.memory_processed ?? 0;
      const total = sample.stats.memory_total ?? Infinity;
      if (!s.tunnelled && ((probes === 0 && processed > 0) || (probes === 1 && processed > total * 0.1))) {
        probes++;
        w.pending.push(countConnections(destination, domain).then((n) => (w.connections = Math.max(w.connections ?? 0, n ?? 0) || w.connections)));
      } else if (s.tunnelled && probes === 0 && processed > 0) probes++;
      if (w.ended) return;
      const postcopy = w.switchReason !== undefined || (sample.stats.memory_postcopy_requests ?? 0) > 0;
      ctx.onPhase?.({ phase: postcopy ? 'post-copy pull' : 'migrating', job: { remainingBytes: sample.stats.memory_remaining, iteration: sample.stats.memory_iteration, bytesPerSecond: sample.stats.memory_bps } });
      const elapsed = sample.stats.time_elapsed;
      const step = steps && elapsed !== undefined ? steps.observe(elapsed) : undefined;
      if (step !== undefined) {
        void virsh(['migrate-setmaxdowntime', `--domain=${domain}`, `--downtime=${step}`]).then((r) => w.downtimeSteps.push({ atMs: elapsed!, downtimeMs: step, accepted: r.code === 0 }));
      }
      // once in post-copy, KubeVirt has nothing left to decide
      const act = w.switchReason === undefined ? kubevirt?.observe(sample) : undefined;
      if (act) {
        void virsh(act.action === 'abort' ? ['domjobabort', `--domain=${domain}`] : ['migrate-postcopy', `--domain=${domain}`]).then((r) => {
          w.kubevirt = { ...act, atMs: elapsed ?? 0, accepted: r.code === 0 };
          raw.kubevirt = { ...w.kubevirt, stderr: r.stderr.trim() };
          if (act.action === 'postcopy' && r.code === 0) {
            w.switchReason = act.reason;
            w.policySwitchMs = performance.now() - t0;
          }
        });
      }
      const why = policy && w.switchReason === undefined ? policy.observe(sample) : undefined;
      if (why) {
        w.switchReason = why;
        void virsh(['migrate-postcopy', `--domain=${domain}`]).then((r) => {
          raw.policySwitch = { reason: why, code: r.code, stderr: r.stderr.trim(), elapsedMs: sample.stats.time_elapsed };
          if (r.code === 0) w.policySwitchMs = performance.now() - t0;
        });
      }
    }),
  };
  return w;
}

interface Ran {
  readonly result: ExecResult | undefined;
  readonly failure: string | undefined;
  readonly abortReason: 'timeout' | 'interrupted' | undefined;
}

/** `virsh migrate` on the source, aborted (domjobabort) at the harness's deadline or when the user interrupts. */
function startAbortable(ctx: TrialContext, trial: Trial, source: LibvirtHost, args: readonly string[], deadlineMs: number, raw: Record<string, unknown>): { ended: () => boolean; settled: Promise<Ran> } {
  let ended = false;
  const command = source.virsh.exec(args, { timeoutMs: deadlineMs + ABORT_GRACE_MS }).finally(() => {
    ended = true;
  });
  command.catch(() => undefined);
  let abortReason: Ran['abortReason'];
  let abortDone: Promise<void> | undefined;
  const abort = (reason: 'timeout' | 'interrupted') => {
    if (ended || abortReason) return;
    abortReason = reason;
    ctx.log.warn({ trial: trial.index, reason }, 'aborting the migration job');
    abortDone = source.virsh
      .exec(['domjobabort', `--domain=${ctx.domain}`])
      .then((r) => {
        raw.abort = { code: r.code, stderr: r.stderr.trim() };
      })
      .catch((err: unknown) => {
        raw.abort = { error: errorMessage(err) };
      });
  };
  const deadline = setTimeout(() => abort('timeout'), deadlineMs);
  const onSignal = () => abort('interrupted');
  ctx.signal?.addEventListener('abort', onSignal, { once: true });
  if (ctx.signal?.aborted) onSignal();
  const settled = (async (): Promise<Ran> => {
    let result: ExecResult | undefined;
    let failure: string | undefined;
    try {
      result = await command;
    } catch (err) {
      failure = errorMessage(err);
    } finally {
      clearTimeout(deadline);
      ctx.signal?.removeEventListener('abort', onSignal);
      await abortDone;
    }
    if (result) {
      raw.migrateResult = { code: result.code, stdout: result.stdout, stderr: result.stderr };
      if (result.code !== 0) failure = virshError(result.stderr) || `virsh migrate exited with status ${result.code}`;
    }
    return { result, failure, abortReason };
  })();
  return { ended: () => ended, settled };
}

/**
 * A post-copy whose connection broke: the guest runs on the destination, stalled on what is still on the source.
 * Recovered within the trial's bound, or the unrecoverable case (failed, the sweep stops). Undefined: nothing broke.
 */
async function recoverIfBroken(
  ctx: TrialContext,
  source: LibvirtHost,
  destination: LibvirtHost,
  args: readonly string[],
  ran: Ran,
  at: { readonly brokeAt: number | undefined; readonly commandStartedAt: number; readonly deadlineMs: number },
): Promise<{ recovery: PostcopyRecovery; ran: Ran } | undefined> {
  const { domain, log } = ctx;
  const seconds = ctx.experiment.timeout.seconds;
  if (!source.postcopyResume) return undefined;
  if (ran.abortReason === undefined && brokeInPostcopy(ran.failure)) {
    const recovery = await recoverPostcopy(source, domain, args, destination.spec.libvirtUri, at.brokeAt ?? Date.now(), at.commandStartedAt + at.deadlineMs, log, ctx.signal);
    if (recovery.recovered) return { recovery, ran: { ...ran, result: recovery.result, failure: undefined } };
    const last = recovery.attempts.at(-1)?.error;
    return { recovery, ran: { ...ran, failure: `post-copy paused (its migration connection broke) and could not be resumed within ${seconds} s${last ? ` (last try: ${last})` : ''}; first: ${ran.failure}` } };
  }
  if (ran.abortReason === 'timeout' && (await pausedInPostcopy(source, domain))) {
    // the bound passed while the broken migration could not even report it (the destination unreachable):
    // post-copy cannot be aborted, so this is the unrecoverable case, not a timeout
    const brokeAt = at.brokeAt ?? at.commandStartedAt + at.deadlineMs;
    const recovery: PostcopyRecovery = { result: undefined, recovered: false, recoveries: 0, pausedMs: Date.now() - brokeAt, attempts: [] };
    return { recovery, ran: { ...ran, abortReason: undefined, failure: `post-copy paused (its migration connection broke) and could not be resumed within ${seconds} s; virsh migrate: ${ran.failure ?? 'no answer'}` } };
  }
  return undefined;
}

/** Aborts the domain's migration job if one still runs; never fails (no job, or one in post-copy, is fine). */
export function abortJobArgv(uri: string, domain: string): string[] {
  return ['sh', '-c', 'virsh -q -c "$1" domjobabort --domain="$2" >/dev/null 2>&1; exit 0', 'migbench-abort-job', uri, domain];
}

/** TCP connections of the destination's QEMU process (the migration channels: one, or 1 + N with multifd). */
async function countConnections(host: LibvirtHost, domain: string): Promise<number | undefined> {
  const res = await host.remote
    .exec(['sh', '-c', 'pid=$(cat "/run/libvirt/qemu/$1.pid" 2>/dev/null || cat "/var/run/libvirt/qemu/$1.pid") && ss -Htnp state established | grep -c "pid=$pid,"', 'count', domain])
    .catch(() => undefined);
  const n = Number(res?.stdout.trim());
  return res && res.stdout.trim() !== '' && Number.isInteger(n) ? n : undefined;
}
