// One cell's metric across sweeps: the mean of each sweep with its 95 % interval, oldest left; the earlier
// sweeps' pooled mean as a dashed line; the newest point red when it is a regression, green when it improved.
import { el, esc, figure, fmt, linear, niceMax, noData, short, text, ticks } from './svg.js';

export interface TrendChartPoint {
  readonly label: string;
  readonly mean: number | undefined;
  readonly ci95: readonly [number, number] | undefined;
}

const COLOR = { regression: '#c0392b', improved: '#2e8b57', other: '#4c78a8' };

export function trendChart(c: { id: string; title: string; caption: string; unit: string; points: readonly TrendChartPoint[]; before: number | undefined; verdict: string }): string {
  const shown = c.points.filter((p) => p.mean !== undefined);
  if (shown.length === 0) return figure(c.id, c.title, c.caption, noData(480, 120, 'no completed trials in any sweep'));
  const m = { top: 16, right: 16, left: 64, bottom: 40 };
  // readable from 2 sweeps to a few hundred: at least 12 px per sweep, at most 60
  const width = Math.min(1100, Math.max(420, m.left + m.right + c.points.length * 24));
  const height = 200;
  const step = (width - m.left - m.right) / c.points.length;
  const x = (i: number) => m.left + step * (i + 0.5);
  const hi = niceMax(Math.max(...shown.map((p) => p.ci95?.[1] ?? p.mean!), c.before ?? 0));
  const y = linear([0, hi], [height - m.bottom, m.top]);
  const parts: string[] = [el('rect', { x: m.left, y: m.top, width: width - m.left - m.right, height: height - m.top - m.bottom, fill: '#fafafa', stroke: '#ddd' })];
  for (const t of ticks(0, hi, 4)) parts.push(text(m.left - 6, y(t) + 3, short(t), { 'text-anchor': 'end', 'font-size': 10 }));
  parts.push(text(14, (m.top + height - m.bottom) / 2, c.unit, { 'font-size': 10, transform: `rotate(-90 14 ${fmt((m.top + height - m.bottom) / 2)})`, 'text-anchor': 'middle' }));
  if (c.before !== undefined) parts.push(el('line', { class: 'before', x1: m.left, x2: width - m.right, y1: y(c.before), y2: y(c.before), stroke: '#888', 'stroke-dasharray': '4 3' }));
  const line = c.points.map((p, i) => (p.mean === undefined ? undefined : `${fmt(x(i))},${fmt(y(p.mean))}`)).filter(Boolean);
  if (line.length > 1) parts.push(el('polyline', { points: line.join(' '), fill: 'none', stroke: '#4c78a8', 'stroke-width': 1 }));
  // a label every few sweeps so that they never overlap (at most 6 px per character at this size)
  const labelW = Math.max(...c.points.map((p) => p.label.length)) * 6;
  const every = Math.max(1, Math.ceil((labelW + 8) / step));
  c.points.forEach((p, i) => {
    const newest = i === c.points.length - 1;
    const color = newest && (c.verdict === 'regression' || c.verdict === 'improved') ? COLOR[c.verdict] : COLOR.other;
    if (p.mean !== undefined) {
      if (p.ci95) parts.push(el('line', { class: 'ci', x1: x(i), x2: x(i), y1: y(p.ci95[0]), y2: y(p.ci95[1]), stroke: color }));
      parts.push(el('circle', { class: newest ? `point newest ${c.verdict}` : 'point', cx: x(i), cy: y(p.mean), r: newest ? 4 : 2.5, fill: color }, el('title', {}, esc(`${p.label}: ${short(p.mean)} ${c.unit}`))));
    }
  });
  parts.push(...sweepLabels(c.points.map((p) => p.label), x, { left: m.left, right: width - m.right, y: height - m.bottom + 14, width: labelW, every }));
  parts.push(text((m.left + width - m.right) / 2, height - 6, 'sweeps, oldest first', { 'text-anchor': 'middle', 'font-size': 10 }));
  return figure(c.id, c.title, c.caption, el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${fmt(width)} ${height}`, role: 'img' }, ...parts));
}

/** The oldest label from the plot's left edge, the newest to its right edge, some between: none over another. */
function sweepLabels(labels: readonly string[], x: (i: number) => number, o: { left: number; right: number; y: number; width: number; every: number }): string[] {
  const out: string[] = [];
  const at = (px: number, s: string, anchor: string) => out.push(text(px, o.y, s, { 'text-anchor': anchor, 'font-size': 9, class: 'sweep-label' }));
  const last = labels.length - 1;
  at(o.right, labels[last]!, 'end');
  const newestLeft = o.right - o.width - 8;
  let freeFrom = o.left;
  if (last > 0 && o.left + o.width < newestLeft) {
    at(o.left, labels[0]!, 'start');
    freeFrom = o.left + o.width + 8;
  }
  for (let i = last - o.every; i > 0; i -= o.every) {
    if (x(i) - o.width / 2 > freeFrom && x(i) + o.width / 2 < newestLeft) at(x(i), labels[i]!, 'middle');
  }
  return out;
}
