// `migbench import FILE…`: saved `virsh domjobinfo` text (human table of any libvirt since 1.2, or --rawstats;
// one or many captures per file) → a results folder with the same trials.csv columns as a sweep, so that years
// of hand-collected logs can go through `migbench report`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { preset } from '../config/strategy.js';
import { IDLE } from '../config/load.js';
import { noDelay } from '../delay/delay.js';
import { InputError } from '../errors.js';
import { parseJobInfo, type JobInfo } from '../libvirt/jobinfo.js';
import { RawJsonl } from '../results/raw-jsonl.js';
import type { TrialRecord } from '../results/record.js';
import { writeMeta, timeStamp } from '../results/sweep-meta.js';
import { TrialsCsv } from '../results/trials-csv.js';
import { findCaptures } from './captures.js';

export interface ImportSummary {
  readonly outDir: string;
  readonly rows: number;
  /** Files that held no completed job (only running polls or "Job type: None"). */
  readonly emptyFiles: number;
  /** Captures that were not completed jobs (running polls, "None"), or repeats of the same job. */
  readonly skipped: number;
  /** Completed jobs that were not migrations (a backup, a save, a dump…), by operation. */
  readonly notMigrations: Readonly<Record<string, number>>;
}

/** A completed job is a migration when it says so, or says nothing (libvirt before 3.3 printed no Operation). */
function isMigration(info: JobInfo): boolean {
  return info.operation === undefined || info.operation.endsWith('migration');
}

/** The same completed job printed twice (the human table and --rawstats, or a second read) counts once. */
function jobKey(info: JobInfo): string {
  const s = info.stats;
  return [info.operation, s.time_elapsed, s.downtime, s.setup_time, s.memory_iteration, s.memory_constant, s.memory_normal].join('|');
}

/** A file's completed jobs (one per job), and how many captures it held in all. */
function readCompleted(file: string): { jobs: Array<{ line: number; text: string; info: JobInfo }>; captures: number; others: JobInfo[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: cannot be read`, `check the path`);
  }
  const { captures, problems } = findCaptures(text);
  if (problems.length) throw new InputError(`${file}:${problems[0]!.line}: ${problems[0]!.message}`, `fix or remove that line`);
  const all = captures.map((c) => ({ ...c, info: parseJobInfo(c.text) })).filter((c) => c.info.type === 'completed');
  const completed = all.filter((c) => isMigration(c.info));
  // prefer the --rawstats copy of a job (exact integers) over its human table
  const byJob = new Map<string, { line: number; text: string; info: JobInfo }>();
  for (const c of completed) {
    const key = jobKey(c.info);
    const seen = byJob.get(key);
    if (!seen || (seen.info.format === 'human' && c.info.format === 'rawstats')) byJob.set(key, c);
  }
  const others = new Map<string, JobInfo>();
  for (const c of all) if (!isMigration(c.info)) others.set(jobKey(c.info), c.info);
  return { jobs: [...byJob.values()].sort((a, b) => a.line - b.line), captures: captures.length, others: [...others.values()] };
}

export function importCaptures(files: readonly string[], outDir: string | undefined): ImportSummary {
  if (files.length === 0) throw new InputError('no files to import', 'migbench import FILE…');
  const perFile = files.map((f) => ({ file: f, ...readCompleted(f) })); // read and check everything first
  const notMigrations: Record<string, number> = {};
  for (const f of perFile) for (const o of f.others) notMigrations[o.operation!] = (notMigrations[o.operation!] ?? 0) + 1;
  if (perFile.every((f) => f.jobs.length === 0)) {
    const noJob = perFile.find((f) => f.captures === 0);
    if (noJob) throw new InputError(`${noJob.file}:1: no "Job type:" line`, `this is not virsh domjobinfo output`);
    const kinds = Object.entries(notMigrations);
    if (kinds.length > 0) {
      throw new InputError(`${files[0]}: no migration among the completed jobs (${describeKinds(notMigrations)})`, `import the output of \`virsh domjobinfo --completed\` after a migration`);
    }
    throw new InputError(`${files[0]}: no completed job in ${files.length > 1 ? 'any of these files' : 'it'}`, `import the output of \`virsh domjobinfo --completed\` (running or empty jobs are not results)`);
  }
  const stamp = timeStamp();
  const sweepId = `import-${stamp}`;
  const dir = resolve(outDir ?? join('results', sweepId));
  mkdirSync(dir, { recursive: true });
  const csv = new TrialsCsv(join(dir, 'trials.csv'));
  const raw = new RawJsonl(join(dir, 'raw.jsonl'));
  let index = 0;
  let skipped = 0;
  try {
    for (const { file, jobs, captures, others } of perFile) {
      skipped += captures - jobs.length - others.length;
      for (const j of jobs) {
        const record: TrialRecord = {
          sweepId,
          trial: { index, repetition: 1, strategy: { ...preset('precopy'), label: 'imported' }, knobs: {}, load: IDLE, delayMs: 0, direction: 'a-to-b' },
          imported: { file: basename(file), line: j.line },
          source: `${basename(file)}:${j.line}`,
          destination: '',
          startedAt: '',
          status: 'completed',
          error: undefined,
          wallTimeMs: undefined,
          job: j.info,
          postcopySwitchMs: undefined,
          ramBytes: undefined,
          libvirtVersion: undefined,
          qemuVersion: undefined,
          dstLibvirtVersion: undefined,
          dstQemuVersion: undefined,
          load: undefined,
          delay: noDelay(0),
          timeout: { seconds: 0, action: '', fired: false },
          timing: undefined,
          guestPause: undefined,
          migration: { flags: '', connections: undefined, switchReason: undefined, maxThrottlePct: j.info.stats.auto_converge_throttle },
        };
        csv.append(record);
        raw.append('imported', { trial: index, file: resolve(file), line: j.line, format: j.info.format, text: j.text, unknown: j.info.unknown });
        index++;
      }
    }
  } finally {
    csv.close();
    raw.close();
  }
  writeFileSync(join(dir, 'experiment.yaml'), `# imported from: ${files.map((f) => resolve(f)).join(', ')}\nname: ${sweepId}\nstrategies: [precopy]\n`);
  writeMeta(dir, { sweepId, hostsFile: '', domain: '', hosts: [], planned: index, startedAt: new Date().toISOString(), runs: [] });
  return { outDir: dir, rows: index, skipped, notMigrations, emptyFiles: perFile.filter((f) => f.jobs.length === 0).length };
}

/** {backup: 2, save: 1} → "2 backup, 1 save". */
export function describeKinds(kinds: Readonly<Record<string, number>>): string {
  return Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ');
}
