// Where a trial is, for the live progress: the steps of run-trial.ts in order, and the job's figures while it runs.

export type Phase =
  | 'checking hosts'
  | 'positioning the VM'
  | 'delay'
  | 'measuring the link'
  | 'warm-up'
  | 'dirty rate'
  | 'probe baseline'
  | 'migrating'
  | 'post-copy pull'
  | 'reading statistics'
  | 'undoing'
  | 'settling';

/** The job's figures from its latest sample (libvirt domjobinfo). */
export interface JobProgress {
  readonly remainingBytes: number | undefined;
  readonly iteration: number | undefined;
  /** Memory bandwidth, bytes/s. */
  readonly bytesPerSecond: number | undefined;
}

export interface PhaseUpdate {
  readonly phase: Phase;
  readonly job?: JobProgress;
}

/** A trial's report of its phase; a no-op when nothing shows progress. */
export type OnPhase = (update: PhaseUpdate) => void;
