// Points by series, with the y = x diagonal: switch-over time against total time.
import { el, esc, figure, fmt, legend, linear, niceMax, noData, PALETTE, short, text, ticks } from './svg.js';

export interface Point {
  readonly series: string;
  readonly x: number;
  readonly y: number;
  readonly note?: string;
}

export function scatterChart(c: { id: string; title: string; caption: string; xLabel: string; yLabel: string; series: readonly string[]; points: readonly Point[] }): string {
  if (c.points.length === 0) return figure(c.id, c.title, c.caption, noData(640, 200, 'no trial has both values'));
  const m = { top: 16, right: 180, bottom: 44, left: 64 };
  const width = 620;
  const height = 380;
  const top = niceMax(Math.max(...c.points.flatMap((p) => [p.x, p.y])));
  const x = linear([0, top], [m.left, width - m.right]);
  const y = linear([0, top], [height - m.bottom, m.top]);
  const parts: string[] = [];
  for (const t of ticks(0, top)) {
    parts.push(el('line', { x1: x(t), x2: x(t), y1: m.top, y2: height - m.bottom, stroke: '#eee' }), el('line', { x1: m.left, x2: width - m.right, y1: y(t), y2: y(t), stroke: '#eee' }));
    parts.push(text(x(t), height - m.bottom + 14, short(t), { 'text-anchor': 'middle', 'font-size': 10 }), text(m.left - 6, y(t) + 4, short(t), { 'text-anchor': 'end', 'font-size': 10 }));
  }
  parts.push(el('line', { x1: x(0), y1: y(0), x2: x(top), y2: y(top), stroke: '#999', 'stroke-dasharray': '4 3' }));
  parts.push(text(x(top) - 4, y(top) + 14, 'switch-over = total', { 'text-anchor': 'end', 'font-size': 10, fill: '#777' }));
  for (const p of c.points) {
    const si = Math.max(0, c.series.indexOf(p.series));
    parts.push(el('circle', { class: 'point', cx: x(p.x), cy: y(p.y), r: 4, fill: PALETTE[si % PALETTE.length], 'fill-opacity': 0.8 }, el('title', {}, esc(`${p.series}: ${short(p.x)} / ${short(p.y)}${p.note ? ` (${p.note})` : ''}`))));
  }
  parts.push(text((m.left + width - m.right) / 2, height - 8, c.xLabel, { 'text-anchor': 'middle', 'font-size': 11 }));
  parts.push(text(14, (height - m.bottom + m.top) / 2, c.yLabel, { transform: `rotate(-90 14 ${fmt((height - m.bottom + m.top) / 2)})`, 'text-anchor': 'middle', 'font-size': 11 }));
  parts.push(legend(width - m.right + 12, m.top, c.series));
  return figure(c.id, c.title, c.caption, el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' }, ...parts));
}
