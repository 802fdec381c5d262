// Findings in words: only what Welch's test separates, in the study's own terms, each linked to its chart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findings, findingsText } from '../../src/report/findings.js';
import { reportHtml } from '../../src/report/html.js';
import { summarize } from '../../src/report/summary.js';
import type { TrialRow } from '../../src/results/read-trials.js';

const MiB = 2 ** 20;
const row = (strategy: string, o: Record<string, number | ''>): TrialRow => ({
  strategy, load: 'w614', delay_ms: '20', knobs: '', status: 'completed',
  ...Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)])),
});
const pre = (down: number, total: number) => row('precopy', { downtime_ms: down, total_time_ms: total, data_processed_bytes: 2100 * MiB });
const post = (events: number, total: number) => ({ ...row('postcopy', { downtime_ms: '', event_downtime_ms: events, total_time_ms: total, data_processed_bytes: 1000 * MiB, postcopy_blocktime_ms: 1500, phase_postcopy_ms: 7000 }), postcopy_used: 'yes' });

test('per load × delay: downtime cut with the stall and the pull, the bytes ratio; total time not separated is not said', () => {
  const rows = [pre(400, 7000), pre(420, 7600), pre(380, 6800), post(5, 7200), post(6, 6900), post(7, 7500)];
  const fs = findings(rows);
  assert.deepEqual(fs.map((f) => f.chart), ['downtime', 'bytes']);
  assert.match(fs[0]!.text, /^downtime: postcopy 6 ms ± 2 ms against precopy 400 ms ± 50 ms \(p = [\d.e-]+, partly libvirt's events' pause where QEMU reported none\), but postcopy's vCPUs stood blocked 1\.50 s by QEMU's count during a 7\.00 s page pull$/);
  assert.match(fs[1]!.text, /^precopy sent 2\.1× the bytes of postcopy \(2100 against 1000 MiB, p = /);
  assert.match(findingsText(fs), /^findings \(what the data separates, p < 0\.05, Welch\):\n {2}w614 20ms: downtime: postcopy 6 ms/);
  const html = reportHtml({ title: 't', meta: [], rows, cells: summarize(rows), raw: new Map(), timelineTrials: [] });
  assert.match(html, /<li><b>w614 20ms<\/b>: downtime: postcopy .*<a href="#chart-downtime">chart<\/a><\/li>/);
  assert.match(html, /<figure class="chart" id="chart-downtime"/);
});

test('two noisy trials each separate nothing, and it says so', () => {
  const bytes = (r: TrialRow, mib: number) => ({ ...r, data_processed_bytes: String(mib * MiB) });
  const rows = [bytes(pre(400, 7000), 2100), bytes(pre(90, 13_000), 900), bytes(post(5, 7200), 1000), bytes(post(300, 6900), 2000)];
  assert.deepEqual(findings(rows), []);
  assert.match(findingsText([]), /none the data separates/);
});

test('a small difference in bytes that the test separates is said as a percentage, not as 1.0×', () => {
  const b = (strategy: string, mib: number) => row(strategy, { downtime_ms: 10, total_time_ms: 1000, data_processed_bytes: mib * MiB });
  const fs = findings([b('precopy', 82), b('precopy', 82.1), b('precopy', 81.9), b('postcopy', 80.9), b('postcopy', 81), b('postcopy', 80.8)]);
  assert.match(fs.find((f) => f.chart === 'bytes')!.text, /^precopy sent 1\.4 % more bytes than postcopy \(82 against 81 MiB, p = /);
});
