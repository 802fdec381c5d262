// The undo journal: before migbench changes anything on a host that would outlive it (a qdisc, an uploaded
// folder, a running migration job), it writes a marker there — and in the controller's state file — holding the
// command that undoes it. The change's own code undoes it and removes the marker; if migbench dies first, the
// host's guard (host-guard.ts) runs the command within seconds, and failing that the next run (or `migbench
// cleanup`) finds the marker and runs it.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Host } from '../remote/host.js';
import { run } from '../remote/host.js';
import { commandLine } from '../remote/quote.js';
import { errorMessage } from '../errors.js';
import { scripts } from './host-marker.js';
import type { SweepLock, UndoRecord } from './sweep-lock.js';

export interface Marker {
  readonly id: string;
  readonly argv: string[];
  readonly what: string;
  readonly sweepId: string;
}

export interface Undo {
  /** Records how to undo something about to be done on `host`; returns its id. */
  will(host: Host, what: string, argv: readonly string[]): Promise<string>;
  /** The change was undone by its own code: forget it. */
  done(host: Host, id: string): Promise<void>;
}

export class Journal implements Undo {
  constructor(
    private readonly lock: SweepLock,
    private readonly sweepId: string,
  ) {}

  async will(host: Host, what: string, argv: readonly string[]): Promise<string> {
    const id = `${this.sweepId}-${randomBytes(4).toString('hex')}`;
    const marker: Marker & { controller: string; pid: number; at: string } = {
      id, argv: [...argv], what, sweepId: this.sweepId, controller: hostname(), pid: process.pid, at: new Date().toISOString(),
    };
    this.lock.state.undo.push({ id, host: host.name, argv: [...argv], what });
    this.lock.save();
    await run(host, ['sh', '-c', scripts.writeMarker, 'migbench-marker', id, commandLine(argv)], { stdin: JSON.stringify(marker) });
    return id;
  }

  async done(host: Host, id: string): Promise<void> {
    await run(host, ['sh', '-c', scripts.removeMarker, 'migbench-marker', id]);
    this.forget([id]);
  }

  /**
   * Runs the undo command of every marker on `host` — left by a dead sweep, or by this one when a trial could not
   * undo its own change — and removes the markers. `keep`: this sweep's markers for changes that last the whole
   * sweep (uploaded helpers). Call only while holding the host's lock.
   */
  async replay(host: Host, keep: ReadonlySet<string> = new Set()): Promise<{ undone: string[]; failed: string[] }> {
    const undone: string[] = [];
    const failed: string[] = [];
    for (const m of await readMarkers(host)) {
      if (keep.has(m.id)) continue;
      try {
        const res = await host.exec(m.argv, { timeoutMs: 60_000 });
        if (res.code !== 0) throw new Error(res.stderr.trim() || `exit ${res.code}`);
        await this.done(host, m.id);
        undone.push(`${host.name}: ${m.what} (left by ${m.sweepId})`);
      } catch (err) {
        failed.push(`${host.name}: ${m.what}: ${errorMessage(err)}`);
      }
    }
    return { undone, failed };
  }

  private forget(ids: readonly string[]): void {
    this.lock.state.undo = this.lock.state.undo.filter((u: UndoRecord) => !ids.includes(u.id));
    this.lock.save();
  }
}

export async function readMarkers(host: Host): Promise<Marker[]> {
  const out = await run(host, ['sh', '-c', scripts.listMarkers]);
  const markers: Marker[] = [];
  for (const block of out.split('@@marker ').slice(1)) {
    const nl = block.indexOf('\n');
    try {
      const m = JSON.parse(block.slice(nl + 1)) as Marker;
      if (Array.isArray(m.argv) && m.argv.every((a) => typeof a === 'string')) markers.push({ ...m, id: block.slice(0, nl).trim() });
    } catch {
      /* a half-written marker is ignored */
    }
  }
  return markers;
}
