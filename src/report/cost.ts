// report.html beside libvirt's figures: where the wall time went (the six phases stacked), the measured total
// against the link's floor, what each QEMU spent in CPU, and post-copy's stall as QEMU, the guest and a client saw it. A chart is left out when no trial has its data.
import { cellName } from '../plan/cell.js';
import { barChart } from './charts/bars.js';
import type { SummaryCell } from './summary.js';

const PHASES = [
  ['phase_prepare_ms', 'prepare'],
  ['phase_setup_ms', 'setup'],
  ['phase_precopy_ms', 'pre-copy'],
  ['phase_stop_copy_ms', 'stop-and-copy'],
  ['phase_postcopy_ms', 'post-copy'],
  ['phase_finish_ms', 'finish'],
] as const;

const mean = (c: SummaryCell, metric: string) => c.stats.get(metric)?.mean;
const has = (cells: readonly SummaryCell[], metric: string) => cells.some((c) => (mean(c, metric) ?? 0) > 0);

/** Per cell, the mean of each metric as a bar (side by side, or stacked into one). */
function meanBars(id: string, title: string, caption: string, cells: readonly SummaryCell[], metrics: ReadonlyArray<readonly [string, string]>, stacked = false): string {
  return barChart({
    id,
    title,
    caption,
    valueLabel: 'ms',
    series: metrics.map(([, label]) => label),
    stacked,
    groups: cells.map((c) => ({ name: cellName(c, ' · '), bars: metrics.map(([metric, label]) => ({ series: label, value: mean(c, metric) })) })),
  });
}

const phaseBars = (cells: readonly SummaryCell[]) =>
  meanBars(
    'phases',
    'Where the time went: the wall time of virsh migrate in six phases',
    "Means over completed trials, per cell and strategy. Prepare: connecting and starting the destination's QEMU; setup: QEMU's; pre-copy: the guest running on the source; stop-and-copy: paused on both; post-copy: running on the destination while pages are pulled; finish: libvirt's finish and confirm steps. The six sum to the wall time.",
    cells,
    PHASES,
    true,
  );

const boundBars = (cells: readonly SummaryCell[]) =>
  meanBars(
    'total-vs-bound',
    "Total time against the link's floor",
    "Means over completed trials: libvirt's total time, and bound_total_ms — the guest's non-zero RAM sent once at the link throughput migbench measured along the migration path (link_mib_s). The gap is what re-sent pages, set-up and round trips cost.",
    cells,
    [
      ['total_time_ms', 'total time'],
      ['bound_total_ms', 'link floor'],
    ],
  );

const cpuBars = (cells: readonly SummaryCell[]) =>
  meanBars(
    'qemu-cpu',
    'What the migration cost the hosts: CPU time of each QEMU',
    "Means over completed trials: CPU time (user + system, every thread) of the source's QEMU from just before virsh migrate until it exited, and of the destination's QEMU over its life, from /proc/PID/stat.",
    cells,
    [
      ['src_qemu_cpu_ms', 'source QEMU'],
      ['dst_qemu_cpu_ms', 'destination QEMU'],
    ],
  );

const stallBars = (cells: readonly SummaryCell[]) =>
  meanBars(
    'postcopy-stall',
    "Post-copy's stall in three views: the hypervisor's, the guest's, the client's",
    "Means over completed post-copy trials: QEMU's blocktime (every vCPU blocked on a page still on the source, counted by the destination's QEMU), the longest gap between memwriter's progress lines (the guest's own clock), and the service probe's longest outage (a client's view). Blocktime counts only the post-copy phase; the other two include the switch-over pause.",
    cells.filter((c) => mean(c, 'postcopy_blocktime_ms') !== undefined),
    [
      ['postcopy_blocktime_ms', 'QEMU blocktime'],
      ['guest_max_gap_ms', 'guest gap'],
      ['probe_outage_ms', 'probe outage'],
    ],
  );

/** The section's HTML, or '' when no trial measured any of it (older sweeps, `link_probe: false`…). */
export function costSection(cells: readonly SummaryCell[]): string {
  const charts = [
    has(cells, 'wall_time_ms') && PHASES.some(([m]) => has(cells, m)) ? phaseBars(cells) : '',
    has(cells, 'bound_total_ms') ? boundBars(cells) : '',
    has(cells, 'src_qemu_cpu_ms') || has(cells, 'dst_qemu_cpu_ms') ? cpuBars(cells) : '',
    cells.some((c) => mean(c, 'postcopy_blocktime_ms') !== undefined) ? stallBars(cells) : '',
  ].filter((c) => c !== '');
  return charts.length ? `<h2>Where the time went, the link's floor, the cost</h2>\n${charts.join('\n')}` : '';
}
