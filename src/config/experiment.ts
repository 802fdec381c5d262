// EXPERIMENT.yaml: what to measure. The matrix is strategies × loads × delays × directions × repetitions.
import { z } from 'zod';
import { LoadSchema, toLoad, type Load } from './load.js';
import { slug } from './names.js';
import { isStrategyName, STRATEGY_NAMES, type StrategyName } from './strategy.js';
import { loadYamlFile } from './yaml-file.js';

const strategyName = z
  .string({ error: 'expected a strategy name' })
  .refine(isStrategyName, { error: (iss) => `unknown strategy "${String(iss.input)}" — use one of: ${STRATEGY_NAMES.join(', ')}` })
  .transform((s) => s as StrategyName);

export const DIRECTIONS = ['both', 'a-to-b', 'b-to-a'] as const;
export const DELAY_METHODS = ['auto', 'netem', 'proxy'] as const;
export const TIMEOUT_ACTIONS = ['abort', 'suspend', 'postcopy'] as const;

const DelaySchema = z.strictObject({
  method: z.enum(DELAY_METHODS, { error: `delay.method must be one of: ${DELAY_METHODS.join(', ')}` }).default('auto'),
  where: z.enum(['source', 'destination', 'both'], { error: 'delay.where must be source, destination or both' }).default('both'),
  jitter_ms: z.number().min(0).max(10_000).default(0),
  loss_pct: z.number().min(0).max(100).default(0),
  window_kib: z.number().int().min(0).max(1 << 22).default(4096),
  proxy_port: z.number().int().min(1024).max(65535).default(49300),
});

const TimeoutSchema = z.strictObject({
  seconds: z.number().positive().max(86_400),
  action: z.enum(TIMEOUT_ACTIONS, { error: `timeout.action must be one of: ${TIMEOUT_ACTIONS.join(', ')}` }).default('abort'),
  grace_s: z.number().min(0).max(86_400).default(300),
});

export const ExperimentSchema = z.strictObject({
  name: slug,
  description: z.string().max(2000).optional(),
  strategies: z
    .array(strategyName, { error: `expected a list of strategies, e.g. [${STRATEGY_NAMES.join(', ')}]` })
    .min(1, 'list at least one strategy')
    .refine((s) => new Set(s).size === s.length, 'a strategy is listed twice'),
  loads: z
    .array(LoadSchema, { error: 'expected a list of loads, e.g. [idle, {name: w60, size: "60%", rate_mib_s: 0}]' })
    .min(1)
    .default(['idle'])
    .transform((l) => l.map(toLoad))
    .refine((l: Load[]) => new Set(l.map((x) => x.name)).size === l.length, 'two loads have the same name'),
  delays_ms: z
    .array(z.number().min(0).max(10_000), { error: 'expected a list of one-way delays in ms, e.g. [0, 10, 50]' })
    .min(1)
    .default([0])
    .refine((d) => new Set(d).size === d.length, 'a delay is listed twice'),
  delay: DelaySchema.default(DelaySchema.parse({})),
  repetitions: z.number().int().min(1).max(100000).default(1),
  directions: z.enum(DIRECTIONS, { error: `directions must be one of: ${DIRECTIONS.join(', ')}` }).default('both'),
  timeout: TimeoutSchema.default({ seconds: 300, action: 'abort', grace_s: 300 }),
  warmup_s: z.number().min(0).max(600).default(3),
  sample_hz: z.number().min(1).max(50).default(10),
  settle_s: z.number().min(0).max(3600).default(1),
});
export type Experiment = z.infer<typeof ExperimentSchema>;
export type DelayOptions = Experiment['delay'];
export type TimeoutOptions = Experiment['timeout'];

export function loadExperiment(file: string): Experiment {
  return loadYamlFile(file, ExperimentSchema, 'experiment file', 'give the path of an experiment YAML file, e.g. experiments/smoke.yaml').value;
}
