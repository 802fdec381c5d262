// Expands an experiment into the ordered list of trials. Pure: `migbench plan` prints it without touching hosts.
// Order: repetition-major (every cell once, then every cell again), so slow drift on the hosts spreads over all
// cells instead of biasing the last ones; within a cell the directions alternate, so the VM ping-pongs and ends
// each pair where it started.
import type { Experiment } from '../config/experiment.js';
import { STRATEGIES } from '../config/strategy.js';
import type { Direction, Trial } from './trial.js';

export function directionsOf(e: Pick<Experiment, 'directions'>): Direction[] {
  return e.directions === 'both' ? ['a-to-b', 'b-to-a'] : [e.directions];
}

export function planTrials(e: Experiment): Trial[] {
  const trials: Trial[] = [];
  for (let rep = 1; rep <= e.repetitions; rep++) {
    for (const delayMs of e.delays_ms) {
      for (const load of e.loads) {
        for (const name of e.strategies) {
          for (const direction of directionsOf(e)) {
            trials.push({ index: trials.length, repetition: rep, strategy: STRATEGIES[name], load, delayMs, direction });
          }
        }
      }
    }
  }
  return trials;
}
