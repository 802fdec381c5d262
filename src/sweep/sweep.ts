// A sweep runs the planned trials on one or more host pairs (one trial at a time per pair, pairs in parallel)
// and appends each result as soon as it exists. Pairs take the plan unit by unit (a cell's directions in one
// repetition), so the VM on each pair ping-pongs and ends a unit where it began.
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { Experiment } from '../config/experiment.js';
import type { Logger } from '../log/logger.js';
import { planUnits } from '../plan/plan.js';
import type { Trial } from '../plan/trial.js';
import type { TrialRecord } from '../results/record.js';
import { RawJsonl } from '../results/raw-jsonl.js';
import { TrialsCsv } from '../results/trials-csv.js';
import type { SweepProgress } from '../progress/progress.js';
import type { TrialDriver } from './driver.js';

export interface SweepOptions {
  readonly sweepId: string;
  readonly experiment: Experiment;
  /** The trials this run is responsible for, in plan order (the whole plan, or one shard of it). */
  readonly trials: readonly Trial[];
  /** Results folder; trials.csv and raw.jsonl are appended there. */
  readonly outDir: string;
  readonly log: Logger;
  /** Aborted on SIGINT/SIGTERM: the running jobs are aborted and the sweep stops. */
  readonly signal: AbortSignal;
  readonly onTrial?: (record: TrialRecord, done: number, total: number) => void;
  /** The live progress: told when each trial starts and ends (the trials tell it their phases). */
  readonly progress?: SweepProgress;
  /** Trial indexes already in trials.csv (a resumed sweep): not run again. */
  readonly skip?: ReadonlySet<number>;
  /** Extra facts for the sweep's first raw.jsonl line (shard, …). */
  readonly facts?: Record<string, unknown>;
}

export interface SweepSummary {
  readonly planned: number;
  readonly recorded: number;
  /** Trials that failed (status failed): something went wrong. */
  readonly failed: number;
  /** Trials stopped by their bound (status timeout): a measured outcome, e.g. a pre-copy that never converged. */
  readonly timedOut: number;
  readonly interrupted: boolean;
}

export async function runSweep(drivers: readonly TrialDriver[], opts: SweepOptions): Promise<SweepSummary> {
  const { experiment, signal } = opts;
  const csv = new TrialsCsv(join(opts.outDir, 'trials.csv'));
  const raw = new RawJsonl(join(opts.outDir, 'raw.jsonl'));
  const queue = planUnits(opts.trials.filter((t) => !opts.skip?.has(t.index)));
  let recorded = 0;
  let failed = 0;
  let timedOut = 0;
  let interrupted = false;
  let stop = false;
  let done = opts.trials.filter((t) => opts.skip?.has(t.index)).length;
  const total = opts.trials.length;

  const work = async (driver: TrialDriver) => {
    const note = (type: string, data: Record<string, unknown>) => raw.append(type, { ...data, pair: driver.pair });
    try {
      for (let unit = queue.shift(); unit && !stop; unit = queue.shift()) {
        for (const trial of unit) {
          if (signal.aborted || stop) {
            interrupted ||= signal.aborted;
            return;
          }
          const t0 = performance.now();
          opts.progress?.trialStarted(driver.pair, trial);
          const outcome = await driver.runTrial(trial, note);
          const record: TrialRecord = { ...outcome.record, pair: driver.pair };
          if (outcome.interrupted) {
            note('trial-interrupted', { trial: trial.index, record, ...outcome.raw });
            interrupted = true;
            return;
          }
          csv.append(record);
          // the trial's whole cost on the controller (checks, positioning, migration, statistics, the row), less settle
          note('trial', { trial: trial.index, record, ...outcome.raw, harnessMs: Math.round(performance.now() - t0) });
          recorded++;
          done++;
          opts.progress?.trialEnded(driver.pair, queue.length === 0 && trial === unit.at(-1));
          if (record.status === 'failed') failed++;
          if (record.status === 'timeout') timedOut++;
          opts.onTrial?.(record, done, total);
          await driver.afterTrial(outcome);
          if (experiment.settle_s > 0 && done < total) await sleep(experiment.settle_s * 1000, undefined, { signal }).catch(() => undefined);
        }
      }
    } catch (err) {
      stop = true; // the other pairs finish their running trial, then stop
      throw err;
    } finally {
      opts.progress?.pairDone(driver.pair);
    }
  };

  try {
    raw.append(opts.skip?.size ? 'sweep-resume' : 'sweep-start', {
      sweepId: opts.sweepId,
      alreadyRecorded: opts.skip?.size ?? 0,
      planned: total,
      ...opts.facts,
      pairs: drivers.map((d) => d.description),
    });
    const results = await Promise.allSettled(drivers.map(work));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    raw.append('sweep-end', { recorded, failed, timedOut, interrupted, error: failure ? String(failure.reason) : undefined });
    if (failure) throw failure.reason;
  } finally {
    csv.close();
    raw.close();
  }
  return { planned: total, recorded, failed, timedOut, interrupted };
}
