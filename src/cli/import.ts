// `migbench import FILE… [--out DIR]`.
import { describeKinds, importCaptures } from '../import/import.js';

export function importCommand(files: string[], opts: { out?: string }): number {
  const s = importCaptures(files, opts.out);
  const others = Object.keys(s.notMigrations).length ? `; completed jobs that are not migrations, skipped: ${describeKinds(s.notMigrations)}` : '';
  process.stdout.write(`${s.rows} completed migration(s) from ${files.length} file(s) → ${s.outDir}/trials.csv${s.skipped ? ` (${s.skipped} other capture(s) skipped: running jobs, empty jobs, repeats of a job)` : ''}${others}${s.emptyFiles ? `; ${s.emptyFiles} file(s) held no completed migration` : ''}\n`);
  return 0;
}
