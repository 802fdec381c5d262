// The real trial driver: one host pair's session. Before every trial: connections up (reconnected with backoff if
// they dropped), nothing left undone, no migration job still running, the VM running on exactly one host, and on
// the trial's source.
import type { Experiment } from '../config/experiment.js';
import { pairName } from '../config/hosts.js';
import { errorMessage, RuntimeError } from '../errors.js';
import { settleDomain } from '../placement/settle.js';
import type { Logger } from '../log/logger.js';
import type { PhaseUpdate } from '../progress/phase.js';
import type { SweepProgress } from '../progress/progress.js';
import { harnessDeadlineMs } from '../trial/migration.js';
import { positionDomain } from '../placement/position.js';
import { runTrial } from '../trial/run-trial.js';
import type { TrialDriver } from './driver.js';
import { trialContext, type Session } from './session.js';

export function sessionDriver(session: Session, base: { sweepId: string; experiment: Experiment; log: Logger; signal: AbortSignal; progress?: SweepProgress }): TrialDriver {
  const { pair, hosts } = session;
  const name = pairName(hosts);
  const log = base.log.child({ pair: name });
  const onPhase = base.progress && ((u: PhaseUpdate) => base.progress?.phase(name, u));
  const ctx = trialContext(session, { sweepId: base.sweepId, experiment: base.experiment, signal: base.signal, log, onPhase });
  return {
    pair: name,
    description: {
      pair: name,
      hosts: pair.map((h) => ({ name: h.spec.name, address: h.spec.address, versions: h.versions, jobInfo: h.jobInfo })),
      domain: hosts.domain,
      ramBytes: session.ramBytes,
      ...session.facts,
    },
    async runTrial(trial, note) {
      const healed = await session.ensureHealthy(log);
      const settled = await settleDomain(pair, hosts.domain, log);
      healed.push(...settled.actions, ...(await session.ensureGuest()));
      if (healed.length) note('healed', { trial: trial.index, actions: healed });
      const [source, destination] = trial.direction === 'a-to-b' ? pair : [pair[1], pair[0]];
      onPhase?.({ phase: 'positioning the VM' });
      if ((await positionDomain(pair, hosts.domain, source, harnessDeadlineMs(base.experiment.timeout), log, settled.runningOn)) === 'moved') {
        note('positioned', { trial: trial.index, on: source.spec.name });
      }
      return runTrial(ctx, trial, source, destination);
    },
    async afterTrial(outcome) {
      if (outcome.stopSweep) throw new RuntimeError(`stopping the sweep: ${outcome.stopSweep}`, 'see sweep.log; `migbench cleanup` settles the VM, `--resume` goes on');
      if (outcome.cleanupFailed) {
        // the journal still holds the undo command: try it now, over a fresh connection if need be
        try {
          await session.ensureHealthy(log);
        } catch (err) {
          throw new RuntimeError(`stopping the sweep: ${outcome.cleanupFailed}; then: ${errorMessage(err)}`, 'fix it by hand, then run `migbench cleanup`');
        }
      }
      for (const s of session.events.values()) s.forget(Date.now() - 60_000);
    },
  };
}
