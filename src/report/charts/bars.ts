// Bars with 95 % confidence-interval whiskers, drawn across: one row of bars per group (e.g. load · delay), one bar
// per series (e.g. strategy) in each, or the series stacked into one bar. Rows keep one height, so a chart of one
// cell is small and one of a hundred is long, and every label stays readable.
import { figure, noDataFigure, type Spec } from './chart.js';

export interface Bar {
  readonly series: string;
  readonly value: number | undefined;
  readonly lo?: number | undefined;
  readonly hi?: number | undefined;
  /** n, failures…: in the spec's data, for whoever restyles it. */
  readonly note?: string;
  /** Drawn hatched: the value is (partly) a substitute, e.g. the events' pause where QEMU reported no downtime. */
  readonly hatched?: boolean;
  /** Its interval rests on fewer than 3 trials: the whisker is dashed. */
  readonly fewTrials?: boolean;
}

export interface BarGroup {
  readonly name: string;
  readonly bars: readonly Bar[];
}

export interface BarChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  /** The value axis' title (a unit). */
  readonly valueLabel: string;
  readonly series: readonly string[];
  readonly groups: readonly BarGroup[];
  /** Bars stacked instead of side by side (each series a segment). */
  readonly stacked?: boolean;
  /** A reference line across the bars, e.g. the guest's RAM. */
  readonly reference?: { readonly value: number; readonly label: string };
}

const BAR_PX = 14;
const WIDTH = 520;

export function barChart(c: BarChart): string {
  const data = c.groups.flatMap((g) =>
    g.bars
      .filter((b) => b.value !== undefined && c.series.includes(b.series))
      .map((b) => ({ group: g.name, series: b.series, order: c.series.indexOf(b.series), value: b.value, lo: b.lo === undefined ? null : Math.max(0, b.lo), hi: b.hi ?? null, note: b.note ?? '', hatched: b.hatched === true, few: b.fewTrials === true })),
  );
  if (!data.some((d) => (d.value ?? 0) > 0)) return noDataFigure(c.id, c.title, c.caption, 'no completed trial has this metric');
  const hatch = data.some((d) => d.hatched) ? `${c.id}-hatch` : undefined;
  const groups = c.groups.map((g) => g.name);
  const y = { field: 'group', type: 'nominal', sort: groups, title: null, axis: { labelLimit: 260 } };
  const yOffset = c.stacked ? {} : { yOffset: { field: 'series', sort: c.series } };
  const color = { field: 'series', type: 'nominal', sort: c.series, scale: { domain: c.series }, title: null };
  const x = { field: 'value', type: 'quantitative', title: c.valueLabel, ...(c.stacked ? { stack: 'zero' } : { stack: null }) };
  const layers: Spec[] = [{ mark: { type: 'bar', height: { band: c.stacked ? 0.7 : 0.85 } }, encoding: { y, ...yOffset, x, color, order: { field: 'order' } } }];
  if (hatch) layers.push({ transform: [{ filter: 'datum.hatched' }], mark: { type: 'bar', fill: `url(#${hatch})`, height: { band: 0.85 } }, encoding: { y, ...yOffset, x } });
  if (!c.stacked && data.some((d) => d.hi !== null)) {
    const whisker = { y, ...yOffset, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' }, strokeDash: { condition: { test: 'datum.few', value: [2, 2] }, value: [1, 0] } };
    layers.push({ transform: [{ filter: 'datum.hi != null' }], mark: { type: 'rule', color: '#222' }, encoding: whisker });
    for (const end of ['lo', 'hi']) layers.push({ transform: [{ filter: 'datum.hi != null' }], mark: { type: 'tick', color: '#222', thickness: 1, size: BAR_PX * 0.6 }, encoding: { y, ...yOffset, x: { field: end, type: 'quantitative' } } });
  }
  if (c.reference) {
    const ref = { data: { values: [{ value: c.reference.value, label: c.reference.label }] } };
    layers.push({ ...ref, mark: { type: 'rule', color: '#c00', strokeDash: [4, 3] }, encoding: { x: { field: 'value', type: 'quantitative' } } });
    layers.push({ ...ref, mark: { type: 'text', color: '#c00', align: 'left', dx: 4, baseline: 'top', y: 2, fontSize: 10 }, encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'label' } } });
  }
  const spec: Spec = { data: { values: data }, width: WIDTH, height: { step: c.stacked ? BAR_PX * 1.4 : BAR_PX }, layer: layers };
  return figure(c.id, c.title, c.caption, spec, { hatch });
}
