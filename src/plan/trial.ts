// A Trial is one migration: one cell of the experiment matrix (strategy × load × delay), one repetition, one
// direction.
import type { Load } from '../config/load.js';
import { describeKnobs, type Knobs, type Strategy } from '../config/strategy.js';
import { cellName } from './cell.js';

export type Direction = 'a-to-b' | 'b-to-a';

export interface Trial {
  /** Position in the sweep, 0-based; stable for a given experiment file. */
  readonly index: number;
  /** 1-based repetition of its cell. */
  readonly repetition: number;
  readonly strategy: Strategy;
  /** Bandwidth caps and max downtime for this trial (empty: libvirt's defaults). */
  readonly knobs: Knobs;
  readonly load: Load;
  /** Added one-way network delay, ms (0 = the direct path). */
  readonly delayMs: number;
  readonly direction: Direction;
}

/** The trial's cell, without its direction: "strategy load delay [knobs]". */
export function cellLabel(t: Trial): string {
  return cellName({ strategy: t.strategy.label, load: t.load.name, delayMs: t.delayMs, knobs: describeKnobs(t.knobs) });
}
