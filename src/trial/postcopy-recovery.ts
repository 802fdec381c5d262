// A post-copy migration whose connection broke after the switch: QEMU pauses it on both sides (postcopy-paused)
// and the guest, running on the destination, stalls on every page still on the source. `virsh migrate` returns
// "failed in post-copy phase". This waits for the path, retrying `virsh migrate --postcopy-resume` (the same
// arguments) until it is accepted or the trial's bound passes, and says how long the migration was paused.
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../errors.js';
import type { EventStream } from '../libvirt/events.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import type { Logger } from '../log/logger.js';
import type { ExecResult } from '../remote/host.js';
import { Virsh, virshError } from '../libvirt/virsh.js';

export interface PostcopyRecovery {
  /** The resume that completed the migration, if one did. */
  readonly result: ExecResult | undefined;
  readonly recovered: boolean;
  /** Resumes that reconnected the two sides (one per break). */
  readonly recoveries: number;
  /** Controller time the migration spent paused: from each break until a resume was under way again. */
  readonly pausedMs: number;
  readonly attempts: Array<{ at: number; code: number | null; error: string }>;
}

/**
 * A break only one side saw: the destination paused post-copy ("Resumed Post-copy Error" there) while the source,
 * waiting for page requests, writes nothing and so never learns. Pausing the source as well (virsh domjobabort
 * --postcopy, QEMU's migrate-pause) makes `virsh migrate` return, and the recovery below can begin.
 */
export function watchForOneSidedBreak(destination: EventStream, source: LibvirtHost, domain: string, since: number, isOver: () => boolean, log: Logger): { stop(): void; pausedAt(): number | undefined } {
  let pausedAt: number | undefined;
  const timer = setInterval(() => {
    if (pausedAt !== undefined || isOver()) return;
    const event = destination.between(domain, since, Date.now()).find((e) => /post-copy error/i.test(e.detail));
    if (!event) return;
    pausedAt = event.receivedAt;
    log.warn({ on: destination.host.spec.name, event: event.detail }, 'post-copy broke on the destination; pausing the source too');
    void source.virsh.exec(['domjobabort', '--postcopy', `--domain=${domain}`]).catch(() => undefined);
  }, 250);
  return { stop: () => clearInterval(timer), pausedAt: () => pausedAt };
}

/** The failure of a migration that broke after the switch to post-copy (libvirt ≥ 8.5 keeps it paused, resumable). */
export function brokeInPostcopy(failure: string | undefined): boolean {
  return failure !== undefined && /(failed|paused) in post-copy phase|post-copy (phase )?failed/i.test(failure);
}

type Phase = 'paused' | 'running' | 'done';

/** virsh under the watchdog, so that a resume still waiting at the bound is ended, not left on the host. */
async function runBounded(source: LibvirtHost, args: readonly string[], ms: number): Promise<ExecResult> {
  const proc = source.remote.start(source.virsh.argv(args));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    const r = await Promise.race([proc.done, late]);
    if (r) return r;
    await proc.stop().catch(() => undefined);
    throw new Error(`virsh migrate --postcopy-resume did not return within ${Math.round(ms / 1000)} s`);
  } finally {
    clearTimeout(timer);
  }
}

/** Where the broken migration stands, from the source's state: paused, running again, or over (source shut off). */
async function phaseOf(source: LibvirtHost, domain: string): Promise<Phase | undefined> {
  const state = await source.virsh.domState(domain).catch(() => undefined);
  if (!state) return undefined;
  if (state.state === 'shut off' || state.state === 'shutoff') return 'done';
  if (/post-copy failed/.test(state.reason ?? '')) return 'paused';
  return /post-copy/.test(state.reason ?? '') ? 'running' : undefined;
}

/** Whether the source holds the migration paused in post-copy (its connection broke after the switch). */
export async function pausedInPostcopy(source: LibvirtHost, domain: string): Promise<boolean> {
  return (await phaseOf(source, domain)) === 'paused';
}

/** Whether the source reaches the destination's libvirt (the way the resume goes): within 5 s, or not. */
async function destinationAnswers(source: LibvirtHost, desturi: string): Promise<boolean> {
  const res = await source.remote.exec(['timeout', '5', ...new Virsh(source.remote, desturi).argv(['uri'])], { timeoutMs: 10_000 }).catch(() => undefined);
  return res?.code === 0;
}

export async function recoverPostcopy(source: LibvirtHost, domain: string, args: readonly string[], desturi: string, brokeAt: number, untilMs: number, log: Logger, signal?: AbortSignal): Promise<PostcopyRecovery> {
  const attempts: PostcopyRecovery['attempts'] = [];
  let pausedMs = 0;
  let recoveries = 0;
  let pausedSince: number | undefined = brokeAt;
  // set by the watch below (as Phase: assignments in a closure do not widen the narrowed type)
  let phase = 'paused' as Phase | undefined;
  // the source's state, four times a second, all through: QEMU may recover (or break again) between resumes
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const now = await phaseOf(source, domain);
      if (now === 'paused' && pausedSince === undefined) pausedSince = Date.now();
      if ((now === 'running' || now === 'done') && pausedSince !== undefined) {
        pausedMs += Date.now() - pausedSince;
        pausedSince = undefined;
        recoveries++;
      }
      if (now) phase = now;
      if (now === 'done') return;
      await sleep(250);
    }
  })();
  const finish = async (result: ExecResult | undefined, recovered: boolean): Promise<PostcopyRecovery> => {
    watching = false;
    await watch;
    if (pausedSince !== undefined) {
      pausedMs += Date.now() - pausedSince;
      if (recovered) recoveries++;
    }
    return { result, recovered, recoveries, pausedMs, attempts };
  };
  // a first pause: a link that just broke is seldom back at once, and a resume that breaks in its handshake can
  // leave libvirt (9.0) waiting for good
  let wait = 1000;
  await sleep(wait, undefined, { signal }).catch(() => undefined);
  while (Date.now() < untilMs && !signal?.aborted) {
    if (phase === 'done') return finish(undefined, true);
    if (phase === 'paused' && !(await destinationAnswers(source, desturi))) {
      wait = 1000; // the path is still down: no resume into it (one that breaks in its handshake can wedge libvirt)
    } else if (phase === 'paused') {
      const at = Date.now();
      log.warn({ host: source.spec.name, pausedMs: at - (pausedSince ?? at) }, 'post-copy is paused (the migration connection broke); resuming it');
      let result: ExecResult | undefined;
      let error = '';
      try {
        result = await runBounded(source, [...args, '--postcopy-resume'], Math.max(1000, untilMs - at));
        error = result.code === 0 ? '' : virshError(result.stderr) || `exit ${result.code}`;
      } catch (err) {
        error = errorMessage(err);
      }
      attempts.push({ at, code: result?.code ?? null, error });
      if (result?.code === 0) return finish(result, true);
      wait = Math.min(wait * 2, 4000);
    } else {
      wait = 250; // running again without libvirt's job (QEMU recovered on its own): wait for it to end
    }
    await sleep(wait, undefined, { signal }).catch(() => undefined);
  }
  return finish(undefined, phase === 'done');
}
