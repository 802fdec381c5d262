// The guard on a host (or the guest): one process per connection that holds the host's lock and undoes the
// sweep's changes there when the controller is gone. It lives as long as its SSH channel and hears a heartbeat
// from the controller every second. When the channel closes (controller killed, OOM, clean end) or the heartbeat
// stops for GUARD_SILENCE_S (a network cut that would hold the channel open for minutes), it runs the undo
// command of every marker left on the host; after a silence it also ends the SSH session it runs in, so that
// every other process of the sweep there (relay, writer, virsh streams) ends with its channel. The lock goes with
// it: a dead holder cannot leave a stale lock behind.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Host, RemoteProcess } from '../remote/host.js';
import { LockedError, RuntimeError } from '../errors.js';
import { scripts } from './host-marker.js';

/** The controller writes a heartbeat byte this often. */
export const HEARTBEAT_MS = 1000;
/** A guard that heard nothing for this long takes the controller as gone. Undo follows within a second or two. */
export const GUARD_SILENCE_S = 6;

export interface HostGuard {
  /** False once the guard process ended without release() (it fired, or its channel broke). */
  readonly alive: boolean;
  /** Ends the guard (which undoes any marker still on the host) and frees the host's lock. */
  release(): Promise<void>;
}

/** `lock: false` for the guest: it is guarded, but one sweep per host pair already keeps others off it. */
export async function guardHost(host: Host, sweepId: string, opts: { lock?: boolean } = {}): Promise<HostGuard> {
  // a dead controller's guard holds the lock while it undoes that sweep's changes (a second or two): wait for it
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      return await startGuard(host, sweepId, opts);
    } catch (err) {
      if (!(err instanceof HolderReleasing) || Date.now() > until) throw err instanceof HolderReleasing ? new LockedError(`${host.name} is still being cleaned up by the guard of a sweep whose controller is gone`, `wait a minute, then run again`) : err;
      await sleep(300);
    }
  }
}

class HolderReleasing extends Error {}

async function startGuard(host: Host, sweepId: string, opts: { lock?: boolean }): Promise<HostGuard> {
  const holder = JSON.stringify({ sweepId, controller: hostname(), pid: process.pid, since: new Date().toISOString() });
  let locked = false;
  const proc: RemoteProcess = host.start(['sh', '-c', scripts.guard, 'migbench-guard', holder, String(GUARD_SILENCE_S), opts.lock === false ? 'nolock' : 'lock'], {
    interactive: true,
    onLine: (line) => {
      if (line === 'locked') locked = true;
    },
  });
  let ended: { code: number | null; stderr: string } | undefined;
  proc.done.then(
    (r) => {
      ended = r;
    },
    (err: unknown) => {
      ended = { code: null, stderr: String(err) };
    },
  );
  const until = Date.now() + 15_000;
  while (!locked) {
    if (ended) {
      if (ended.code === 75) {
        const who = await describeHolder(host);
        if (who === undefined) throw new HolderReleasing();
        throw new LockedError(`${host.name} is in use by ${who}`, `wait for it to finish; one sweep per host at a time`);
      }
      const why = ended.code === 69 ? 'flock not found' : ended.stderr.trim() || `exit ${ended.code}`;
      throw new RuntimeError(`${host.name}: could not take the host lock: ${why}`, `install flock (util-linux)`);
    }
    if (Date.now() > until) {
      await proc.stop().catch(() => undefined);
      throw new RuntimeError(`${host.name}: the host lock did not answer within 15 s`, 'check that the host is not overloaded and flock(1) is installed there');
    }
    await sleep(20);
  }
  const heartbeat = setInterval(() => proc.write('.'), HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  void proc.done.finally(() => clearInterval(heartbeat)).catch(() => undefined);
  return {
    get alive() {
      return !released && ended === undefined;
    },
    async release() {
      released = true;
      clearInterval(heartbeat);
      await proc.stop().catch(() => undefined);
    },
  };
}

/** Who holds the host's lock; undefined while a guard is releasing it. */
async function describeHolder(host: Host): Promise<string | undefined> {
  const current = (await host.exec(['sh', '-c', scripts.readHolder])).stdout.trim();
  if (current === 'releasing') return undefined;
  try {
    const h = JSON.parse(current) as { sweepId: string; controller: string; pid: number; since: string };
    return `sweep ${h.sweepId} (pid ${h.pid} on ${h.controller}, since ${h.since})`;
  } catch {
    return 'another sweep';
  }
}
