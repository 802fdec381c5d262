// `migbench metrics`: sweeps as the Prometheus text exposition format (0.0.4) that node_exporter's textfile
// collector reads — per cell of each sweep, downtime, total time and bytes as summaries (quantiles over the completed
// trials), trial counts by status, the sweep's start and duration, and SLA results as gauges. Names and units after
// Prometheus' conventions: base units (seconds, bytes), `migbench_` prefix, labels for the cell.
import { quantile } from 'simple-statistics';
import { groupCells, type MatrixCell } from '../results/cells.js';
import { downtimeOf, num, type TrialRow } from '../results/read-trials.js';
import type { SlaCheck } from '../sla/sla.js';

export interface SweepMetrics {
  readonly sweepId: string;
  readonly rows: readonly TrialRow[];
  /** Epoch seconds of the sweep's start (sweep.json), and how long its trials took until the last one ended. */
  readonly startS: number | undefined;
  readonly durationS: number | undefined;
  readonly sla: readonly SlaCheck[];
}

const QUANTILES = [0.5, 0.9, 0.99];

const SUMMARIES: ReadonlyArray<{ name: string; help: string; value: (r: TrialRow) => number | undefined }> = [
  { name: 'migbench_downtime_seconds', help: "Guest downtime of completed migrations: QEMU's downtime, else the pause libvirt's events show (QEMU reports none for some post-copy jobs).", value: (r) => seconds(downtimeOf(r)) },
  { name: 'migbench_total_time_seconds', help: "Total time of completed migrations, the post-copy page pull included (libvirt's time_elapsed).", value: (r) => seconds(num(r, 'total_time_ms')) },
  { name: 'migbench_transferred_bytes', help: "Bytes completed migrations sent (libvirt's data_processed).", value: (r) => num(r, 'data_processed_bytes') },
];

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/** A label value: backslash, double quote and line feed escaped, as the format asks. */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: ReadonlyArray<[string, string]>): string {
  return `{${pairs.map(([k, v]) => `${k}="${labelValue(v)}"`).join(',')}}`;
}

const cellLabels = (sweep: string, c: MatrixCell): Array<[string, string]> => [
  ['sweep', sweep],
  ['strategy', c.strategy],
  ['load', c.load],
  ['delay_ms', c.delayMs],
  ['knobs', c.knobs],
];

const sampleValue = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(12))));

export function prometheusText(sweeps: readonly SweepMetrics[]): string {
  // directions merged: the labels have none, and two series with one label set would make the file invalid
  const cells = sweeps.flatMap((s) => groupCells(s.rows, false).map((c) => ({ sweep: s.sweepId, cell: c, ok: c.rows.filter((r) => r.status === 'completed') })));
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'summary', help: string, lines: string[]) => {
    if (lines.length === 0) return;
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
  };
  for (const m of SUMMARIES) {
    const lines: string[] = [];
    for (const { sweep, cell, ok } of cells) {
      const xs = ok.map(m.value).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
      if (xs.length === 0) continue;
      const base = cellLabels(sweep, cell);
      for (const q of QUANTILES) lines.push(`${m.name}${labels([...base, ['quantile', String(q)]])} ${sampleValue(quantile(xs, q))}`);
      lines.push(`${m.name}_sum${labels(base)} ${sampleValue(xs.reduce((a, b) => a + b, 0))}`, `${m.name}_count${labels(base)} ${xs.length}`);
    }
    family(m.name, 'summary', m.help, lines);
  }
  family(
    'migbench_trials',
    'gauge',
    'Trials of the cell by status: completed, failed (see trials.csv error) or timeout (the harness aborted the job).',
    cells.flatMap(({ sweep, cell }) => (['completed', 'failed', 'timeout'] as const).map((st) => `migbench_trials${labels([...cellLabels(sweep, cell), ['status', st]])} ${cell.rows.filter((r) => r.status === st).length}`)),
  );
  family('migbench_sweep_start_time_seconds', 'gauge', 'When the sweep started (sweep.json), seconds since the epoch.', sweeps.filter((s) => s.startS !== undefined).map((s) => `migbench_sweep_start_time_seconds${labels([['sweep', s.sweepId]])} ${sampleValue(s.startS!)}`));
  family('migbench_sweep_duration_seconds', 'gauge', 'From the start of the sweep until its last trial ended.', sweeps.filter((s) => s.durationS !== undefined).map((s) => `migbench_sweep_duration_seconds${labels([['sweep', s.sweepId]])} ${sampleValue(s.durationS!)}`));
  const sla = sweeps.flatMap((s) => s.sla.map((c) => ({ sweep: s.sweepId, c })));
  const slaLabels = (sweep: string, c: SlaCheck): Array<[string, string]> => [['sweep', sweep], ['cell', c.cell], ['rule', c.rule.text]];
  family('migbench_sla_ok', 'gauge', '1 when the cell met the SLA rule (--sla), 0 when it did not or had no completed trial.', sla.map(({ sweep, c }) => `migbench_sla_ok${labels(slaLabels(sweep, c))} ${c.ok ? 1 : 0}`));
  family('migbench_sla_value', 'gauge', "The cell's value of the SLA rule's aggregate, in the rule's column unit (absent without a completed trial).", sla.filter(({ c }) => c.value !== undefined).map(({ sweep, c }) => `migbench_sla_value${labels(slaLabels(sweep, c))} ${sampleValue(c.value!)}`));
  return `${out.join('\n')}\n`;
}

/** Folders of one sweep (shards, pairs) as one: their rows together, the earliest start, the longest duration. */
export function mergeSweeps(sweeps: readonly SweepMetrics[]): SweepMetrics[] {
  const byId = new Map<string, SweepMetrics>();
  for (const s of sweeps) {
    const seen = byId.get(s.sweepId);
    const least = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
    const most = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
    byId.set(s.sweepId, seen ? { sweepId: s.sweepId, rows: [...seen.rows, ...s.rows], startS: least(seen.startS, s.startS), durationS: most(seen.durationS, s.durationS), sla: [...seen.sla, ...s.sla] } : s);
  }
  return [...byId.values()];
}

/** The sweep's duration: from its start until the end of its last trial (started_at + wall_time_ms). */
export function sweepDurationS(startedAt: string | undefined, rows: readonly TrialRow[]): number | undefined {
  const start = startedAt ? Date.parse(startedAt) : Number.NaN;
  const ends = rows.map((r) => Date.parse(r.started_at ?? '') + (num(r, 'wall_time_ms') ?? 0)).filter(Number.isFinite);
  if (!Number.isFinite(start) || ends.length === 0) return undefined;
  return Math.max(0, (Math.max(...ends) - start) / 1000);
}
