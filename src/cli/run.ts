// `migbench run EXPERIMENT.yaml` (or `--resume DIR`): the sweep against two hosts; a line per trial, a table,
// SLA gates and JUnit XML at the end.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadExperiment, type Experiment } from '../config/experiment.js';
import { loadHostPairs, pairName, type Hosts } from '../config/hosts.js';
import { EXIT, InputError, RuntimeError } from '../errors.js';
import { createLogger, type Logger } from '../log/logger.js';
import { parseShard, planTrials, shardTrials, type Shard } from '../plan/plan.js';
import { cellLabel } from '../plan/trial.js';
import { cellTable } from '../report/table.js';
import { readTrials } from '../results/read-trials.js';
import type { TrialRecord } from '../results/record.js';
import { recordedTrials } from '../results/recorded.js';
import { readMeta, writeMeta, type SweepMeta, timeStamp } from '../results/sweep-meta.js';
import { junitXml } from '../sla/junit.js';
import { checkSla, describeViolation, parseSla, type SlaRule } from '../sla/sla.js';
import { openSession, type Session } from '../sweep/session.js';
import { sessionDriver } from '../sweep/session-driver.js';
import { runSweep, type SweepSummary } from '../sweep/sweep.js';
import { createProgress, type ProgressStream, type SweepProgress } from '../progress/progress.js';
import { resolveHostsFile } from './hosts-file.js';
import { stopOnSignals, type SignalStop } from './signals.js';
import { keepRunningWithoutTerminal, terminalGone } from './terminal.js';

export interface RunOptions {
  readonly hosts?: string;
  readonly out?: string;
  readonly resume?: string;
  readonly sla?: string;
  readonly junit?: string;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  /** `i/n`: run only this machine's share of the sweep. */
  readonly shard?: string;
}

interface Target {
  readonly experimentFile: string;
  readonly outDir: string;
  readonly sweepId: string;
  readonly hostsFile: string;
  readonly meta: SweepMeta | undefined;
  readonly shard: Shard | undefined;
  readonly experiment: Experiment;
}

/** A new sweep, or the one in --resume DIR. */
function target(experimentArg: string | undefined, opts: RunOptions): Target {
  if (opts.resume !== undefined) {
    if (opts.out !== undefined) throw new InputError('--resume and --out both name the results folder', 'give only --resume DIR');
    const dir = resolve(opts.resume);
    const meta = readMeta(dir);
    const experimentFile = join(dir, 'experiment.yaml');
    if (experimentArg !== undefined && readFileSync(experimentArg, 'utf8') !== readFileSync(experimentFile, 'utf8')) {
      throw new InputError(`${experimentArg} differs from the experiment of the sweep in ${dir}`, `resume without naming it, or start a new sweep`);
    }
    if (opts.shard !== undefined && opts.shard !== meta.shard) {
      throw new InputError(`--shard ${opts.shard} differs from the sweep's own (${meta.shard ?? 'none'})`, `resume without --shard`);
    }
    const shard = meta.shard === undefined ? undefined : parseShard(meta.shard);
    return { experimentFile, experiment: loadExperiment(experimentFile), outDir: dir, sweepId: meta.sweepId, hostsFile: opts.hosts ?? meta.hostsFile, meta, shard };
  }
  if (experimentArg === undefined) throw new InputError('no experiment file', 'migbench run EXPERIMENT.yaml, or migbench run --resume RESULTS_DIR');
  const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
  const stamp = timeStamp();
  const experiment = loadExperiment(experimentArg);
  const sweepId = `${experiment.name}-${stamp}${shard ? `-shard${shard.index}of${shard.count}` : ''}`;
  const outDir = resolve(opts.out ?? join('results', sweepId));
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new InputError(`results folder ${outDir} is not empty`, `choose another with --out, or continue it with --resume ${outDir}`);
  }
  return { experimentFile: experimentArg, experiment, outDir, sweepId, hostsFile: resolveHostsFile(opts.hosts), meta: undefined, shard };
}

