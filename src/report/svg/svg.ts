// The little SVG toolkit the report's charts are drawn with: elements as strings, scales and tick steps.

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function el(tag: string, attrs: Record<string, string | number | undefined>, ...children: string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? fmt(v) : v!)}"`)
    .join('');
  return children.length ? `<${tag}${a}>${children.join('')}</${tag}>` : `<${tag}${a}/>`;
}

export function text(x: number, y: number, s: string, attrs: Record<string, string | number> = {}): string {
  return el('text', { x, y, ...attrs }, esc(s));
}

/** Coordinates with 2 decimals at most. */
export function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** Tick values for [0 or lo, hi]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

/** The top of an axis: the first tick at or above the data's maximum. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const t = ticks(0, max, 5);
  const step = t.length > 1 ? t[1]! - t[0]! : max;
  return Math.ceil(max / step) * step;
}

export function linear(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  return (v) => (d1 === d0 ? r0 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0));
}

/** Short numbers for tick labels: 1200 → 1.2k, 0.25 → 0.25. */
export function short(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${fmt(v / 1e9)}G`;
  if (a >= 1e6) return `${fmt(v / 1e6)}M`;
  if (a >= 1e4) return `${fmt(v / 1e3)}k`;
  return fmt(v);
}

export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

export function legend(x: number, y: number, names: readonly string[]): string {
  return names
    .map((n, i) => el('g', { transform: `translate(${fmt(x)},${fmt(y + i * 16)})` }, el('rect', { width: 10, height: 10, fill: PALETTE[i % PALETTE.length] }), text(14, 9, n, { 'font-size': 11 })))
    .join('');
}

export function figure(id: string, title: string, caption: string, svg: string): string {
  return el('figure', { class: 'chart', id: `chart-${id}`, 'data-chart': id }, el('h3', {}, esc(title)), svg, el('figcaption', {}, esc(caption)));
}

export function noData(width: number, height: number, why: string): string {
  return el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, class: 'no-data' }, text(width / 2, height / 2, `no data: ${why}`, { 'text-anchor': 'middle', fill: '#888' }));
}
