// Report arithmetic, checked against independent recomputation: summary.csv from trials.csv, Welch against a
// published example, recommend's verdicts, and report.html being self-contained with every chart drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, welch } from '../../src/report/stats.js';
import { renderCharts } from '../../src/report/charts/chart.js';
import { costSection } from '../../src/report/cost.js';
import { recommend } from '../../src/report/recommend.js';
import { summarize } from '../../src/report/summary.js';
import { readTrials, type TrialRow } from '../../src/results/read-trials.js';
import { migbench } from '../support/cli.js';
import { checkSummaryAgainstTrials, close } from '../support/summary-check.js';
import { syntheticCsv } from '../support/synthetic.js';

test('describe: mean, median, sample sd and the t interval of a known sample', () => {
  const d = describe([2, 4, 4, 4, 5, 5, 7, 9])!;
  assert.equal(d.mean, 5);
  assert.equal(d.median, 4.5);
  close(d.sd!, Math.sqrt(32 / 7), 1e-12, 'sd');
  close(d.ci95![1] - d.mean, 2.365 * Math.sqrt(32 / 7) / Math.sqrt(8), 1e-3, 'CI half width (t 7 df = 2.365)');
  const one = describe([42])!;
  assert.equal(one.sd, undefined, 'one value has no spread');
  assert.equal(one.ci95, undefined, 'and no interval');
  assert.equal(describe([]), undefined);
});

test("Welch's t test matches the textbook example (t = -2.46, df = 24.9, p = 0.021)", () => {
  const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
  const w = welch(a2, a1)!;
  close(w.diff, 20.82 - 22.99, 0.01, 'difference of means');
  close(w.p, 0.021, 0.05, 'p');
  assert.ok(w.ci95[0] < w.diff && w.diff < w.ci95[1] && w.ci95[1] < 0, 'the interval excludes 0');
  assert.equal(welch([1], [2, 3]), undefined, 'one value cannot be tested');
});

