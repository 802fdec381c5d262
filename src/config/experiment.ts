// EXPERIMENT.yaml: what to measure. The matrix is strategies × loads × delays × directions × repetitions.
import { z } from 'zod';
import { LoadSchema, toLoad, type Load } from './load.js';
import { slug } from './names.js';
import { describeKnobs, describeParams, isStrategyName, MULTIFD_COMPRESSIONS, preset, refusal, STRATEGY_NAMES, type Knobs, type MultifdCompression, type Strategy, type StrategyName } from './strategy.js';
import { loadYamlFile } from './yaml-file.js';

const strategyName = z
  .string({ error: 'expected a strategy name' })
  .refine(isStrategyName, { error: (iss) => `unknown strategy "${String(iss.input)}" — use one of: ${STRATEGY_NAMES.join(', ')}` })
  .transform((s) => s as StrategyName);

/** A value, or a list of values to sweep like any other axis. */
const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.infer<T>[]);

const StrategyObject = z
  .strictObject({
    name: strategyName,
    label: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._()=+,-]{0,47}$/, 'label must be 1-48 letters, digits or . _ ( ) = + , -').optional(),
    switch_after_s: oneOrMany(z.number().positive().max(86_400)).optional(),
    min_progress_pct: oneOrMany(z.number().min(0).max(100)).optional(),
    initial_pct: oneOrMany(z.number().int().min(1).max(99)).optional(),
    increment_pct: oneOrMany(z.number().int().min(1).max(99)).optional(),
    cache_mib: oneOrMany(z.number().int().min(1).max(1 << 20)).optional(),
    connections: oneOrMany(z.number().int().min(1).max(255)).optional(),
    auto_converge: z.boolean().optional(),
    xbzrle: z.boolean().optional(),
    tunnelled: z.boolean().optional(),
    compression: oneOrMany(z.string()).optional(),
    compression_level: oneOrMany(z.number().int().min(1).max(20)).optional(),
    zerocopy: z.boolean().optional(),
    tls: z.boolean().optional(),
    // QEMU's downtime-limit is at most 2 000 000 ms; Nova counts a step's time in whole seconds of delay × data_gb (≥ 2)
    downtime_steps: z
      .strictObject({
        max_ms: z.number().int().min(1).max(2_000_000),
        steps: z.number().int().min(1).max(100).default(10),
        delay_s: z.number().min(0.5, 'delay_s must be at least 0.5: a step lasts int(delay_s × data_gb) whole seconds, data_gb at least 2').max(86_400).default(75),
      })
      .refine((d) => d.max_ms >= d.steps, { message: 'max_ms must be at least steps: the first max downtime is max_ms ÷ steps whole ms', path: ['max_ms'] })
      .optional(),
    // 0 turns a timeout off, as in KubeVirt
    kubevirt: z
      .strictObject({
        progress_timeout_s: z.number().min(0).max(86_400).default(150),
        completion_timeout_per_gib_s: z.number().min(0).max(86_400).default(150),
        allow_postcopy: z.boolean().default(false),
      })
      .optional(),
  })
  .superRefine((o, ctx) => {
    const wrong = (field: string, needs: string) => ctx.addIssue({ code: 'custom', path: [field], message: `${field} only applies to ${needs}` });
    const autoConverge = o.name === 'auto-converge' || o.auto_converge === true;
    const xbzrle = o.name === 'xbzrle' || o.xbzrle === true;
    if ((o.switch_after_s || o.min_progress_pct) && o.name !== 'hybrid-timeout') wrong(o.switch_after_s ? 'switch_after_s' : 'min_progress_pct', 'hybrid-timeout');
    if ((o.initial_pct || o.increment_pct) && !autoConverge) wrong(o.initial_pct ? 'initial_pct' : 'increment_pct', 'auto-converge (or auto_converge: true)');
    if (o.cache_mib && !xbzrle) wrong('cache_mib', 'xbzrle (or xbzrle: true)');
    if (o.connections && o.name !== 'multifd') wrong('connections', 'multifd');
    const unknown = o.compression?.find((c) => !(MULTIFD_COMPRESSIONS as readonly string[]).includes(c));
    if (unknown) ctx.addIssue({ code: 'custom', path: ['compression'], message: `compression "${unknown}" is not one of ${MULTIFD_COMPRESSIONS.join(', ')} (multifd's; xbzrle is its own preset)` });
    if (o.compression && o.name !== 'multifd') wrong('compression', 'multifd (xbzrle is its own preset, or xbzrle: true)');
    if (o.zerocopy && o.name !== 'multifd') wrong('zerocopy', 'multifd');
    if (o.compression_level && !o.compression) wrong('compression_level', 'a compression (compression: zstd or zlib)');
    // zlib's levels are 1-9, zstd's 1-20 (QEMU's multifd-zlib-level / multifd-zstd-level)
    if (o.compression_level && o.compression?.includes('zlib') && o.compression_level.some((l) => l > 9)) ctx.addIssue({ code: 'custom', path: ['compression_level'], message: 'zlib levels are 1-9 (zstd 1-20); give zlib and zstd separate entries for levels above 9' });
  });

