// How far a host's clock is from the controller's, so that host-stamped events line up with controller time.
// Asked over one long-lived channel: a fresh exec per sample costs a channel and a shell start before `date` runs
// and almost nothing after, which biases the midpoint by half of that.
import { RuntimeError } from '../errors.js';
import type { Host } from '../remote/host.js';

export interface ClockOffset {
  /** host clock − controller clock, ms. */
  readonly offsetMs: number;
  /** Round trip of the best sample: the offset is known to within half of it. */
  readonly rttMs: number;
}

export async function measureClockOffset(host: Host, samples = 7): Promise<ClockOffset> {
  let waiting: ((line: string) => void) | undefined;
  const proc = host.start(['sh', '-c', 'while read -r _; do date +%s%N; done'], {
    interactive: true,
    onLine: (line) => waiting?.(line),
  });
  let best: ClockOffset | undefined;
  try {
    for (let i = 0; i < samples; i++) {
      const line = new Promise<string>((resolve, reject) => {
        waiting = resolve;
        setTimeout(() => reject(new RuntimeError(`${host.name}: no answer to a clock query within 10 s`, 'check that the host is not overloaded and python3 or date answers there')), 10_000).unref();
      });
      const sent = performance.now();
      proc.write('\n');
      const hostNs = Number((await line).trim());
      const back = performance.now();
      const mid = performance.timeOrigin + (sent + back) / 2;
      const candidate = { offsetMs: hostNs / 1e6 - mid, rttMs: back - sent };
      if (!best || candidate.rttMs < best.rttMs) best = candidate;
    }
  } finally {
    await proc.stop().catch(() => undefined);
  }
  return best!;
}
