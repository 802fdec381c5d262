// Descriptive statistics of one metric in one cell, and the comparison of two cells. simple-statistics for the
// moments, @stdlib's Student t distribution for the confidence intervals and the Welch test.
import { max, mean, median, min, sampleStandardDeviation } from 'simple-statistics';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';

export interface Described {
  readonly n: number;
  readonly mean: number;
  readonly median: number;
  /** Sample standard deviation (n − 1); undefined for a single value. */
  readonly sd: number | undefined;
  readonly min: number;
  readonly max: number;
  /** 95 % confidence interval of the mean (Student t); undefined for a single value. */
  readonly ci95: readonly [number, number] | undefined;
}

/** `floor`: the interval of a quantity that cannot be below it (0 for times, bytes, counts) stops there. */
export function describe(xs: readonly number[], floor = -Infinity): Described | undefined {
  if (xs.length === 0) return undefined;
  const m = mean([...xs]);
  const sd = xs.length > 1 ? sampleStandardDeviation([...xs]) : undefined;
  const half = sd === undefined ? undefined : tQuantile(0.975, xs.length - 1) * (sd / Math.sqrt(xs.length));
  return {
    n: xs.length,
    mean: m,
    median: median([...xs]),
    sd,
    min: min([...xs]),
    max: max([...xs]),
    ci95: half === undefined ? undefined : [Math.max(floor, m - half), m + half],
  };
}

/** Fewer than 3 values: a Student t interval on 1 degree of freedom spans ±12.7 standard errors. */
export function fewTrials(d: Described): boolean {
  return d.n < 3;
}

export interface Difference {
  /** mean(b) − mean(a). */
  readonly diff: number;
  /** 95 % confidence interval of the difference (Welch). */
  readonly ci95: readonly [number, number];
  /** Two-sided p value of Welch's t test. */
  readonly p: number;
}

/** Welch's t test of two samples; undefined when either has fewer than two values. */
export function welch(a: readonly number[], b: readonly number[]): Difference | undefined {
  if (a.length < 2 || b.length < 2) return undefined;
  const va = sampleStandardDeviation([...a]) ** 2 / a.length;
  const vb = sampleStandardDeviation([...b]) ** 2 / b.length;
  const diff = mean([...b]) - mean([...a]);
  const se = Math.sqrt(va + vb);
  if (se === 0) return { diff, ci95: [diff, diff], p: diff === 0 ? 1 : 0 };
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const t = diff / se;
  const half = tQuantile(0.975, df) * se;
  return { diff, ci95: [diff - half, diff + half], p: 2 * (1 - tCdf(Math.abs(t), df)) };
}

/**
 * Whether a new value departs from earlier ones: its distance from their mean against the Student t prediction
 * interval of one more value (k − 1 degrees of freedom). Undefined with fewer than two earlier values.
 */
export function departure(earlier: readonly number[], value: number): Difference | undefined {
  if (earlier.length < 2) return undefined;
  const diff = value - mean([...earlier]);
  const se = sampleStandardDeviation([...earlier]) * Math.sqrt(1 + 1 / earlier.length);
  if (se === 0) return { diff, ci95: [diff, diff], p: diff === 0 ? 1 : 0 };
  const df = earlier.length - 1;
  const half = tQuantile(0.975, df) * se;
  return { diff, ci95: [diff - half, diff + half], p: 2 * (1 - tCdf(Math.abs(diff / se), df)) };
}
