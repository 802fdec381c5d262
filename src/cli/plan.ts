// `migbench plan EXPERIMENT.yaml`: the ordered list of trials, without touching any host.
import { loadExperiment } from '../config/experiment.js';
import { describeKnobs } from '../config/strategy.js';
import { planTrials } from '../plan/plan.js';
import { formatTable } from '../report/table.js';

export function planCommand(experimentFile: string): number {
  const experiment = loadExperiment(experimentFile);
  const trials = planTrials(experiment);
  const withKnobs = trials.some((t) => describeKnobs(t.knobs) !== '');
  const body = trials.map((t) => [String(t.index), t.strategy.label, t.load.name, `${t.delayMs}`, ...(withKnobs ? [describeKnobs(t.knobs)] : []), t.direction, String(t.repetition)]);
  process.stdout.write(`${experiment.name}: ${trials.length} trials\n\n`);
  process.stdout.write(`${formatTable(['trial', 'strategy', 'load', 'delay ms', ...(withKnobs ? ['knobs'] : []), 'direction', 'repetition'], body, withKnobs ? 6 : 5)}\n`);
  return 0;
}
