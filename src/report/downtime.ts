// Downtime where QEMU left it out: QEMU 10 reports no `downtime` for many post-copy jobs, while libvirt's events
// still show the guest paused (event_downtime_ms). Summaries, charts and SLA take that pause for those trials
// (results/read-trials.ts downtimeOf), and say so: a gap in the study's first comparison would be worse than a
// marked substitute.
import { downtimeOf, num, type TrialRow } from '../results/read-trials.js';

export const DOWNTIME = 'downtime_ms';

/** A metric's value in a summary: downtime with its fallback, any other column as it is. */
export function metricValue(r: TrialRow, metric: string): number | undefined {
  return metric === DOWNTIME ? downtimeOf(r) : num(r, metric);
}

/** How many of these trials' downtimes are the events' pause. */
export function downtimesFromEvents(rows: readonly TrialRow[]): number {
  return rows.filter((r) => num(r, DOWNTIME) === undefined && num(r, 'event_downtime_ms') !== undefined).length;
}

export const FROM_EVENTS_NOTE = "* downtime from libvirt's events (event_downtime_ms) for trials where QEMU reported none";
export const FEW_TRIALS_NOTE = '† fewer than 3 trials: the interval means little';