type StrategyEntry = StrategyName | z.infer<typeof StrategyObject>;

/** Every variant an entry stands for: the product of its list-valued parameters. */
export function expandStrategy(entry: StrategyEntry): Strategy[] {
  if (typeof entry === 'string') return [preset(entry)];
  const axes: Array<[string, unknown[]]> = Object.entries(entry).filter(([k, v]) => Array.isArray(v) && k !== 'name') as Array<[string, unknown[]]>;
  let combos: Array<Record<string, unknown>> = [{}];
  for (const [k, values] of axes) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  return combos.map((c) => {
    const p = { ...entry, ...c } as Record<string, unknown>;
    const base = preset(entry.name);
    const s: Strategy = {
      ...base,
      // KubeVirt's allowPostCopy: the job may be switched, so it starts with --postcopy
      postcopy: entry.kubevirt?.allow_postcopy && base.postcopy === 'none' ? 'policy' : base.postcopy,
      switchPolicy: base.switchPolicy && { afterS: (p.switch_after_s as number) ?? base.switchPolicy.afterS, minProgressPct: (p.min_progress_pct as number) ?? base.switchPolicy.minProgressPct },
      autoConverge: base.autoConverge || entry.auto_converge ? { initialPct: p.initial_pct as number | undefined, incrementPct: p.increment_pct as number | undefined } : undefined,
      xbzrle: base.xbzrle || entry.xbzrle ? { cacheMiB: p.cache_mib as number | undefined } : undefined,
      parallel: base.parallel && {
        connections: (p.connections as number) ?? base.parallel.connections,
        compression: p.compression ? { method: p.compression as MultifdCompression, level: p.compression_level as number | undefined } : undefined,
        zerocopy: entry.zerocopy || undefined,
      },
      tunnelled: entry.tunnelled,
      tls: entry.tls || undefined,
      downtimeSteps: entry.downtime_steps && { maxMs: entry.downtime_steps.max_ms, steps: entry.downtime_steps.steps, delayS: entry.downtime_steps.delay_s },
      kubevirt: entry.kubevirt && { progressTimeoutS: entry.kubevirt.progress_timeout_s, completionTimeoutPerGiBS: entry.kubevirt.completion_timeout_per_gib_s, allowPostcopy: entry.kubevirt.allow_postcopy },
    };
    const params = describeParams(s);
    const named = entry.label ?? entry.name;
    return { ...s, label: params && (axes.length > 0 || !entry.label) ? `${named}(${params.replace(/ /g, ',')})` : named };
  });
}

/** A name or an object; the errors of whichever form was written (a union would only say "neither"). */
const StrategyEntrySchema = z
  .unknown()
  .transform((v, ctx): StrategyEntry => {
    const parsed = typeof v === 'string' ? strategyName.safeParse(v) : StrategyObject.safeParse(v);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: typeof v === 'string' || (v && typeof v === 'object') ? issue.message : `a strategy is a name (${STRATEGY_NAMES.join(', ')}) or {name, …parameters}` });
      }
      return z.NEVER;
    }
    return parsed.data as StrategyEntry;
  })
  .superRefine((entry, ctx) => {
    for (const s of expandStrategy(entry)) {
      const why = refusal(s);
      if (why) ctx.addIssue({ code: 'custom', message: `${s.label} cannot run: ${why} — drop this combination` });
    }
  });

const KnobsSchema = z.strictObject({
  bandwidth_mib_s: oneOrMany(z.number().int().min(1).max(1_000_000)).optional(),
  bandwidth_mbit_s: oneOrMany(z.number().positive().max(10_000_000)).optional(),
  postcopy_bandwidth_mib_s: oneOrMany(z.number().int().min(1).max(1_000_000)).optional(),
  max_downtime_ms: oneOrMany(z.number().int().min(1).max(2_000_000)).optional(),
  switchover_bandwidth_mib_s: oneOrMany(z.number().int().min(1).max(1_000_000)).optional(),
}).refine((k) => !(k.bandwidth_mib_s && k.bandwidth_mbit_s), 'give bandwidth_mib_s or bandwidth_mbit_s, not both');

