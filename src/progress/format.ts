// The progress line's words: pure, so the tests need no terminal.
import type { JobProgress, Phase } from './phase.js';

/** One pair's trial under way. */
export interface Running {
  readonly pair: string;
  /** "precopy idle 20ms a-to-b #2" */
  readonly label: string;
  /** Controller clock (ms) when the trial began, and when its phase did. */
  readonly startedAt: number;
  phase: Phase;
  phaseAt: number;
  job: JobProgress | undefined;
}

export interface SweepState {
  /** Trials recorded, of total (a resumed sweep starts with those already recorded). */
  done: number;
  readonly total: number;
  /** Wall time of each trial this run recorded, settle included, ms. */
  readonly trialMs: number[];
  /** Pairs running side by side. */
  readonly pairs: number;
}

/** 4.2s, 3m05s, 1h02m. */
export function duration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Time left: this run's mean trial time × trials left ÷ pairs; undefined before the first trial ends. */
export function etaMs(s: SweepState): number | undefined {
  if (s.trialMs.length === 0) return undefined;
  const mean = s.trialMs.reduce((a, b) => a + b, 0) / s.trialMs.length;
  return (mean * (s.total - s.done)) / Math.max(1, s.pairs);
}

/** "[3/24 12%, ETA 4m10s]" */
export function sweepHead(s: SweepState): string {
  const eta = etaMs(s);
  return `[${s.done}/${s.total} ${Math.floor((100 * s.done) / Math.max(1, s.total))}%${eta === undefined ? '' : `, ETA ${duration(eta)}`}]`;
}

const MIB = 2 ** 20;

/** "412 MiB left, iteration 3, 98.2 MiB/s" — what the job's sample has of it. */
export function jobDetail(j: JobProgress | undefined): string {
  if (!j) return '';
  const parts = [
    j.remainingBytes === undefined ? undefined : `${Math.round(j.remainingBytes / MIB)} MiB left`,
    j.iteration === undefined ? undefined : `iteration ${j.iteration}`,
    j.bytesPerSecond === undefined ? undefined : `${(j.bytesPerSecond / MIB).toFixed(1)} MiB/s`,
  ].filter((p) => p !== undefined);
  return parts.join(', ');
}

/** "pair: precopy idle 0ms a-to-b #1 · migrating 3.1s (trial 9.8s) · 412 MiB left, iteration 3, 98.2 MiB/s" */
export function runningLine(r: Running, now: number, withPair: boolean): string {
  const detail = r.phase === 'migrating' || r.phase === 'post-copy pull' ? jobDetail(r.job) : '';
  return [`${withPair ? `${r.pair}: ` : ''}${r.label}`, `${r.phase} ${duration(now - r.phaseAt)} (trial ${duration(now - r.startedAt)})`, detail].filter((p) => p !== '').join(' · ');
}
