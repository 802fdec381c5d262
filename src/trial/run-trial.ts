// One trial = one migration: start `virsh migrate`, switch to post-copy if the strategy says so, bound it by
// the harness deadline, then read the completed job statistics and check where the VM runs now.
import { errorMessage } from '../errors.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import { migrateArgs } from '../libvirt/migrate-args.js';
import type { JobInfo } from '../libvirt/jobinfo.js';
import type { Logger } from '../log/logger.js';
import type { Trial } from '../plan/trial.js';
import type { ExecResult } from '../remote/host.js';
import type { TrialRecord, TrialStatus } from '../results/record.js';
import { describeStates, locateDomain } from './locate.js';
import { startPostcopySwitch } from './postcopy-switch.js';

export interface TrialContext {
  readonly sweepId: string;
  readonly domain: string;
  readonly hosts: readonly [LibvirtHost, LibvirtHost];
  /** The harness aborts the job (virsh domjobabort) after this long. */
  readonly migrationTimeoutMs: number;
  readonly ramBytes: number | undefined;
  readonly log: Logger;
  /** Aborted by SIGINT/SIGTERM: the running job is aborted and the trial is reported as interrupted. */
  readonly signal?: AbortSignal;
}

export interface TrialOutcome {
  readonly record: TrialRecord;
  /** True when the user interrupted the trial: it is not a measurement and must not become a row. */
  readonly interrupted: boolean;
  /** Everything behind the row, for raw.jsonl. */
  readonly raw: Record<string, unknown>;
}

/** Extra time the SSH command gets after the harness deadline, for domjobabort to take effect. */
const ABORT_GRACE_MS = 60_000;

export async function runTrial(ctx: TrialContext, trial: Trial, source: LibvirtHost, destination: LibvirtHost): Promise<TrialOutcome> {
  const { domain, log } = ctx;
  const args = migrateArgs({
    domain,
    strategy: trial.strategy,
    destinationUri: destination.spec.libvirtUri,
    migrateUri: destination.spec.migrateUri,
  });
  const raw: Record<string, unknown> = { migrate: source.virsh.argv(args) };
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  log.info({ trial: trial.index, strategy: trial.strategy.name, from: source.spec.name, to: destination.spec.name }, 'migration started');

  let ended = false;
  const migration = source.virsh.exec(args, { timeoutMs: ctx.migrationTimeoutMs + ABORT_GRACE_MS }).finally(() => {
    ended = true;
  });
  migration.catch(() => undefined);
  let abortReason: 'timeout' | 'interrupted' | undefined;
  let abortDone: Promise<void> | undefined;
  const abort = (reason: 'timeout' | 'interrupted') => {
    if (ended || abortReason) return;
    abortReason = reason;
    log.warn({ trial: trial.index, reason }, 'aborting the migration job');
    abortDone = source.virsh
      .exec(['domjobabort', `--domain=${domain}`])
      .then((r) => void (raw.abort = { code: r.code, stderr: r.stderr.trim() }))
      .catch((err: unknown) => void (raw.abort = { error: errorMessage(err) }));
  };
  const deadline = setTimeout(() => abort('timeout'), ctx.migrationTimeoutMs);
  const onSignal = () => abort('interrupted');
  ctx.signal?.addEventListener('abort', onSignal, { once: true });
  if (ctx.signal?.aborted) onSignal();

  const postcopySwitch = trial.strategy.postcopy === 'immediate' ? startPostcopySwitch(source, domain, t0, ctx.migrationTimeoutMs) : undefined;

  let result: ExecResult | undefined;
  let failure: string | undefined;
  try {
    result = await migration;
  } catch (err) {
    failure = errorMessage(err);
  } finally {
    clearTimeout(deadline);
    ctx.signal?.removeEventListener('abort', onSignal);
    await abortDone;
  }
  const wallTimeMs = performance.now() - t0;
  let postcopySwitchMs: number | undefined;
  if (postcopySwitch) {
    const sw = await postcopySwitch.finish();
    postcopySwitchMs = sw.switchMs;
    raw.postcopySwitch = sw;
  }
  if (result) raw.migrateResult = { code: result.code, stdout: result.stdout, stderr: result.stderr };
  if (result && result.code !== 0) failure = virshError(result.stderr) || `virsh migrate exited with status ${result.code}`;

  if (failure === undefined && postcopySwitch && postcopySwitchMs === undefined) {
    failure = 'the migration completed before libvirt accepted the switch to post-copy, so it ran as pre-copy';
  }
  let status: TrialStatus = failure === undefined ? 'completed' : abortReason === 'timeout' ? 'timeout' : 'failed';
  if (status === 'timeout') failure = `no completion within ${ctx.migrationTimeoutMs / 1000} s; job aborted (${failure})`;

  let job: JobInfo | undefined;
  if (status === 'completed') {
    job = await readCompleted(source, domain, raw, 'sourceJob');
    if (trial.strategy.postcopy === 'none') await readCompleted(destination, domain, raw, 'destinationJob');
    if (!job) failure = `migration completed but its statistics could not be read: ${String(raw.sourceJobError)}`;
  }

  // Where is the VM now? A completed migration must leave it running on the destination.
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

  const record: TrialRecord = {
    sweepId: ctx.sweepId,
    trial,
    source: source.spec.name,
    destination: destination.spec.name,
    startedAt,
    status,
    error: failure,
    wallTimeMs,
    job,
    postcopySwitchMs,
    ramBytes: ctx.ramBytes,
    libvirtVersion: source.versions.daemon ?? source.versions.library,
    qemuVersion: source.versions.hypervisor,
  };
  const interrupted = abortReason === 'interrupted' && status !== 'completed';
  log.info({ trial: trial.index, status, wallMs: Math.round(wallTimeMs), error: failure }, 'migration ended');
  return { record, interrupted, raw };
}

async function readCompleted(host: LibvirtHost, domain: string, raw: Record<string, unknown>, key: string): Promise<JobInfo | undefined> {
  try {
    const { text, info } = await host.virsh.completedJobInfo(domain, host.jobInfo);
    raw[key] = { host: host.spec.name, text, stats: info.stats, operation: info.operation, type: info.type, unknown: info.unknown };
    if (info.type === 'completed') return info;
    raw[`${key}Error`] = `${host.spec.name} reports job type "${info.type}" instead of completed statistics`;
    return undefined;
  } catch (err) {
    raw[`${key}Error`] = errorMessage(err);
    return undefined;
  }
}

/** "error: operation failed: domain is no longer running" → "operation failed: domain is no longer running". */
export function virshError(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('error:'))
    .map((l) => l.replace(/^error:\s*/, ''))
    .filter((l) => l !== '' && !/^Migration: \[/.test(l))
    .join('; ');
}
