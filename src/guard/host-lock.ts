// One sweep per host at a time, whichever controller runs it: a flock held on the host by a process that lives
// exactly as long as its SSH channel. When the controller dies, its connection closes, the process ends and the
// kernel drops the lock: a dead holder cannot leave a stale lock behind.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Host, RemoteProcess } from '../remote/host.js';
import { RuntimeError } from '../errors.js';
import { scripts } from './host-marker.js';
import { LockedError } from './sweep-lock.js';

export interface HostLock {
  release(): Promise<void>;
}

export async function lockHost(host: Host, sweepId: string): Promise<HostLock> {
  const holder = JSON.stringify({ sweepId, controller: hostname(), pid: process.pid, since: new Date().toISOString() });
  let locked = false;
  const proc: RemoteProcess = host.start(['sh', '-c', scripts.holdLock, 'migbench-lock', holder], {
    interactive: true,
    onLine: (line) => void (line === 'locked' && (locked = true)),
  });
  let ended: { code: number | null; stderr: string } | undefined;
  proc.done.then(
    (r) => void (ended = r),
    (err: unknown) => void (ended = { code: null, stderr: String(err) }),
  );
  const until = Date.now() + 15_000;
  while (!locked) {
    if (ended) {
      if (ended.code === 75) {
        const current = (await host.exec(['sh', '-c', scripts.readHolder])).stdout.trim();
        let who = 'another sweep';
        try {
          const h = JSON.parse(current) as { sweepId: string; controller: string; pid: number; since: string };
          who = `sweep ${h.sweepId} (pid ${h.pid} on ${h.controller}, since ${h.since})`;
        } catch {
          /* unknown holder */
        }
        throw new LockedError(`${host.name} is in use by ${who} — wait for it to finish; one sweep per host at a time`);
      }
      throw new RuntimeError(`${host.name}: could not take the host lock: ${ended.stderr.trim() || `exit ${ended.code}`} — is flock (util-linux) installed?`);
    }
    if (Date.now() > until) {
      await proc.stop().catch(() => undefined);
      throw new RuntimeError(`${host.name}: the host lock did not answer within 15 s`);
    }
    await sleep(20);
  }
  return {
    async release() {
      await proc.stop().catch(() => undefined);
    },
  };
}
