// The guest's dirty rate as QEMU measures it: `virsh domdirtyrate-calc` starts QEMU's calc-dirty-rate (libvirt ≥ 7.2,
// QEMU ≥ 5.2), `virsh domstats --dirtyrate` reads it once QEMU has measured (calc_status 2).
import { setTimeout as sleep } from 'node:timers/promises';
import type { DirtyRateMode } from '../config/experiment.js';
import { RuntimeError } from '../errors.js';
import type { Virsh } from './virsh.js';

export interface DirtyRate {
  /** QEMU's estimate, MiB/s (QEMU computes it in whole MiB/s). */
  readonly mibS: number;
  readonly mode: string | undefined;
  /** The period QEMU measured over, s. */
  readonly periodS: number | undefined;
}

/** The `dirtyrate.*` fields of `virsh domstats --dirtyrate`, by name without the prefix. */
export function parseDirtyRateStats(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^\s*dirtyrate\.([a-z_]+)=(.*)$/gm)) out[m[1]!] = m[2]!.trim();
  return out;
}

/** The measured rate, or undefined while QEMU is still measuring (calc_status 1) or never started (0). */
export function measuredDirtyRate(fields: Record<string, string>): DirtyRate | undefined {
  if (fields.calc_status !== '2' || fields.megabytes_per_second === undefined) return undefined;
  const mibS = Number(fields.megabytes_per_second);
  if (!Number.isFinite(mibS)) throw new RuntimeError(`virsh domstats --dirtyrate gave megabytes_per_second=${fields.megabytes_per_second}`, 'report this output with the libvirt and QEMU versions');
  return { mibS, mode: fields.calc_mode, periodS: fields.calc_period === undefined ? undefined : Number(fields.calc_period) };
}

export async function calcDirtyRate(virsh: Virsh, domain: string, seconds: number, mode: DirtyRateMode | undefined, signal?: AbortSignal): Promise<DirtyRate> {
  await virsh.run(['domdirtyrate-calc', `--domain=${domain}`, `--seconds=${seconds}`, ...(mode ? [`--mode=${mode}`] : [])]);
  await sleep(seconds * 1000, undefined, { signal });
  // QEMU's measuring thread ends a little after the period; a stale rate from an earlier calc would say status 2
  // too, but domdirtyrate-calc resets it to "measuring" first.
  for (let waited = 0; waited <= 10_000; waited += 200) {
    const rate = measuredDirtyRate(parseDirtyRateStats(await virsh.run(['domstats', '--dirtyrate', domain])));
    if (rate) return rate;
    await sleep(200, undefined, { signal });
  }
  throw new RuntimeError(`QEMU did not finish its ${seconds} s dirty-rate calculation within 10 s after it`, 'set dirty_rate_calc: false in the experiment to go without it');
}
