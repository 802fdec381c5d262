// A Trial is one migration: one cell of the experiment matrix, one repetition, one direction.
import type { Strategy } from '../config/strategy.js';

export type Direction = 'a-to-b' | 'b-to-a';

export interface Trial {
  /** Position in the sweep, 0-based; stable for a given experiment file. */
  readonly index: number;
  /** 1-based repetition of its cell. */
  readonly repetition: number;
  readonly strategy: Strategy;
  readonly direction: Direction;
}

export function cellLabel(t: Trial): string {
  return `${t.strategy.name} ${t.direction}`;
}
