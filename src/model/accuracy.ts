// How far a model's predictions fall from what was measured: per strategy and metric, the median absolute
// percentage error, and the spread of measured ÷ predicted that advise turns into an interval.
import { median, quantile } from 'simple-statistics';
import type { PairConstants } from './inputs.js';
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

export function accuracy(samples: readonly Sample[], c: PairConstants): Accuracy {
  const byStrategy = new Map<string, Sample[]>();
  for (const s of samples) byStrategy.set(s.strategy.label, [...(byStrategy.get(s.strategy.label) ?? []), s]);
  const errors: MetricError[] = [];
  const convergence: Convergence[] = [];
  for (const [strategy, mine] of byStrategy) {
    const predicted = mine.map((s) => ({ s, p: predict(s.strategy, s.inputs, c) }));
    convergence.push({ strategy, n: mine.length, agree: predicted.filter(({ s, p }) => p.converges === (s.measured.status === 'completed')).length });
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
