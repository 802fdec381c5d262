// `migbench recommend`: for each load × delay (× knobs) cell, which strategy is best for the goal, by how much,
// with the uncertainty — and when the data cannot separate the best from the next.
import type { Goal } from '../config/goal.js';
import { groupName } from '../plan/cell.js';
import { cellKeyOf, groupBy } from '../results/cells.js';
import { downtimeOf, num, type TrialRow } from '../results/read-trials.js';
import { describe, welch, type Described, type Difference } from './stats.js';


const GOAL: Record<Goal, { label: string; unit: string; value: (r: TrialRow) => number | undefined }> = {
  downtime: { label: 'downtime', unit: 'ms', value: downtimeOf },
  'total-time': { label: 'total time', unit: 'ms', value: (r) => num(r, 'total_time_ms') },
  bytes: { label: 'bytes transferred', unit: 'MiB', value: (r) => (num(r, 'data_processed_bytes') ?? NaN) / 2 ** 20 || undefined },
  'service-latency': { label: 'probe p99 round trip during migration', unit: 'ms', value: (r) => num(r, 'probe_during_p99_ms') },
};

export interface Candidate {
  readonly strategy: string;
  readonly values: number[];
  readonly stats: Described | undefined;
}

export interface Recommendation {
  readonly cell: string;
  readonly ranked: Candidate[];
  /** Strategies left out, and why. */
  readonly excluded: string[];
  readonly best: Candidate | undefined;
  readonly runnerUp: Candidate | undefined;
  /** runner-up − best. */
  readonly difference: Difference | undefined;
  readonly verdict: string;
}

export function recommend(rows: readonly TrialRow[], goal: Goal, maxDowntimeMs?: number): Recommendation[] {
  const base = GOAL[goal];
  const cells = groupBy(rows, (r) => groupName(cellKeyOf(r, false)));
  const f = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1));
  return [...cells.entries()].map(([cell, rs]) => {
    // One measure for the whole cell: QEMU's downtime when every completed trial has it, else the events' for all
    // (QEMU leaves it out of some post-copy jobs; the events' includes libvirt's own switch-over work).
    const allQemu = rs.filter((r) => r.status === 'completed').every((r) => num(r, 'downtime_ms') !== undefined);
    const g = goal === 'downtime' && !allQemu ? { label: 'downtime from the events', unit: 'ms', value: (r: TrialRow) => num(r, 'event_downtime_ms') } : base;
    const excluded: string[] = [];
    const candidates: Candidate[] = [];
    for (const strategy of [...new Set(rs.map((r) => r.strategy ?? ''))]) {
      const mine = rs.filter((r) => r.strategy === strategy);
      const ok = mine.filter((r) => r.status === 'completed');
      if (ok.length < mine.length) {
        excluded.push(`${strategy}: ${mine.length - ok.length} of ${mine.length} trials did not complete`);
        continue;
      }
      if (maxDowntimeMs !== undefined) {
        const d = describe(ok.map(downtimeOf).filter((x): x is number => x !== undefined));
        if (d && d.mean > maxDowntimeMs) {
          excluded.push(`${strategy}: mean downtime ${f(d.mean)} ms > ${maxDowntimeMs} ms`);
          continue;
        }
      }
      const values = ok.map(g.value).filter((x): x is number => x !== undefined);
      if (values.length === 0) {
        excluded.push(`${strategy}: no ${g.label} measured`);
        continue;
      }
      candidates.push({ strategy, values, stats: describe(values) });
    }
    const ranked = candidates.sort((a, b) => a.stats!.mean - b.stats!.mean);
    const [best, runnerUp] = ranked;
    const difference = best && runnerUp ? welch(best.values, runnerUp.values) : undefined;
    let verdict: string;
    if (!best) verdict = 'no strategy qualifies';
    else if (!runnerUp) verdict = `${best.strategy} (the only one that qualifies): ${f(best.stats!.mean)} ${g.unit}`;
    else if (!difference) verdict = `${best.strategy} looks best (${f(best.stats!.mean)} vs ${f(runnerUp.stats!.mean)} ${g.unit} for ${runnerUp.strategy}), but with one trial each the data cannot separate them — repeat the trials`;
    else if (difference.p < 0.05) {
      const pct = (difference.diff / runnerUp.stats!.mean) * 100;
      verdict = `${best.strategy}: ${f(difference.diff)} ${g.unit} less than ${runnerUp.strategy} (${pct.toFixed(0)} % less; 95 % CI of the difference ${f(difference.ci95[0])} to ${f(difference.ci95[1])}, p = ${difference.p.toPrecision(2)})`;
    } else {
      verdict = `cannot separate ${best.strategy} (${f(best.stats!.mean)}) and ${runnerUp.strategy} (${f(runnerUp.stats!.mean)} ${g.unit}): difference ${f(difference.diff)}, 95 % CI ${f(difference.ci95[0])} to ${f(difference.ci95[1])}, p = ${difference.p.toPrecision(2)} — more repetitions would tell`;
    }
    return { cell, ranked, excluded, best, runnerUp, difference, verdict };
  });
}

export function goalLabel(goal: Goal): string {
  return `${GOAL[goal].label} (${GOAL[goal].unit})`;
}
