// One trial over time: a panel per quantity (each with its own scale) on a shared time axis, with the
// migration's start, switch-over and completion drawn across all of them.
import { el, esc, figure, fmt, linear, niceMax, noData, PALETTE, short, text, ticks } from './svg.js';

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

export function timelineChart(c: { id: string; title: string; caption: string; series: readonly Series[]; markers: readonly Marker[] }): string {
  const panels = c.series.filter((s) => s.points.length > 0);
  if (panels.length === 0) return figure(c.id, c.title, c.caption, noData(640, 160, 'no samples were recorded for this trial'));
  const m = { top: 34, right: 24, left: 72, bottom: 34 };
  const panelH = 90;
  const gap = 14;
  const width = 760;
  const height = m.top + panels.length * (panelH + gap) + m.bottom;
  const ts = panels.flatMap((s) => s.points.map((p) => p[0])).concat(c.markers.map((k) => k.at));
  const t0 = Math.min(0, ...ts);
  const t1 = Math.max(...ts);
  const x = linear([t0, t1], [m.left, width - m.right]);
  const parts: string[] = [];
  panels.forEach((s, i) => {
    const top = m.top + i * (panelH + gap);
    const values = s.points.map((p) => p[1]).filter((v): v is number => v !== null);
    const sorted = [...values].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0;
    const top95 = s.clipBursts === true && Math.max(0, ...values) > 3 * p95 && p95 > 0;
    const vMax = niceMax(top95 ? p95 * 1.5 : Math.max(0, ...values));
    const y = linear([0, vMax], [top + panelH, top]);
    const yc = (v: number) => y(Math.min(v, vMax));
    parts.push(el('rect', { x: m.left, y: top, width: width - m.left - m.right, height: panelH, fill: '#fafafa', stroke: '#ddd' }));
    parts.push(text(m.left - 6, top + 10, short(vMax), { 'text-anchor': 'end', 'font-size': 9 }), text(m.left - 6, top + panelH, '0', { 'text-anchor': 'end', 'font-size': 9 }));
    parts.push(text(m.left + 4, top + 11, `${s.label} (${s.unit})${top95 ? `, clipped at ${short(vMax)}` : ''}`, { 'font-size': 10, fill: '#333' }));
    const color = PALETTE[i % PALETTE.length]!;
    // the line is broken where a request went unanswered: no round trip is drawn across an outage
    const runs: Array<Array<readonly [number, number | null]>> = [[]];
    for (const p of s.points) {
      if (p[1] === null) runs.push([]);
      else runs.at(-1)!.push(p);
    }
    for (const run of runs) {
      if (run.length > 1) {
        const d = run.map((p, j) => `${j ? 'L' : 'M'}${fmt(x(p[0]))},${fmt(yc(p[1]!))}`).join('');
        parts.push(el('path', { class: 'line', d, fill: 'none', stroke: color, 'stroke-width': 1.5 }, el('title', {}, esc(s.label))));
      } else if (run.length === 1) {
        parts.push(el('circle', { class: 'line', cx: x(run[0]![0]), cy: yc(run[0]![1]!), r: 2, fill: color }));
      }
    }
    for (const p of s.points.filter((q) => q[1] === null)) {
      const cx = x(p[0]);
      parts.push(el('path', { class: 'lost', d: `M${fmt(cx - 3)},${fmt(top + 3)}l6,6m0,-6l-6,6`, stroke: '#c00' }));
    }
  });
  const bottom = m.top + panels.length * (panelH + gap) - gap;
  // marker labels on two rows, so that close events (switch-over, completion) do not print over each other
  let lastX = -Infinity;
  let row = 0;
  for (const k of [...c.markers].sort((a, b) => a.at - b.at)) {
    const at = x(k.at);
    row = at - lastX < 6 * k.label.length ? 1 - row : 0;
    lastX = at;
    parts.push(el('line', { class: 'marker', x1: at, x2: at, y1: m.top - 16 + row * 12, y2: bottom, stroke: '#555', 'stroke-dasharray': '3 3' }));
    parts.push(text(at + 2, m.top - 20 + row * 12, k.label, { 'font-size': 10 }));
  }
  for (const t of ticks(t0, t1, 8)) parts.push(text(x(t), bottom + 14, `${short(t)} s`, { 'text-anchor': 'middle', 'font-size': 10 }));
  parts.push(text((m.left + width - m.right) / 2, height - 4, 'seconds since the migration job started', { 'text-anchor': 'middle', 'font-size': 11 }));
  return figure(c.id, c.title, c.caption, el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' }, ...parts));
}
