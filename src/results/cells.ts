// A cell of the matrix, as read back from trials.csv: strategy × load × delay × knobs × direction.
import type { CellKey } from '../plan/cell.js';
import type { TrialRow } from './read-trials.js';

export interface MatrixCell extends Required<CellKey> {
  readonly strategy: string;
  readonly load: string;
  readonly delayMs: string;
  readonly knobs: string;
  readonly direction: string;
  readonly rows: TrialRow[];
}

/** The row's cell; `byDirection: false` leaves the direction out (''), so the two directions share a cell. */
export function cellKeyOf(r: TrialRow, byDirection: boolean): Omit<MatrixCell, 'rows'> {
  return { strategy: r.strategy ?? '', load: r.load ?? 'idle', delayMs: r.delay_ms ?? '0', knobs: r.knobs ?? '', direction: byDirection ? (r.direction ?? '') : '' };
}

/** Items grouped by a key, in the order keys first appear. */
export function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const group = out.get(k);
    if (group) group.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** Groups rows by cell, in the order cells first appear; `byDirection: false` merges the two directions. */
export function groupCells(rows: readonly TrialRow[], byDirection = true): MatrixCell[] {
  const cells = new Map<string, MatrixCell>();
  for (const r of rows) {
    const key = cellKeyOf(r, byDirection);
    const id = Object.values(key).join('\t');
    let cell = cells.get(id);
    if (!cell) {
      cell = { ...key, rows: [] };
      cells.set(id, cell);
    }
    cell.rows.push(r);
  }
  return [...cells.values()];
}
