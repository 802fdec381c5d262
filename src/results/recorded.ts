// Which trials a results folder already holds — for `run --resume`. A row is whole or absent: rows are written
// with one write() and fsync'd, but a torn last line (the disk filled up, say) is cut off rather than trusted.
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeError } from '../errors.js';
import { parseTrials } from './read-trials.js';

export function recordedTrials(dir: string): Set<number> {
  const file = join(dir, 'trials.csv');
  if (!existsSync(file)) return new Set();
  const text = readFileSync(file, 'utf8');
  const whole = text.length > 0 && !text.endsWith('\n') ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
  if (whole.length < text.length) truncateSync(file, Buffer.byteLength(whole));
  const indexes = parseTrials(whole).map((r) => Number(r.trial_index));
  const seen = new Set<number>();
  for (const i of indexes) {
    if (!Number.isInteger(i)) throw new RuntimeError(`${file} has a row without a trial_index`, `it was not written by migbench`);
    if (seen.has(i)) throw new RuntimeError(`${file} records trial ${i} twice`, `remove one of the rows, then resume`);
    seen.add(i);
  }
  return seen;
}
