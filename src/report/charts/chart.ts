// The report's charts are Vega-Lite specs: each figure holds its spec until renderCharts() turns it into SVG with
// vega in Node (no browser), so report.html stays one offline file, and the specs are written beside it
// (charts/PAGE/ID.vl.json) for the Vega editor or a notebook.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { logger, parse, View, Warn } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export type Spec = Record<string, unknown>;

export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/** One look for every chart: the page's font, light grids, the legend above the plot (never over a label). */
const CONFIG = {
  font: 'system-ui, sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eee', labelOverlap: 'greedy' },
  legend: { orient: 'top', labelFontSize: 11, labelLimit: 320, titleFontSize: 11, titleFontWeight: 'normal', symbolType: 'square' },
  range: { category: PALETTE },
};

/** Hatch patterns a spec's marks may fill with (`url(#ID)`): put into its SVG, which Vega-Lite cannot describe. */
export interface ChartMeta {
  readonly hatch?: string;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const TAG = 'application/vnd.vegalite+json';

/** The figure: title, the chart (its spec until rendered), caption. `id` names it: #chart-ID, charts/PAGE/ID.vl.json. */
export function figure(id: string, title: string, caption: string, spec: Spec, meta: ChartMeta = {}): string {
  const full = { $schema: SCHEMA, config: CONFIG, ...spec, ...(meta.hatch ? { usermeta: { hatch: meta.hatch } } : {}) };
  // inside <script>, only "</" could end the element early
  const json = JSON.stringify(full).replace(/</g, '\\u003c');
  return `<figure class="chart" id="chart-${esc(id)}" data-chart="${esc(id)}"><h3>${esc(title)}</h3><script type="${TAG}" data-chart="${esc(id)}">${json}</script><figcaption>${esc(caption)}</figcaption></figure>`;
}

/** A figure that says why it has no chart. */
export function noDataFigure(id: string, title: string, caption: string, why: string): string {
  return `<figure class="chart" id="chart-${esc(id)}" data-chart="${esc(id)}"><h3>${esc(title)}</h3><svg xmlns="http://www.w3.org/2000/svg" width="640" height="80" class="no-data"><text x="320" y="44" text-anchor="middle" fill="#888">no data: ${esc(why)}</text></svg><figcaption>${esc(caption)}</figcaption></figure>`;
}

export interface RenderedChart {
  readonly id: string;
  readonly spec: Spec;
}

const PLACEHOLDER = new RegExp(`<script type="${TAG.replace(/[+.]/g, '\\$&')}" data-chart="([^"]*)">([\\s\\S]*?)</script>`, 'g');

/**
 * Every figure's spec in `html` rendered to inline SVG; the specs, for charts/PAGE/*.vl.json; and what vega and
 * Vega-Lite warned of, returned rather than printed (the command says them; the tests check there is none).
 */
export async function renderCharts(html: string): Promise<{ html: string; charts: RenderedChart[]; warnings: string[] }> {
  const charts: RenderedChart[] = [];
  const svgs: string[] = [];
  const warnings: string[] = [];
  const log = logger(Warn, undefined, (_method, _level, args) => warnings.push(args.map(String).join(' ')));
  for (const m of html.matchAll(PLACEHOLDER)) {
    const spec = JSON.parse(m[2]!) as Spec;
    charts.push({ id: m[1]!, spec });
    svgs.push(await toSvg(spec, log));
  }
  let i = 0;
  return { html: html.replace(PLACEHOLDER, () => svgs[i++]!), charts, warnings };
}

async function toSvg(spec: Spec, log: ReturnType<typeof logger>): Promise<string> {
  const view = new View(parse(compile(spec as unknown as TopLevelSpec, { logger: log }).spec), { renderer: 'none', logger: log });
  try {
    const svg = (await view.toSVG()).replace(/^<svg /, '<svg role="img" ');
    const hatch = (spec.usermeta as ChartMeta | undefined)?.hatch;
    return hatch ? svg.replace(/^(<svg[^>]*>)/, `$1${hatchPattern(hatch)}`) : svg;
  } finally {
    view.finalize();
  }
}

/** White diagonal stripes over the bar's own colour. */
function hatchPattern(id: string): string {
  return `<defs><pattern id="${esc(id)}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>`;
}

/**
 * Writes `html` to `file` with its charts rendered, and each chart's spec to charts/PAGE/ID.vl.json beside it (PAGE:
 * the file's name without .html, so that report.html and each compare-….html keep their own). Returns the warnings.
 */
export async function writeHtmlWithCharts(file: string, html: string): Promise<string[]> {
  const { html: page, charts, warnings } = await renderCharts(html);
  writeFileSync(file, page);
  const dir = join(dirname(file), 'charts', basename(file).replace(/\.html?$/, ''));
  rmSync(dir, { recursive: true, force: true });
  if (charts.length === 0) return warnings;
  mkdirSync(dir, { recursive: true });
  for (const c of charts) writeFileSync(join(dir, `${c.id}.vl.json`), `${JSON.stringify(c.spec, null, 1)}\n`);
  return warnings;
}
