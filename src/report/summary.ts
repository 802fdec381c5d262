// summary.csv: for each cell (strategy × load × delay × knobs, and direction when asked) and every measured
// column: n, mean, median, standard deviation, min, max and the 95 % confidence interval of the mean, over the
// completed trials. Failed and timed-out trials are counted beside, never averaged in.
import { stringify } from 'csv-stringify/sync';
import { groupCells, type MatrixCell } from '../results/cells.js';
import type { TrialRow } from '../results/read-trials.js';
import { DOWNTIME, downtimesFromEvents, FEW_TRIALS_NOTE, FROM_EVENTS_NOTE, metricValue } from './downtime.js';
import { describe, fewTrials, type Described } from './stats.js';
import { METRICS } from './metrics.js';
import { formatTable } from './table.js';

/** A cell (direction '' when directions are merged) with its counts and statistics. */
export interface SummaryCell extends MatrixCell {
  readonly trials: number;
  readonly completed: number;
  readonly failed: number;
  readonly timeout: number;
  /** Per metric, over the completed trials that have it (downtime: QEMU's, else the events' pause). */
  readonly stats: ReadonlyMap<string, Described>;
  /** Of the downtimes, how many are the events' pause (QEMU reported none). */
  readonly downtimeFromEvents: number;
}

/**
 * Times from different clocks (events against job samples, shifted by the offset migbench measures) can come out a
 * little below 0; every other measured column is a size, a count, a rate or a duration of one clock: its interval
 * stops at 0.
 */
const MAY_BE_NEGATIVE = /^(switchover_ms|postcopy_phase_ms|phase_.*)$/;

export function floorOf(metric: string): number {
  return MAY_BE_NEGATIVE.test(metric) ? -Infinity : 0;
}

export function summarize(rows: readonly TrialRow[], byDirection = false): SummaryCell[] {
  return groupCells(rows, byDirection).map((cell) => {
    const ok = cell.rows.filter((r) => r.status === 'completed');
    const stats = new Map<string, Described>();
    for (const m of METRICS) {
      const d = describe(ok.map((r) => metricValue(r, m.name)).filter((x): x is number => x !== undefined), floorOf(m.name));
      if (d) stats.set(m.name, d);
    }
    return {
      ...cell,
      trials: cell.rows.length,
      completed: ok.length,
      failed: cell.rows.filter((r) => r.status === 'failed').length,
      timeout: cell.rows.filter((r) => r.status === 'timeout').length,
      stats,
      downtimeFromEvents: downtimesFromEvents(ok),
    };
  });
}

export const SUMMARY_COLUMNS = [
  'strategy', 'load', 'delay_ms', 'knobs', 'direction', 'trials', 'completed', 'failed', 'timeout',
  'metric', 'unit', 'n', 'mean', 'median', 'sd', 'min', 'max', 'ci95_low', 'ci95_high', 'from_events',
];

export function summaryCsv(cells: readonly SummaryCell[]): string {
  const round = (v: number | undefined) => (v === undefined ? '' : Number(v.toPrecision(10)));
  const rows: unknown[][] = [SUMMARY_COLUMNS];
  for (const c of cells) {
    for (const m of METRICS) {
      const d = c.stats.get(m.name);
      if (!d) continue;
      const fromEvents = m.name === DOWNTIME ? c.downtimeFromEvents : '';
      rows.push([c.strategy, c.load, c.delayMs, c.knobs, c.direction, c.trials, c.completed, c.failed, c.timeout, m.name, m.unit, d.n, round(d.mean), round(d.median), round(d.sd), round(d.min), round(d.max), round(d.ci95?.[0]), round(d.ci95?.[1]), fromEvents]);
    }
  }
  return stringify(rows);
}

const SHOWN: ReadonlyArray<[string, string, number]> = [
  ['downtime_ms', 'downtime ms', 1],
  ['total_time_ms', 'total ms', 1],
  ['switchover_ms', 'switch-over ms', 1],
  ['data_processed_bytes', 'data MiB', 2 ** 20],
  ['probe_outage_ms', 'outage ms', 1],
];

/** "mean ± half of the 95 % CI" per metric, one line per cell. */
export function summaryTable(cells: readonly SummaryCell[]): string {
  const withDir = cells.some((c) => c.direction !== '');
  const withKnobs = cells.some((c) => c.knobs !== '');
  const shown = SHOWN.filter(([m]) => cells.some((c) => c.stats.has(m)));
  const header = ['strategy', 'load', 'delay ms', ...(withKnobs ? ['knobs'] : []), ...(withDir ? ['direction'] : []), 'n', 'failed', 'timeout', ...shown.map(([, h]) => h)];
  const body = cells.map((c) => [
    c.strategy, c.load, c.delayMs, ...(withKnobs ? [c.knobs] : []), ...(withDir ? [c.direction] : []),
    String(c.completed), String(c.failed), String(c.timeout),
    ...shown.map(([m, , scale]) => {
      const d = c.stats.get(m);
      if (!d) return '-';
      const half = d.ci95 ? (d.ci95[1] - d.mean) / scale : undefined;
      const digits = scale === 1 ? 0 : 1;
      const marks = `${m === DOWNTIME && c.downtimeFromEvents > 0 ? '*' : ''}${half !== undefined && fewTrials(d) ? '†' : ''}`;
      return `${(d.mean / scale).toFixed(digits)}${half === undefined ? '' : ` ±${half.toFixed(digits)}`}${marks}`;
    }),
  ]);
  const notes = [
    cells.some((c) => c.downtimeFromEvents > 0) && shown.some(([m]) => m === DOWNTIME) ? FROM_EVENTS_NOTE : undefined,
    cells.some((c) => shown.some(([m]) => { const d = c.stats.get(m); return d?.ci95 !== undefined && fewTrials(d); })) ? FEW_TRIALS_NOTE : undefined,
  ].filter(Boolean);
  return formatTable(header, body, 3 + (withKnobs ? 1 : 0) + (withDir ? 1 : 0)) + notes.map((n) => `\n${n}`).join('');
}
