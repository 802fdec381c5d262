// Pre-copy as rounds (Clark et al. 2005; Liu et al. 2011): the first pass sends all RAM, each next one what the guest
// dirtied during the last, at most its working set. QEMU switches over once the rest fits in the downtime limit at
// the current throughput. A working set that the guest rewrites faster than the link carries never fits: no
// convergence (QEMU would go on until the harness's timeout).
import { firstPassBytes, type ModelInputs, type PairConstants, type Prediction, streamBytesPerMs } from './inputs.js';

export function predictPrecopy(i: ModelInputs, c: PairConstants): Prediction {
  const rate = streamBytesPerMs(i, c);
  const threshold = rate * i.maxDowntimeMs;
  let pending = firstPassBytes(i, c);
  let bytes = 0;
  let elapsed = c.setupMs;
  for (let round = 1; round <= c.maxRounds; round++) {
    const passMs = pending / rate;
    bytes += pending;
    elapsed += passMs;
    pending = Math.min(i.workingSetBytes, (i.dirtyBytesPerS / 1000) * passMs);
    if (pending <= threshold) {
      const downtimeMs = c.switchMs + pending / rate + i.rttMs;
      return { converges: true, rounds: round, bytes: bytes + pending, totalMs: elapsed + downtimeMs, downtimeMs };
    }
  }
  return { converges: false, reason: nonConvergence(i, rate, threshold), rounds: c.maxRounds, bytes, totalMs: elapsed, downtimeMs: Number.NaN };
}

function nonConvergence(i: ModelInputs, rate: number, threshold: number): string {
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  return `the guest dirties ${mib(i.dirtyBytesPerS)} MiB/s against ${mib(rate * 1000)} MiB/s through the link, and its ${mib(i.workingSetBytes)} MiB working set never fits in ${i.maxDowntimeMs} ms (${mib(threshold)} MiB at that rate)`;
}
