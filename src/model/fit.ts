// Fitting a host pair's constants to sweeps: least squares of the log ratio predicted ÷ measured over every metric
// of every trial (a ratio, so that a 20 ms downtime counts as much as a 20 s total), one constant at a time by a
// golden-section search within physical bounds, a few rounds over all of them. A constant no trial informs (no
// multifd trial for multifdGain, say) keeps its default and is reported so.
import { DEFAULT_CONSTANTS, type PairConstants } from './inputs.js';
import type { Sample } from './samples.js';
import { predict } from './strategy.js';

export const METRICS = ['totalMs', 'downtimeMs', 'pausedMs', 'bytes', 'stallMs'] as const;
export type Metric = (typeof METRICS)[number];

/** How each metric is shown: its words, unit, and the scale from the model's ms and bytes. */
export const METRIC_LABELS: Record<Metric, { label: string; unit: string; scale: number; digits: number }> = {
  totalMs: { label: 'total time', unit: 'ms', scale: 1, digits: 0 },
  downtimeMs: { label: 'downtime', unit: 'ms', scale: 1, digits: 0 },
  pausedMs: { label: 'guest paused (events)', unit: 'ms', scale: 1, digits: 0 },
  bytes: { label: 'sent', unit: 'MiB', scale: 2 ** 20, digits: 1 },
  stallMs: { label: 'post-copy stall', unit: 'ms', scale: 1, digits: 0 },
};

/** The strategies that switch to post-copy (or may). */
export const switchesToPostcopy = (s: Sample): boolean => s.strategy.name === 'postcopy' || s.strategy.name === 'hybrid' || s.strategy.name === 'hybrid-timeout';

type Fitted = Exclude<keyof PairConstants, 'maxRounds' | 'zeroPageBytes'>;

/** Each constant's bounds and the trials that inform it. */
const PARAMS: ReadonlyArray<{ key: Fitted; lo: number; hi: number; informedBy: (s: Sample) => boolean }> = [
  { key: 'efficiency', lo: 0.2, hi: 1.2, informedBy: () => true },
  { key: 'pullEfficiency', lo: 0.2, hi: 2, informedBy: switchesToPostcopy },
  { key: 'maxStreamMiBs', lo: 20, hi: 20_000, informedBy: () => true },
  { key: 'maxPullMiBs', lo: 20, hi: 20_000, informedBy: switchesToPostcopy },
  { key: 'setupMs', lo: 1, hi: 5_000, informedBy: () => true },
  { key: 'switchMs', lo: 1, hi: 3_000, informedBy: () => true },
  { key: 'switchRtts', lo: 0.2, hi: 20, informedBy: (s) => s.inputs.rttMs > 1 && s.strategy.name !== 'postcopy' },
  { key: 'postcopyDowntimeMs', lo: 0.5, hi: 3_000, informedBy: switchesToPostcopy },
  { key: 'postcopySwitchMs', lo: 0.5, hi: 3_000, informedBy: switchesToPostcopy },
  { key: 'postcopySwitchRtts', lo: 0.2, hi: 30, informedBy: (s) => switchesToPostcopy(s) && s.inputs.rttMs > 1 },
  { key: 'switchWaitMs', lo: 1, hi: 10_000, informedBy: (s) => s.strategy.name === 'postcopy' },
  { key: 'faultShare', lo: 1e-4, hi: 1, informedBy: (s) => s.measured.stallMs !== undefined && s.inputs.dirtyBytesPerS > 0 },
  { key: 'faultServiceMs', lo: 0.01, hi: 50, informedBy: (s) => s.measured.stallMs !== undefined && s.inputs.dirtyBytesPerS > 0 },
  { key: 'multifdGain', lo: 0.2, hi: 8, informedBy: (s) => s.strategy.connections !== undefined },
  { key: 'xbzrleRatio', lo: 0.01, hi: 1.5, informedBy: (s) => s.strategy.xbzrle === true && s.inputs.dirtyBytesPerS > 0 },
  { key: 'throttleHeadroom', lo: 1, hi: 200, informedBy: (s) => s.strategy.throttle !== undefined && s.inputs.dirtyBytesPerS > 0 },
];

/** A pre-copy predicted to converge that timed out, or the reverse, costs as much as a factor e² on one metric. */
const CONVERGENCE_MISS = 4;

/** The squared log ratios of one trial. */
function cost(s: Sample, c: PairConstants): number {
  const p = predict(s.strategy, s.inputs, c);
  if (s.measured.status === 'timeout') return p.converges ? CONVERGENCE_MISS : 0;
  if (!p.converges) return CONVERGENCE_MISS;
  let sum = 0;
  for (const m of METRICS) {
    const want = s.measured[m];
    const got = p[m];
    // below a few ms (an idle post-copy's stall) the measurement is noise; below 1 MB likewise
    const floor = m === 'bytes' ? 1e6 : 5;
    if (want === undefined || got === undefined || want < floor) continue;
    sum += Math.log(Math.max(got, floor) / want) ** 2;
  }
  return sum;
}

export interface Fit {
  readonly constants: PairConstants;
  /** Constants no trial informed: left at their default. */
  readonly unfitted: Fitted[];
  /** Mean squared log ratio per trial, before and after. */
  readonly before: number;
  readonly after: number;
}

export function fitConstants(samples: readonly Sample[], start: PairConstants = DEFAULT_CONSTANTS): Fit {
  let c: PairConstants = { ...start };
  const total = (x: PairConstants) => samples.reduce((sum, s) => sum + cost(s, x), 0) / Math.max(1, samples.length);
  const before = total(c);
  const active = PARAMS.filter((p) => samples.some(p.informedBy));
  for (let round = 0; round < 10; round++) {
    for (const p of active) {
      const best = searchLog(p.lo, p.hi, (v) => total({ ...c, [p.key]: v }));
      if (total({ ...c, [p.key]: best }) <= total(c)) c = { ...c, [p.key]: best };
    }
  }
  return { constants: c, unfitted: PARAMS.filter((p) => !active.includes(p)).map((p) => p.key), before, after: total(c) };
}

/**
 * The minimum of f on [lo, hi] on a log scale (the constants span orders of magnitude): a scan of 24 points for the
 * best bracket (the cost is piecewise, a pass more or less is a step), then a golden-section search inside it.
 */
function searchLog(lo: number, hi: number, f: (v: number) => number): number {
  const n = 24;
  const at = (k: number) => Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * k) / n;
  let bestK = 0;
  let bestF = Number.POSITIVE_INFINITY;
  for (let k = 0; k <= n; k++) {
    const v = f(Math.exp(at(k)));
    if (v < bestF) [bestK, bestF] = [k, v];
  }
  const g = (Math.sqrt(5) - 1) / 2;
  let a = at(Math.max(0, bestK - 1));
  let b = at(Math.min(n, bestK + 1));
  let x1 = b - g * (b - a);
  let x2 = a + g * (b - a);
  let f1 = f(Math.exp(x1));
  let f2 = f(Math.exp(x2));
  for (let i = 0; i < 30; i++) {
    if (f1 <= f2) {
      [b, x2, f2] = [x2, x1, f1];
      x1 = b - g * (b - a);
      f1 = f(Math.exp(x1));
    } else {
      [a, x1, f1] = [x1, x2, f2];
      x2 = a + g * (b - a);
      f2 = f(Math.exp(x2));
    }
  }
  const mid = Math.exp((a + b) / 2);
  return f(mid) <= bestF ? mid : Math.exp(at(bestK));
}
