// trials.csv: one row per trial, appended and flushed as soon as the trial ends.
import { closeSync, openSync, readSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { RuntimeError } from '../errors.js';
import { AppendFile } from './append-file.js';
import { COLUMN_NAMES, toRow } from './columns.js';
import type { TrialRecord } from './record.js';

export class TrialsCsv {
  private readonly file: AppendFile;

  constructor(path: string) {
    this.file = new AppendFile(path);
    const header = stringify([COLUMN_NAMES]);
    if (this.file.isEmpty) this.file.append(header);
    else if (firstBytes(path, Buffer.byteLength(header)) !== header) {
      this.file.close();
      throw new RuntimeError(`${path} has other columns than this migbench writes (another version made it)`, `finish that sweep with the version that started it, or start a new sweep`);
    }
  }

  append(r: TrialRecord): void {
    this.file.append(stringify([toRow(r)]));
  }

  close(): void {
    this.file.close();
  }
}

/** The start of a file (its header line), without reading the rows. */
function firstBytes(path: string, n: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
