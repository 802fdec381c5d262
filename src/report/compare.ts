// `migbench report A --compare B`: two sweeps side by side, cell by cell (e.g. before and after a host upgrade).
import { cellName } from '../plan/cell.js';
import type { TrialRow } from '../results/read-trials.js';
import { downtimeOf, num } from '../results/read-trials.js';
import { barChart } from './charts/bars.js';
import { esc } from './charts/chart.js';
import { describe, welch } from './stats.js';
import { summarize, type SummaryCell } from './summary.js';
import { formatTable } from './table.js';

const COMPARED: ReadonlyArray<[string, string, (r: TrialRow) => number | undefined]> = [
  ['downtime', 'ms', downtimeOf],
  ['total time', 'ms', (r) => num(r, 'total_time_ms')],
  ['switch-over', 'ms', (r) => num(r, 'switchover_ms')],
  ['data', 'MiB', (r) => (num(r, 'data_processed_bytes') ?? NaN) / 2 ** 20 || undefined],
];

export interface Side {
  readonly label: string;
  readonly rows: readonly TrialRow[];
}

/** Both sides summarized once, their cells by name, and every cell name either side has, in first-seen order. */
export interface Comparison {
  readonly a: Side;
  readonly b: Side;
  readonly cellsA: ReadonlyMap<string, SummaryCell>;
  readonly cellsB: ReadonlyMap<string, SummaryCell>;
  readonly names: readonly string[];
}

export function compare(a: Side, b: Side): Comparison {
  const byName = (s: Side) => new Map(summarize(s.rows).map((c) => [cellName(c, ' · '), c]));
  const cellsA = byName(a);
  const cellsB = byName(b);
  return { a, b, cellsA, cellsB, names: [...new Set([...cellsA.keys(), ...cellsB.keys()])] };
}

function values(c: SummaryCell | undefined, f: (r: TrialRow) => number | undefined): number[] {
  return (c?.rows ?? []).filter((r) => r.status === 'completed').map(f).filter((x): x is number => x !== undefined);
}

export function compareTable({ a, b, cellsA: ca, cellsB: cb, names: keys }: Comparison): string {
  const header = ['cell', ...COMPARED.flatMap(([m, u]) => [`${m} ${u}: ${a.label}`, b.label, 'change'])];
  const body = keys.map((k) => [
    k,
    ...COMPARED.flatMap(([, , f]) => {
      const va = values(ca.get(k), f);
      const vb = values(cb.get(k), f);
      const ma = describe(va)?.mean;
      const mb = describe(vb)?.mean;
      const w = welch(va, vb);
      const change = ma !== undefined && mb !== undefined && ma !== 0 ? `${(((mb - ma) / ma) * 100).toFixed(0)} %${w ? (w.p < 0.05 ? ' *' : '') : ''}` : '-';
      return [ma === undefined ? '-' : ma.toFixed(0), mb === undefined ? '-' : mb.toFixed(0), change];
    }),
  ]);
  return formatTable(header, body, 1);
}

export function compareHtml(c: Comparison): string {
  const { a, b, cellsA: ca, cellsB: cb, names: keys } = c;
  const charts = COMPARED.map(([m, unit, f], i) =>
    barChart({
      id: `compare-${i}`,
      title: `${m}: ${a.label} vs ${b.label}`,
      caption: 'Mean over completed trials with its 95 % confidence interval; one group per cell, one bar per sweep.',
      valueLabel: unit,
      series: [a.label, b.label],
      groups: keys.map((k) => ({
        name: k,
        bars: [
          [a.label, ca.get(k)] as const,
          [b.label, cb.get(k)] as const,
        ].map(([label, cell]) => {
          const d = describe(values(cell, f));
          return { series: label, value: d?.mean, lo: d?.ci95?.[0], hi: d?.ci95?.[1], note: `n=${d?.n ?? 0}` };
        }),
      })),
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(a.label)} vs ${esc(b.label)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px}figure{margin:16px 0;overflow-x:auto}pre{font-size:12px}</style></head><body>
<h1>${esc(a.label)} vs ${esc(b.label)}</h1>
<pre>${esc(compareTable(c))}</pre>
<p><small>change: (${esc(b.label)} − ${esc(a.label)}) / ${esc(a.label)}; * = Welch t test p &lt; 0.05.</small></p>
${charts.join('\n')}
</body></html>
`;
}
