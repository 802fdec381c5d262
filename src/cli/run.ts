// `migbench run EXPERIMENT.yaml`: the whole sweep against two hosts; a line per trial, a table at the end.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadExperiment } from '../config/experiment.js';
import { loadHosts } from '../config/hosts.js';
import { EXIT, InputError, RuntimeError } from '../errors.js';
import { createLogger } from '../log/logger.js';
import { planTrials } from '../plan/plan.js';
import { cellTable } from '../report/table.js';
import { readTrials } from '../results/read-trials.js';
import type { TrialRecord } from '../results/record.js';
import { openSession } from '../sweep/session.js';
import { runSweep, type SweepSummary } from '../sweep/sweep.js';
import { resolveHostsFile } from './hosts-file.js';
import { stopOnSignals } from './signals.js';

export interface RunOptions {
  readonly hosts?: string;
  readonly out?: string;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
}

export async function runCommand(experimentFile: string, opts: RunOptions): Promise<number> {
  let summary: SweepSummary;
  const experiment = loadExperiment(experimentFile);
  const hostsFile = resolveHostsFile(opts.hosts);
  const hosts = loadHosts(hostsFile);
  const sweepId = `${experiment.name}-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
  const outDir = resolve(opts.out ?? join('results', sweepId));
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new InputError(`results folder ${outDir} is not empty — choose another with --out`);
  }
  const consoleLevel = opts.quiet ? 'error' : opts.verbose ? 'debug' : 'warn';
  const say = (line: string) => {
    if (!opts.quiet) process.stdout.write(`${line}\n`);
  };
  const controller = stopOnSignals((sig) => process.stderr.write(`migbench: ${sig}: aborting the running migration and stopping (again to exit at once)\n`));
  // Connect and check both hosts before anything is written or changed.
  const session = await openSession(hosts, experiment, sweepId, createLogger({ consoleLevel }));
  try {
    if (controller.signal.aborted) {
      process.stderr.write('migbench: interrupted before the first trial; nothing was measured\n');
      return 130;
    }
    mkdirSync(outDir, { recursive: true });
    copyFileSync(experimentFile, join(outDir, 'experiment.yaml'));
    const trials = planTrials(experiment);
    writeFileSync(
      join(outDir, 'sweep.json'),
      `${JSON.stringify({ sweepId, experiment, hostsFile: resolve(hostsFile), domain: hosts.domain, hosts: [hosts.a.name, hosts.b.name], planned: trials.length, startedAt: new Date().toISOString() }, null, 2)}\n`,
    );
    const log = createLogger({ file: join(outDir, 'sweep.log'), consoleLevel });
    say(`sweep ${sweepId}: ${trials.length} trials, ${hosts.a.name} <-> ${hosts.b.name}, domain ${hosts.domain}${session.delayMethod && experiment.delays_ms.some((d) => d > 0) ? `, delay by ${session.delayMethod}` : ''}`);
    say(`results: ${outDir}`);
    summary = await runSweep(session, {
      sweepId,
      experiment,
      outDir,
      log,
      signal: controller.signal,
      onTrial: (r, done, total) => say(trialLine(r, done, total)),
    });
  } finally {
    await session.close();
  }
  const rows = readTrials(join(outDir, 'trials.csv'));
  if (rows.length > 0) say(`\n${cellTable(rows)}\n`);
  const timedOut = summary.timedOut > 0 ? `; ${summary.timedOut} reached their timeout (status timeout: e.g. a pre-copy that did not converge)` : '';
  say(`${summary.recorded} of ${summary.planned} trials recorded in ${join(outDir, 'trials.csv')}${timedOut}`);
  if (summary.interrupted) {
    process.stderr.write(`migbench: interrupted after ${summary.recorded} of ${summary.planned} trials; results so far are in ${outDir}\n`);
    return 130;
  }
  if (summary.failed > 0) throw new RuntimeError(`${summary.failed} of ${summary.recorded} trials failed — see the error column of ${join(outDir, 'trials.csv')} and ${join(outDir, 'sweep.log')}`);
  return EXIT.ok;
}

function trialLine(r: TrialRecord, done: number, total: number): string {
  const s = r.job?.stats ?? {};
  const mib = (b: number | undefined) => (b === undefined ? '?' : (b / 2 ** 20).toFixed(1));
  const ms = (n: number | undefined) => (n === undefined ? '?' : String(Math.round(n)));
  const t = r.trial;
  const head = `[${done}/${total}] ${t.strategy.name} ${t.load.name} ${t.delayMs}ms ${r.source}->${r.destination} #${t.repetition}:`;
  if (r.status !== 'completed') return `${head} ${r.status.toUpperCase()} ${r.error ?? ''}`;
  const guest = r.guestPause ? `, guest gap ${ms(r.guestPause.maxGapMs)} ms` : '';
  return `${head} downtime ${ms(s.downtime)} ms, switch-over ${ms(r.timing?.switchoverMs)} ms, total ${ms(s.time_elapsed)} ms, ${mib(s.data_processed)} MiB${guest}`;
}
