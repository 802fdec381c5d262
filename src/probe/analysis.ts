// What the probe saw, per window of a trial: latency percentiles and the longest outage.
import type { ProbeSample } from './probe.js';

export interface LatencyStats {
  readonly sent: number;
  readonly lost: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly maxMs: number | undefined;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function latency(samples: readonly ProbeSample[], kind: ProbeSample['kind'], from: number, to: number): LatencyStats {
  const inWindow = samples.filter((s) => s.kind === kind && s.at >= from && s.at < to);
  const ok = inWindow.map((s) => s.ms).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  return { sent: inWindow.length, lost: inWindow.length - ok.length, p50Ms: percentile(ok, 50), p99Ms: percentile(ok, 99), maxMs: ok.at(-1) };
}

/**
 * The longest time the service did not answer: from the first lost request of a run of lost ones to the next
 * request that was answered (send times). 0 when nothing was lost.
 */
export function longestOutage(samples: readonly ProbeSample[], kind: ProbeSample['kind']): { ms: number; from: number | undefined } {
  let best = { ms: 0, from: undefined as number | undefined };
  let runStart: number | undefined;
  for (const s of samples.filter((x) => x.kind === kind)) {
    if (s.ms === undefined) runStart ??= s.at;
    else if (runStart !== undefined) {
      if (s.at - runStart > best.ms) best = { ms: s.at - runStart, from: runStart };
      runStart = undefined;
    }
  }
  return best;
}

export interface ProbeReport {
  readonly baseline: LatencyStats;
  readonly during: LatencyStats;
  /** Post-copy only: the page-pull phase (switch-over → completion). */
  readonly pull: LatencyStats | undefined;
  readonly outageMs: number;
  readonly http: { readonly during: LatencyStats; readonly all: LatencyStats } | undefined;
}

export function analyseProbe(samples: readonly ProbeSample[], w: { start: number; end: number; pullFrom?: number | undefined }): ProbeReport {
  const hasHttp = samples.some((s) => s.kind === 'http');
  return {
    baseline: latency(samples, 'udp', -Infinity, w.start),
    during: latency(samples, 'udp', w.start, w.end),
    pull: w.pullFrom === undefined ? undefined : latency(samples, 'udp', w.pullFrom, w.end),
    outageMs: longestOutage(samples, 'udp').ms,
    http: hasHttp ? { during: latency(samples, 'http', w.start, w.end), all: latency(samples, 'http', -Infinity, Infinity) } : undefined,
  };
}