/** Every combination of the knobs' values (one empty combination when none is set). */
export function expandKnobs(k: z.infer<typeof KnobsSchema> | undefined): Knobs[] {
  if (!k) return [{}];
  // virsh --bandwidth takes whole MiB/s
  const bandwidth = k.bandwidth_mib_s ?? k.bandwidth_mbit_s?.map((m) => Math.max(1, Math.round((m * 1e6) / 8 / 2 ** 20)));
  let out: Knobs[] = [{}];
  const axis = <K extends keyof Knobs>(key: K, values: number[] | undefined) => {
    if (values) out = out.flatMap((o) => values.map((v) => ({ ...o, [key]: v })));
  };
  axis('bandwidthMiBs', bandwidth);
  axis('postcopyBandwidthMiBs', k.postcopy_bandwidth_mib_s);
  axis('maxDowntimeMs', k.max_downtime_ms);
  axis('switchoverBandwidthMiBs', k.switchover_bandwidth_mib_s);
  return out;
}

export { describeKnobs };

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

const ProbeSchema = z.strictObject({
  rate_hz: z.number().min(1).max(1000).default(20),
  timeout_ms: z.number().min(5).max(10_000).default(100),
  udp_port: z.number().int().min(1).max(65535).default(7),
  http: z.union([z.boolean(), z.string().regex(/^http:\/\/[^\s'"`\\]+$/, 'http must be true, false or an http:// URL')]).default(true),
  before_s: z.number().min(0).max(600).default(2),
  after_s: z.number().min(0).max(600).default(2),
});
export type ProbeOptions = z.infer<typeof ProbeSchema>;

/** QEMU's calc-dirty-rate modes that work without KVM (dirty-ring needs KVM's dirty ring). */
export const DIRTY_RATE_MODES = ['page-sampling', 'dirty-bitmap'] as const;
export type DirtyRateMode = (typeof DIRTY_RATE_MODES)[number];

const DirtyRateCalcSchema = z.union(
  [
    z.literal(false),
    z.strictObject({
      seconds: z.number().int().min(1).max(60).default(1),
      mode: z.enum(DIRTY_RATE_MODES, { error: `dirty_rate_calc.mode must be one of: ${DIRTY_RATE_MODES.join(', ')}` }).optional(),
    }),
  ],
  { error: 'dirty_rate_calc is false or {seconds: 1-60, mode: page-sampling | dirty-bitmap}' },
);

const LinkProbeSchema = z.union([z.literal(false), z.strictObject({ seconds: z.number().min(0.2).max(60).default(1) })], {
  error: 'link_probe is false or {seconds: 0.2-60}',
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
    .array(StrategyEntrySchema, { error: `expected a list of strategies, e.g. [${STRATEGY_NAMES.join(', ')}]` })
    .min(1, 'list at least one strategy')
    .transform((entries) => entries.flatMap((e) => expandStrategy(e as StrategyEntry)))
    .refine((s: Strategy[]) => new Set(s.map((x) => x.label)).size === s.length, 'two strategies have the same label — give one a label:'),
  knobs: KnobsSchema.optional().transform(expandKnobs),
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
  /** QEMU's own dirty-rate calculation after the warm-up of every trial with a load, before the migration. */
  dirty_rate_calc: DirtyRateCalcSchema.default({ seconds: 1 }),
  /** Round trip and throughput of the migration path, once per source, destination and delay, before its first trial. */
  link_probe: LinkProbeSchema.default({ seconds: 1 }),
  /** QEMU's query-migrate on the source beside each job sample (virsh qemu-monitor-command: libvirt marks the domain tainted). */
  qmp: z.boolean({ error: 'qmp is true or false' }).default(true),
  /** Service probe against the guest during every trial (docs/measuring.md, "Service probe"); off when absent. */
  probe: ProbeSchema.optional(),
  sample_hz: z.number().min(1).max(50).default(10),
  settle_s: z.number().min(0).max(3600).default(1),
}).superRefine((e, ctx) => {
  const stepped = e.strategies.find((s) => s.downtimeSteps);
  if (stepped && e.knobs.some((k) => k.maxDowntimeMs !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['knobs', 'max_downtime_ms'], message: `${stepped.label}'s downtime_steps sets the max downtime itself — drop the max_downtime_ms knob, or put max_ms in downtime_steps` });
  }
});
export type Experiment = z.infer<typeof ExperimentSchema>;
export type DelayOptions = Experiment['delay'];
export type TimeoutOptions = Experiment['timeout'];
export type DirtyRateCalc = Experiment['dirty_rate_calc'];

export function loadExperiment(file: string): Experiment {
  return loadYamlFile(file, ExperimentSchema, 'experiment file', 'give the path of an experiment YAML file, e.g. experiments/smoke.yaml').value;
}
