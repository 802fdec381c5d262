// A sweep runs every trial of the plan against one host pair and appends each result as soon as it exists.
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { Experiment } from '../config/experiment.js';
import { RuntimeError } from '../errors.js';
import { settleDomain } from '../guard/recover.js';
import type { Logger } from '../log/logger.js';
import { planTrials } from '../plan/plan.js';
import type { TrialRecord } from '../results/record.js';
import { RawJsonl } from '../results/raw-jsonl.js';
import { TrialsCsv } from '../results/trials-csv.js';
import { harnessDeadlineMs } from '../trial/migration.js';
import { positionDomain } from '../trial/position.js';
import { runTrial } from '../trial/run-trial.js';
import { trialContext, type Session } from './session.js';

export interface SweepOptions {
  readonly sweepId: string;
  readonly experiment: Experiment;
  /** Results folder; trials.csv and raw.jsonl are appended there. */
  readonly outDir: string;
  readonly log: Logger;
  /** Aborted on SIGINT/SIGTERM: the running job is aborted and the sweep stops. */
  readonly signal: AbortSignal;
  readonly onTrial?: (record: TrialRecord, done: number, total: number) => void;
  /** Trial indexes already in trials.csv (a resumed sweep): not run again. */
  readonly skip?: ReadonlySet<number>;
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

export async function runSweep(session: Session, opts: SweepOptions): Promise<SweepSummary> {
  const { experiment, log, signal } = opts;
  const { pair, hosts } = session;
  const trials = planTrials(experiment);
  const ctx = trialContext(session, { sweepId: opts.sweepId, experiment, log, signal });
  const csv = new TrialsCsv(join(opts.outDir, 'trials.csv'));
  const raw = new RawJsonl(join(opts.outDir, 'raw.jsonl'));
  let recorded = 0;
  let failed = 0;
  let timedOut = 0;
  let interrupted = false;
  try {
    const todo = trials.filter((t) => !opts.skip?.has(t.index));
    raw.append(opts.skip?.size ? 'sweep-resume' : 'sweep-start', {
      sweepId: opts.sweepId,
      alreadyRecorded: opts.skip?.size ?? 0,
      planned: trials.length,
      hosts: pair.map((h) => ({ name: h.spec.name, address: h.spec.address, versions: h.versions, jobInfo: h.jobInfo })),
      domain: hosts.domain,
      ramBytes: session.checked.ramBytes,
      ...session.facts,
    });
    let done = opts.skip?.size ?? 0;
    for (const trial of todo) {
      if (signal.aborted) {
        interrupted = true;
        break;
      }
      // Before every trial: connections up (reconnected with backoff if they dropped), nothing left undone,
      // no migration job still running, the VM running on exactly one host.
      const healed = await session.ensureHealthy(log);
      const settled = await settleDomain(pair, hosts.domain, log);
      healed.push(...settled.actions, ...(await session.ensureGuest()));
      if (healed.length) raw.append('healed', { trial: trial.index, actions: healed });
      const [source, destination] = trial.direction === 'a-to-b' ? pair : [pair[1], pair[0]];
      if ((await positionDomain(pair, hosts.domain, source, harnessDeadlineMs(experiment.timeout), log)) === 'moved') {
        raw.append('positioned', { trial: trial.index, on: source.spec.name });
      }
      const outcome = await runTrial(ctx, trial, source, destination);
      raw.append(outcome.interrupted ? 'trial-interrupted' : 'trial', { trial: trial.index, record: outcome.record, ...outcome.raw });
      if (outcome.interrupted) {
        interrupted = true;
        break;
      }
      csv.append(outcome.record);
      recorded++;
      done++;
      if (outcome.record.status === 'failed') failed++;
      if (outcome.record.status === 'timeout') timedOut++;
      opts.onTrial?.(outcome.record, done, trials.length);
      if (outcome.cleanupFailed) {
        // the journal still holds the undo command: try it now, over a fresh connection if need be
        try {
          await session.ensureHealthy(log);
        } catch (err) {
          throw new RuntimeError(`stopping the sweep: ${outcome.cleanupFailed}; then: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      for (const s of session.events.values()) s.forget(Date.now() - 60_000);
      if (experiment.settle_s > 0 && done < trials.length) {
        await sleep(experiment.settle_s * 1000, undefined, { signal }).catch(() => undefined);
      }
    }
    raw.append('sweep-end', { recorded, failed, timedOut, interrupted });
  } finally {
    csv.close();
    raw.close();
  }
  return { planned: trials.length, recorded, failed, timedOut, interrupted };
}
