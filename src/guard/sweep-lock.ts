// One sweep per host pair on this controller: a lock file in the state folder, created exclusively, naming its
// holder. A holder whose process is gone (or whose PID now belongs to another process) is stale: the next sweep
// takes the lock over and first cleans up what the dead one left (its undo journal lives in the same file).
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { HostSpec } from '../config/hosts.js';
import { LockedError } from '../errors.js';
import { isAlive, startTimeOf } from './process-identity.js';
import { stateDir } from './state-dir.js';

export interface UndoRecord {
  readonly id: string;
  readonly host: string;
  readonly argv: readonly string[];
  readonly what: string;
}

export interface SweepState {
  readonly pid: number;
  readonly startTime: string | undefined;
  readonly controller: string;
  readonly sweepId: string;
  readonly resultsDir: string | undefined;
  readonly hostsFile: string;
  readonly since: string;
  /** What the sweep did to hosts and has not undone yet (mirrors the markers on the hosts). */
  undo: UndoRecord[];
}

export function pairKey(a: HostSpec, b: HostSpec): string {
  const ids = [a, b].map((h) => `${h.ssh.user}@${h.address}:${h.ssh.port}`).sort();
  return createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);
}

export function lockPath(key: string): string {
  return join(stateDir(), 'pairs', `${key}.json`);
}

export function readState(path: string): SweepState | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SweepState;
  } catch {
    return undefined;
  }
}

export function describeHolder(s: SweepState): string {
  return `sweep ${s.sweepId} (pid ${s.pid} on ${s.controller}, since ${s.since}${s.resultsDir ? `, results in ${s.resultsDir}` : ''})`;
}

export function isStale(s: SweepState): boolean {
  return s.controller === hostname() && !isAlive(s.pid, s.startTime);
}

export class SweepLock {
  private constructor(
    readonly path: string,
    readonly state: SweepState,
    /** The state a dead holder left, whose undo journal must be replayed. */
    readonly inherited: SweepState | undefined,
  ) {}

  static acquire(key: string, init: Omit<SweepState, 'pid' | 'startTime' | 'controller' | 'since' | 'undo'>): SweepLock {
    const path = lockPath(key);
    mkdirSync(join(stateDir(), 'pairs'), { recursive: true, mode: 0o700 });
    const state: SweepState = { ...init, pid: process.pid, startTime: startTimeOf(process.pid), controller: hostname(), since: new Date().toISOString(), undo: [] };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, JSON.stringify(state, null, 2));
        closeSync(fd);
        return new SweepLock(path, state, undefined);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readState(path);
      if (holder && !isStale(holder)) {
        throw new LockedError(`these hosts are in use by ${describeHolder(holder)}`, `wait for it to finish, or stop it; one sweep per host pair at a time`);
      }
      // stale (or unreadable): take it over, keeping what it left to undo
      const taken = `${path}.stale-${process.pid}`;
      try {
        renameSync(path, taken);
      } catch {
        continue; // someone else took it first; look again
      }
      const fd = openSync(path, 'wx', 0o600);
      const inherited = holder ? { ...holder } : undefined;
      state.undo.push(...(holder?.undo ?? []));
      writeSync(fd, JSON.stringify(state, null, 2));
      closeSync(fd);
      rmSync(taken, { force: true });
      return new SweepLock(path, state, inherited);
    }
    throw new LockedError(`could not take the lock ${path}`, `another migbench is starting at the same time`);
  }

  save(): void {
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.state, null, 2), { mode: 0o600 });
    renameSync(`${this.path}.tmp`, this.path);
  }

  release(): void {
    const now = readState(this.path);
    if (now && now.pid === this.state.pid) rmSync(this.path, { force: true });
  }
}
