// One trial over time: a panel per quantity (each with its own scale) on a shared time axis — milliseconds for a
// migration shorter than 2 s, seconds otherwise — with the job's start, switch-over and completion drawn across
// all of them and labelled in a row of their own above (a second line where two would meet).
import { figure, noDataFigure, PALETTE, type Spec } from './chart.js';

export interface Series {
  readonly label: string;
  readonly unit: string;
  /** [seconds since the job started, value]; a null value is drawn as a lost request (a cross). */
  readonly points: ReadonlyArray<readonly [number, number | null]>;
  /** Clip a burst far above the rest (lines that arrive together after a stall) instead of flattening the panel. */
  readonly clipBursts?: boolean;
}

export interface Marker {
  readonly at: number;
  readonly label: string;
}

const WIDTH = 640;
/** Under this span (s), the axis is in milliseconds. */
const SUB_SECOND = 2;

export function timelineChart(c: { id: string; title: string; caption: string; series: readonly Series[]; markers: readonly Marker[] }): string {
  const panels = c.series.filter((s) => s.points.length > 0);
  if (panels.length === 0) return noDataFigure(c.id, c.title, c.caption, 'no samples were recorded for this trial');
  const ts = panels.flatMap((s) => s.points.map((p) => p[0])).concat(c.markers.map((k) => k.at));
  const [t0, t1] = [Math.min(0, ...ts), Math.max(...ts)];
  const ms = t1 - t0 < SUB_SECOND;
  const k = ms ? 1000 : 1;
  const x = { field: 't', type: 'quantitative', scale: { domain: [t0 * k, t1 * k], nice: false, zero: false } };
  const markers = { data: { values: markerRows(c.markers, t0, t1).map((m) => ({ t: m.at * k, label: m.label, row: m.row, right: m.right })) } };
  const rule = { ...markers, mark: { type: 'rule', color: '#555', strokeDash: [3, 3] }, encoding: { x } };
  const rows = Math.max(1, ...markers.data.values.map((m) => m.row + 1));
  const label = (right: boolean): Spec => ({
    transform: [{ filter: right ? 'datum.right' : '!datum.right' }],
    mark: { type: 'text', align: right ? 'right' : 'left', baseline: 'top', dx: right ? -2 : 2, fontSize: 10 },
    encoding: { x: { ...x, axis: null }, y: { field: 'row', type: 'ordinal', axis: null, scale: { domain: [...Array(rows).keys()] } }, text: { field: 'label' } },
  });
  const labels: Spec = { height: rows * 13, width: WIDTH, view: { stroke: null }, ...markers, layer: [label(false), label(true)] };
  const panel = (s: Series, i: number, last: boolean): Spec => {
    const values = s.points.map((p) => p[1]).filter((v): v is number => v !== null);
    const sorted = [...values].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0;
    const clip = s.clipBursts === true && Math.max(0, ...values) > 3 * p95 && p95 > 0;
    // a series that stays at 0 gets a scale of [0, 1] rather than an empty one
    const top = clip ? p95 * 1.5 : Math.max(0, ...values) > 0 ? undefined : 1;
    const y = { field: 'v', type: 'quantitative', title: null, axis: { tickCount: 3, format: ',~r' }, ...(top === undefined ? {} : { scale: { domain: [0, top] } }) };
    const color = PALETTE[i % PALETTE.length];
    const xAxis = { ...x, title: last ? `${ms ? 'milliseconds' : 'seconds'} since the migration job started` : null, axis: last ? {} : { labels: false, ticks: false } };
    const layers: Spec[] = [
      // a few samples show as points; a line breaks where a request went unanswered
      { mark: { type: 'line', color, clip: true, strokeWidth: 1.5, point: s.points.length <= 60 ? { filled: true, size: 16, color } : false }, encoding: { x: xAxis, y } },
      rule,
    ];
    if (s.points.some((p) => p[1] === null)) layers.push({ transform: [{ filter: 'datum.v === null' }], mark: { type: 'point', shape: 'cross', color: '#c00', size: 30, y: 6 }, encoding: { x: xAxis } });
    return {
      title: { text: `${s.label} (${s.unit})${clip ? ', clipped at the 95th percentile × 1.5' : ''}`, anchor: 'start', fontSize: 10, fontWeight: 'normal', offset: 2 },
      data: { values: s.points.map((p) => ({ t: p[0] * k, v: p[1] })) },
      width: WIDTH,
      height: 80,
      layer: layers,
    };
  };
  const spec: Spec = { vconcat: [labels, ...panels.map((s, i) => panel(s, i, i === panels.length - 1))], spacing: 6, resolve: { scale: { x: 'shared' } } };
  return figure(c.id, c.title, c.caption, spec);
}

/**
 * Each marker's label: from its line rightwards, or leftwards near the end of the axis, on the first row where it
 * meets no other label (about 6 px a letter).
 */
function markerRows(markers: readonly Marker[], t0: number, t1: number): Array<Marker & { row: number; right: boolean }> {
  const perPx = (t1 - t0) / WIDTH;
  const rows: Array<Array<[number, number]>> = [];
  return [...markers]
    .sort((a, b) => a.at - b.at)
    .map((m) => {
      const w = (m.label.length * 6 + 8) * perPx;
      const right = m.at + w > t1;
      const span: [number, number] = right ? [m.at - w, m.at] : [m.at, m.at + w];
      let row = rows.findIndex((r) => r.every(([a, b]) => span[1] < a || span[0] > b));
      if (row < 0) row = rows.push([]) - 1;
      rows[row]!.push(span);
      return { ...m, row, right };
    });
}
