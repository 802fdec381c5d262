// Expands an experiment into the ordered list of trials. Pure: `migbench plan` prints it without touching hosts.
// Order: repetition-major (then delay, load, knobs, strategy) (every cell once, then every cell again), so slow drift on the hosts spreads over all
// cells instead of biasing the last ones; within a cell the directions alternate, so the VM ping-pongs and ends
// each pair where it started.
import type { Experiment } from '../config/experiment.js';
import { InputError } from '../errors.js';
import { cellLabel, type Direction, type Trial } from './trial.js';

export function directionsOf(e: Pick<Experiment, 'directions'>): Direction[] {
  return e.directions === 'both' ? ['a-to-b', 'b-to-a'] : [e.directions];
}

export function planTrials(e: Experiment): Trial[] {
  const trials: Trial[] = [];
  for (let rep = 1; rep <= e.repetitions; rep++) {
    for (const delayMs of e.delays_ms) {
      for (const load of e.loads) {
        for (const knobs of e.knobs) {
          for (const strategy of e.strategies) {
            for (const direction of directionsOf(e)) {
              trials.push({ index: trials.length, repetition: rep, strategy, knobs, load, delayMs, direction });
            }
          }
        }
      }
    }
  }
  return trials;
}

/**
 * Trials that run back to back on one host pair: the directions of one cell in one repetition, so the VM ends
 * where it started. Several pairs, and shards, share a sweep out unit by unit.
 */
export function planUnits(trials: readonly Trial[]): Trial[][] {
  const units: Trial[][] = [];
  const cell = (t: Trial) => `${t.repetition} ${cellLabel(t)}`;
  for (const t of trials) {
    const last = units.at(-1);
    if (last && cell(last[0]!) === cell(t)) last.push(t);
    else units.push([t]);
  }
  return units;
}

/** `--shard i/n`: this machine runs units i, i + n, i + 2n, … (1-based) of the sweep. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new InputError(`--shard "${text}" must be i/n with 1 ≤ i ≤ n`, 'e.g. --shard 2/4 for the second of four machines');
  return { index, count };
}

export function shardTrials(trials: readonly Trial[], shard: Shard | undefined): Trial[] {
  if (!shard || shard.count === 1) return [...trials];
  return planUnits(trials).filter((_, u) => u % shard.count === shard.index - 1).flat();
}
