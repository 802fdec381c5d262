// `migbench fit RESULTS… --out model.json`: the host pair's constants fitted to sweeps, and the fit's error.
import { writeFileSync } from 'node:fs';
import { errorMessage, InputError } from '../errors.js';
import type { Accuracy } from '../model/accuracy.js';
import { METRIC_LABELS, METRICS } from '../model/fit.js';
import { fitFolders } from '../model/fit-folders.js';
import { DEFAULT_CONSTANTS, type PairConstants } from '../model/inputs.js';
import { describeSkipped } from '../model/samples.js';
import { formatTable } from '../report/table.js';

export function fitCommand(dirs: readonly string[], opts: { out?: string }): number {
  if (!opts.out) throw new InputError('fit writes the fitted model to a file', 'say where with --out model.json');
  const { model, skipped } = fitFolders(dirs);
  try {
    writeFileSync(opts.out, `${JSON.stringify(model, null, 2)}\n`);
  } catch (err) {
    throw new InputError(`cannot write the model to ${opts.out}: ${errorMessage(err)}`, 'give --out a file in a folder that exists and is writable');
  }
  const say = (s: string) => process.stdout.write(`${s}\n`);
  say(`fitted on ${model.trials} trials of ${dirs.join(', ')}; the guest's non-zero RAM at rest: ${(model.idleNonZeroBytes / 2 ** 20).toFixed(1)} MiB`);
  if (skipped.size) say(`left out: ${describeSkipped(skipped)}`);
  say(`\n${constantsTable(model.constants, model.unfitted)}\n\n${accuracyTable(model.accuracy)}\n\n${opts.out}`);
  return 0;
}

const UNITS: Partial<Record<keyof PairConstants, string>> = { setupMs: 'ms', switchMs: 'ms', postcopyDowntimeMs: 'ms', postcopySwitchMs: 'ms', faultServiceMs: 'ms', switchWaitMs: 'ms', maxStreamMiBs: 'MiB/s', maxPullMiBs: 'MiB/s', zeroPageBytes: 'bytes' };

export function constantsTable(c: PairConstants, unfitted: readonly string[]): string {
  const body = (Object.keys(DEFAULT_CONSTANTS) as (keyof PairConstants)[]).map((k) => {
    const fixed = k === 'maxRounds' || k === 'zeroPageBytes';
    return [k, `${round(c[k])}${UNITS[k] ? ` ${UNITS[k]}` : ''}`, fixed ? 'fixed' : unfitted.includes(k) ? 'default (no trial informs it)' : 'fitted'];
  });
  return formatTable(['constant', 'value', ''], body, 1);
}

/** Median error per strategy and metric, and how often the model called convergence right. */
export function accuracyTable(a: Accuracy): string {
  const body = a.convergence.map((cv) => [
    cv.strategy,
    `${cv.agree}/${cv.n}`,
    ...METRICS.map((m) => {
      const e = a.errors.find((x) => x.strategy === cv.strategy && x.metric === m);
      return e ? `${e.mapePct.toFixed(0)} % (n ${e.n})` : '–';
    }),
  ]);
  return `median absolute error of the predictions, per strategy:\n${formatTable(['strategy', 'converged as predicted', ...METRICS.map((m) => METRIC_LABELS[m].label)], body, 1)}`;
}

function round(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3);
}