export async function runCommand(experimentArg: string | undefined, opts: RunOptions): Promise<number> {
  const t = target(experimentArg, opts);
  const { experiment } = t;
  const pairs = loadHostPairs(t.hostsFile);
  const rules = opts.sla === undefined ? [] : parseSla(opts.sla);
  const skip = t.meta ? recordedTrials(t.outDir) : new Set<number>();
  const planned = planTrials(experiment);
  const trials = shardTrials(planned, t.shard);
  if (trials.length === 0) throw new InputError(`shard ${opts.shard ?? t.meta?.shard} of this experiment has no trials`, `use fewer shards than its ${planned.length} trials' cells`);
  const consoleLevel = opts.quiet ? 'error' : opts.verbose ? 'debug' : 'warn';
  const say = (line: string) => {
    if (!opts.quiet && !terminalGone()) process.stdout.write(`${line}\n`);
  };
  let sweepLog: Logger | undefined;
  keepRunningWithoutTerminal((code) => sweepLog?.warn({ code }, 'the terminal went away; the sweep goes on, logging here'));

  let summary: SweepSummary | undefined;
  let signalStop: SignalStop | undefined;
  if (skip.size < trials.length) {
    const stop = stopOnSignals((sig) => {
      sweepLog?.warn({ signal: sig }, 'stopping: aborting the running migration, undoing every change');
      if (!terminalGone()) process.stderr.write(`migbench: ${sig}: aborting the running migration and stopping (again to exit at once)\n`);
    });
    const controller = stop.controller;
    signalStop = stop;
    // Lock, clean up after dead sweeps, connect and check every pair's hosts — before anything is written.
    const sessions = await openSessions(pairs, (hosts) => openSession(hosts, experiment, { sweepId: t.sweepId, resultsDir: t.outDir }, createLogger({ consoleLevel })));
    try {
      if (controller.signal.aborted) {
        process.stderr.write('migbench: interrupted before the first trial; nothing was measured\n');
        return stop.exitCode;
      }
      mkdirSync(t.outDir, { recursive: true });
      const shard = recordRun(t, pairs, trials.length);
      const log = createLogger({ file: join(t.outDir, 'sweep.log'), consoleLevel });
      sweepLog = log;
      const delay = experiment.delays_ms.some((d) => d > 0) ? `, delay by ${[...new Set(sessions.map((x) => x.delayMethod))].join('/')}` : '';
      const where = pairs.map((p) => `${p.a.name} <-> ${p.b.name}, domain ${p.domain}`).join('; ');
      say(`sweep ${t.sweepId}: ${trials.length} trials${shard ? ` (shard ${shard})` : ''}${skip.size ? ` (${skip.size} already recorded, resuming)` : ''}, ${where}${delay}`);
      say(`results: ${t.outDir}`);
      const progress = createProgress({
        stream: liveStderr(process.stderr.write.bind(process.stderr)),
        quiet: opts.quiet === true || terminalGone(),
        total: trials.length,
        done: skip.size,
        pairs: sessions.length,
        settleMs: experiment.settle_s * 1000,
      });
      const base = { sweepId: t.sweepId, experiment, log, signal: controller.signal, progress };
      const restoreStderr = stderrAbove(progress);
      try {
        summary = await runSweep(
          sessions.map((x) => sessionDriver(x, base)),
          { ...base, trials, outDir: t.outDir, skip, facts: shard ? { shard } : {}, onTrial: (r, done, total) => progress.print(() => say(trialLine(r, done, total, pairs.length > 1))) },
        );
      } finally {
        progress.stop();
        restoreStderr();
      }
    } finally {
      await Promise.all(sessions.map((x) => x.close()));
    }
  } else {
    say(`all ${trials.length} trials of ${t.sweepId} are already recorded`);
  }

  return concludeRun(t, trials.length, { rules, junit: opts.junit, summary, signalStop, sweepLog, say });
}

/** The folder's experiment copy and meta.json (the runs so far, the plan, the pairs); returns the shard as "i/n". */
function recordRun(t: Target, pairs: readonly Hosts[], planned: number): string | undefined {
  const run = { startedAt: new Date().toISOString(), pid: process.pid, resumed: t.meta !== undefined };
  if (!t.meta) copyFileSync(t.experimentFile, join(t.outDir, 'experiment.yaml'));
  const shard = t.shard && `${t.shard.index}/${t.shard.count}`;
  writeMeta(t.outDir, {
    sweepId: t.sweepId,
    hostsFile: resolve(t.hostsFile),
    domain: pairs[0]!.domain,
    hosts: pairs.flatMap((p) => [p.a.name, p.b.name]),
    pairs: pairs.map((p) => ({ name: pairName(p), hosts: [p.a.name, p.b.name], domain: p.domain })),
    ...(shard ? { shard } : {}),
    planned,
    startedAt: t.meta?.startedAt ?? run.startedAt,
    runs: [...(t.meta?.runs ?? []), run],
  });
  return shard;
}

