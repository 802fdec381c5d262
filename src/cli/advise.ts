// `migbench advise`: measure the live VM's dirty rate and its link (no migration), predict every strategy with the
// model, and name the best for the goal — with intervals, the strategies that would not converge and why, and
// which model it used.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Goal, parseGoal, parseMaxDowntimeMs } from '../config/goal.js';
import { loadHosts } from '../config/hosts.js';
import { errorMessage, InputError } from '../errors.js';
import { createLogger } from '../log/logger.js';
import type { Accuracy } from '../model/accuracy.js';
import { type Advice, advise, GOAL_METRIC, spread } from '../model/advise.js';
import type { Metric } from '../model/fit.js';
import { fitFolders } from '../model/fit-folders.js';
import { DEFAULT_CONSTANTS, type ModelInputs, type PairConstants } from '../model/inputs.js';
import { type ModelFile, readModelFile } from '../model/model-file.js';
import { type ModelStrategy, strategyOf } from '../model/strategy.js';
import { formatTable } from '../report/table.js';
import { type LiveMeasure, measureLive } from '../sweep/live-inputs.js';
import { resolveHostsFile } from './hosts-file.js';
import { stopOnSignals } from './signals.js';

export interface AdviseOptions {
  readonly hosts?: string;
  readonly model?: string;
  readonly results?: string;
  readonly goal?: string;
  readonly maxDowntimeMs?: string;
  readonly json?: boolean;
  readonly nonZeroMib?: string;
  readonly workingSetMib?: string;
  readonly verbose?: boolean;
}

interface ChosenModel {
  readonly constants: PairConstants;
  readonly accuracy: Accuracy | undefined;
  readonly idleNonZeroBytes: number | undefined;
  readonly strategies: string[];
  /** In words: which model, fitted on what. */
  readonly source: string;
}

const PRESETS = ['precopy', 'postcopy', 'hybrid', 'hybrid-timeout', 'auto-converge', 'xbzrle', 'multifd'];
const MiB = 2 ** 20;

export async function adviseCommand(opts: AdviseOptions): Promise<number> {
  const goal = parseGoal(opts.goal ?? 'downtime');
  const maxDowntimeMs = parseMaxDowntimeMs(opts.maxDowntimeMs);
  const given = { nonZero: mib(opts.nonZeroMib, '--non-zero-mib'), workingSet: mib(opts.workingSetMib, '--working-set-mib') };
  const hosts = loadHosts(resolveHostsFile(opts.hosts));
  const model = chooseModel(opts);
  const strategies = model.strategies.map((l) => strategyOf(l)).filter((s): s is ModelStrategy => typeof s !== 'string');
  const stop = stopOnSignals((sig) => process.stderr.write(`migbench: ${sig}: stopping the measurement and removing what it uploaded (again to exit at once)\n`));
  // a signal aborts the measurement; the session's close has then removed what it uploaded
  const live = await measureLive(hosts, { linkSeconds: 1, shortS: 1, longS: 4, signal: stop.controller.signal }, createLogger({ consoleLevel: opts.verbose ? 'debug' : 'warn' })).catch((err: unknown) => {
    if (stop.received) return undefined;
    throw err;
  });
  if (stop.received || !live) {
    process.stderr.write(`migbench: advise stopped by ${stop.received}; nothing is left on the hosts\n`);
    return stop.exitCode;
  }
  const { inputs, assumed } = inputsOf(live, model, given, maxDowntimeMs);
  const advice = advise(inputs, strategies, model.constants, model.accuracy, goal, maxDowntimeMs);
  process.stdout.write(opts.json ? `${JSON.stringify({ domain: hosts.domain, ...live, model: model.source, constants: model.constants, inputs, assumed, ...advice }, null, 2)}\n` : adviceText(hosts.domain, live, model, inputs, assumed, advice));
  return 0;
}

function mib(given: string | undefined, flag: string): number | undefined {
  if (given === undefined) return undefined;
  const n = Number(given);
  if (!Number.isFinite(n) || n < 0) throw new InputError(`${flag} "${given}" is not a number of MiB`, `e.g. ${flag} 600`);
  return n * MiB;
}

/** --model, else a fit of the results folders under --results (default ./results), else the defaults. */
function chooseModel(opts: AdviseOptions): ChosenModel {
  if (opts.model !== undefined) {
    const m = readModelFile(opts.model);
    return { ...m, strategies: fittedStrategies(m), source: `${opts.model}, fitted on ${m.trials} trials of ${m.from.join(', ')}` };
  }
  const root = opts.results ?? 'results';
  const dirs = existsSync(root) ? readdirSync(root).map((d) => join(root, d)).filter((d) => existsSync(join(d, 'trials.csv'))) : [];
  let why = `no results folder under ${root}/`;
  if (dirs.length) {
    try {
      const { model: m } = fitFolders(dirs, true);
      return { ...m, strategies: fittedStrategies(m), source: `fitted now on ${m.trials} trials of ${m.from.join(', ')}` };
    } catch (err) {
      why = `the results under ${root}/ could not be fitted (${err instanceof InputError ? err.problem : errorMessage(err)})`;
    }
  }
  return { constants: DEFAULT_CONSTANTS, accuracy: undefined, idleNonZeroBytes: undefined, strategies: PRESETS, source: `the analytic form with default constants (no --model, and ${why}): no intervals` };
}

