// A trial row as the model sees it: the inputs it predicts from and what was measured. Inputs are only what
// migbench measured before or outside the migration (the dirty-rate calculation, the link probe, the guest's RAM
// and the load asked) — never the migration's own figures — so a fit is judged the way advise will be used.
import { num, type TrialRow } from '../results/read-trials.js';
import type { ModelInputs } from './inputs.js';
import { type ModelStrategy, strategyOf } from './strategy.js';

const MiB = 2 ** 20;

export interface Measured {
  /** completed, or timeout: pre-copy that did not converge in time. */
  readonly status: 'completed' | 'timeout';
  readonly totalMs?: number;
  readonly downtimeMs?: number;
  /** event_downtime_ms. */
  readonly pausedMs?: number;
  readonly bytes?: number;
  /** postcopy_blocktime_ms. */
  readonly stallMs?: number;
}

export interface Sample {
  readonly row: TrialRow;
  readonly strategy: ModelStrategy;
  readonly inputs: ModelInputs;
  readonly measured: Measured;
}

export interface Samples {
  readonly samples: Sample[];
  /** Rows left out, by reason. */
  readonly skipped: Map<string, number>;
}

/**
 * The guest's non-zero RAM at rest: the median `normal_bytes` of idle trials that sent each page once (post-copy,
 * which pulls every page once), else of any idle trial. Undefined without idle trials.
 */
export function idleNonZeroBytes(rows: readonly TrialRow[]): number | undefined {
  const idle = rows.filter((r) => r.status === 'completed' && r.load === 'idle' && num(r, 'normal_bytes') !== undefined);
  const once = idle.filter((r) => r.postcopy_used === 'yes' && r.strategy === 'postcopy');
  const pick = (once.length ? once : idle).map((r) => num(r, 'normal_bytes')!).sort((a, b) => a - b);
  return pick.length ? pick[Math.floor(pick.length / 2)] : undefined;
}

/** "3 × status failed; 1 × no ram_bytes": the rows left out, most frequent first. */
export function describeSkipped(skipped: ReadonlyMap<string, number>): string {
  return [...skipped].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n} × ${r}`).join('; ');
}

/** Every row the model can take, with the reasons of the others. `baseline`: the guest's non-zero RAM at rest. */
export function samplesOf(rows: readonly TrialRow[], baseline: number): Samples {
  const samples: Sample[] = [];
  const skipped = new Map<string, number>();
  for (const row of rows) {
    const s = sampleOf(row, baseline);
    if (typeof s === 'string') skipped.set(s, (skipped.get(s) ?? 0) + 1);
    else samples.push(s);
  }
  return { samples, skipped };
}

function sampleOf(row: TrialRow, baseline: number): Sample | string {
  if (row.status !== 'completed' && row.status !== 'timeout') return `status ${row.status || 'empty'}`;
  const strategy = strategyOf(row.strategy ?? '', row.strategy_params ?? '');
  if (typeof strategy === 'string') return strategy;
  const ramBytes = num(row, 'ram_bytes');
  if (ramBytes === undefined) return 'no ram_bytes';
  const linkMiBs = num(row, 'link_mib_s');
  const rttMs = num(row, 'link_rtt_ms');
  if (linkMiBs === undefined || rttMs === undefined) return 'no link_mib_s / link_rtt_ms (experiment link_probe)';
  if (linkMiBs <= 0) return 'link_mib_s is 0';
  const idle = row.load === 'idle' || row.load === '';
  const dirty = idle ? 0 : num(row, 'dirty_rate_calc_mib_s');
  if (dirty === undefined) return 'no dirty_rate_calc_mib_s for a load (experiment dirty_rate_calc)';
  const workingSet = idle ? 0 : (num(row, 'load_size_mib') ?? 0) * MiB;
  const cap = num(row, 'bandwidth_mib_s');
  const inputs: ModelInputs = {
    ramBytes,
    nonZeroBytes: Math.min(ramBytes, baseline + workingSet),
    dirtyBytesPerS: dirty * MiB,
    workingSetBytes: workingSet,
    linkBytesPerS: linkMiBs * MiB,
    rttMs,
    maxDowntimeMs: num(row, 'max_downtime_ms') ?? 300,
    // post-copy's hold until its switch is not a cap on the migration
    ...(cap !== undefined && strategy.name !== 'postcopy' ? { capBytesPerS: cap * MiB } : {}),
  };
  const stall = num(row, 'postcopy_blocktime_ms');
  const measured: Measured =
    row.status === 'timeout'
      ? { status: 'timeout' }
      : {
          status: 'completed',
          totalMs: num(row, 'total_time_ms'),
          // QEMU's only: the events' downtime (where QEMU left it out) also holds libvirt's switch-over work
          downtimeMs: num(row, 'downtime_ms'),
          pausedMs: num(row, 'event_downtime_ms'),
          bytes: num(row, 'data_processed_bytes'),
          ...(stall !== undefined && row.postcopy_used === 'yes' ? { stallMs: stall } : {}),
        };
  return { row, strategy, inputs, measured };
}
