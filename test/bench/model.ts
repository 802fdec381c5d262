// `npm run bench:model`: how well the fitted model predicts migrations it was not fitted on. Fits the constants on
// one lab sweep (test/bench/model/fit-sweep.yaml: 256 MiB guest, idle and two writer rates, 0 and 25 ms), then
// predicts a second (validate-sweep.yaml: a 384 MiB guest, other writer rates, working sets and delays: 10 and
// 40 ms), and prints the median absolute percentage error per metric and strategy, and how often advise's choice
// was the measured best where `recommend` separates the best two (p < 0.05). Prints, asserts nothing.
// MIGBENCH_BENCH_MODEL_DIRS=FIT_DIR,VALIDATE_DIR scores two existing results folders instead of running sweeps.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { median } from 'simple-statistics';
import { GOALS, type Goal } from '../../src/config/goal.js';
import { groupName } from '../../src/plan/cell.js';
import { accuracy } from '../../src/model/accuracy.js';
import { advise } from '../../src/model/advise.js';
import { METRICS } from '../../src/model/fit.js';
import { fitFolders } from '../../src/model/fit-folders.js';
import { folderRows } from '../../src/results/read-trials.js';
import { describeSkipped, type Sample, samplesOf } from '../../src/model/samples.js';
import { predict } from '../../src/model/strategy.js';
import { cellKeyOf } from '../../src/results/cells.js';
import { recommend } from '../../src/report/recommend.js';
import { accuracyTable, constantsTable } from '../../src/cli/fit.js';
import { formatTable } from '../../src/report/table.js';
import { BIN, ROOT } from '../support/paths.js';

const [fitDir, validateDir] = process.env.MIGBENCH_BENCH_MODEL_DIRS?.split(',') ?? (await sweeps()) ?? [];
if (fitDir && validateDir) score(fitDir, validateDir);

/** The two sweeps on a lab of their own (root), each guest size a lab of its own; undefined when not root. */
async function sweeps(): Promise<[string, string] | undefined> {
  if (process.getuid?.() !== 0) {
    console.log('!!! model benchmark SKIPPED: not root — run as root, or set MIGBENCH_BENCH_MODEL_DIRS=FIT_DIR,VALIDATE_DIR');
    return undefined;
  }
  const work = mkdtempSync(join(tmpdir(), 'migbench-bench-model-'));
  const lab = join(work, 'lab');
  const mb = (...args: string[]) => execa(process.execPath, [BIN, ...args], { stdio: 'inherit' });
  const out: string[] = [];
  for (const [name, memory] of [['fit', '256'], ['validate', '384']] as const) {
    await mb('lab', 'up', '--dir', lab, '--prefix', 'mbm', '--subnet', '10.77.8', '--guest-memory', memory);
    const t0 = performance.now();
    try {
      await execa(process.execPath, [BIN, 'run', join(ROOT, 'test', 'bench', 'model', `${name}-sweep.yaml`), '--hosts', join(lab, 'hosts.yaml'), '--out', join(work, name), '--quiet'], { stdio: 'inherit', reject: false });
    } finally {
      await mb('lab', 'down', '--dir', lab);
    }
    console.log(`${name} sweep (${memory} MiB guest): ${((performance.now() - t0) / 60_000).toFixed(1)} min, ${join(work, name)}`);
    out.push(join(work, name));
  }
  return [out[0]!, out[1]!];
}

function score(fitDir: string, validateDir: string): void {
  const { model } = fitFolders([fitDir]);
  console.log(`fitted on ${model.trials} trials of ${fitDir}\n${constantsTable(model.constants, model.unfitted)}\n`);
  console.log(`on the trials it was fitted on:\n${accuracyTable(model.accuracy)}\n`);
  const rows = folderRows(validateDir);
  const { samples, skipped } = samplesOf(rows, model.idleNonZeroBytes);
  const a = accuracy(samples, model.constants);
  console.log(`predicting ${samples.length} trials of ${validateDir}${skipped.size ? ` (left out: ${describeSkipped(skipped)})` : ''}:\n${accuracyTable(a)}\n`);
  // pooled over strategies: the median error of every trial, per metric
  const pooled = METRICS.map((m) => {
    const errs = samples.flatMap((s) => {
      const p = predict(s.strategy, s.inputs, model.constants);
      const want = s.measured[m];
      const got = p[m];
      return p.converges && want && got ? [(Math.abs(got - want) / want) * 100] : [];
    });
    return `${m} ${errs.length ? `${median(errs).toFixed(0)} % (n ${errs.length})` : '–'}`;
  });
  console.log(`all strategies together, median absolute error: ${pooled.join(', ')}\n`);
  choices(rows, samples, model);
}

/** Per goal: in the cells where recommend separates the best two, was advise's pick the measured best? */
function choices(rows: ReturnType<typeof folderRows>, samples: readonly Sample[], model: ReturnType<typeof fitFolders>['model']): void {
  const body: string[][] = [];
  let right = 0;
  let separable = 0;
  for (const goal of GOALS.filter((g): g is Exclude<Goal, 'service-latency'> => g !== 'service-latency')) {
    for (const rec of recommend(rows, goal)) {
      if (!rec.best || !rec.difference || rec.difference.p >= 0.05) continue;
      const mine = samples.filter((s) => groupName(cellKeyOf(s.row, false)) === rec.cell);
      const strategies = [...new Map(mine.map((s) => [s.strategy.label, s.strategy])).values()];
      // the cell's inputs: its link, its median dirty rate as QEMU measured it
      const inputs = { ...mine[0]!.inputs, dirtyBytesPerS: median(mine.map((s) => s.inputs.dirtyBytesPerS)) };
      const picked = advise(inputs, strategies, model.constants, model.accuracy, goal).best?.strategy ?? 'none';
      separable++;
      if (picked === rec.best.strategy) right++;
      body.push([goal, rec.cell, rec.best.strategy, picked, picked === rec.best.strategy ? 'yes' : 'no']);
    }
  }
  console.log(formatTable(['goal', 'cell', 'measured best', 'advise picked', 'right'], body, 4));
  console.log(`\nadvise picked the measured best in ${right} of ${separable} separable cells${separable ? ` (${((right / separable) * 100).toFixed(0)} %)` : ''}`);
}
