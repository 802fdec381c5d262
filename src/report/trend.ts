// `migbench trend`: each cell's metrics across sweeps in time order, and whether the newest sweep departs from the
// ones before it. With two or more earlier sweeps, the newest sweep's mean is tested against the earlier sweeps'
// means (a Student t prediction interval: nights differ from each other, not only trials from trials); after a
// single one, the two sweeps' trials by Welch's test. Holm's correction over every cell × metric, and a change
// under 5 % of the earlier mean is never flagged (identical trials would give p = 0 for any difference).
import { cellName } from '../plan/cell.js';
import { groupCells } from '../results/cells.js';
import type { TrialRow } from '../results/read-trials.js';
import { DOWNTIME, metricValue } from './downtime.js';
import { departure, describe, welch, type Described, type Difference } from './stats.js';
import { floorOf } from './summary.js';
import { CSS } from './html.js';
import { esc } from './charts/chart.js';
import { trendChart } from './charts/trend.js';
import { formatTable } from './table.js';

export interface TrendSweep {
  readonly sweepId: string;
  /** When it started (epoch ms): the order of the trend. */
  readonly startedAt: number;
  readonly rows: readonly TrialRow[];
}

/** Lower is better for each: a rise is a regression. */
export const TREND_METRICS: ReadonlyArray<{ readonly name: string; readonly unit: string }> = [
  { name: DOWNTIME, unit: 'ms' },
  { name: 'total_time_ms', unit: 'ms' },
  { name: 'data_processed_bytes', unit: 'bytes' },
];

export type Verdict = 'regression' | 'improved' | 'steady' | 'too few trials' | 'not in the newest sweep';

export interface TrendPoint {
  readonly sweepId: string;
  readonly startedAt: number;
  /** Over the sweep's completed trials of the cell; undefined when it has none. */
  readonly stats: Described | undefined;
}

export interface TrendLine {
  readonly cell: string;
  readonly metric: string;
  readonly unit: string;
  /** One per sweep, oldest first. */
  readonly points: readonly TrendPoint[];
  /** The newest sweep against the earlier ones (mean newest − mean before): departure from their means, or Welch. */
  readonly test: Difference | undefined;
  /** The test: `sweeps` (the newest mean against the earlier sweeps' means) or `trials` (Welch, after one sweep). */
  readonly by: 'sweeps' | 'trials' | undefined;
  /** Its p value after Holm's correction over every line of the trend: the verdict's. */
  readonly pHolm: number | undefined;
  /** The earlier sweeps: their means (`by: sweeps`), or their trials. */
  readonly before: Described | undefined;
  readonly verdict: Verdict;
}

export const ALPHA = 0.05;
/** The smallest change flagged, as a share of the earlier mean. */
export const MIN_CHANGE = 0.05;

/**
 * Holm's step-down correction: with a hundred cells × metrics, some would pass p < 0.05 by chance every night.
 * Returns the adjusted p values in the order given.
 */
export function holm(ps: readonly (number | undefined)[]): (number | undefined)[] {
  const tested = ps.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== undefined).sort((a, b) => a.p - b.p);
  const out: (number | undefined)[] = ps.map(() => undefined);
  let running = 0;
  tested.forEach((x, k) => {
    running = Math.max(running, Math.min(1, (tested.length - k) * x.p));
    out[x.i] = running;
  });
  return out;
}

export function trends(sweeps: readonly TrendSweep[], metrics = TREND_METRICS): TrendLine[] {
  const lines = rawTrends(sweeps, metrics);
  const adjusted = holm(lines.map((l) => l.test?.p));
  return lines.map((l, i) => ({ ...l, pHolm: adjusted[i], verdict: verdictOf(l.newestN, l.test, adjusted[i], l.before?.mean) }));
}

function rawTrends(sweeps: readonly TrendSweep[], metrics: typeof TREND_METRICS) {
  const ordered = [...sweeps].sort((a, b) => a.startedAt - b.startedAt);
  const newest = ordered.at(-1)?.sweepId;
  // cells in the order they first appear, oldest sweep first
  const cells = groupCells(ordered.flatMap((s) => s.rows.map((r) => ({ ...r, sweep_id: s.sweepId }))), false);
  return cells.flatMap((cell) =>
    metrics.map((m) => {
      const values = (id: string) =>
        cell.rows.filter((r) => r.sweep_id === id && r.status === 'completed').map((r) => metricValue(r, m.name)).filter((v): v is number => v !== undefined);
      const floor = floorOf(m.name);
      const points = ordered.map((s) => ({ sweepId: s.sweepId, startedAt: s.startedAt, stats: describe(values(s.sweepId), floor) }));
      const last = newest === undefined ? [] : values(newest);
      const earlierMeans = points.slice(0, -1).flatMap((p) => (p.stats ? [p.stats.mean] : []));
      const newestMean = points.at(-1)?.stats?.mean;
      const bySweeps = earlierMeans.length >= 2 && newestMean !== undefined;
      const earlierTrials = ordered.slice(0, -1).flatMap((s) => values(s.sweepId));
      const test = bySweeps ? departure(earlierMeans, newestMean) : welch(earlierTrials, last);
      const before = bySweeps ? describe(earlierMeans, floor) : describe(earlierTrials, floor);
      return { cell: cellName(cell), metric: m.name, unit: m.unit, points, test, by: test ? (bySweeps ? ('sweeps' as const) : ('trials' as const)) : undefined, before, newestN: last.length };
    }),
  );
}

