// How far a host's clock is from the controller's, so that host-stamped events line up with controller time.
import { run, type Host } from '../remote/host.js';

export interface ClockOffset {
  /** host clock − controller clock, ms. */
  readonly offsetMs: number;
  /** Round trip of the best sample: the offset is known to within half of it. */
  readonly rttMs: number;
}

export async function measureClockOffset(host: Host, samples = 5): Promise<ClockOffset> {
  let best: ClockOffset | undefined;
  for (let i = 0; i < samples; i++) {
    const sent = Date.now();
    const out = await run(host, ['date', '+%s%N']);
    const back = Date.now();
    const hostMs = Number(out.trim()) / 1e6;
    const candidate = { offsetMs: hostMs - (sent + back) / 2, rttMs: back - sent };
    if (!best || candidate.rttMs < best.rttMs) best = candidate;
  }
  return best!;
}
