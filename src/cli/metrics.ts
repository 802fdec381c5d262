// `migbench metrics DIR… [--out FILE.prom] [--sla RULES]`: results folders as a Prometheus textfile.
import { renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { errorMessage, InputError } from '../errors.js';
import { prometheusText, sweepDurationS, type SweepMetrics } from '../export/prometheus.js';
import { folderRows } from '../results/read-trials.js';
import { readMeta } from '../results/sweep-meta.js';
import { checkSla, parseSla } from '../sla/sla.js';

export function metricsCommand(dirs: readonly string[], opts: { out?: string; sla?: string }): number {
  const rules = opts.sla === undefined ? [] : parseSla(opts.sla);
  const sweeps: SweepMetrics[] = dirs.map((dir) => {
    const rows = folderRows(dir);
    const meta = readMeta(dir);
    const start = Date.parse(meta.startedAt);
    return { sweepId: meta.sweepId ?? basename(dir), rows, startS: Number.isFinite(start) ? start / 1000 : undefined, durationS: sweepDurationS(meta.startedAt, rows), sla: rules.length ? checkSla(rows, rules) : [] };
  });
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
    throw new InputError(`cannot write ${opts.out}: ${errorMessage(err)}`, "give --out a file in a folder that exists and is writable, e.g. node_exporter's --collector.textfile.directory");
  }
  return 0;
}
