// `migbench advise`'s choice, pure: every strategy's predicted outcome with an interval (the spread of measured ÷
// predicted in the fit), the best for the goal, the ones that would not converge and why, and whether the
// intervals separate the best from the next.
import type { Goal } from '../config/goal.js';
import type { Accuracy } from './accuracy.js';
import type { Metric } from './fit.js';
import type { ModelInputs, PairConstants, Prediction } from './inputs.js';
import { type ModelStrategy, predict } from './strategy.js';

/**
 * What each goal minimises: downtime is QEMU's, as `recommend` ranks it (for post-copy it leaves out libvirt's
 * switch, which `pausedMs` holds). The model has no service probe: its service-latency is the time the guest's
 * service stands still — paused (libvirt's events), or waiting for pages in post-copy.
 */
export const GOAL_METRIC: Record<Goal, { metric: Metric | 'stalledMs'; label: string; unit: string }> = {
  downtime: { metric: 'downtimeMs', label: "downtime (QEMU's)", unit: 'ms' },
  'total-time': { metric: 'totalMs', label: 'total time', unit: 'ms' },
  bytes: { metric: 'bytes', label: 'bytes sent', unit: 'MiB' },
  'service-latency': { metric: 'stalledMs', label: 'guest standing still (paused + post-copy fault stall)', unit: 'ms' },
};

export interface Outlook {
  readonly strategy: string;
  readonly prediction: Prediction;
  /** The goal's figure, and its interval where the fit measured a spread for this strategy and metric. */
  readonly value: number;
  readonly interval: readonly [number, number] | undefined;
}

export interface Advice {
  readonly goal: Goal;
  readonly ranked: Outlook[];
  /** Strategies that would not converge, or break the downtime bound, and why. */
  readonly excluded: Array<{ strategy: string; reason: string }>;
  readonly best: Outlook | undefined;
  readonly runnerUp: Outlook | undefined;
  /** clear: the intervals of the best two do not overlap; close: they do; unknown: no interval (default constants). */
  readonly confidence: 'clear' | 'close' | 'unknown';
}

export function goalValue(p: Prediction, goal: Goal): number {
  const m = GOAL_METRIC[goal].metric;
  if (m === 'stalledMs') return p.pausedMs + (p.stallMs ?? 0);
  return goal === 'bytes' ? p.bytes / 2 ** 20 : (p[m] ?? Number.NaN);
}

export function advise(inputs: ModelInputs, strategies: readonly ModelStrategy[], constants: PairConstants, accuracy: Accuracy | undefined, goal: Goal, maxDowntimeMs?: number): Advice {
  const excluded: Advice['excluded'] = [];
  const ranked: Outlook[] = [];
  for (const s of strategies) {
    const prediction = predict(s, inputs, constants);
    if (!prediction.converges) {
      excluded.push({ strategy: s.label, reason: `would not converge: ${prediction.reason}` });
      continue;
    }
    if (maxDowntimeMs !== undefined && prediction.downtimeMs > maxDowntimeMs) {
      excluded.push({ strategy: s.label, reason: `predicted downtime ${prediction.downtimeMs.toFixed(0)} ms > ${maxDowntimeMs} ms` });
      continue;
    }
    const value = goalValue(prediction, goal);
    ranked.push({ strategy: s.label, prediction, value, interval: goalInterval(accuracy, s.label, goal, prediction) });
  }
  ranked.sort((a, b) => a.value - b.value);
  const [best, runnerUp] = ranked;
  const confidence = !best || !runnerUp ? (best?.interval ? 'clear' : 'unknown') : !best.interval || !runnerUp.interval ? 'unknown' : best.interval[1] < runnerUp.interval[0] ? 'clear' : 'close';
  return { goal, ranked, excluded, best, runnerUp, confidence };
}

/** The goal's interval; service-latency's as the sum of its two parts' intervals. */
function goalInterval(accuracy: Accuracy | undefined, strategy: string, goal: Goal, p: Prediction): [number, number] | undefined {
  const m = GOAL_METRIC[goal].metric;
  if (m !== 'stalledMs') return spread(accuracy, strategy, m, goalValue(p, goal));
  const paused = spread(accuracy, strategy, 'pausedMs', p.pausedMs);
  const stall: [number, number] | undefined = p.stallMs === undefined ? [0, 0] : spread(accuracy, strategy, 'stallMs', p.stallMs);
  return paused && stall ? [paused[0] + stall[0], paused[1] + stall[1]] : undefined;
}

/** predicted × [10th, 90th percentile of measured ÷ predicted] of this strategy's trials in the fit (at least 3). */
export function spread(accuracy: Accuracy | undefined, strategy: string, metric: Metric, value: number): [number, number] | undefined {
  const e = accuracy?.errors.find((x) => x.strategy === strategy && x.metric === metric);
  if (!e || e.n < 3) return undefined;
  return [value * e.ratioLo, value * e.ratioHi];
}
