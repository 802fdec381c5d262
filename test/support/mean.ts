// Plain means for the end-to-end tests' relations and diagnostics (not the report's statistics code).
import assert from 'node:assert/strict';
import { num, type TrialRow } from '../../src/results/read-trials.js';

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The mean of a numeric trials.csv column, over the rows that have a value; fails when none has. */
export function columnMean(rows: readonly TrialRow[], column: string): number {
  const xs = rows.map((r) => num(r, column)).filter((x): x is number => x !== undefined);
  assert.ok(xs.length > 0, `no values of ${column}`);
  return mean(xs);
}
