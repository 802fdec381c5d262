// Points by series, with the y = x diagonal: switch-over time against total time.
import { figure, noDataFigure, type Spec } from './chart.js';

export interface Point {
  readonly series: string;
  readonly x: number;
  readonly y: number;
  readonly note?: string;
}

export function scatterChart(c: { id: string; title: string; caption: string; xLabel: string; yLabel: string; series: readonly string[]; points: readonly Point[]; diagonal?: string }): string {
  if (c.points.length === 0) return noDataFigure(c.id, c.title, c.caption, 'no trial has both values');
  const top = Math.max(...c.points.flatMap((p) => [p.x, p.y]));
  const axis = (title: string) => ({ type: 'quantitative', title, scale: { domain: [0, top], nice: true } });
  const layers: Spec[] = [
    {
      data: { values: [{ v: 0 }, { v: top }] },
      mark: { type: 'line', color: '#999', strokeDash: [4, 3], strokeWidth: 1 },
      encoding: { x: { field: 'v', ...axis(c.xLabel) }, y: { field: 'v', ...axis(c.yLabel) } },
    },
    {
      mark: { type: 'point', filled: true, size: 40, opacity: 0.8 },
      encoding: { x: { field: 'x', ...axis(c.xLabel) }, y: { field: 'y', ...axis(c.yLabel) }, color: { field: 'series', type: 'nominal', sort: c.series, scale: { domain: c.series }, title: null } },
    },
  ];
  if (c.diagonal) {
    layers.push({ data: { values: [{ v: top, label: c.diagonal }] }, mark: { type: 'text', color: '#777', align: 'right', dy: -8, fontSize: 10 }, encoding: { x: { field: 'v', ...axis(c.xLabel) }, y: { field: 'v', ...axis(c.yLabel) }, text: { field: 'label' } } });
  }
  return figure(c.id, c.title, c.caption, { data: { values: c.points.map((p) => ({ ...p, note: p.note ?? '' })) }, width: 420, height: 360, layer: layers });
}
