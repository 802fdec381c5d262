// `migbench metrics`: the Prometheus textfile, checked by Prometheus' own promtool (Debian's prometheus package,
// unpacked by .ci/install-deps), and its figures against a recomputation from trials.csv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { quantile } from 'simple-statistics';
import { labelValue } from '../../src/export/prometheus.js';
import { readTrials } from '../../src/results/read-trials.js';
import { migbench } from '../support/cli.js';
import { missingPart } from '../support/e2e-env.js';
import { syntheticCsv } from '../support/synthetic.js';

const PROMTOOL = process.env.MIGBENCH_PROMTOOL ?? ['/opt/migbench/prometheus/usr/bin/promtool', '/usr/bin/promtool'].find(existsSync);

function folder(id: string, seed: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'migbench-metrics-'));
  writeFileSync(join(dir, 'trials.csv'), syntheticCsv(48, seed));
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ sweepId: id, hostsFile: 'h.yaml', domain: 'vm', hosts: ['A', 'B'], planned: 48, startedAt: '2026-01-01T00:00:00.000Z', runs: [] }));
  return dir;
}

test('label values escape backslash, double quote and line feed', () => {
  assert.equal(labelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
});

test('two sweeps as a textfile that promtool accepts without a lint finding; quantiles, counts and SLA as computed from trials.csv', { skip: missingPart('Prometheus textfile test', PROMTOOL ? undefined : 'promtool is not installed (run .ci/install-deps, or set MIGBENCH_PROMTOOL)') }, async () => {
  const [a, b] = [folder('nightly-20260101-000000', 3), folder('nightly-20260102-000000', 4)];
  const prom = join(a, 'migbench.prom');
  try {
    const r = await migbench(['metrics', a, b, '--out', prom, '--sla', 'max:downtime_ms<=200,total_time_ms<=5000']);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(prom, 'utf8');
    const check = await execa(PROMTOOL!, ['check', 'metrics'], { input: text, reject: false });
    assert.equal(check.exitCode, 0, `promtool: ${check.stdout}${check.stderr}`);
    assert.equal(`${check.stdout}${check.stderr}`.trim(), '', 'no lint findings');

    // one cell recomputed: precopy, idle, 0 ms of the first sweep
    const rows = readTrials(join(a, 'trials.csv')).filter((t) => t.strategy === 'precopy' && t.load === 'idle' && t.delay_ms === '0');
    const ok = rows.filter((t) => t.status === 'completed');
    const cell = 'sweep="nightly-20260101-000000",strategy="precopy",load="idle",delay_ms="0",knobs=""';
    const sample = (name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1]);
    const totals = ok.map((t) => Number(t.total_time_ms) / 1000).sort((x, y) => x - y);
    assert.ok(Math.abs(sample(`migbench_total_time_seconds{${cell},quantile="0.5"}`) - quantile(totals, 0.5)) < 1e-9);
    assert.equal(sample(`migbench_total_time_seconds_count{${cell}}`), totals.length);
    for (const status of ['completed', 'failed', 'timeout']) assert.equal(sample(`migbench_trials{${cell},status="${status}"}`), rows.filter((t) => t.status === status).length, status);
    assert.match(text, /^migbench_sweep_duration_seconds\{sweep="nightly-20260102-000000"\} \d/m);
    assert.match(text, /^migbench_sla_ok\{sweep="nightly-20260101-000000",cell="precopy idle 0ms a-to-b",rule="max:downtime_ms<=200"\} [01]$/m);
    assert.match(text, /^# TYPE migbench_downtime_seconds summary$/m);

    const bad = await migbench(['metrics', a, '--sla', 'nonsense']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^migbench: --sla: cannot read "nonsense"/);
  } finally {
    for (const d of [a, b]) rmSync(d, { recursive: true, force: true });
  }
});
