// Reads a trials.csv back (report, resume). Rows are keyed by column name; numbers stay text until asked for.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { parse } from 'csv-parse/sync';

export type TrialRow = Readonly<Record<string, string>>;

export function readTrials(file: string): TrialRow[] {
  return parseTrials(readFileSync(file, 'utf8'));
}

/** The rows of a results folder (of migbench run or import), or one line saying it is not one. */
export function folderRows(dir: string): TrialRow[] {
  const file = join(dir, 'trials.csv');
  if (!existsSync(file)) throw new InputError(`${dir} has no trials.csv`, 'give a results folder of migbench run or migbench import');
  return readTrials(file);
}

export function parseTrials(text: string): TrialRow[] {
  return parse(text, { columns: true, skip_empty_lines: true }) as TrialRow[];
}

export function num(row: TrialRow, column: string): number | undefined {
  const v = row[column];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** The downtime of a trial: QEMU's, or the events' when QEMU reported none (some post-copy jobs). */
export function downtimeOf(row: TrialRow): number | undefined {
  return num(row, 'downtime_ms') ?? num(row, 'event_downtime_ms');
}
