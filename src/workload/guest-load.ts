// A trial's guest load: memwriter started over SSH, warmed up and checked before the migration, stopped after,
// its output turned into the guest-observed pause.
import { setTimeout as sleep } from 'node:timers/promises';
import { writerSizeMiB, type WriterLoad } from '../config/load.js';
import { RuntimeError } from '../errors.js';
import type { Host } from '../remote/host.js';
import { guestToControllerOffset, longestGap, rateBetween, type Gap, type WriterLog } from './progress.js';
import { startWriter, type PreparedWriter, type WriterSettings } from './writer.js';

export interface GuestLoadRecord {
  readonly sizeMiB: number;
  readonly rate: number;
  readonly unit: 'mib' | 'pages';
  readonly impl: string;
  /** Rate measured in the last part of the warm-up, MiB/s of pages dirtied. */
  readonly warmupMiBs: number | undefined;
}

export interface GuestPause extends Gap {
  /** The same, from the arrival times of the lines at the controller (includes network and SSH). */
  readonly arrivalGapMs: number | undefined;
}

export interface RunningLoad {
  readonly record: GuestLoadRecord;
  /** Stops the writer; the pause it saw during [from, to] (controller clock) and its rate then, if it printed enough. */
  stop(from: number, to: number): Promise<{ pause: GuestPause | undefined; duringMiBs?: number | undefined; log: WriterLog }>;
}

/** Share of the asked rate the writer must reach during warm-up. */
const MIN_RATE_SHARE = 0.8;

export async function startGuestLoad(
  guest: Host,
  prepared: PreparedWriter,
  load: WriterLoad,
  ramBytes: number | undefined,
  warmupS: number,
  signal?: AbortSignal,
): Promise<RunningLoad> {
  const settings: WriterSettings = { sizeMiB: writerSizeMiB(load, ramBytes), rate: load.rate, unit: load.unit, chunkKiB: load.chunkKiB, reportMs: load.reportMs };
  const writer = startWriter(guest, prepared, settings);
  let warmupMiBs: number | undefined;
  try {
    await writer.waitReady(120_000);
    await sleep(warmupS * 1000, undefined, { signal }).catch(() => undefined);
    const log = writer.log();
    const last = log.progress.at(-1);
    if (!last) throw new RuntimeError(`guest: memwriter printed no progress during the ${warmupS} s warm-up`, 'give the guest more memory or a longer warmup_s');
    const window = Math.min(2000, Math.max(200, warmupS * 500));
    const bytesPerS = rateBetween(log.progress, last.t - window, last.t);
    warmupMiBs = bytesPerS === undefined ? undefined : bytesPerS / 2 ** 20;
    const asked = load.unit === 'mib' ? load.rate : (load.rate * 4096) / 2 ** 20;
    if (asked > 0 && (warmupMiBs === undefined || warmupMiBs < asked * MIN_RATE_SHARE)) {
      throw new RuntimeError(`guest: memwriter reached ${warmupMiBs?.toFixed(1) ?? 'no'} MiB/s during warm-up, below ${Math.round(MIN_RATE_SHARE * 100)}% of the asked ${asked.toFixed(1)} MiB/s`, `lower the load's rate for this guest`);
    }
  } catch (err) {
    await writer.stop();
    throw err;
  }
  return {
    record: { sizeMiB: settings.sizeMiB, rate: load.rate, unit: load.unit, impl: prepared.impl, warmupMiBs },
    async stop(from, to) {
      const log = await writer.stop();
      const offset = guestToControllerOffset(log.progress);
      if (offset === undefined) return { pause: undefined, log };
      const gap = longestGap(log.progress, from - offset, to - offset);
      // the same, by the controller's clock when the lines arrived: it covers the time the guest was stopped
      const arrivalGapMs = longestGap(log.progress, from, to, (p) => p.receivedAt)?.maxGapMs;
      const during = rateBetween(log.progress, from - offset, to - offset);
      return { pause: gap && { ...gap, arrivalGapMs }, duringMiBs: during === undefined ? undefined : during / 2 ** 20, log };
    },
  };
}
