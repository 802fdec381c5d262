// Running a sweep in the background from an end-to-end test: start it, wait until its log says something, read
// its rows.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { readTrials, type TrialRow } from '../../src/results/read-trials.js';
import { BIN, ROOT } from './paths.js';

/** `migbench ARGS…` as a child process that the test can signal. */
export function startMigbench(args: readonly string[], env: Record<string, string> = {}): ResultPromise {
  // no SIGKILL after a SIGTERM: the tests watch the clean stop, however long it takes
  return execa(process.execPath, [BIN, ...args], { cwd: ROOT, reject: false, env, forceKillAfterDelay: false });
}

/** Waits until the sweep's log has `message`; fails at once if the sweep ended first. */
export async function waitForLog(child: ResultPromise, out: string, message: string, timeoutMs = 180_000): Promise<void> {
  let ended: string | undefined;
  void child.then((r) => (ended = `exit ${r.exitCode}: ${String(r.stderr)}`));
  const until = Date.now() + timeoutMs;
  const log = join(out, 'sweep.log');
  for (;;) {
    if (existsSync(log) && readFileSync(log, 'utf8').includes(`"msg":"${message}"`)) return;
    assert.equal(ended, undefined, `the sweep ended before "${message}"`);
    assert.ok(Date.now() < until, `"${message}" never logged`);
    await sleep(50);
  }
}

/** The rows of a results folder (none when it has no trials.csv yet). */
export function rowsOf(out: string): TrialRow[] {
  return existsSync(join(out, 'trials.csv')) ? readTrials(join(out, 'trials.csv')) : [];
}

/** The rows hold each planned trial exactly once. */
export function assertComplete(out: string, planned: number): void {
  const indexes = rowsOf(out).map((r) => Number(r.trial_index)).sort((a, b) => a - b);
  assert.deepEqual(indexes, [...Array(planned).keys()], 'trials.csv must hold every trial once');
}
