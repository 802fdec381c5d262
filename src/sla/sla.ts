// Service-level gates for CI: `--sla max:downtime_ms<=300,total_time_ms<=20000`. Each rule is checked for
// every cell of the sweep, on the cell's completed trials (mean by default; max, min or median when asked).
import { InputError } from '../errors.js';
import { NUMERIC_COLUMNS } from '../report/metrics.js';
import { describe } from '../report/stats.js';
import { cellName } from '../plan/cell.js';
import { groupCells, type MatrixCell } from '../results/cells.js';
import type { TrialRow } from '../results/read-trials.js';
import { DOWNTIME, downtimesFromEvents, metricValue } from '../report/downtime.js';

export type Aggregate = 'mean' | 'max' | 'min' | 'median';
export type Comparison = '<=' | '<' | '>=' | '>';

export interface SlaRule {
  readonly text: string;
  readonly aggregate: Aggregate;
  readonly metric: string;
  readonly op: Comparison;
  readonly limit: number;
}

export interface SlaCheck {
  readonly cell: string;
  readonly rule: SlaRule;
  /** undefined when the cell has no completed trial with this metric (a violation). */
  readonly value: number | undefined;
  readonly ok: boolean;
  readonly completed: number;
  readonly trials: number;
  /** Downtime rules: trials whose value is the events' pause (QEMU reported none). */
  readonly fromEvents: number;
}

const NUMERIC = new Set(NUMERIC_COLUMNS.map((c) => c.name));

export function parseSla(spec: string): SlaRule[] {
  const rules: SlaRule[] = [];
  for (const text of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(?:(mean|max|min|median):)?([a-z_]+)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)$/.exec(text);
    if (!m) throw new InputError(`--sla: cannot read "${text}"`, `write rules like max:downtime_ms<=300,total_time_ms<=20000 (aggregate mean|max|min|median, default mean)`);
    const metric = m[2]!;
    if (!NUMERIC.has(metric)) throw new InputError(`--sla: "${metric}" is not a numeric trials.csv column`, `use one such as downtime_ms, total_time_ms, switchover_ms, data_processed_bytes (docs/results.md lists them)`);
    rules.push({ text, aggregate: (m[1] as Aggregate | undefined) ?? 'mean', metric, op: m[3] as Comparison, limit: Number(m[4]) });
  }
  if (rules.length === 0) throw new InputError('--sla is empty', 'give at least one rule, e.g. --sla max:downtime_ms<=300');
  return rules;
}

function compare(v: number, op: Comparison, limit: number): boolean {
  return op === '<=' ? v <= limit : op === '<' ? v < limit : op === '>=' ? v >= limit : v > limit;
}

export function checkCell(cell: MatrixCell, rule: SlaRule): SlaCheck {
  const completed = cell.rows.filter((r) => r.status === 'completed');
  const xs = completed.map((r) => metricValue(r, rule.metric)).filter((x): x is number => x !== undefined);
  const value = describe(xs)?.[rule.aggregate];
  const fromEvents = rule.metric === DOWNTIME ? downtimesFromEvents(completed) : 0;
  return { cell: cellName(cell), rule, value, ok: value !== undefined && compare(value, rule.op, rule.limit), completed: completed.length, trials: cell.rows.length, fromEvents };
}

export function checkSla(rows: readonly TrialRow[], rules: readonly SlaRule[]): SlaCheck[] {
  return groupCells(rows).flatMap((cell) => rules.map((rule) => checkCell(cell, rule)));
}

export function describeViolation(c: SlaCheck): string {
  const value = c.value === undefined ? 'no completed trial' : `${c.rule.aggregate} ${c.rule.metric} = ${Math.round(c.value * 100) / 100}`;
  const events = c.fromEvents ? `; ${c.fromEvents} downtime(s) from the events, QEMU reported none` : '';
  return `${c.cell}: ${value}, needs ${c.rule.text} (${c.completed} of ${c.trials} trials completed${events})`;
}
