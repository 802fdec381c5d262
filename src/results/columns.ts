// Every trials.csv column, declared once: name, unit, where the number comes from, what it means.
// The CSV writer and README's column table (npm run columns) are both generated from this list.
import type { TrialRecord } from './record.js';

export type Cell = string | number | undefined;

export interface Column {
  readonly name: string;
  readonly unit: string;
  /** libvirt rawstats name / human label, or where migbench takes it from. */
  readonly source: string;
  readonly description: string;
  readonly value: (r: TrialRecord) => Cell;
}

const stat =
  (key: string) =>
  (r: TrialRecord): Cell =>
    r.job?.stats[key];

const column = (name: string, unit: string, source: string, description: string, value: Column['value']): Column => ({
  name, unit, source, description, value,
});

const jobStat = (name: string, unit: string, key: string, label: string, description: string): Column =>
  column(name, unit, `\`${key}\` (${label})`, description, stat(key));

export const COLUMNS: readonly Column[] = [
  column('sweep_id', '', 'migbench', 'Sweep identifier; also the results folder name.', (r) => r.sweepId),
  column('trial_index', '', 'migbench plan', 'Position of the trial in the sweep, 0-based (`migbench plan` shows the order).', (r) => r.trial.index),
  column('repetition', '', 'migbench plan', 'Repetition of its cell, 1-based.', (r) => r.trial.repetition),
  column('strategy', '', 'experiment', 'Migration strategy (README "Strategies").', (r) => r.trial.strategy.name),
  column('direction', '', 'experiment', '`a-to-b` (first host in hosts.yaml to second) or `b-to-a`.', (r) => r.trial.direction),
  column('source', '', 'hosts.yaml', 'Name of the source host.', (r) => r.source),
  column('destination', '', 'hosts.yaml', 'Name of the destination host.', (r) => r.destination),
  column('started_at', 'ISO 8601 UTC', 'controller clock', 'When `virsh migrate` was started.', (r) => r.startedAt),
  column('status', '', 'migbench', '`completed`, `failed` (see `error`) or `timeout` (the harness aborted the job).', (r) => r.status),
  column('error', '', '`virsh migrate` stderr', 'Why the trial failed; empty when completed.', (r) => r.error),
  column('wall_time_ms', 'ms', 'controller clock', 'Duration of the whole `virsh migrate` command as the controller saw it (includes connection setup and libvirt overhead).', (r) => round(r.wallTimeMs)),
  jobStat('downtime_ms', 'ms', 'downtime', 'Total downtime', "Time the guest was paused, from stopping its vCPUs on the source to resuming them on the destination, as libvirt computes it from both hosts' clocks. QEMU leaves it out of some post-copy jobs; then it is empty."),
  jobStat('total_time_ms', 'ms', 'time_elapsed', 'Time elapsed', 'Duration of the migration job on the source, from its start until the destination has every page, so including the post-copy page-pull phase.'),
  jobStat('setup_time_ms', 'ms', 'setup_time', 'Setup time', "QEMU's setup time: from the migrate command until the first pass over RAM began."),
  jobStat('data_processed_bytes', 'bytes', 'data_processed', 'Data processed', 'Bytes the migration sent (memory and device state; no disks here).'),
  jobStat('memory_total_bytes', 'bytes', 'memory_total', 'Memory total', "Size of all guest RAM blocks QEMU migrates: the guest's RAM plus small firmware/ROM blocks."),
  jobStat('memory_processed_bytes', 'bytes', 'memory_processed', 'Memory processed', 'Bytes of RAM sent, counting re-sent dirty pages.'),
  jobStat('constant_pages', 'pages', 'memory_constant', 'Constant pages', 'Pages sent as a marker only because every byte was the same (almost always zero pages).'),
  jobStat('normal_pages', 'pages', 'memory_normal', 'Normal pages', 'Pages sent in full.'),
  jobStat('normal_bytes', 'bytes', 'memory_normal_bytes', 'Normal data', 'Bytes of the pages sent in full.'),
  jobStat('iterations', '', 'memory_iteration', 'Iteration', "Passes over guest RAM (QEMU's dirty-sync-count; the first sync happens at setup)."),
  jobStat('postcopy_requests', 'requests', 'memory_postcopy_requests', 'Postcopy requests', 'Page requests the destination sent after the switch to post-copy: guest page faults served over the network.'),
  jobStat('dirty_rate_pages_s', 'pages/s', 'memory_dirty_rate', 'Dirty rate', 'Rate at which the guest dirtied pages, as QEMU last measured it during pre-copy.'),
  jobStat('memory_bps', 'bytes/s', 'memory_bps', 'Memory bandwidth', 'Migration throughput QEMU last measured.'),
  jobStat('page_size_bytes', 'bytes', 'memory_page_size', 'Page size', 'Guest page size.'),
  column('postcopy_switch_ms', 'ms', 'controller clock', 'For the `postcopy` strategy: when libvirt accepted `virsh migrate-postcopy`, in ms after `virsh migrate` started; empty otherwise.', (r) => round(r.postcopySwitchMs)),
  column('ram_bytes', 'bytes', '`virsh dominfo` Max memory', "The guest's configured RAM.", (r) => r.ramBytes),
  column('stats_format', '', 'migbench', '`rawstats` (exact integers) or `human` (virsh table, sizes rounded to 0.001 of their unit).', (r) => r.job?.format),
  column('libvirt_version', '', '`virsh version --daemon`', 'libvirt daemon version on the source host.', (r) => r.libvirtVersion),
  column('qemu_version', '', '`virsh version --daemon`', 'Hypervisor version on the source host.', (r) => r.qemuVersion),
];

export const COLUMN_NAMES = COLUMNS.map((c) => c.name);

export function toRow(r: TrialRecord): Cell[] {
  return COLUMNS.map((c) => c.value(r));
}

function round(n: number | undefined): number | undefined {
  return n === undefined ? undefined : Math.round(n);
}

/** README's table of columns (npm run columns prints it). */
export function columnsMarkdown(): string {
  const lines = ['| column | unit | source | meaning |', '|---|---|---|---|'];
  for (const c of COLUMNS) lines.push(`| \`${c.name}\` | ${c.unit} | ${c.source} | ${c.description} |`);
  return lines.join('\n');
}
