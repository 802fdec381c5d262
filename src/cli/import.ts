// `migbench import FILE… [--out DIR]`.
import { importCaptures } from '../import/import.js';

export function importCommand(files: string[], opts: { out?: string }): number {
  const s = importCaptures(files, opts.out);
  process.stdout.write(`${s.rows} completed job(s) from ${files.length} file(s) → ${s.outDir}/trials.csv${s.skipped ? ` (${s.skipped} other capture(s) skipped: running jobs, empty jobs, repeats of a job)` : ''}${s.emptyFiles ? `; ${s.emptyFiles} file(s) held no completed job` : ''}\n`);
  return 0;
}
