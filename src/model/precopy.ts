// Pre-copy as rounds (Clark et al. 2005; Liu et al. 2011): the first pass sends all RAM, each next one what the guest
// dirtied during the last, at most its working set. QEMU switches over once the rest fits in the downtime limit at
// the current throughput. A working set that the guest rewrites faster than the link carries never fits: no
// convergence (QEMU would go on until the harness's timeout). The variants change one term each: multifd the
// throughput, xbzrle the bytes of a re-sent page, auto-converge the dirty rate from its third pass on.
import { firstPassBytes, type ModelInputs, type PairConstants, type Prediction, streamBytesPerMs } from './inputs.js';

export interface PrecopyVariant {
  /** multifd: the stream runs this many times faster. */
  readonly speedup?: number;
  /** xbzrle: a re-sent page costs this share of its bytes. */
  readonly resendRatio?: number;
  /** auto-converge: QEMU's cpu-throttle-initial and -increment, percent (20 and 10 by default). */
  readonly throttle?: { readonly initialPct: number; readonly incrementPct: number };
}

export function predictPrecopy(i: ModelInputs, c: PairConstants, v: PrecopyVariant = {}): Prediction {
  const rate = streamBytesPerMs(i, c, v.speedup);
  const threshold = rate * i.maxDowntimeMs;
  let pending = firstPassBytes(i, c);
  let bytes = 0;
  let elapsed = c.setupMs;
  for (let round = 1; round <= c.maxRounds; round++) {
    const passMs = pending / rate;
    bytes += pending;
    elapsed += passMs;
    const dirtied = Math.min(i.workingSetBytes, (dirtyRate(i, c, v, round) / 1000) * passMs);
    // xbzrle sends less of each page, but QEMU compares the dirty pages themselves with the threshold
    pending = dirtied * (v.resendRatio ?? 1);
    if (dirtied <= threshold) {
      const downtimeMs = c.switchMs + pending / rate + i.rttMs * c.switchRtts;
      return { converges: true, rounds: round, bytes: bytes + pending, totalMs: elapsed + downtimeMs, downtimeMs, pausedMs: downtimeMs };
    }
  }
  return { converges: false, reason: nonConvergence(i, rate, threshold, v), rounds: c.maxRounds, bytes, totalMs: elapsed, downtimeMs: Number.NaN, pausedMs: Number.NaN };
}

/**
 * The dirty rate while pass `pass` is sent. auto-converge: QEMU throttles the vCPUs once a second sync period dirtied more than
 * half of what it sent (migration/ram.c, dirty_rate_high_cnt), so from the third pass on, by `initial` and then
 * `increment` more per pass, at most 99 %. A paced writer keeps its pace until the throttle bites into its headroom.
 */
function dirtyRate(i: ModelInputs, c: PairConstants, v: PrecopyVariant, pass: number): number {
  if (!v.throttle || pass < 3) return i.dirtyBytesPerS;
  const pct = Math.min(99, v.throttle.initialPct + v.throttle.incrementPct * (pass - 3));
  return Math.min(i.dirtyBytesPerS, i.dirtyBytesPerS * c.throttleHeadroom * (1 - pct / 100));
}

function nonConvergence(i: ModelInputs, rate: number, threshold: number, v: PrecopyVariant): string {
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  const even = v.throttle ? ', even throttled to 1 % of its vCPU time' : '';
  return `the guest dirties ${mib(i.dirtyBytesPerS)} MiB/s against ${mib(rate * 1000)} MiB/s through the link, and its ${mib(i.workingSetBytes)} MiB working set never fits in ${i.maxDowntimeMs} ms (${mib(threshold)} MiB at that rate)${even}`;
}
