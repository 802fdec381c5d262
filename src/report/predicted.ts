// `migbench report DIR --model model.json`: per cell, the model's prediction beside what was measured, and the
// error — the terminal table and a section of report.html.
import { mean } from 'simple-statistics';
import { cellName } from '../plan/cell.js';
import { predictAll } from '../model/accuracy.js';
import { METRIC_LABELS, METRICS, type Metric } from '../model/fit.js';
import type { ModelFile } from '../model/model-file.js';
import { idleNonZeroBytes, samplesOf } from '../model/samples.js';
import { cellKeyOf, groupBy } from '../results/cells.js';
import type { TrialRow } from '../results/read-trials.js';
import { esc } from './charts/chart.js';
import { formatTable } from './table.js';

export interface PredictedCell {
  readonly cell: string;
  readonly trials: number;
  /** Trials whose outcome (completed or timed out) the model called right. */
  readonly convergedAsPredicted: number;
  /** Means over the trials that completed and were predicted to converge; no error where the measure is 0. */
  readonly metrics: ReadonlyArray<{ metric: Metric; measured: number; predicted: number; errorPct: number | undefined }>;
}

/** The folder's own idle guest when it has idle trials, else the fitted sweeps'. */
export function predictedCells(rows: readonly TrialRow[], model: ModelFile): { cells: PredictedCell[]; skipped: Map<string, number> } {
  const { samples, skipped } = samplesOf(rows, idleNonZeroBytes(rows) ?? model.idleNonZeroBytes);
  const byCell = groupBy(predictAll(samples, model.constants), (x) => cellName(cellKeyOf(x.s.row, false), ' · '));
  const cells = [...byCell].map(([cell, pairs]) => {
    const metrics = METRICS.flatMap((metric) => {
      const both = pairs.filter(({ s, p }) => p.converges && s.measured[metric] !== undefined && p[metric] !== undefined);
      if (both.length === 0) return [];
      const measured = mean(both.map(({ s }) => s.measured[metric]!));
      const predicted = mean(both.map(({ p }) => p[metric]!));
      return [{ metric, measured, predicted, errorPct: measured > 0 ? ((predicted - measured) / measured) * 100 : undefined }];
    });
    return { cell, trials: pairs.length, convergedAsPredicted: pairs.filter((x) => x.agrees).length, metrics };
  });
  return { cells, skipped };
}

function figure(c: PredictedCell, m: Metric): string {
  const x = c.metrics.find((y) => y.metric === m);
  if (!x) return '–';
  const l = METRIC_LABELS[m];
  const n = (v: number) => (v / l.scale).toFixed(l.digits);
  const err = x.errorPct === undefined ? '' : ` (${x.errorPct >= 0 ? '+' : ''}${x.errorPct.toFixed(0)} %)`;
  return `${n(x.predicted)} / ${n(x.measured)}${err}`;
}

const HEADER = ['cell', 'converged as predicted', ...METRICS.map((m) => `${METRIC_LABELS[m].label} ${METRIC_LABELS[m].unit}: predicted / measured`)];

export function predictedTable(cells: readonly PredictedCell[]): string {
  return formatTable(HEADER, cells.map((c) => [c.cell, `${c.convergedAsPredicted}/${c.trials}`, ...METRICS.map((m) => figure(c, m))]), 1);
}

export function predictedHtml(cells: readonly PredictedCell[], source: string): string {
  const rows = cells.map((c) => `<tr><td class="t">${esc(c.cell)}</td><td>${c.convergedAsPredicted}/${c.trials}</td>${METRICS.map((m) => `<td>${esc(figure(c, m))}</td>`).join('')}</tr>`).join('\n');
  return `<h2>Predicted against measured</h2>
<p>The model of ${esc(source)} (docs/model.md), from the inputs measured before each migration: means per cell over the trials that completed and were predicted to converge, and the error of the prediction.</p>
<table id="predicted"><thead><tr>${HEADER.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table>`;
}
