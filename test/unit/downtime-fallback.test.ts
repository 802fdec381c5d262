// Downtime where QEMU left it out (issue 15): summaries, tables, charts and SLA take the events' pause for those
// trials and mark it; intervals of quantities that cannot be negative stop at 0; n < 3 says its interval means little.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { renderCharts } from '../../src/report/charts/chart.js';
import { reportHtml } from '../../src/report/html.js';
import { describe } from '../../src/report/stats.js';
import { summarize, summaryCsv, summaryTable } from '../../src/report/summary.js';
import type { TrialRow } from '../../src/results/read-trials.js';
import { checkSla, describeViolation, parseSla } from '../../src/sla/sla.js';

const row = (strategy: string, downtime: string, events: string, total: string): TrialRow => ({
  strategy, load: 'w614', delay_ms: '20', knobs: '', direction: 'a-to-b', status: 'completed', downtime_ms: downtime, event_downtime_ms: events, total_time_ms: total,
});
// the study's comparison at 20 ms: QEMU gave post-copy no downtime, the events did
const ROWS = [row('precopy', '409', '420', '7000'), row('precopy', '276', '290', '13617'), row('postcopy', '', '5', '7100'), row('postcopy', '', '7', '7300'), row('postcopy', '6', '9', '7200')];

test('a cell whose QEMU downtimes are missing takes the events, counted apart', () => {
  const [pre, post] = summarize(ROWS);
  assert.equal(post!.strategy, 'postcopy');
  assert.deepEqual([post!.stats.get('downtime_ms')!.n, post!.stats.get('downtime_ms')!.mean, post!.downtimeFromEvents], [3, 6, 2]);
  assert.equal(pre!.downtimeFromEvents, 0);
  assert.equal(pre!.stats.get('downtime_ms')!.mean, 342.5, "QEMU's own where it has one");
  const csv = parse(summaryCsv([pre!, post!]), { columns: true }) as Record<string, string>[];
  assert.equal(csv.find((l) => l.strategy === 'postcopy' && l.metric === 'downtime_ms')!.from_events, '2');
  assert.equal(csv.find((l) => l.strategy === 'postcopy' && l.metric === 'total_time_ms')!.from_events, '');
});

test('intervals stop at 0; two trials are flagged as meaning little', () => {
  // n = 2: t(1) = 12.7, so 7000 and 13617 ms give 10 309 ± 42 039 ms — below 0 without the floor
  assert.ok(describe([7000, 13617])!.ci95![0] < 0);
  assert.equal(describe([7000, 13617], 0)!.ci95![0], 0);
  const [pre] = summarize(ROWS);
  assert.equal(pre!.stats.get('total_time_ms')!.ci95![0], 0);
  const table = summaryTable(summarize(ROWS));
  assert.match(table, /^precopy .* 343 ±\d+† .* 10309 ±\d+†/m);
  assert.match(table, /^postcopy .* 6 ±\d+\* /m, 'three trials: no dagger; two from the events: a star');
  assert.match(table, /\* downtime from libvirt's events \(event_downtime_ms\) for trials where QEMU reported none$/m);
  assert.match(table, /† fewer than 3 trials: the interval means little$/m);
});

test('report.html: the substitute bar is hatched and footnoted, a thin interval dashed, nothing drawn below 0', async () => {
  const cells = summarize(ROWS);
  const { html } = await renderCharts(reportHtml({ title: 't', meta: [], rows: ROWS, cells, raw: new Map(), timelineTrials: [] }));
  assert.match(html, /<pattern id="downtime-hatch"/);
  assert.equal((html.match(/fill="url\(#downtime-hatch\)"/g) ?? []).length, 1, 'one hatched bar: post-copy downtime');
  assert.match(html, /Hatched: downtime from libvirt's events/);
  assert.match(html, /<td>6\*/);
  assert.match(html, /stroke-dasharray="2,2"/, 'a dashed whisker');
  assert.doesNotMatch(html, /\[-\d/, 'no interval printed below 0');
});

test('SLA on downtime uses the events where QEMU reported none, and says so', () => {
  const [pre, post] = checkSla(ROWS, parseSla('max:downtime_ms<=8'));
  assert.equal(pre!.ok, false);
  assert.equal(post!.value, 7);
  assert.equal(post!.ok, true, 'post-copy has a downtime to check, not a violation for lack of one');
  assert.equal(post!.fromEvents, 2);
  assert.match(describeViolation({ ...post!, ok: false }), /\(3 of 3 trials completed; 2 downtime\(s\) from the events, QEMU reported none\)$/);
});
