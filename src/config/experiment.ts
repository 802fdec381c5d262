// EXPERIMENT.yaml: what to measure. The matrix is strategies × repetitions × directions.
import { z } from 'zod';
import { slug } from './names.js';
import { isStrategyName, STRATEGY_NAMES, type StrategyName } from './strategy.js';
import { loadYamlFile } from './yaml-file.js';

const strategyName = z
  .string({ error: 'expected a strategy name' })
  .refine(isStrategyName, { error: (iss) => `unknown strategy "${String(iss.input)}" — use one of: ${STRATEGY_NAMES.join(', ')}` })
  .transform((s) => s as StrategyName);

export const DIRECTIONS = ['both', 'a-to-b', 'b-to-a'] as const;

export const ExperimentSchema = z.strictObject({
  name: slug,
  description: z.string().max(2000).optional(),
  strategies: z
    .array(strategyName, { error: `expected a list of strategies, e.g. [${STRATEGY_NAMES.join(', ')}]` })
    .min(1, 'list at least one strategy')
    .refine((s) => new Set(s).size === s.length, 'a strategy is listed twice'),
  repetitions: z.number().int().min(1).max(100000).default(1),
  directions: z
    .enum(DIRECTIONS, { error: `directions must be one of: ${DIRECTIONS.join(', ')}` })
    .default('both'),
  settle_s: z.number().min(0).max(3600).default(1),
  migration_timeout_s: z.number().positive().max(86400).default(300),
});
export type Experiment = z.infer<typeof ExperimentSchema>;

export function loadExperiment(file: string): Experiment {
  return loadYamlFile(file, ExperimentSchema, 'experiment file', 'give the path of an experiment YAML file, e.g. experiments/smoke.yaml').value;
}
