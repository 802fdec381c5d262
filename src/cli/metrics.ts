// `migbench metrics DIR… [--out FILE.prom] [--sla RULES]`: results folders as a Prometheus textfile.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { errorMessage, InputError } from '../errors.js';
import { mergeSweeps, prometheusText, sweepDurationS, type SweepMetrics } from '../export/prometheus.js';
import { folderRows } from '../results/read-trials.js';
import { metaIfAny, sweepIdOf } from '../results/sweep-meta.js';
import { checkSla, parseSla } from '../sla/sla.js';

export function metricsCommand(dirs: readonly string[], opts: { out?: string; sla?: string }): number {
  const rules = opts.sla === undefined ? [] : parseSla(opts.sla);
  const folders = dirs.map((dir) => {
    const rows = folderRows(dir);
    // a folder `report A B --out M` merged has no sweep.json: its rows name their sweeps
    const meta = metaIfAny(dir);
    const start = meta ? Date.parse(meta.startedAt) : Number.NaN;
    return { sweepId: sweepIdOf(dir, rows, meta), rows, startS: Number.isFinite(start) ? start / 1000 : undefined, durationS: meta ? sweepDurationS(meta.startedAt, rows) : undefined, sla: [] };
  });
  // SLA over each sweep's rows together (shards of one sweep are one sweep)
  const sweeps: SweepMetrics[] = mergeSweeps(folders).map((s) => ({ ...s, sla: rules.length ? checkSla(s.rows, rules) : [] }));
  const text = prometheusText(sweeps);
  if (!opts.out) {
    process.stdout.write(text);
    return 0;
  }
  // node_exporter may read the file at any moment: write beside it, then rename over it
  const tmp = `${opts.out}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, opts.out);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new InputError(`cannot write ${opts.out}: ${errorMessage(err)}`, "give --out a file in a folder that exists and is writable, e.g. node_exporter's --collector.textfile.directory");
  }
  return 0;
}
