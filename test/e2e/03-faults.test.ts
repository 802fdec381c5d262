// Whatever happens to a trial, nothing the harness did is left behind: a trial that times out, and a sweep
// interrupted with SIGINT in the middle of a migration.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrials } from '../../src/results/read-trials.js';
import { migbench } from '../support/cli.js';
import { e2eSkipReason } from '../support/e2e-env.js';
import { experiment } from '../support/experiment.js';
import { sweepMidMigration } from '../support/sweep.js';
import { HOSTS, runningOnExactlyOne, sweepLeftovers, useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-faults-'));

// A writer as fast as it can go behind a 50 ms delay: pre-copy cannot converge in a few seconds.
const HOPELESS = `strategies: [precopy]
loads:
  - {name: wmax, size: "60%", rate_mib_s: 0}
delays_ms: [50]
directions: a-to-b
warmup_s: 1
settle_s: 0
`;

describe('cleanup when trials go wrong', { skip }, () => {
  before(useTestLab);
  after(() => rmSync(work, { recursive: true, force: true }));

  test('a trial that reaches its timeout is aborted and recorded as such; the sweep goes on; nothing is left', async () => {
    const file = experiment(work, 'timeout', `${HOPELESS}repetitions: 2\ntimeout: {seconds: 4, action: abort}\n`);
    const out = join(work, 'timeout');
    const r = await migbench(['run', file, '--hosts', HOSTS, '--out', out]);
    assert.equal(r.code, 0, `a timeout is a result, not a failure:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /2 of 2 trials recorded .*; 2 reached their timeout/);
    const rows = readTrials(join(out, 'trials.csv'));
    assert.equal(rows.length, 2, 'both trials are recorded');
    for (const row of rows) {
      assert.equal(row.status, 'timeout');
      assert.match(row.error ?? '', /no completion within 4 s; job aborted/);
      assert.equal(row.timeout_fired, 'yes');
      assert.equal(row.timeout_action, 'abort');
    }
    assert.deepEqual(await sweepLeftovers(), []);
    assert.ok(runningOnExactlyOne(), 'the VM runs on exactly one host after aborted migrations');
  });

  test('a trial that fails before migrating (the writer cannot reach its rate) leaves nothing behind', async () => {
    const file = experiment(work, 'failed', 'strategies: [postcopy]\nloads:\n  - {name: impossible, size: 64, rate_mib_s: 1000000}\ndelays_ms: [30]\ndelay: {method: proxy}\ndirections: a-to-b\nwarmup_s: 1\n');
    const out = join(work, 'failed');
    const r = await migbench(['run', file, '--hosts', HOSTS, '--out', out]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /1 of 1 trials failed/);
    const [row] = readTrials(join(out, 'trials.csv'));
    assert.equal(row?.status, 'failed');
    assert.match(row?.error ?? '', /memwriter reached .* MiB\/s during warm-up, below 80% of the asked 1000000\.0 MiB\/s/);
    assert.equal(row?.delay_method, 'proxy', 'the relay was started before the writer failed');
    assert.deepEqual(await sweepLeftovers(), []);
    assert.ok(runningOnExactlyOne());
  });

  test('SIGINT in the middle of a migration: the job is aborted, nothing is recorded for it, nothing is left', async () => {
    const file = experiment(work, 'sigint', `${HOPELESS}repetitions: 3\ntimeout: {seconds: 120, action: abort}\n`);
    const out = join(work, 'sigint');
    const { child } = await sweepMidMigration(file, out, 120_000);
    await sleep(1500); // well inside the migration
    child.kill('SIGINT');
    const r = await child;
    assert.equal(r.exitCode, 130, `${r.stdout}\n${r.stderr}`);
    assert.match(String(r.stderr), /interrupted after 0 of 3 trials/);
    assert.equal(readTrials(join(out, 'trials.csv')).length, 0, 'an interrupted trial is not a measurement');
    const raw = readFileSync(join(out, 'raw.jsonl'), 'utf8');
    assert.match(raw, /"event":"trial-interrupted"/);
    assert.match(raw, /"abort":\{"code":0/);
    assert.deepEqual(await sweepLeftovers(), []);
    assert.ok(runningOnExactlyOne(), 'the VM runs on exactly one host after the interrupted migration');
  });
});
