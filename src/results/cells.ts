// A cell of the matrix, as read back from trials.csv: strategy × load × delay × knobs × direction.
import type { TrialRow } from './read-trials.js';

export interface Cell {
  readonly strategy: string;
  readonly load: string;
  readonly delayMs: string;
  readonly knobs: string;
  readonly direction: string;
  readonly rows: TrialRow[];
}

export function cellName(c: Pick<Cell, 'strategy' | 'load' | 'delayMs' | 'knobs' | 'direction'>): string {
  return `${c.strategy} ${c.load} ${c.delayMs}ms${c.knobs ? ` ${c.knobs}` : ''} ${c.direction}`;
}

/** Groups rows by cell, in the order cells first appear; `byDirection: false` merges the two directions (direction ''). */
export function groupCells(rows: readonly TrialRow[], byDirection = true): Cell[] {
  const cells = new Map<string, Cell>();
  for (const r of rows) {
    const direction = byDirection ? (r.direction ?? '') : '';
    const key = [r.strategy, r.load ?? 'idle', r.delay_ms ?? '0', r.knobs ?? '', direction].join('\t');
    let cell = cells.get(key);
    if (!cell) {
      cell = { strategy: r.strategy ?? '', load: r.load ?? 'idle', delayMs: r.delay_ms ?? '0', knobs: r.knobs ?? '', direction, rows: [] };
      cells.set(key, cell);
    }
    cell.rows.push(r);
  }
  return [...cells.values()];
}
