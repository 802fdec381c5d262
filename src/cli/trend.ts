// `migbench trend DIR… [--out FILE.html] [--fail-on-regression]`: each cell's metrics across sweeps in time order,
// the newest sweep tested against the ones before it; a table on stdout and trend.html.
import { resolve } from 'node:path';
import { errorMessage, EXIT, InputError } from '../errors.js';
import { groupBy } from '../results/cells.js';
import { folderRows } from '../results/read-trials.js';
import { metaIfAny, sweepIdOf } from '../results/sweep-meta.js';
import { writeHtmlWithCharts } from '../report/charts/chart.js';
import { chartWarnings } from './report.js';
import { trendHtml, trends, trendTable, type TrendSweep } from '../report/trend.js';

export async function trendCommand(dirs: readonly string[], opts: { out?: string; failOnRegression?: boolean; quiet?: boolean }): Promise<number> {
  // a folder named twice (overlapping globs) counts once
  const folders = [...new Set(dirs.map((d) => resolve(d)))].map((dir): TrendSweep => {
    const rows = folderRows(dir);
    const meta = metaIfAny(dir);
    // an imported or merged folder has no sweep.json: its rows name the sweep and when its trials started
    const started = meta ? Date.parse(meta.startedAt) : Math.min(...rows.map((r) => Date.parse(r.started_at ?? '')).filter(Number.isFinite));
    if (!Number.isFinite(started)) throw new InputError(`${dir}: cannot tell when its sweep ran (no sweep.json, no started_at in trials.csv)`, 'give folders that migbench run wrote');
    return { sweepId: sweepIdOf(dir, rows, meta), startedAt: started, rows };
  });
  // the shards of one sweep are one point of the trend
  const sweeps = [...groupBy(folders, (f) => f.sweepId).values()].map((g) => ({ sweepId: g[0]!.sweepId, startedAt: Math.min(...g.map((f) => f.startedAt)), rows: g.flatMap((f) => f.rows) }));
  if (sweeps.length < 2) throw new InputError(`trend needs two sweeps or more; ${folders.length === 1 ? 'one folder was' : 'these folders are one sweep'} given`, 'give every results folder of the series, e.g. migbench trend results/nightly-*');
  const lines = trends(sweeps);
  const out = resolve(opts.out ?? 'trend.html');
  let warnings: string[];
  try {
    warnings = await writeHtmlWithCharts(out, trendHtml(`migbench trend: ${sweeps.length} sweeps`, sweeps.length, lines));
  } catch (err) {
    // a file system's refusal is the user's to fix; anything else is migbench's
    if (typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
    throw new InputError(`cannot write ${out}: ${errorMessage(err)}`, 'give --out a file in a folder that exists and is writable');
  }
  chartWarnings(warnings, opts.quiet);
  const regressions = lines.filter((l) => l.verdict === 'regression');
  if (!opts.quiet) {
    process.stdout.write(`${trendTable(lines)}\n\n${regressions.length ? `${regressions.length} regression(s) in the newest sweep` : 'no regression in the newest sweep'} (against the ${sweeps.length - 1} before it: p < 0.05 after Holm's correction, a change of 5 % or more); chart: ${out}\n`);
  }
  return opts.failOnRegression && regressions.length > 0 ? EXIT.sla : EXIT.ok;
}