/** The end of a run: the table, the JUnit file, and the exit code the whole results folder decides. */
function concludeRun(
  t: Target,
  planned: number,
  o: { rules: SlaRule[]; junit: string | undefined; summary: SweepSummary | undefined; signalStop: SignalStop | undefined; sweepLog: Logger | undefined; say: (line: string) => void },
): number {
  const { rules, summary, signalStop, sweepLog, say } = o;
  const rows = existsSync(join(t.outDir, 'trials.csv')) ? readTrials(join(t.outDir, 'trials.csv')) : [];
  if (rows.length > 0) say(`\n${cellTable(rows)}\n`);
  const timeouts = rows.filter((r) => r.status === 'timeout').length;
  const timedOut = timeouts > 0 ? `; ${timeouts} reached their timeout (status timeout: e.g. a pre-copy that did not converge)` : '';
  say(`${rows.length} of ${planned} trials recorded in ${join(t.outDir, 'trials.csv')}${timedOut}`);
  const checks = checkSla(rows, rules);
  if (o.junit) writeFileSync(o.junit, junitXml(t.sweepId, rows, checks));
  if (summary?.interrupted || signalStop?.received) {
    const by = signalStop?.received ? ` (${signalStop.received})` : '';
    sweepLog?.warn({ recorded: rows.length, planned, signal: signalStop?.received }, 'interrupted; every change undone');
    process.stderr.write(`migbench: interrupted after ${rows.length} of ${planned} trials${by}; continue with: migbench run --resume ${t.outDir}\n`);
    return signalStop?.exitCode ?? EXIT.signals.SIGINT;
  }
  // the whole results folder decides, so that a resumed sweep ends as an uninterrupted one would
  const failed = rows.filter((r) => r.status === 'failed').length;
  if (failed > 0) {
    throw new RuntimeError(`${failed} of ${rows.length} trials failed`, `see the error column of ${join(t.outDir, 'trials.csv')} and ${join(t.outDir, 'sweep.log')}`);
  }
  const broken = checks.filter((c) => !c.ok);
  if (broken.length > 0) {
    for (const c of broken) process.stderr.write(`migbench: SLA violated: ${describeViolation(c)}\n`);
    return EXIT.sla;
  }
  if (rules.length > 0) say(`SLA met: ${rules.map((r) => r.text).join(', ')} in all ${checks.length / rules.length} cells`);
  return EXIT.ok;
}

/** One session per pair, opened side by side; if one cannot be opened, the others are closed again. */
async function openSessions(pairs: readonly Hosts[], open: (h: Hosts) => Promise<Session>): Promise<Session[]> {
  const results = await Promise.allSettled(pairs.map(open));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    throw failure.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<Session>).value);
}

/**
 * stderr for the progress (`write`: stderr's own, before stderrAbove), silent once the terminal is gone (a sweep goes
 * on without it). A terminal of size 0 (a pseudo-terminal nobody sized, as `script` or `ssh -t` from a pipe give)
 * counts as 80 × 24: log-update would draw nothing in 0 rows.
 */
function liveStderr(write: (text: string) => boolean): ProgressStream {
  const e = process.stderr;
  return {
    isTTY: e.isTTY,
    get columns() {
      return e.columns || undefined;
    },
    get rows() {
      return e.rows || undefined;
    },
    write: (text) => terminalGone() || write(text),
  };
}

/**
 * While the live lines are drawn on a terminal, whatever else writes to stderr — a warning of the log, a signal's
 * message — prints above them instead of being erased by the next redraw. Returns the undo.
 */
function stderrAbove(progress: SweepProgress): () => void {
  const e = process.stderr;
  if (!e.isTTY) return () => {};
  const original = e.write;
  e.write = ((...args: Parameters<typeof original>) => {
    let ok = true;
    progress.print(() => {
      ok = original.apply(e, args);
    });
    return ok;
  }) as typeof original;
  return () => {
    e.write = original;
  };
}

function trialLine(r: TrialRecord, done: number, total: number, withPair: boolean): string {
  const s = r.job?.stats ?? {};
  const mib = (b: number | undefined) => (b === undefined ? '?' : (b / 2 ** 20).toFixed(1));
  const ms = (n: number | undefined) => (n === undefined ? '?' : String(Math.round(n)));
  const t = r.trial;
  const head = `[${done}/${total}]${withPair ? ` ${r.pair}:` : ''} ${cellLabel(t)} ${r.source}->${r.destination} #${t.repetition}:`;
  if (r.status !== 'completed') return `${head} ${r.status.toUpperCase()} ${r.error ?? ''}`;
  const guest = r.guestPause ? `, guest gap ${ms(r.guestPause.maxGapMs)} ms` : '';
  return `${head} downtime ${ms(s.downtime)} ms, switch-over ${ms(r.timing?.switchoverMs)} ms, total ${ms(s.time_elapsed)} ms, ${mib(s.data_processed)} MiB${guest}`;
}
