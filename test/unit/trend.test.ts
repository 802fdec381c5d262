// `migbench trend`: synthetic nightly sweeps with a known shift in one cell of the newest; the shift is flagged,
// the rest is not, and the command's table, chart and exit code say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { holm, trends, type TrendSweep } from '../../src/report/trend.js';
import { parseTrials } from '../../src/results/read-trials.js';
import { migbench, oneLineError } from '../support/cli.js';
import { seeded, syntheticRow } from '../support/synthetic.js';

const DAY = 86_400_000;
/** Night k: 96 trials (4 per cell); in `shifted` sweeps, precopy w100 20ms takes 1.5× its downtime. */
function night(k: number, shifted: boolean): TrendSweep {
  const rnd = seeded(100 + k);
  const id = `nightly-202601${String(k + 1).padStart(2, '0')}-020000`;
  const rows = Array.from({ length: 96 }, (_, i) => {
    const r = syntheticRow(i, rnd, id);
    if (shifted && r.strategy === 'precopy' && r.load === 'w100' && r.delay_ms === '20' && r.downtime_ms) r.downtime_ms = String(Math.round(Number(r.downtime_ms) * 1.5));
    return r;
  });
  return { sweepId: id, startedAt: Date.UTC(2026, 0, 1) + k * DAY, rows: parseTrials(stringify(rows, { header: true })) };
}

test("Holm's correction: step-down, monotone, untested left out", () => {
  assert.deepEqual(holm([0.01, undefined, 0.04, 0.03]), [0.03, undefined, 0.06, 0.06]);
  assert.deepEqual(holm([]), []);
});

test('a known shift in the newest sweep is flagged as a regression, in that cell and metric only', () => {
  const series = [0, 1, 2, 3, 4].map((k) => night(k, false));
  const lines = trends([...series, night(5, true)].reverse()); // given in any order: time decides
  const flagged = lines.filter((l) => l.verdict === 'regression' || l.verdict === 'improved');
  assert.deepEqual(flagged.map((l) => `${l.cell} ${l.metric} ${l.verdict}`), ['precopy w100 20ms downtime_ms regression']);
  const hit = flagged[0]!;
  assert.deepEqual(hit.points.map((p) => p.sweepId.slice(8, 16)), ['20260101', '20260102', '20260103', '20260104', '20260105', '20260106']);
  assert.ok(hit.test!.diff > 100 && hit.pHolm! < 0.05, `diff ${hit.test!.diff}, p ${hit.pHolm}`);
  assert.equal(lines.length, 24 * 3, 'every cell × downtime, total time, bytes');
  // the same series without the shift: nothing flagged
  assert.deepEqual(trends([...series, night(5, false)]).filter((l) => l.verdict === 'regression' || l.verdict === 'improved'), []);
});

test('migbench trend: the table, trend.html with the regression first, exit 3 with --fail-on-regression; one sweep is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'migbench-trend-'));
  try {
    const folders = [0, 1, 2, 3, 4, 5].map((k) => {
      const s = night(k, k === 5);
      const f = join(dir, s.sweepId);
      mkdirSync(f);
      writeFileSync(join(f, 'trials.csv'), stringify([...s.rows], { header: true }));
      writeFileSync(join(f, 'sweep.json'), JSON.stringify({ sweepId: s.sweepId, hostsFile: 'h.yaml', domain: 'vm', hosts: ['A', 'B'], planned: 96, startedAt: new Date(s.startedAt).toISOString(), runs: [] }));
      return f;
    });
    const html = join(dir, 'trend.html');
    const r = await migbench(['trend', ...folders, '--out', html, '--fail-on-regression']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^precopy w100 20ms\s+downtime_ms\s+6\s+\d+ ms ± \d+ \(n=5 sweeps\)\s+\d+ ms ± \d+ \(n=4\)\s+\+\d+\.\d %\s+\S+\s+REGRESSION$/m);
    assert.match(r.stdout, /1 regression\(s\) in the newest sweep/);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /<figure class="chart" id="chart-trend-0" data-chart="trend-0"><h3>precopy w100 20ms: downtime_ms — regression<\/h3>/);
    // the regression's chart has the newest point in red, and no other chart has red
    const figures = page.split('<figure ').slice(1);
    assert.match(figures[0]!, /fill="#c0392b"/);
    assert.equal(figures.filter((f) => f.includes('#c0392b')).length, 1);
    assert.equal((page.match(/<figure /g) ?? []).length, 72);
    const plain = await migbench(['trend', ...folders.slice(0, 5), '--out', html, '--quiet', '--fail-on-regression']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, '');
    const one = await migbench(['trend', folders[0]!, '--out', html]);
    assert.equal(one.code, 2);
    assert.match(oneLineError(one), /^migbench: trend needs two sweeps or more; one folder was given — give every results folder of the series/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
