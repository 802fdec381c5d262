// The one name of a matrix cell, wherever a cell is printed: the run's lines, summaries, reports, SLA checks, JUnit.

export interface CellKey {
  /** Absent: the cell's group, all strategies together (one chart group, one recommendation). */
  readonly strategy?: string;
  readonly load: string;
  readonly delayMs: number | string;
  /** The knobs as described ('' or absent: libvirt's defaults). */
  readonly knobs?: string;
  /** '' or absent: both directions together. */
  readonly direction?: string;
}

/** "strategy load 10ms [knobs] [direction]"; `join` stands between the strategy and the rest (' ' or ' · '). */
export function cellName(k: CellKey, join = ' '): string {
  const rest = `${k.load} ${k.delayMs}ms${k.knobs ? ` ${k.knobs}` : ''}${k.direction ? ` ${k.direction}` : ''}`;
  return k.strategy === undefined ? rest : `${k.strategy}${join}${rest}`;
}

/** The cell's group: its name without the strategy. */
export const groupName = (k: CellKey): string => cellName({ ...k, strategy: undefined });
