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

const ms = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.round(n));
const mibs = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.round(n * 10) / 10);

export const COLUMNS: readonly Column[] = [
  column('sweep_id', '', 'migbench', 'Sweep identifier; also the results folder name.', (r) => r.sweepId),
  column('trial_index', '', 'migbench plan', 'Position of the trial in the sweep, 0-based (`migbench plan` shows the order).', (r) => r.trial.index),
  column('repetition', '', 'migbench plan', 'Repetition of its cell, 1-based.', (r) => r.trial.repetition),
  column('strategy', '', 'experiment', 'Migration strategy (README "Strategies").', (r) => r.trial.strategy.name),
  column('load', '', 'experiment', 'Guest load: `idle`, or the name of a memwriter load.', (r) => r.trial.load.name),
  column('delay_ms', 'ms', 'experiment', 'Added one-way network delay asked for this trial (0 = the direct path).', (r) => r.trial.delayMs),
  column('direction', '', 'experiment', '`a-to-b` (first host in hosts.yaml to second) or `b-to-a`.', (r) => r.trial.direction),
  column('source', '', 'hosts.yaml', 'Name of the source host.', (r) => r.source),
  column('destination', '', 'hosts.yaml', 'Name of the destination host.', (r) => r.destination),
  column('started_at', 'ISO 8601 UTC', 'controller clock', 'When `virsh migrate` was started.', (r) => r.startedAt),
  column('status', '', 'migbench', '`completed`, `failed` (see `error`) or `timeout` (the harness aborted the job).', (r) => r.status),
  column('error', '', '`virsh migrate` stderr', 'Why the trial failed; empty when completed.', (r) => r.error),
  column('delay_method', '', 'migbench', '`none` (delay 0), `netem` (tc netem on the hosts) or `proxy` (the delay relay in the migration stream).', (r) => r.delay.method),
  column('delay_where', '', 'experiment', 'netem: `source`, `destination` or `both` interfaces; proxy: `both` directions of the stream.', (r) => r.delay.where),
  column('delay_jitter_ms', 'ms', 'experiment', 'netem jitter.', (r) => (r.delay.method === 'netem' ? r.delay.jitterMs : undefined)),
  column('delay_loss_pct', '%', 'experiment', 'netem packet loss.', (r) => (r.delay.method === 'netem' ? r.delay.lossPct : undefined)),
  column('delay_window_kib', 'KiB', 'experiment', 'proxy: bytes in flight per direction (throughput <= window / round trip, as for TCP).', (r) => r.delay.windowKiB),
  column('load_size_mib', 'MiB', 'experiment', "memwriter buffer size (a share of RAM is resolved against the guest's RAM).", (r) => r.load?.sizeMiB),
  column('load_rate', 'MiB/s or pages/s', 'experiment', 'memwriter rate asked (unit in `load_rate_unit`); 0 = as fast as it can.', (r) => r.load?.rate),
  column('load_rate_unit', '', 'experiment', '`mib` or `pages` (per second).', (r) => r.load?.unit),
  column('load_impl', '', 'migbench', 'How memwriter ran in the guest: `binary` (prebuilt), `c` (compiled there), `python3` or `python`.', (r) => r.load?.impl),
  column('load_warmup_mib_s', 'MiB/s', 'memwriter output', 'Page-dirtying rate memwriter reached at the end of the warm-up, before the migration.', (r) => mibs(r.load?.warmupMiBs)),
  column('timeout_s', 's', 'experiment', 'Bound on the migration: after this, the action below.', (r) => r.timeout.seconds),
  column('timeout_action', '', 'experiment', '`abort` (the harness runs virsh domjobabort), `suspend` (virsh --timeout-suspend) or `postcopy` (virsh --timeout-postcopy).', (r) => r.timeout.action),
  column('timeout_fired', '', 'migbench, libvirt events', '`yes` when the timeout action happened in this trial.', (r) => (r.timeout.fired ? 'yes' : 'no')),
  column('wall_time_ms', 'ms', 'controller clock', 'Duration of the whole `virsh migrate` command as the controller saw it (includes connection setup and libvirt overhead).', (r) => ms(r.wallTimeMs)),
  jobStat('downtime_ms', 'ms', 'downtime', 'Total downtime', "Time the guest was paused, from stopping its vCPUs on the source to resuming them on the destination, as libvirt computes it from both hosts' clocks. QEMU leaves it out of some post-copy jobs; then it is empty."),
  jobStat('total_time_ms', 'ms', 'time_elapsed', 'Time elapsed', 'Duration of the migration job on the source, from its start until the destination has every page, so including the post-copy page-pull phase.'),
  jobStat('setup_time_ms', 'ms', 'setup_time', 'Setup time', "QEMU's setup time: from the migrate command until the first pass over RAM began."),
  column('switchover_ms', 'ms', 'libvirt events + job samples', 'From the start of the migration job until the guest ran on the destination (its first `Resumed` lifecycle event there). For pre-copy close to total_time_ms; for post-copy much shorter.', (r) => ms(r.timing?.switchoverMs)),
  column('postcopy_used', '', 'libvirt events', '`yes` when the migration really ran in post-copy (`Resumed Post-copy` on the destination), whatever the strategy asked.', (r) => (r.timing ? (r.timing.postcopy ? 'yes' : 'no') : undefined)),
  column('event_downtime_ms', 'ms', 'libvirt events', 'Downtime as the events show it: the source pausing the guest (`Suspended Migrated` / `Suspended Post-copy`) to the destination resuming it (`Resumed …`). Also there when QEMU reports no downtime.', (r) => ms(r.timing?.eventDowntimeMs)),
  column('postcopy_phase_ms', 'ms', 'libvirt events', 'Post-copy only: from the switch-over until the destination had every page (`Resumed Post-copy` to `Resumed Migrated` on the destination).', (r) => ms(r.timing?.postcopyMs)),
  column('guest_max_gap_ms', 'ms', 'memwriter output (guest clock)', 'Longest interval between two memwriter progress lines during the migration: the pause the guest itself saw. Empty for idle trials.', (r) => ms(r.guestPause?.maxGapMs)),
  column('guest_arrival_gap_ms', 'ms', 'controller clock', 'The same from the times the lines reached the controller: includes the network and SSH, and pauses the guest clock did not see.', (r) => ms(r.guestPause?.arrivalGapMs)),
  column('guest_report_period_ms', 'ms', 'memwriter output', 'Median interval between memwriter progress lines: the resolution of guest_max_gap_ms.', (r) => (r.guestPause ? Math.round(r.guestPause.periodMs * 10) / 10 : undefined)),
  jobStat('data_processed_bytes', 'bytes', 'data_processed', 'Data processed', 'Bytes the migration sent (memory and device state; no disks here).'),
  jobStat('memory_total_bytes', 'bytes', 'memory_total', 'Memory total', "Size of all guest RAM blocks QEMU migrates: the guest's RAM plus small firmware/ROM blocks."),
  jobStat('memory_processed_bytes', 'bytes', 'memory_processed', 'Memory processed', 'Bytes of RAM sent, counting re-sent dirty pages.'),
  jobStat('constant_pages', 'pages', 'memory_constant', 'Constant pages', 'Pages sent as a marker only because every byte was the same (almost always zero pages).'),
  jobStat('normal_pages', 'pages', 'memory_normal', 'Normal pages', 'Pages sent in full.'),
  jobStat('normal_bytes', 'bytes', 'memory_normal_bytes', 'Normal data', 'Bytes of the pages sent in full.'),
  column('constant_bytes', 'bytes', '`memory_constant` × `memory_page_size`', 'Guest RAM that crossed as constant-page markers instead of data.', (r) => {
    const s = r.job?.stats;
    return s?.memory_constant !== undefined && s.memory_page_size !== undefined ? s.memory_constant * s.memory_page_size : undefined;
  }),
  column('transferred_ram_ratio', '', '`data_processed` / ram_bytes', 'Bytes sent per byte of guest RAM: below 1 when zero pages were skipped, above 1 when dirty pages were sent again.', (r) => {
    const d = r.job?.stats.data_processed;
    return d !== undefined && r.ramBytes ? Math.round((d / r.ramBytes) * 1000) / 1000 : undefined;
  }),
  jobStat('iterations', '', 'memory_iteration', 'Iteration', "Passes over guest RAM (QEMU's dirty-sync-count; the first sync happens at setup)."),
  jobStat('postcopy_requests', 'requests', 'memory_postcopy_requests', 'Postcopy requests', 'Page requests the destination sent after the switch to post-copy: guest page faults served over the network.'),
  jobStat('dirty_rate_pages_s', 'pages/s', 'memory_dirty_rate', 'Dirty rate', 'Rate at which the guest dirtied pages, as QEMU last measured it during pre-copy.'),
  jobStat('memory_bps', 'bytes/s', 'memory_bps', 'Memory bandwidth', 'Migration throughput QEMU last measured.'),
  jobStat('page_size_bytes', 'bytes', 'memory_page_size', 'Page size', 'Guest page size.'),
  column('postcopy_switch_ms', 'ms', 'controller clock', 'For the `postcopy` strategy: when libvirt accepted `virsh migrate-postcopy`, in ms after `virsh migrate` started; empty otherwise.', (r) => ms(r.postcopySwitchMs)),
  column('ram_bytes', 'bytes', '`virsh dominfo` Max memory', "The guest's configured RAM.", (r) => r.ramBytes),
  column('stats_format', '', 'migbench', '`rawstats` (exact integers), `human` (virsh table, sizes rounded to 0.001 of their unit), or `sample` (a job that timed out: its last sample before the abort, so the statistics are partial).', (r) => r.job?.format),
  column('libvirt_version', '', '`virsh version --daemon`', 'libvirt daemon version on the source host.', (r) => r.libvirtVersion),
  column('qemu_version', '', '`virsh version --daemon`', 'Hypervisor version on the source host.', (r) => r.qemuVersion),
];

export const COLUMN_NAMES = COLUMNS.map((c) => c.name);

export function toRow(r: TrialRecord): Cell[] {
  return COLUMNS.map((c) => c.value(r));
}

/** README's table of columns (npm run columns prints it). */
export function columnsMarkdown(): string {
  const lines = ['| column | unit | source | meaning |', '|---|---|---|---|'];
  for (const c of COLUMNS) lines.push(`| \`${c.name}\` | ${c.unit} | ${c.source} | ${c.description} |`);
  return lines.join('\n');
}
