// `migbench plan EXPERIMENT.yaml`: the ordered list of trials, without touching any host.
import { loadExperiment } from '../config/experiment.js';
import { planTrials } from '../plan/plan.js';
import { formatTable } from '../report/table.js';

export function planCommand(experimentFile: string): number {
  const experiment = loadExperiment(experimentFile);
  const trials = planTrials(experiment);
  const body = trials.map((t) => [String(t.index), t.strategy.name, t.load.name, `${t.delayMs}`, t.direction, String(t.repetition)]);
  process.stdout.write(`${experiment.name}: ${trials.length} trials\n\n`);
  process.stdout.write(`${formatTable(['trial', 'strategy', 'load', 'delay ms', 'direction', 'repetition'], body, 5)}\n`);
  return 0;
}
