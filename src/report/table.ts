// The table `migbench run` prints at the end: one line per cell (strategy × load × delay × direction), means of
// the completed trials, failures and timeouts counted apart (never averaged in as zeros).
import { groupCells } from '../results/cells.js';
import { num, type TrialRow } from '../results/read-trials.js';
import { describe } from './stats.js';

interface Metric {
  readonly header: string;
  readonly column: string;
  readonly scale: number;
  readonly digits: number;
}

const METRICS: readonly Metric[] = [
  { header: 'downtime ms', column: 'downtime_ms', scale: 1, digits: 0 },
  { header: 'total ms', column: 'total_time_ms', scale: 1, digits: 0 },
  { header: 'switch-over ms', column: 'switchover_ms', scale: 1, digits: 0 },
  { header: 'setup ms', column: 'setup_time_ms', scale: 1, digits: 0 },
  { header: 'data MiB', column: 'data_processed_bytes', scale: 2 ** 20, digits: 1 },
  { header: 'iterations', column: 'iterations', scale: 1, digits: 1 },
  { header: 'pc requests', column: 'postcopy_requests', scale: 1, digits: 0 },
  { header: 'guest gap ms', column: 'guest_max_gap_ms', scale: 1, digits: 0 },
];

export function cellTable(rows: readonly TrialRow[]): string {
  const cells = groupCells(rows);
  const withKnobs = cells.some((c) => c.knobs !== '');
  const header = ['strategy', 'load', 'delay ms', ...(withKnobs ? ['knobs'] : []), 'direction', 'ok', 'failed', 'timeout', ...METRICS.map((m) => `mean ${m.header}`)];
  const body = cells.map((c) => {
    const ok = c.rows.filter((r) => r.status === 'completed');
    const means = METRICS.map((m) => {
      const xs = ok.map((r) => num(r, m.column)).filter((x): x is number => x !== undefined);
      const d = describe(xs);
      return d === undefined ? '-' : (d.mean / m.scale).toFixed(m.digits);
    });
    const count = (status: string) => String(c.rows.filter((r) => r.status === status).length);
    return [c.strategy, c.load, c.delayMs, ...(withKnobs ? [c.knobs] : []), c.direction, String(ok.length), count('failed'), count('timeout'), ...means];
  });
  return formatTable(header, body, withKnobs ? 5 : 4);
}

/** Columns before `leftColumns` are text (left-aligned); the others are numbers (right-aligned). */
export function formatTable(header: readonly string[], body: readonly (readonly string[])[], leftColumns = 2): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
