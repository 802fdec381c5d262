// Recomputes summary.csv from trials.csv with plain formulas (not the report's code) and compares every figure.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readTrials } from '../../src/results/read-trials.js';

/** Two-sided 95 % Student t quantiles from printed tables, by degrees of freedom. */
const T975: Record<number, number> = { 1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 9: 2.262, 10: 2.228, 20: 2.086, 30: 2.042 };

export function close(a: number, b: number, rel: number, what: string): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** Checks every summary.csv line of the given metrics; returns how many were checked. */
export function checkSummaryAgainstTrials(dir: string, metrics: readonly string[]): number {
  const trials = readTrials(join(dir, 'trials.csv'));
  const summary = parse(readFileSync(join(dir, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  let checked = 0;
  for (const s of summary.filter((x) => metrics.includes(x.metric!))) {
    const metric = s.metric!;
    const cell = trials.filter((t) => t.strategy === s.strategy && t.load === s.load && t.delay_ms === s.delay_ms && (t.knobs ?? '') === s.knobs && (s.direction === '' || t.direction === s.direction));
    // downtime: QEMU's, else libvirt's events' pause (counted in from_events)
    const value = (t: Record<string, string | undefined>) => (metric === 'downtime_ms' && t.downtime_ms === '' ? t.event_downtime_ms : t[metric]) ?? '';
    const ok = cell.filter((t) => t.status === 'completed' && value(t) !== '').map((t) => Number(value(t))).sort((x, y) => x - y);
    const what = `${s.strategy} ${s.load} ${s.delay_ms} ${metric}`;
    assert.equal(Number(s.trials), cell.length, `${what}: trials`);
    assert.equal(Number(s.failed), cell.filter((t) => t.status === 'failed').length, `${what}: failed`);
    assert.equal(Number(s.timeout), cell.filter((t) => t.status === 'timeout').length, `${what}: timeout`);
    assert.equal(Number(s.n), ok.length, `${what}: only completed trials are averaged`);
    if (metric === 'downtime_ms') assert.equal(Number(s.from_events), cell.filter((t) => t.status === 'completed' && t.downtime_ms === '' && t.event_downtime_ms !== '').length, `${what}: from_events`);
    const n = ok.length;
    const mean = ok.reduce((a, b) => a + b, 0) / n;
    const median = n % 2 ? ok[(n - 1) / 2]! : (ok[n / 2 - 1]! + ok[n / 2]!) / 2;
    close(Number(s.mean), mean, 1e-9, `${what}: mean`);
    close(Number(s.median), median, 1e-9, `${what}: median`);
    assert.equal(Number(s.min), ok[0], `${what}: min`);
    assert.equal(Number(s.max), ok[n - 1], `${what}: max`);
    if (n > 1) {
      const sd = Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
      close(Number(s.sd), sd, 1e-9, `${what}: sd`);
      const t = T975[n - 1];
      if (t !== undefined) close(Number(s.ci95_high) - mean, (t * sd) / Math.sqrt(n), 2e-3, `${what}: CI half width, n=${n}`);
      // the printed quantiles are rounded to 3 decimals: the low end's error scales with the half width, not with itself
      const half = t === undefined ? 0 : (t * sd) / Math.sqrt(n);
      if (t !== undefined) assert.ok(Math.abs(Number(s.ci95_low) - Math.max(0, mean - half)) <= 2e-3 * Math.max(1, half), `${what}: CI low end, never below 0: ${s.ci95_low} vs ${Math.max(0, mean - half)}`);
    } else {
      assert.equal(s.sd, '', `${what}: one value has no sd`);
    }
    checked++;
  }
  return checked;
}
