// Post-copy (Hines & Gopalan 2009) and the hybrid: the guest moves first (or after one pre-copy pass), then every
// page not yet there crosses once. The guest stalls on each working-set page it touches before that page arrives:
// a round trip plus the page's own transfer and the fault's handling (no preempt channel). The pull is counted as part of the total time.
import { predictPrecopy } from './precopy.js';
import { firstPassBytes, type ModelInputs, PAGE_BYTES, type PairConstants, type Prediction, pullBytesPerMs, streamBytesPerMs } from './inputs.js';

/** Post-copy right after the job starts (once `switchWaitMs` passed): all of RAM is pulled or pushed after the switch. */
export function predictPostcopy(i: ModelInputs, c: PairConstants): Prediction {
  return afterSwitch(i, c, 0, c.switchWaitMs, firstPassBytes(i, c));
}

/** One full pre-copy pass, then post-copy for what the guest dirtied during it — unless that already fits in the
 * downtime limit, and the migration ends as a pre-copy (QEMU switches only a migration that has not converged). */
export function predictHybrid(i: ModelInputs, c: PairConstants): Prediction {
  const inOnePass = predictPrecopy(i, { ...c, maxRounds: 1 });
  if (inOnePass.converges) return inOnePass;
  const rate = streamBytesPerMs(i, c);
  const first = firstPassBytes(i, c);
  const passMs = first / rate;
  return afterSwitch(i, c, first, passMs, Math.min(i.workingSetBytes, (i.dirtyBytesPerS / 1000) * passMs));
}

/**
 * Pre-copy for `afterMs`, then post-copy (hybrid-timeout's switch on a timer): what the first pass had not sent yet,
 * and the working set dirtied meanwhile. Nova's other trigger, an iteration that gained less than min_progress_pct,
 * is not modelled.
 */
export function predictSwitchAfter(i: ModelInputs, c: PairConstants, afterMs: number): Prediction {
  const beforeMs = Math.max(0, afterMs - c.setupMs);
  const sent = streamBytesPerMs(i, c) * beforeMs;
  const unsent = Math.max(0, firstPassBytes(i, c) - sent);
  return afterSwitch(i, c, sent, beforeMs, unsent + Math.min(i.workingSetBytes, (i.dirtyBytesPerS / 1000) * beforeMs));
}

function afterSwitch(i: ModelInputs, c: PairConstants, sentBefore: number, beforeMs: number, left: number): Prediction {
  const rate = pullBytesPerMs(i, c);
  // QEMU's downtime of a post-copy ends when it has sent the device state, before the destination answers; libvirt's
  // switch (in the total) waits for the destination to run
  const downtimeMs = c.postcopyDowntimeMs;
  const switchMs = c.postcopySwitchMs + c.postcopySwitchRtts * i.rttMs;
  const pullMs = left / rate;
  // The guest runs until it touches a page still on the source, then waits a fault's service time f: run time r and
  // stall s share the pull, s = r·k with k = faults per ms of running × f; no more faults than pages left to fault.
  const f = i.rttMs + PAGE_BYTES / rate + c.faultServiceMs;
  const k = ((i.dirtyBytesPerS / 1000) * c.faultShare * f) / PAGE_BYTES;
  const mostFaults = (Math.min(i.workingSetBytes, left) / PAGE_BYTES) * c.faultShare;
  const stallMs = Math.min((pullMs * k) / (1 + k), mostFaults * f);
  return { converges: true, rounds: sentBefore > 0 ? 1 : 0, bytes: sentBefore + left, totalMs: c.setupMs + beforeMs + switchMs + pullMs, downtimeMs, pausedMs: switchMs, stallMs };
}
