// Grouped bars with 95 % confidence-interval whiskers: groups along x (e.g. load / delay cells), one bar per
// series (e.g. strategy) in each group.
import { el, esc, figure, fmt, legend, linear, niceMax, noData, PALETTE, short, text, ticks } from './svg.js';

export interface Bar {
  readonly series: string;
  readonly value: number | undefined;
  readonly lo?: number | undefined;
  readonly hi?: number | undefined;
  /** Shown on hover: n, failures… */
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
  readonly yLabel: string;
  readonly series: readonly string[];
  readonly groups: readonly BarGroup[];
  /** Bars stacked instead of side by side (each series a segment). */
  readonly stacked?: boolean;
  /** A horizontal reference line, e.g. the guest's RAM. */
  readonly reference?: { readonly value: number; readonly label: string };
}

export function barChart(c: BarChart): string {
  const values = c.groups.flatMap((g) => (c.stacked ? [g.bars.reduce((s, b) => s + (b.value ?? 0), 0)] : g.bars.map((b) => Math.max(b.value ?? 0, b.hi ?? 0))));
  if (!values.some((v) => v > 0)) return figure(c.id, c.title, c.caption, noData(640, 200, 'no completed trial has this metric'));
  const margin = { top: 16, right: 170, bottom: 70, left: 64 };
  const groupW = Math.max(48, (c.stacked ? 1 : c.series.length) * 16 + 16);
  const width = margin.left + margin.right + c.groups.length * groupW;
  const height = 320;
  const yMax = niceMax(Math.max(...values, c.reference?.value ?? 0));
  const y = linear([0, yMax], [height - margin.bottom, margin.top]);
  const parts: string[] = [];
  for (const t of ticks(0, yMax)) {
    parts.push(el('line', { x1: margin.left, x2: width - margin.right, y1: y(t), y2: y(t), stroke: '#ddd' }));
    parts.push(text(margin.left - 6, y(t) + 4, short(t), { 'text-anchor': 'end', 'font-size': 10 }));
  }
  parts.push(text(14, (height - margin.bottom + margin.top) / 2, c.yLabel, { transform: `rotate(-90 14 ${fmt((height - margin.bottom + margin.top) / 2)})`, 'text-anchor': 'middle', 'font-size': 11 }));
  c.groups.forEach((g, gi) => {
    const gx = margin.left + gi * groupW + 8;
    let stackTop = 0;
    g.bars.forEach((b) => {
      const si = c.series.indexOf(b.series);
      if (b.value === undefined || si < 0) return;
      const bw = c.stacked ? groupW - 16 : 14;
      const x = c.stacked ? gx : gx + si * 16;
      const y0 = c.stacked ? y(stackTop) : y(0);
      const y1 = c.stacked ? y(stackTop + b.value) : y(b.value);
      stackTop += c.stacked ? b.value : 0;
      parts.push(el('rect', { class: 'bar', x, y: y1, width: bw, height: Math.max(0.5, y0 - y1), fill: PALETTE[si % PALETTE.length] }, el('title', {}, esc(`${g.name} · ${b.series}: ${short(b.value)}${b.note ? ` (${b.note})` : ''}`))));
      if (b.hatched) parts.push(el('rect', { class: 'hatched', x, y: y1, width: bw, height: Math.max(0.5, y0 - y1), fill: `url(#${c.id}-hatch)`, 'pointer-events': 'none' }));
      if (!c.stacked && b.lo !== undefined && b.hi !== undefined) {
        const cx = x + bw / 2;
        parts.push(el('path', { class: 'ci', d: `M${fmt(cx)},${fmt(y(b.hi))}V${fmt(y(Math.max(0, b.lo)))}M${fmt(cx - 4)},${fmt(y(b.hi))}H${fmt(cx + 4)}M${fmt(cx - 4)},${fmt(y(Math.max(0, b.lo)))}H${fmt(cx + 4)}`, stroke: '#222', 'stroke-width': 1, ...(b.fewTrials ? { 'stroke-dasharray': '2 2' } : {}) }));
      }
    });
    const lx = gx + (groupW - 16) / 2;
    parts.push(text(lx, height - margin.bottom + 12, g.name, { transform: `rotate(30 ${fmt(lx)} ${fmt(height - margin.bottom + 12)})`, 'font-size': 10 }));
  });
  if (c.reference) {
    parts.push(el('line', { x1: margin.left, x2: width - margin.right, y1: y(c.reference.value), y2: y(c.reference.value), stroke: '#c00', 'stroke-dasharray': '4 3' }));
    parts.push(text(width - margin.right + 4, y(c.reference.value) + 4, c.reference.label, { 'font-size': 10, fill: '#c00' }));
  }
  parts.push(el('line', { x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0), stroke: '#333' }));
  parts.push(legend(width - margin.right + 12, margin.top + (c.reference ? 20 : 0), c.series));
  if (c.groups.some((g) => g.bars.some((b) => b.hatched))) {
    parts.unshift(el('defs', {}, el('pattern', { id: `${c.id}-hatch`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, el('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#fff', 'stroke-width': 2 }))));
  }
  return figure(c.id, c.title, c.caption, el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' }, ...parts));
}
