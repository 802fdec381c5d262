// model.json: the constants `migbench fit` found for a host pair, what they were fitted on, and how well they
// predicted it (the spread advise turns into intervals).
import { readFileSync } from 'node:fs';
import { errorMessage, InputError } from '../errors.js';
import type { Accuracy } from './accuracy.js';
import { DEFAULT_CONSTANTS, type PairConstants } from './inputs.js';

export const MODEL_FORMAT = 'migbench-model/1';

export interface ModelFile {
  readonly format: typeof MODEL_FORMAT;
  readonly fittedAt: string;
  /** The results folders and how many of their trials the fit took. */
  readonly from: readonly string[];
  readonly trials: number;
  /** The guest's non-zero RAM at rest in the sweeps, bytes (their idle trials). */
  readonly idleNonZeroBytes: number;
  readonly constants: PairConstants;
  /** Constants no trial informed, left at their defaults. */
  readonly unfitted: readonly string[];
  readonly accuracy: Accuracy;
}

/** Constants a throughput is multiplied or bounded by: 0 would make every prediction infinite. */
const RATES = ['efficiency', 'pullEfficiency', 'maxStreamMiBs', 'maxPullMiBs', 'multifdGain', 'xbzrleRatio', 'throttleHeadroom', 'maxRounds'];

export function readModelFile(path: string): ModelFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`cannot read the model ${path}: ${errorMessage(err)}`, 'give a model.json written by migbench fit');
  }
  const m = parsed as Partial<ModelFile>;
  if (m?.format !== MODEL_FORMAT) throw new InputError(`${path} is not a migbench model (format ${JSON.stringify(m?.format)}, expected ${MODEL_FORMAT})`, 'write one with migbench fit RESULTS… --out model.json');
  const c = m.constants as Record<string, unknown> | undefined;
  const bad = Object.keys(DEFAULT_CONSTANTS).find((k) => typeof c?.[k] !== 'number' || !(c[k] >= 0) || (RATES.includes(k) && !(c[k] > 0)));
  if (bad) throw new InputError(`${path}: constant ${bad} is missing, not a number, or out of range (${JSON.stringify(c?.[bad])})`, 'fit the model again with this migbench version (migbench fit)');
  const a = m.accuracy;
  if (typeof m.idleNonZeroBytes !== 'number' || typeof m.trials !== 'number' || !Array.isArray(m.from) || !Array.isArray(a?.errors) || !Array.isArray(a?.convergence)) {
    throw new InputError(`${path}: idleNonZeroBytes, trials, from or accuracy is missing`, 'fit the model again with migbench fit');
  }
  return m as ModelFile;
}
