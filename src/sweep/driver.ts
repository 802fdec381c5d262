// What runs trials for a sweep: one driver per host pair. The real one (session-driver.ts) migrates VMs; the
// benchmarks use a fake one to push thousands of trials through the sweep without hosts.
import type { Trial } from '../plan/trial.js';
import type { TrialOutcome } from '../trial/run-trial.js';

export type RawNote = (type: string, data: Record<string, unknown>) => void;

export interface TrialDriver {
  /** The pair's name, in every row it produces (`pair` column). */
  readonly pair: string;
  /** What this pair is, for the sweep's first line in raw.jsonl. */
  readonly description: Record<string, unknown>;
  /** Everything one trial needs on this pair: healthy connections, the VM in place, the migration. */
  runTrial(trial: Trial, note: RawNote): Promise<TrialOutcome>;
  /** After the trial's row is written; throws when the pair cannot go on (the sweep then stops). */
  afterTrial(outcome: TrialOutcome): Promise<void>;
}
