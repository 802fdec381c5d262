// The fault cases an end-to-end file tries, each ending in the same leftover check, and the tally it prints at the
// end (the figures for the issue notes).
import assert from 'node:assert/strict';
import { runningOnExactlyOne, sweepLeftovers } from './test-lab.js';

export interface FaultCase {
  readonly fault: string;
  readonly leftovers: number;
  readonly lost: number;
  /** Seconds until the hosts were clean, where the case waited for that. */
  readonly cleanAfterS?: number;
}

export class FaultTally {
  readonly cases: FaultCase[] = [];

  /** `title`: what the first printed line counts, e.g. "fault cases". */
  constructor(readonly title: string) {}

  record(c: FaultCase): void {
    this.cases.push(c);
  }

  /** Tallies the case, then: nothing left on the hosts or in the guest, and the VM runs on exactly one host. */
  async assertClean(fault: string, extra: Partial<Omit<FaultCase, 'fault'>> = {}): Promise<void> {
    const left = await sweepLeftovers();
    this.record({ fault, leftovers: left.length, lost: 0, ...extra });
    assert.deepEqual(left, [], `${fault}: left behind`);
    assert.ok(runningOnExactlyOne(), `${fault}: the VM does not run on exactly one host`);
  }

  print(): void {
    const t = this.cases;
    process.stdout.write(`# ${this.title}: ${t.length}; left something behind: ${t.filter((c) => c.leftovers > 0).length}; trials lost: ${t.reduce((s, c) => s + c.lost, 0)}\n`);
    for (const c of t) process.stdout.write(`#   ${c.fault}: leftovers ${c.leftovers}, lost ${c.lost}${c.cleanAfterS === undefined ? '' : `, hosts clean ${c.cleanAfterS.toFixed(1)} s after`}\n`);
  }
}
