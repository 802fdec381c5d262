// One cell's metric across sweeps: the mean of each sweep with its 95 % interval, oldest left; the earlier
// sweeps' pooled mean as a dashed line; the newest point red when it is a regression, green when it improved.
import { figure, noDataFigure } from './chart.js';

export interface TrendChartPoint {
  readonly label: string;
  readonly mean: number | undefined;
  readonly ci95: readonly [number, number] | undefined;
}

const COLOR = { regression: '#c0392b', improved: '#2e8b57', other: '#4c78a8' };

export function trendChart(c: { id: string; title: string; caption: string; unit: string; points: readonly TrendChartPoint[]; before: number | undefined; verdict: string }): string {
  if (!c.points.some((p) => p.mean !== undefined)) return noDataFigure(c.id, c.title, c.caption, 'no completed trials in any sweep');
  const last = c.points.length - 1;
  const flagged = c.verdict === 'regression' || c.verdict === 'improved' ? COLOR[c.verdict as 'regression' | 'improved'] : COLOR.other;
  const values = c.points.map((p, i) => ({ sweep: p.label, mean: p.mean ?? null, lo: p.ci95?.[0] ?? null, hi: p.ci95?.[1] ?? null, newest: i === last, kind: i === last ? c.verdict : 'earlier' }));
  const x = { field: 'sweep', type: 'ordinal', sort: c.points.map((p) => p.label), title: 'sweeps, oldest first', axis: { labelAngle: -40, labelLimit: 220 } };
  const y = { type: 'quantitative', title: c.unit, scale: { zero: true } };
  const color = { condition: { test: 'datum.newest', value: flagged }, value: COLOR.other };
  const layers = [
    { mark: { type: 'line', color: COLOR.other, strokeWidth: 1 }, encoding: { x, y: { field: 'mean', ...y } } },
    { transform: [{ filter: 'datum.hi != null' }], mark: { type: 'rule' }, encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' }, color } },
    { mark: { type: 'point', filled: true, opacity: 1 }, encoding: { x, y: { field: 'mean', ...y }, color, size: { condition: { test: 'datum.newest', value: 60 }, value: 18 } } },
    ...(c.before === undefined ? [] : [{ data: { values: [{ before: c.before }] }, mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { y: { field: 'before', ...y } } }]),
  ];
  // at least 6 px per sweep, at most 40: two sweeps and three hundred both fit
  const width = Math.min(1000, Math.max(360, c.points.length * 8));
  return figure(c.id, c.title, c.caption, { data: { values }, width, height: 160, layer: layers });
}
