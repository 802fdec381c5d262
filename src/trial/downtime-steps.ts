// OpenStack Nova's downtime steps (nova/virt/libvirt/migration.py, downtime_steps and update_downtime): the max
// downtime starts at max ÷ steps and is raised in `steps` equal steps, one every `delay × data_gb` seconds, where
// data_gb is the guest's RAM in GiB but at least 2 (Nova adds each disk's, at least 2 each; migbench copies none).
import type { DowntimeSteps } from '../config/strategy.js';

export interface DowntimeStep {
  /** Applied once the job has run longer than this (ms). */
  readonly afterMs: number;
  readonly downtimeMs: number;
}

/** Nova's schedule, integers as Nova truncates them. */
export function downtimeSchedule(p: DowntimeSteps, ramBytes: number): DowntimeStep[] {
  const dataGb = Math.max(2, ramBytes / 2 ** 30);
  const delayS = Math.trunc(p.delayS * dataGb);
  const base = p.maxMs / p.steps;
  const offset = (p.maxMs - base) / p.steps;
  const out: DowntimeStep[] = [];
  for (let i = 0; i <= p.steps; i++) out.push({ afterMs: Math.trunc(delayS * i) * 1000, downtimeMs: Math.trunc(base + offset * i) });
  return out;
}

/**
 * Feeds the job's elapsed time; says when to set a new max downtime (Nova's update_downtime: the value of the last
 * step passed, when it differs). The first step is set before `virsh migrate` starts, as Nova's first poll does.
 */
export class DowntimeStepper {
  private current: number;

  constructor(private readonly schedule: readonly DowntimeStep[]) {
    this.current = schedule[0]!.downtimeMs;
  }

  get first(): number {
    return this.schedule[0]!.downtimeMs;
  }

  observe(elapsedMs: number): number | undefined {
    let due: number | undefined;
    for (const s of this.schedule) if (elapsedMs > s.afterMs) due = s.downtimeMs;
    if (due === undefined || due === this.current) return undefined;
    this.current = due;
    return due;
  }
}