/** The strategies a model was fitted on: the ones it has constants and a spread for. */
function fittedStrategies(m: ModelFile): string[] {
  return m.accuracy.convergence.map((c) => c.strategy);
}

/** The model's inputs from the measure; what had to be assumed is said. */
function inputsOf(live: LiveMeasure, model: ChosenModel, given: { nonZero?: number; workingSet?: number }, maxDowntimeMs: number | undefined): { inputs: ModelInputs; assumed: string[] } {
  const assumed: string[] = [];
  // QEMU counts a page dirtied twice in a period once: the long period's pages are a floor of the working set
  const measuredSet = Math.max(live.short.mibS * live.short.seconds, live.long.mibS * live.long.seconds) * MiB;
  const workingSet = Math.min(live.ramBytes, given.workingSet ?? measuredSet);
  if (given.workingSet === undefined && live.short.mibS > 0) assumed.push(`working set ≥ ${(measuredSet / MiB).toFixed(0)} MiB: the most pages QEMU saw dirtied in one of its two periods (${live.short.seconds} s, ${live.long.seconds} s; a floor: pass --working-set-mib if known)`);
  let nonZero = given.nonZero;
  if (nonZero === undefined && model.idleNonZeroBytes !== undefined) {
    nonZero = model.idleNonZeroBytes + workingSet;
    assumed.push(`non-zero RAM ${((nonZero) / MiB).toFixed(0)} MiB: the fitted sweeps' idle guest (${(model.idleNonZeroBytes / MiB).toFixed(0)} MiB) and the working set (pass --non-zero-mib if known)`);
  }
  if (nonZero === undefined) {
    nonZero = live.ramBytes / 4 + workingSet;
    assumed.push(`non-zero RAM ${(nonZero / MiB).toFixed(0)} MiB: a quarter of RAM and the working set, a guess (pass --non-zero-mib)`);
  }
  return {
    inputs: { ramBytes: live.ramBytes, nonZeroBytes: Math.min(live.ramBytes, nonZero), dirtyBytesPerS: live.short.mibS * MiB, workingSetBytes: workingSet, linkBytesPerS: live.link.mibS * MiB, rttMs: live.link.rttMs, maxDowntimeMs: maxDowntimeMs ?? 300 },
    assumed,
  };
}

function adviceText(domain: string, live: LiveMeasure, model: ChosenModel, i: ModelInputs, assumed: readonly string[], a: Advice): string {
  const g = GOAL_METRIC[a.goal];
  const lines = [
    `domain ${domain} on ${live.source}, migrating to ${live.destination}; model: ${model.source}`,
    `measured: link ${live.link.rttMs.toFixed(2)} ms round trip, ${live.link.mibS.toFixed(1)} MiB/s; QEMU's dirty rate ${live.short.mibS} MiB/s over ${live.short.seconds} s, ${live.long.mibS} MiB/s over ${live.long.seconds} s; RAM ${(i.ramBytes / MiB).toFixed(0)} MiB`,
    ...assumed.map((x) => `assumed: ${x}`),
    '',
    formatTable(
      ['strategy', 'total s', "downtime ms (QEMU's)", 'guest paused ms', 'MiB sent', 'post-copy stall ms'],
      a.ranked.map((o) => {
        const p = o.prediction;
        const f = (m: Metric, scale: number, digits: number) => {
          const v = p[m];
          if (v === undefined) return '–';
          const iv = spread(model.accuracy, o.strategy, m, v);
          const n = (x: number) => (x / scale).toFixed(digits);
          return iv ? `${n(v)} [${n(iv[0])}–${n(iv[1])}]` : n(v);
        };
        return [o.strategy, f('totalMs', 1000, 1), f('downtimeMs', 1, 0), f('pausedMs', 1, 0), f('bytes', MiB, 0), f('stallMs', 1, 0)];
      }),
      1,
    ),
    '',
    verdict(a, g),
    ...a.excluded.map((e) => `  ${e.strategy}: ${e.reason}`),
  ];
  return `${lines.join('\n')}\n`;
}

function verdict(a: Advice, g: (typeof GOAL_METRIC)[Goal]): string {
  const v = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  if (!a.best) return `no strategy qualifies for lowest ${g.label}`;
  const head = `best for lowest ${g.label}: ${a.best.strategy} (${v(a.best.value)} ${g.unit} predicted)`;
  const sure = {
    clear: a.runnerUp ? `sure: its interval does not overlap ${a.runnerUp.strategy}'s (${v(a.runnerUp.value)} ${g.unit})` : 'the only one that qualifies',
    close: `not sure: its interval overlaps ${a.runnerUp?.strategy}'s (${v(a.runnerUp?.value ?? 0)} ${g.unit}); a sweep of the two would tell`,
    unknown: `how sure is unknown: no interval without a fitted model (migbench fit)${a.runnerUp ? `; next: ${a.runnerUp.strategy} (${v(a.runnerUp.value)} ${g.unit})` : ''}`,
  }[a.confidence];
  return `${head} — ${sure}${a.excluded.length ? '\nleft out:' : ''}`;
}