function verdictOf(newest: number, test: Difference | undefined, p: number | undefined, before: number | undefined): Verdict {
  if (newest === 0) return 'not in the newest sweep';
  if (!test || p === undefined) return 'too few trials';
  if (p >= ALPHA || Math.abs(test.diff) < MIN_CHANGE * Math.abs(before ?? 0)) return 'steady';
  return test.diff > 0 ? 'regression' : 'improved';
}

const value = (v: number, unit: string) => (unit === 'bytes' ? `${(v / 2 ** 20).toFixed(1)} MiB` : `${v.toFixed(0)} ${unit}`);
const meanCi = (d: Described | undefined, unit: string, of = '') => {
  if (!d) return '';
  const half = d.ci95 ? ` ± ${value((d.ci95[1] - d.ci95[0]) / 2, unit).replace(/ .*$/, '')}` : '';
  return `${value(d.mean, unit)}${half} (n=${d.n}${of})`;
};

/** The terminal table: a line per cell × metric, the newest sweep against those before it. */
export function trendTable(lines: readonly TrendLine[]): string {
  const header = ['cell', 'metric', 'sweeps', 'before', 'newest', 'change', 'p (Holm)', 'verdict'];
  const body = lines.map((l) => {
    const newest = l.points.at(-1)?.stats;
    const change = l.test && l.before && l.before.mean !== 0 ? `${l.test.diff >= 0 ? '+' : ''}${((100 * l.test.diff) / l.before.mean).toFixed(1)} %` : '';
    return [l.cell, l.metric, String(l.points.filter((p) => p.stats).length), meanCi(l.before, l.unit, l.by === 'sweeps' ? ' sweeps' : ''), meanCi(newest, l.unit), change, l.pHolm === undefined ? '' : l.pHolm.toPrecision(2), l.verdict === 'regression' ? 'REGRESSION' : l.verdict];
  });
  return formatTable(header, body);
}

/** trend.html: the table and a chart per cell × metric, regressions first. */
export function trendHtml(title: string, sweeps: number, lines: readonly TrendLine[]): string {
  const order: Verdict[] = ['regression', 'improved', 'steady', 'too few trials', 'not in the newest sweep'];
  const sorted = [...lines].sort((a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict));
  const charts = sorted.map((l, i) =>
    trendChart({
      id: `trend-${i}`,
      title: `${l.cell}: ${l.metric} — ${l.verdict}`,
      caption: `Mean of each sweep's completed trials with its 95 % interval; dashed: the earlier sweeps' mean.${l.test ? ` Newest against them: ${l.test.diff >= 0 ? '+' : ''}${value(l.test.diff, l.unit)}, p = ${l.test.p.toPrecision(2)} (${l.by === 'sweeps' ? "against the earlier sweeps' means" : "Welch, the two sweeps' trials"}), ${l.pHolm?.toPrecision(2)} after Holm's correction over the ${lines.length} tests.` : ''}`,
      unit: l.unit === 'bytes' ? 'MiB' : l.unit,
      points: l.points.map((p) => ({ label: p.sweepId, mean: scaled(p.stats?.mean, l.unit), ci95: p.stats?.ci95 && [scaled(p.stats.ci95[0], l.unit)!, scaled(p.stats.ci95[1], l.unit)!] })),
      before: scaled(l.before?.mean, l.unit),
      verdict: l.verdict,
    }),
  );
  const regressions = lines.filter((l) => l.verdict === 'regression').length;
  const flagged = sorted.filter((l) => l.verdict === 'regression' || l.verdict === 'improved').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}
.grid{display:flex;flex-wrap:wrap;gap:0 24px}.grid figure{margin:8px 0}</style></head>
<body>
<h1>${esc(title)}</h1>
<p>${sweeps} sweeps, oldest first. ${regressions ? `<b class="bad">${regressions} regression${regressions > 1 ? 's' : ''}</b>` : 'No regression'} in the newest sweep: its mean against the earlier sweeps' means (a Student t prediction interval; after a single sweep, Welch's test of the two sweeps' trials), p &lt; ${ALPHA} after Holm's correction over the ${lines.length} tests, and a change of at least ${MIN_CHANGE * 100} %.</p>
${flagged ? `<h2>Where the newest sweep departs</h2>\n<div class="grid">${charts.slice(0, flagged).join('\n')}</div>` : ''}
<details><summary>Every cell × metric (${lines.length})</summary><pre>${esc(trendTable(sorted))}</pre></details>
<h2>${flagged ? 'The rest' : 'Every cell × metric'}</h2>
<div class="grid">${charts.slice(flagged).join('\n')}</div>
</body></html>
`;
}

const scaled = (v: number | undefined, unit: string) => (v === undefined ? undefined : unit === 'bytes' ? v / 2 ** 20 : v);