test('summary.csv agrees with a recomputation from trials.csv; failed and timed-out trials are counts, not zeros', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'migbench-report-'));
  try {
    writeFileSync(join(dir, 'trials.csv'), syntheticCsv(24 * 5, 7));
    const r = await migbench(['report', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /strategy\s+load\s+delay ms/);
    const checked = checkSummaryAgainstTrials(dir, ['downtime_ms', 'total_time_ms', 'data_processed_bytes', 'probe_outage_ms']);
    assert.ok(checked >= 4 * 24, `checked ${checked} cell metrics`);
    assert.ok(readTrials(join(dir, 'trials.csv')).some((t) => t.status !== 'completed'), 'the synthetic data has failures to count');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function rows(spec: Record<string, Array<number | 'failed'>>, column = 'total_time_ms'): TrialRow[] {
  return Object.entries(spec).flatMap(([strategy, values]) =>
    values.map((v) => ({ strategy, load: 'w', delay_ms: '0', knobs: '', status: v === 'failed' ? 'failed' : 'completed', [column]: v === 'failed' ? '' : String(v), downtime_ms: '10' })),
  );
}

test('recommend: names the best with the difference and its interval, or says the data cannot separate them', () => {
  const clear = recommend(rows({ precopy: [1000, 1010, 990, 1005], postcopy: [600, 610, 590, 605] }), 'total-time')[0]!;
  assert.equal(clear.best?.strategy, 'postcopy');
  assert.match(clear.verdict, /^postcopy: 400 ms less than precopy \(40 % less; 95 % CI of the difference \d+ to \d+, p = /);
  const blurred = recommend(rows({ precopy: [1000, 700, 1300], postcopy: [950, 1250, 720] }), 'total-time')[0]!;
  assert.match(blurred.verdict, /^cannot separate /);
  const failing = recommend(rows({ precopy: [1000, 'failed'], postcopy: [1200, 1300] }), 'total-time')[0]!;
  assert.equal(failing.best?.strategy, 'postcopy', 'a strategy with failed trials is not recommended');
  assert.deepEqual(failing.excluded, ['precopy: 1 of 2 trials did not complete']);
  const capped = recommend(rows({ precopy: [1000, 1001], postcopy: [1200, 1300] }), 'total-time', 5)[0]!;
  assert.equal(capped.best, undefined, 'no strategy meets a 5 ms downtime cap');
  assert.equal(capped.verdict, 'no strategy qualifies');
});

test('report.html is one self-contained file: every chart is an SVG with data, nothing fetched from the network', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'migbench-report-'));
  try {
    writeFileSync(join(dir, 'trials.csv'), syntheticCsv(48, 3));
    assert.equal((await migbench(['report', dir, '--quiet'])).code, 0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.doesNotMatch(html, /<script|<link|\bsrc=|url\((?!#)/i, 'no scripts, stylesheets or fetched resources');
    // each chart's Vega-Lite spec beside the report, one per figure
    const specs = readdirSync(join(dir, 'charts', 'report')).filter((f) => f.endsWith('.vl.json'));
    assert.equal(specs.length, (html.match(/<figure class="chart"/g) ?? []).length - (html.match(/class="no-data"/g) ?? []).length);
    assert.match(JSON.parse(readFileSync(join(dir, 'charts', 'report', 'downtime.vl.json'), 'utf8')).$schema, /vega-lite\/v6/);
    const charts = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    const drawn = charts.filter((c) => !/class="no-data"/.test(c));
    assert.ok(drawn.length >= 6, `${drawn.length} charts with data`);
    for (const c of drawn) assert.match(c, /<(rect|circle|path|polyline)\b/, 'each chart draws something');
    // without raw.jsonl there are no samples: the timelines say so instead of drawing empty axes
    for (const c of charts.filter((x) => /class="no-data"/.test(x))) assert.match(c, /no data: no samples were recorded/);
    const timelines = (h: string) => h.match(/data-chart="timeline-/g)?.length ?? 0;
    assert.equal(timelines(html), 24, 'one timeline per cell by default');
    assert.equal((await migbench(['report', dir, '--quiet', '--timelines', 'all'])).code, 0);
    assert.equal(timelines(readFileSync(join(dir, 'report.html'), 'utf8')), 48, '--timelines all: one per trial');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report: the time breakdown, the link floor and the CPU charts where trials measured them, left out where not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'migbench-report-'));
  try {
    writeFileSync(join(dir, 'trials.csv'), syntheticCsv(16, 5));
    const rows = readTrials(join(dir, 'trials.csv'));
    assert.equal(costSection(summarize(rows.map((r) => ({ ...r, phase_precopy_ms: '', bound_total_ms: '', src_qemu_cpu_ms: '', dst_qemu_cpu_ms: '' })))), '', 'nothing measured: no section');
    const phases = { phase_prepare_ms: '400', phase_setup_ms: '2', phase_precopy_ms: '600', phase_stop_copy_ms: '200', phase_postcopy_ms: '0', phase_finish_ms: '1500', wall_time_ms: '2702' };
    const { html } = await renderCharts(costSection(summarize(rows.map((r) => ({ ...r, ...phases, bound_total_ms: '300', src_qemu_cpu_ms: '800', dst_qemu_cpu_ms: '1500' })))));
    for (const id of ['phases', 'total-vs-bound', 'qemu-cpu']) assert.match(html, new RegExp(`data-chart="${id}"`));
    assert.doesNotMatch(html, /no-data/);
    // six stacked segments per bar in the breakdown
    const breakdown = html.slice(html.indexOf('data-chart="phases"'), html.indexOf('data-chart="total-vs-bound"'));
    const bars = /<g class="mark-rect role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/.exec(breakdown)?.[1] ?? '';
    assert.equal((bars.match(/<path/g) ?? []).length, 6 * summarize(rows).filter((c) => c.completed > 0).length, 'six segments in the bar of each cell that completed a trial');
    const noLink = costSection(summarize(rows.map((r) => ({ ...r, ...phases, bound_total_ms: '' }))));
    assert.doesNotMatch(noLink, /total-vs-bound/, 'no link measured: no floor chart');
    assert.doesNotMatch(html, /postcopy-stall/, 'no blocktime measured: no stall chart');
    const stall = costSection(summarize(rows.map((r) => (r.strategy === 'postcopy' ? { ...r, postcopy_blocktime_ms: '0', guest_max_gap_ms: '900' } : r))));
    const chart = stall.slice(stall.indexOf('data-chart="postcopy-stall"'));
    assert.match(chart, /QEMU blocktime.*guest gap.*probe outage/s, 'the three views side by side');
    assert.doesNotMatch(chart, /precopy ·/, 'only the cells that measured blocktime (a 0 included)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report and recommend: bad input is one line and exit 2', async () => {
  const missing = await migbench(['report', '/nonexistent/results']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr.trim(), /^migbench: \/nonexistent\/results has no trials\.csv — give a results folder/);
  const goal = await migbench(['recommend', '/tmp', '--goal', 'speed']);
  assert.equal(goal.code, 2);
  assert.match(goal.stderr.trim(), /--goal must be one of: downtime, total-time, bytes, service-latency/);
});
