// trials.csv: one row per trial, appended and flushed as soon as the trial ends.
import { stringify } from 'csv-stringify/sync';
import { AppendFile } from './append-file.js';
import { COLUMN_NAMES, toRow } from './columns.js';
import type { TrialRecord } from './record.js';

export class TrialsCsv {
  private readonly file: AppendFile;

  constructor(path: string) {
    this.file = new AppendFile(path);
    if (this.file.isEmpty) this.file.append(stringify([COLUMN_NAMES]));
  }

  append(r: TrialRecord): void {
    this.file.append(stringify([toRow(r)]));
  }

  close(): void {
    this.file.close();
  }
}
