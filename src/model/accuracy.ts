// How far a model's predictions fall from what was measured: per strategy and metric, the median absolute
// percentage error, and the spread of measured ÷ predicted that advise turns into an interval.
import { median, quantile } from 'simple-statistics';
import { groupBy } from '../results/cells.js';
import type { PairConstants, Prediction } from './inputs.js';
import { METRICS, type Metric } from './fit.js';
import type { Sample } from './samples.js';
import { predict } from './strategy.js';

export interface MetricError {
  readonly strategy: string;
  readonly metric: Metric;
  readonly n: number;
  /** Median of |predicted − measured| ÷ measured, percent. */
  readonly mapePct: number;
  /** 10th and 90th percentile of measured ÷ predicted. */
  readonly ratioLo: number;
  readonly ratioHi: number;
}

export interface Convergence {
  readonly strategy: string;
  /** Trials whose outcome (completed or timed out) the model called right, of n. */
  readonly agree: number;
  readonly n: number;
}

export interface Accuracy {
  readonly errors: MetricError[];
  readonly convergence: Convergence[];
}

export interface Predicted {
  readonly s: Sample;
  readonly p: Prediction;
  /** The model called the outcome right: converged and completed, or not and timed out. */
  readonly agrees: boolean;
}

export function predictAll(samples: readonly Sample[], c: PairConstants): Predicted[] {
  return samples.map((s) => {
    const p = predict(s.strategy, s.inputs, c);
    return { s, p, agrees: p.converges === (s.measured.status === 'completed') };
  });
}

export function accuracy(samples: readonly Sample[], c: PairConstants): Accuracy {
  const errors: MetricError[] = [];
  const convergence: Convergence[] = [];
  for (const [strategy, predicted] of groupBy(predictAll(samples, c), (x) => x.s.strategy.label)) {
    convergence.push({ strategy, n: predicted.length, agree: predicted.filter((x) => x.agrees).length });
    for (const metric of METRICS) {
      const ratios: number[] = [];
      for (const { s, p } of predicted) {
        const want = s.measured[metric];
        const got = p[metric];
        if (want !== undefined && got !== undefined && p.converges && want > 0 && got > 0) ratios.push(want / got);
      }
      if (ratios.length) errors.push({ strategy, metric, n: ratios.length, mapePct: median(ratios.map((r) => Math.abs(1 / r - 1) * 100)), ratioLo: quantile(ratios, 0.1), ratioHi: quantile(ratios, 0.9) });
    }
  }
  return { errors, convergence };
}
