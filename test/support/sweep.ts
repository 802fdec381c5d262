// Running a sweep from an end-to-end test: to its end, or in the background (start it, wait until its log says
// something), and reading its rows.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { readTrials, type TrialRow } from '../../src/results/read-trials.js';
import { migbench } from './cli.js';
import { experiment } from './experiment.js';
import { BIN, ROOT } from './paths.js';
import { HOSTS } from './test-lab.js';

/** `migbench run FILE --hosts HOSTS --out OUT EXTRA…` to its end, which must be exit 0: its rows and what it printed. */
export async function runToEnd(file: string, out: string, opts: { hosts?: string; extra?: readonly string[] } = {}): Promise<{ rows: TrialRow[]; stdout: string }> {
  const r = await migbench(['run', file, '--hosts', opts.hosts ?? HOSTS, '--out', out, ...(opts.extra ?? [])]);
  assert.equal(r.code, 0, `${basename(out)}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return { rows: readTrials(join(out, 'trials.csv')), stdout: r.stdout };
}

/** The experiment `name: NAME` + `yaml`, written to DIR/NAME.yaml and run to its end on the test lab into DIR/NAME: its rows. */
export async function sweep(dir: string, name: string, yaml: string): Promise<TrialRow[]> {
  return (await runToEnd(experiment(dir, name, yaml), join(dir, name))).rows;
}

/** `migbench ARGS…` as a child process that the test can signal. */
export function startMigbench(args: readonly string[], env: Record<string, string> = {}): ResultPromise {
  // no SIGKILL after a SIGTERM: the tests watch the clean stop, however long it takes
  return execa(process.execPath, [BIN, ...args], { cwd: ROOT, reject: false, env, forceKillAfterDelay: false });
}

/** `migbench run FILE --hosts HOSTS --out OUT` on the test lab, in the background. */
export function startSweep(file: string, out: string): ResultPromise {
  return startMigbench(['run', file, '--hosts', HOSTS, '--out', out]);
}

/**
 * startSweep, returned once the sweep's first migration has started (in an object: a child process is a promise,
 * which an async function would wait for).
 */
export async function sweepMidMigration(file: string, out: string, timeoutMs?: number): Promise<{ child: ResultPromise }> {
  const child = startSweep(file, out);
  await waitForLog(child, out, 'migration started', timeoutMs);
  return { child };
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
