// `migbench report RESULTS_DIR [--compare OTHER] [--by-direction]` and `migbench recommend RESULTS_DIR --goal …`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { compare, compareHtml, compareTable } from '../report/compare.js';
import { readModelFile } from '../model/model-file.js';
import { describeSkipped } from '../model/samples.js';
import { writeHtmlWithCharts } from '../report/charts/chart.js';
import { pickTimelineTrials, reportHtml } from '../report/html.js';
import { predictedCells, predictedHtml, predictedTable } from '../report/predicted.js';
import { parseGoal, parseMaxDowntimeMs } from '../config/goal.js';
import { goalLabel, recommend } from '../report/recommend.js';
import { summarize, summaryCsv, summaryTable } from '../report/summary.js';
import { findings, findingsText } from '../report/findings.js';
import { formatTable } from '../report/table.js';
import { readRawTrials, type RawTrial } from '../results/read-raw.js';
import { folderRows, type TrialRow } from '../results/read-trials.js';

export async function reportCommand(dirs: readonly string[], opts: { compare?: string; byDirection?: boolean; quiet?: boolean; out?: string; timelines?: string; model?: string }): Promise<number> {
  const which = opts.timelines ?? 'median';
  if (which !== 'median' && which !== 'all') throw new InputError(`--timelines "${which}" must be median or all`, 'median shows one trial per cell, all every trial');
  if (dirs.length > 1 && opts.out === undefined) throw new InputError(`${dirs.length} results folders are merged into one report`, `say where it goes with --out DIR`);
  if (opts.model !== undefined && opts.compare !== undefined) throw new InputError('--model and --compare make two different reports', 'run report --model and report --compare separately');
  if (dirs.length > 1 && opts.compare !== undefined) throw new InputError('--compare takes one results folder on each side', 'merge the folders first (report A B --out M), then compare M');
  const dir = opts.out ?? dirs[0]!;
  // several folders (shards of one sweep, or sweeps on several pairs): their rows together, each keeping its sweep_id
  const perDir = dirs.map(folderRows);
  const header = (rs: readonly TrialRow[]) => Object.keys(rs[0] ?? {}).join(',');
  const odd = perDir.findIndex((rs) => rs.length > 0 && perDir[0]!.length > 0 && header(rs) !== header(perDir[0]!));
  if (odd > 0) throw new InputError(`${dirs[odd]}/trials.csv has other columns than ${dirs[0]}/trials.csv (another migbench version)`, `merge folders of one version`);
  const rows = perDir.flat();
  if (opts.out !== undefined) {
    mkdirSync(opts.out, { recursive: true });
    // the merged rows too, so that recommend, --compare and later reports can take the merged folder
    if (dirs.length > 1 || resolve(dirs[0]!) !== resolve(opts.out)) writeFileSync(join(opts.out, 'trials.csv'), stringify(rows, { header: true, columns: Object.keys(rows[0] ?? {}) }));
  }
  const say = (s: string) => {
    if (!opts.quiet) process.stdout.write(`${s}\n`);
  };
  if (opts.compare !== undefined) {
    const other = folderRows(opts.compare);
    const c = compare({ label: basename(resolve(dir)), rows }, { label: basename(resolve(opts.compare)), rows: other });
    const out = join(dir, `compare-${c.b.label}.html`);
    chartWarnings(await writeHtmlWithCharts(out, compareHtml(c)), opts.quiet);
    say(compareTable(c));
    say(`\n${out}`);
    return 0;
  }
  const model = opts.model === undefined ? undefined : readModelFile(opts.model);
  const cells = summarize(rows, opts.byDirection);
  writeFileSync(join(dir, 'summary.csv'), summaryCsv(cells));
  const timelines = pickTimelineTrials(cells, which);
  const raw = await readRawFrom(dirs, perDir, timelines.map((t) => t.cell.rows.find((r) => Number(r.trial_index) === t.trial)!));
  const sweeps = [...new Set(rows.map((r) => r.sweep_id))];
  const sweep = sweeps.length > 1 ? `${sweeps.length} sweeps merged` : (sweeps[0] ?? basename(resolve(dir)));
  const failed = rows.filter((r) => r.status === 'failed').length;
  const timedOut = rows.filter((r) => r.status === 'timeout').length;
  const predicted = model && predictedCells(rows, model);
  const warnings = await writeHtmlWithCharts(
    join(dir, 'report.html'),
    reportHtml({
      title: `migbench report: ${sweep}`,
      meta: [`${rows.length} trials in ${cells.length} cells; ${failed} failed, ${timedOut} timed out.`, `From ${dirs.map((d) => `${resolve(d)}/trials.csv`).join(', ')}; generated ${new Date().toISOString()}.`],
      rows,
      cells,
      raw,
      timelineTrials: timelines,
      ...(predicted ? { predicted: predictedHtml(predicted.cells, opts.model!) } : {}),
    }),
  );
  chartWarnings(warnings, opts.quiet);
  say(summaryTable(cells));
  say(`\n${findingsText(findings(rows))}`);
  if (predicted) {
    const left = describeSkipped(predicted.skipped);
    say(`\npredicted against measured (model ${opts.model}):\n${predictedTable(predicted.cells)}${left ? `\nnot predicted: ${left}` : ''}`);
  }
  say(`\nmean ±half of the 95 % confidence interval, over completed trials; ${join(dir, 'summary.csv')}, ${join(dir, 'report.html')}`);
  return 0;
}

/** What vega said of a chart: a defect of migbench's, printed so that it is seen and reported. */
export function chartWarnings(warnings: readonly string[], quiet: boolean | undefined): void {
  if (quiet) return;
  for (const w of warnings) process.stderr.write(`migbench: chart warning (please report it): ${w}\n`);
}

/** Raw data of the timeline trials: each from the folder whose trials.csv holds its row (by sweep id). */
async function readRawFrom(dirs: readonly string[], perDir: readonly TrialRow[][], rows: readonly TrialRow[]): Promise<Map<number, RawTrial>> {
  const out = new Map<number, RawTrial>();
  for (const [i, d] of dirs.entries()) {
    const sweepIds = new Set(perDir[i]!.map((r) => r.sweep_id));
    const wanted = new Set(rows.filter((r) => sweepIds.has(r.sweep_id)).map((r) => Number(r.trial_index)));
    if (wanted.size === 0) continue;
    for (const [k, v] of await readRawTrials(join(d, 'raw.jsonl'), wanted)) out.set(k, v);
  }
  return out;
}

export function recommendCommand(dir: string, opts: { goal?: string; maxDowntimeMs?: string }): number {
  const goal = parseGoal(opts.goal);
  const max = parseMaxDowntimeMs(opts.maxDowntimeMs);
  const recs = recommend(folderRows(dir), goal, max);
  process.stdout.write(`goal: lowest ${goalLabel(goal)}${max !== undefined ? `, mean downtime ≤ ${max} ms` : ''}\n\n`);
  process.stdout.write(`${formatTable(['load · delay', 'recommendation'], recs.map((r) => [r.cell, r.verdict]), 2)}\n`);
  const excluded = recs.flatMap((r) => r.excluded.map((e) => `${r.cell}: ${e}`));
  if (excluded.length) process.stdout.write(`\nleft out:\n${excluded.map((e) => `  ${e}`).join('\n')}\n`);
  return 0;
}
