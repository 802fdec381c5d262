// Which analytic form a strategy takes, read back from a row's `strategy` and `strategy_params`, and the one
// entry point that predicts any of them.
import { isStrategyName, type StrategyName } from '../config/strategy.js';
import type { ModelInputs, PairConstants, Prediction } from './inputs.js';
import { predictHybrid, predictPostcopy, predictSwitchAfter } from './postcopy.js';
import { type PrecopyVariant, predictPrecopy } from './precopy.js';

export interface ModelStrategy {
  readonly name: StrategyName;
  /** As in the rows: the preset and its parameters. */
  readonly label: string;
  readonly connections?: number;
  readonly throttle?: { readonly initialPct: number; readonly incrementPct: number };
  readonly xbzrle?: boolean;
  /** hybrid-timeout: seconds of pre-copy before the switch. */
  readonly switchAfterS?: number;
}

/** QEMU's defaults: cpu-throttle-initial 20, cpu-throttle-increment 10 (migration/options.c). */
const THROTTLE = { initialPct: 20, incrementPct: 10 };

/** From a row's `strategy` label and `strategy_params` ("connections=4 xbzrle"), by default the ones in the label's
 * parentheses ("multifd(connections=4)"); a reason when it has no form. */
export function strategyOf(label: string, params = /\((.*)\)$/.exec(label)?.[1]?.replace(/,/g, ' ') ?? ''): ModelStrategy | string {
  const name = label.replace(/\(.*$/, '');
  if (!isStrategyName(name)) return `strategy "${label}" is not a preset the model knows`;
  const p = new Map(params.split(/\s+/).filter(Boolean).map((kv) => [kv.split('=')[0]!, kv.split('=')[1] ?? 'true'] as const));
  if (p.has('tunnelled')) return `strategy "${label}": tunnelled migration is not modelled`;
  // knobs that change what crosses or when it switches: the preset's form would mispredict them
  const knob = ['compression', 'zerocopy', 'tls', 'downtime_steps', 'completion_timeout_per_gib_s'].find((k) => p.has(k));
  if (knob) return `strategy "${label}": ${knob === 'completion_timeout_per_gib_s' ? 'the kubevirt policy' : knob} is not modelled`;
  const n = (k: string, d: number) => (p.has(k) ? Number(p.get(k)) : d);
  return {
    name,
    label,
    ...(name === 'multifd' ? { connections: n('connections', 2) } : {}),
    ...(name === 'auto-converge' || p.has('auto_converge') ? { throttle: { initialPct: n('initial_pct', THROTTLE.initialPct), incrementPct: n('increment_pct', THROTTLE.incrementPct) } } : {}),
    ...(name === 'xbzrle' || p.has('xbzrle') ? { xbzrle: true } : {}),
    ...(name === 'hybrid-timeout' ? { switchAfterS: n('after_s', 30) } : {}),
  };
}

export function predict(s: ModelStrategy, i: ModelInputs, c: PairConstants): Prediction {
  const variant: PrecopyVariant = {
    ...(s.connections !== undefined ? { speedup: c.multifdGain } : {}),
    ...(s.xbzrle ? { resendRatio: c.xbzrleRatio } : {}),
    ...(s.throttle ? { throttle: s.throttle } : {}),
  };
  switch (s.name) {
    case 'postcopy':
      return predictPostcopy(i, c);
    case 'hybrid':
      return predictHybrid(i, c);
    case 'hybrid-timeout': {
      const pre = predictPrecopy(i, c, variant);
      return pre.converges && pre.totalMs <= s.switchAfterS! * 1000 ? pre : predictSwitchAfter(i, c, s.switchAfterS! * 1000);
    }
    default:
      return predictPrecopy(i, c, variant);
  }
}
