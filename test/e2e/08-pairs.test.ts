// Beyond one pair, on two labs: a pairs: hosts file runs the matrix on both pairs at once (a unit — a cell's two
// directions — per pair at a time), --shard splits a sweep over "machines", and report merges the folders.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { readTrials, type TrialRow } from '../../src/results/read-trials.js';
import { migbench } from '../support/cli.js';
import { e2eSkipReason } from '../support/e2e-env.js';
import { experiment } from '../support/experiment.js';
import { checkSummaryAgainstTrials } from '../support/summary-check.js';
import { runToEnd } from '../support/sweep.js';
import { HOSTS, PREFIX, useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-pairs-'));
// a second lab beside the test lab, as the second host pair
const LAB2 = ['--dir', process.env.MIGBENCH_E2E_DIR2 ?? '/tmp/migbench-e2e-lab2', '--prefix', process.env.MIGBENCH_E2E_PREFIX2 ?? 'mbu', '--subnet', process.env.MIGBENCH_E2E_SUBNET2 ?? '10.77.10'];
const HOSTS2 = join(LAB2[1]!, 'hosts.yaml');

/** The sweep "pairs" to its end on `hostsFile`, into WORK/NAME. */
async function pairsSweep(name: string, hostsFile: string, extra: string[] = []): Promise<{ dir: string; rows: TrialRow[]; stdout: string }> {
  // hybrid, not postcopy: with two TCG labs on two cores an idle guest's pre-copy can finish before post-copy's
  // switch takes effect, and such a trial is (rightly) recorded as failed — not what this file tests
  const exp = experiment(work, 'pairs', 'strategies: [precopy, hybrid]\nrepetitions: 2\nsettle_s: 0\n');
  const dir = join(work, name);
  return { dir, ...(await runToEnd(exp, dir, { hosts: hostsFile, extra })) };
}

const span = (r: TrialRow) => [Date.parse(r.started_at!), Date.parse(r.started_at!) + Number(r.wall_time_ms)] as const;

describe('several host pairs, shards, merged reports', { skip }, () => {
  before(async () => {
    await useTestLab();
    const up = await migbench(['lab', 'up', ...LAB2]);
    assert.equal(up.code, 0, `second lab: ${up.stderr}`);
  });
  after(async () => {
    await migbench(['lab', 'down', LAB2[0]!, LAB2[1]!]);
    rmSync(work, { recursive: true, force: true });
  });

  test('a pairs: file runs the matrix on both pairs in parallel; each row names its pair', async (t) => {
    const pair = (name: string, file: string) => {
      const h = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      return { name, domain: h.domain, ssh: h.ssh, hosts: h.hosts, guest: h.guest };
    };
    const file = join(work, 'pairs-hosts.yaml');
    writeFileSync(file, stringify({ pairs: [pair('lab1', HOSTS), pair('lab2', HOSTS2)] }));
    const doctor = await migbench(['doctor', '--hosts', file]);
    assert.equal(doctor.code, 0, doctor.stdout);
    assert.match(doctor.stdout, /pair lab1:[\s\S]*pair lab2:/);
    const { rows, stdout } = await pairsSweep('both', file);
    assert.deepEqual(rows.map((r) => Number(r.trial_index)).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(rows.every((r) => r.status === 'completed'), stdout);
    const byPair = (p: string) => rows.filter((r) => r.pair === p);
    assert.ok(byPair('lab1').length >= 2 && byPair('lab2').length >= 2, `lab1 ${byPair('lab1').length}, lab2 ${byPair('lab2').length} trials`);
    for (const r of rows) assert.match(r.source!, r.pair === 'lab1' ? new RegExp(`^${PREFIX}[AB]$`) : /^mbu[AB]$/);
    // units stay whole on one pair: trial 2k (a-to-b) and 2k+1 (b-to-a) ran on the same pair
    for (let i = 0; i < 8; i += 2) assert.equal(rows.find((r) => Number(r.trial_index) === i)!.pair, rows.find((r) => Number(r.trial_index) === i + 1)!.pair);
    // in parallel: some migration of one pair overlaps one of the other
    const overlap = byPair('lab1').some((a) => byPair('lab2').some((b) => span(a)[0] < span(b)[1] && span(b)[0] < span(a)[1]));
    assert.ok(overlap, 'no migration of lab1 overlapped one of lab2');
    t.diagnostic(`lab1 ran ${byPair('lab1').length} trials, lab2 ${byPair('lab2').length}; migrations overlapped`);
  });

  test('--shard i/n splits one sweep; report merges the shards into one summary', async () => {
    const s1 = await pairsSweep('shard1', HOSTS, ['--shard', '1/2']);
    const s2 = await pairsSweep('shard2', HOSTS2, ['--shard', '2/2']);
    const i1 = s1.rows.map((r) => Number(r.trial_index));
    const i2 = s2.rows.map((r) => Number(r.trial_index));
    assert.deepEqual([...i1, ...i2].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7], 'the shards are disjoint and complete');
    assert.deepEqual(i1, [0, 1, 4, 5]);
    assert.match(s1.stdout, /4 trials \(shard 1\/2\)/);
    const merged = join(work, 'merged');
    const r = await migbench(['report', s1.dir, s2.dir, '--out', merged]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readTrials(join(merged, 'trials.csv')).length, 8);
    const checked = checkSummaryAgainstTrials(merged, ['downtime_ms', 'total_time_ms', 'data_processed_bytes']);
    assert.ok(checked >= 6, `${checked} summary lines checked`);
    assert.match(readFileSync(join(merged, 'summary.csv'), 'utf8'), /\nprecopy,idle,0,,,4,4,0,0,total_time_ms,ms,4,/);
    const noOut = await migbench(['report', s1.dir, s2.dir]);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /2 results folders are merged into one report — say where it goes with --out DIR/);
    const resume = await migbench(['run', '--resume', s1.dir, '--shard', '2/2']);
    assert.equal(resume.code, 2);
    assert.match(resume.stderr, /--shard 2\/2 differs from the sweep's own \(1\/2\) — resume without --shard/);
  });
});
