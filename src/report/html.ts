// report.html: one self-contained file (inline CSS and SVG, no script, no network) with the summary and the
// charts: the reference study's four bar charts with 95 % CI whiskers, switch-over against total time, bytes
// against RAM split into normal and zero pages, the time breakdown, link floor and CPU cost (cost.ts), and a
// timeline per cell.
import { num, type TrialRow } from '../results/read-trials.js';
import type { RawTrial } from '../results/read-raw.js';
import { costSection } from './cost.js';
import { barChart, type BarGroup } from './charts/bars.js';
import { scatterChart } from './charts/scatter.js';
import { esc } from './charts/chart.js';
import { timelineChart, type Series } from './charts/timeline.js';
import { cellName, groupName } from '../plan/cell.js';
import type { SummaryCell } from './summary.js';
import { DOWNTIME, FEW_TRIALS_NOTE, FROM_EVENTS_NOTE } from './downtime.js';
import { fewTrials } from './stats.js';
import { findings, type Finding } from './findings.js';

const MiB = 2 ** 20;

/** The metrics of the summary table, in its order. */
const SUMMARY_SHOWN = ['downtime_ms', 'total_time_ms', 'switchover_ms', 'setup_time_ms', 'data_processed_bytes', 'probe_outage_ms'];

export const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:14px;margin:8px 0}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}
td:first-child,th:first-child,td.t{text-align:left}figure{margin:16px 0;overflow-x:auto}figcaption{color:#555;font-size:12px;max-width:900px}
.bad{color:#b00}`;

export interface ReportInput {
  readonly title: string;
  readonly meta: string[];
  readonly rows: readonly TrialRow[];
  readonly cells: readonly SummaryCell[];
  /** Raw data of the trials drawn as timelines, by trial index. */
  readonly raw: ReadonlyMap<number, RawTrial>;
  readonly timelineTrials: ReadonlyArray<{ cell: SummaryCell; trial: number; median: boolean }>;
  /** With --model: the predicted-against-measured section. */
  readonly predicted?: string;
}

/**
 * The trials drawn as timelines: per cell the completed trial whose total time is the median of its cell, or with
 * `all`, every trial that has samples (failed and timed-out ones too: their timeline shows how far they got).
 */
export function pickTimelineTrials(cells: readonly SummaryCell[], which: 'median' | 'all' = 'median'): Array<{ cell: SummaryCell; trial: number; median: boolean }> {
  const out: Array<{ cell: SummaryCell; trial: number; median: boolean }> = [];
  for (const c of cells) {
    const ok = c.rows.filter((r) => r.status === 'completed').sort((a, b) => (num(a, 'total_time_ms') ?? 0) - (num(b, 'total_time_ms') ?? 0));
    const mid = ok[Math.floor((ok.length - 1) / 2)];
    if (which === 'all') {
      for (const r of [...c.rows].sort((a, b) => Number(a.trial_index) - Number(b.trial_index))) out.push({ cell: c, trial: Number(r.trial_index), median: r === mid });
    } else if (mid) out.push({ cell: c, trial: Number(mid.trial_index), median: true });
  }
  return out;
}


function metricBars(id: string, title: string, metric: string, scale: number, unit: string, cells: readonly SummaryCell[], strategies: string[]): string {
  const groups = new Map<string, BarGroup>();
  for (const c of cells) {
    const d = c.stats.get(metric);
    const g = groups.get(groupName(c)) ?? { name: groupName(c), bars: [] };
    const substitute = metric === DOWNTIME ? c.downtimeFromEvents : 0;
    const note = `n=${c.completed}${c.failed ? `, ${c.failed} failed` : ''}${c.timeout ? `, ${c.timeout} timed out` : ''}${substitute ? `, ${substitute} from the events` : ''}${d && fewTrials(d) ? '; fewer than 3 trials' : ''}`;
    (g.bars as unknown[]).push({ series: c.strategy, value: d && d.mean / scale, lo: d?.ci95 && d.ci95[0] / scale, hi: d?.ci95 && d.ci95[1] / scale, note, hatched: substitute > 0, fewTrials: d !== undefined && fewTrials(d) });
    groups.set(g.name, g);
  }
  return barChart({
    id,
    title,
    caption: `Mean over completed trials with its 95 % confidence interval (Student t), never drawn below 0; a dashed whisker rests on fewer than 3 trials and means little. Groups: load, delay${cells.some((c) => c.knobs) ? ', knobs' : ''}; bars: strategies. Trials that failed or timed out are not in the means (the summary table counts them).${metric === DOWNTIME && cells.some((c) => c.downtimeFromEvents > 0) ? " Hatched: downtime from libvirt's events (event_downtime_ms) for trials where QEMU reported none." : ''}`,
    valueLabel: unit,
    series: strategies,
    groups: [...groups.values()],
  });
}

function timelineFor(cell: SummaryCell, trial: number, raw: RawTrial | undefined, median: boolean): string {
  const row = cell.rows.find((r) => Number(r.trial_index) === trial);
  const status = row && row.status !== 'completed' ? ` (${row.status})` : '';
  const title = `${cellName(cell, ' · ')} — trial ${trial}${status}${median ? ', the median of its cell' : ''}`;
  const timing = raw?.timing as { jobStartAt?: number; switchoverMs?: number; postcopy?: boolean } | undefined;
  const start = timing?.jobStartAt;
  if (!raw || start === undefined) return timelineChart({ id: `timeline-${trial}`, title, caption: '', series: [], markers: [] });
  const sec = (at: number) => (at - start) / 1000;
  const samples = (raw.samples as Array<Record<string, number>> | undefined) ?? [];
  const series: Series[] = [
    { label: 'remaining', unit: 'MiB', points: samples.filter((s) => s.data_remaining !== undefined).map((s) => [sec(s.at!), s.data_remaining! / MiB] as const) },
    { label: 'dirty rate', unit: 'MiB/s', points: samples.filter((s) => s.memory_dirty_rate !== undefined).map((s) => [sec(s.at!), (s.memory_dirty_rate! * (s.memory_page_size ?? 4096)) / MiB] as const) },
    { label: 'throughput', unit: 'MiB/s', points: samples.filter((s) => s.memory_bps !== undefined).map((s) => [sec(s.at!), s.memory_bps! / MiB] as const) },
  ];
  const writer = (raw.writer as { series?: Array<[number, number]> } | undefined)?.series;
  if (writer && writer.length > 1) {
    const rate: Array<readonly [number, number]> = [];
    for (let i = 1; i < writer.length; i++) {
      const [t0, b0] = writer[i - 1]!;
      const [t1, b1] = writer[i]!;
      if (t1 > t0) rate.push([sec(t1), (b1 - b0) / MiB / ((t1 - t0) / 1000)]);
    }
    series.push({ label: 'memwriter progress', unit: 'MiB/s, arrival times', points: rate, clipBursts: true });
  }
  const probe = (raw.probe as { samples?: Array<[number, number, number | null]> } | undefined)?.samples;
  if (probe) series.push({ label: 'probe round trip (× = no answer)', unit: 'ms', points: probe.filter((p) => p[1] === 0).map((p) => [sec(p[0]), p[2]] as const) });
  const total = num(row ?? {}, 'total_time_ms');
  const markers = [{ at: 0, label: 'start' }];
  if (timing?.switchoverMs !== undefined) markers.push({ at: timing.switchoverMs / 1000, label: timing.postcopy ? 'switch-over (post-copy)' : 'switch-over' });
  if (total !== undefined) markers.push({ at: total / 1000, label: 'completed' });
  return timelineChart({
    id: `timeline-${trial}`,
    title,
    caption: 'Job samples (remaining, dirty rate, throughput), memwriter progress and probe round trips over time. By default the trial shown per cell is the one with the median total time; `migbench report --timelines all` draws every trial.',
    series,
    markers,
  });
}

/** What the data separates, in words, each linked to the chart it is read from. */
function findingsHtml(fs: readonly Finding[]): string {
  if (fs.length === 0) return '<p>None the data separates (Welch, p < 0.05): more repetitions would tell.</p>';
  return `<ul class="findings">${fs.map((f) => `<li><b>${esc(f.group)}</b>: ${esc(f.text)} <a href="#chart-${esc(f.chart)}">chart</a></li>`).join('')}</ul><p><small>Only differences Welch's test separates (p < 0.05) between the strategies with the lowest and the highest mean; ± half the 95 % confidence interval, given from 3 trials on.</small></p>`;
}

export function reportHtml(r: ReportInput): string {
  const strategies = [...new Set(r.cells.map((c) => c.strategy))];
  const summaryRows = r.cells
    .map((c) => {
      const cell = (m: string, scale = 1, digits = 0) => {
        const d = c.stats.get(m);
        if (!d) return '<td>–</td>';
        const ci = d.ci95 ? ` <small>[${(d.ci95[0] / scale).toFixed(digits)}, ${(d.ci95[1] / scale).toFixed(digits)}]${fewTrials(d) ? '†' : ''}</small>` : '';
        const substitute = m === DOWNTIME && c.downtimeFromEvents > 0 ? '*' : '';
        return `<td>${(d.mean / scale).toFixed(digits)}${substitute}${ci}</td>`;
      };
      const bad = c.failed + c.timeout > 0 ? ' class="bad"' : '';
      return `<tr><td class="t">${esc(c.strategy)}</td><td class="t">${esc(groupName(c))}</td><td>${c.completed}</td><td${bad}>${c.failed}</td><td${bad}>${c.timeout}</td>${cell('downtime_ms')}${cell('total_time_ms')}${cell('switchover_ms')}${cell('setup_time_ms')}${cell('data_processed_bytes', MiB, 1)}${cell('probe_outage_ms')}</tr>`;
    })
    .join('\n');

  const scatter = scatterChart({
    id: 'switchover-vs-total',
    title: 'How fast the VM follows the user: switch-over time against total time',
    caption: 'Each point a completed trial. Switch-over: from the start of the job until the guest ran on the destination (its first Resumed event there). Pre-copy points sit on the diagonal; post-copy moves the switch early and pays with a page-pull phase.',
    xLabel: 'total time (ms)',
    yLabel: 'switch-over (ms)',
    diagonal: 'switch-over = total',
    series: strategies,
    points: r.rows
      .filter((x) => x.status === 'completed' && num(x, 'switchover_ms') !== undefined && num(x, 'total_time_ms') !== undefined)
      .map((x) => ({ series: x.strategy ?? '', x: num(x, 'total_time_ms')!, y: num(x, 'switchover_ms')!, note: `trial ${x.trial_index}` })),
  });

  const ram = r.rows.map((x) => num(x, 'ram_bytes')).find((x) => x !== undefined);
  const bytes = barChart({
    id: 'bytes-vs-ram',
    title: 'Bytes transferred against RAM: sent in full, and zero pages',
    caption: 'Per cell and strategy, means over completed trials: bytes of pages sent in full (normal data), and the RAM that crossed only as constant-page markers (zero pages). Their sum is larger than RAM when re-dirtied pages were sent again; the line is the guest RAM.',
    valueLabel: 'MiB',
    series: ['sent in full', 'zero pages (markers only)'],
    stacked: true,
    reference: ram ? { value: ram / MiB, label: 'guest RAM' } : undefined,
    groups: r.cells.map((c) => ({
      name: cellName(c, ' · '),
      bars: [
        { series: 'sent in full', value: c.stats.get('normal_bytes') && c.stats.get('normal_bytes')!.mean / MiB },
        { series: 'zero pages (markers only)', value: c.stats.get('constant_bytes') && c.stats.get('constant_bytes')!.mean / MiB },
      ],
    })),
  });

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(r.title)}</h1>
${r.meta.map((m) => `<p>${esc(m)}</p>`).join('\n')}
<h2>Findings</h2>
${findingsHtml(findings(r.rows))}
<h2>Summary</h2>
<table><thead><tr><th>strategy</th><th>load · delay</th><th>completed</th><th>failed</th><th>timed out</th><th>downtime ms</th><th>total ms</th><th>switch-over ms</th><th>setup ms</th><th>data MiB</th><th>outage ms</th></tr></thead>
<tbody>
${summaryRows}
</tbody></table>
<p><small>Means over completed trials, [95 % confidence interval, never below 0]. Full statistics of every metric: summary.csv.${r.cells.some((c) => c.downtimeFromEvents > 0) ? `<br>${esc(FROM_EVENTS_NOTE)}.` : ''}${r.cells.some((c) => SUMMARY_SHOWN.some((m) => { const d = c.stats.get(m); return d?.ci95 !== undefined && fewTrials(d); })) ? `<br>${esc(FEW_TRIALS_NOTE)}.` : ''}</small></p>
<h2>Downtime, total time, setup time, bytes transferred</h2>
${metricBars('downtime', 'Downtime', 'downtime_ms', 1, 'ms', r.cells, strategies)}
${metricBars('total-time', 'Total time (including the post-copy page-pull phase)', 'total_time_ms', 1, 'ms', r.cells, strategies)}
${metricBars('setup-time', 'Setup time', 'setup_time_ms', 1, 'ms', r.cells, strategies)}
${metricBars('bytes', 'Bytes transferred', 'data_processed_bytes', MiB, 'MiB', r.cells, strategies)}
<h2>Switch-over</h2>
${scatter}
<h2>Bytes against RAM</h2>
${bytes}
${costSection(r.cells)}
${r.predicted ?? ''}
<h2>Timelines</h2>
${r.timelineTrials.map((t) => timelineFor(t.cell, t.trial, r.raw.get(t.trial), t.median)).join('\n')}
</body></html>
`;
}
