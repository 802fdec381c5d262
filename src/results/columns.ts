// Every trials.csv column, declared once: name, unit, where the number comes from, what it means.
// The CSV writer and docs/results.md's column table (npm run columns) are both generated from this list.
import { describeKnobs, describeParams, precopyBandwidthMiBs } from '../config/strategy.js';
import type { TrialRecord } from './record.js';

export type CsvValue = string | number | undefined;

export interface Column {
  readonly name: string;
  readonly unit: string;
  /** libvirt rawstats name / human label, or where migbench takes it from. */
  readonly source: string;
  readonly description: string;
  readonly value: (r: TrialRecord) => CsvValue;
}

const stat =
  (key: string) =>
  (r: TrialRecord): CsvValue =>
    r.job?.stats[key];

const column = (name: string, unit: string, source: string, description: string, value: Column['value']): Column => ({
  name, unit, source, description, value,
});

const jobStat = (name: string, unit: string, key: string, label: string, description: string): Column =>
  column(name, unit, `\`${key}\` (${label})`, description, stat(key));

/** A value only a sweep knows: empty in rows `migbench import` made from saved virsh output. */
const sweepOnly =
  (f: Column['value']): Column['value'] =>
  (r) =>
    r.imported ? undefined : f(r);

const ms = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.round(n));
const ms2 = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.round(n * 100) / 100);
const yesNo = (b: boolean | undefined): string | undefined => (b === undefined ? undefined : b ? 'yes' : 'no');
const mibs = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.round(n * 10) / 10);

export const COLUMNS: readonly Column[] = [
  column('sweep_id', '', 'migbench', 'Sweep identifier; also the results folder name.', (r) => r.sweepId),
  column('trial_index', '', 'migbench plan', 'Position of the trial in the sweep, 0-based (`migbench plan` shows the order).', (r) => r.trial.index),
  column('repetition', '', 'migbench plan', 'Repetition of its cell, 1-based.', sweepOnly((r) => r.trial.repetition)),
  column('strategy', '', 'experiment', 'Migration strategy as labelled in the experiment: the preset and its parameters, e.g. `multifd(connections=4)` (docs/strategies.md).', (r) => r.trial.strategy.label),
  column('strategy_params', '', 'experiment', 'The parameters of the strategy, `key=value` separated by spaces; empty for a plain preset.', sweepOnly((r) => describeParams(r.trial.strategy))),
  column('knobs', '', 'experiment', 'Knobs of this trial (bandwidth caps, max downtime), `key=value`; empty when none.', sweepOnly((r) => describeKnobs(r.trial.knobs))),
  column('bandwidth_mib_s', 'MiB/s', 'experiment → `virsh migrate --bandwidth`', 'Pre-copy bandwidth cap: the `bandwidth` knob when set; for `postcopy` without it, 1 (pre-copy held down until the switch takes effect; QEMU lifts the cap at the switch).', (r) => (r.imported ? undefined : precopyBandwidthMiBs(r.trial.strategy, r.trial.knobs))),
  column('postcopy_bandwidth_mib_s', 'MiB/s', 'experiment → `--postcopy-bandwidth`', 'Post-copy bandwidth cap, when set.', (r) => r.trial.knobs.postcopyBandwidthMiBs),
  column('max_downtime_ms', 'ms', 'experiment → `virsh migrate-setmaxdowntime`', "Maximum tolerable downtime set on the source's QEMU before the migration, when set.", (r) => r.trial.knobs.maxDowntimeMs),
  column('migrate_flags', '', 'migbench', 'The `virsh migrate` options used (without domain and URIs).', (r) => r.migration.flags),
  column('load', '', 'experiment', 'Guest load: `idle`, or the name of a memwriter load.', sweepOnly((r) => r.trial.load.name)),
  column('delay_ms', 'ms', 'experiment', 'Added one-way network delay asked for this trial (0 = the direct path).', sweepOnly((r) => r.trial.delayMs)),
  column('direction', '', 'experiment', '`a-to-b` (first host in hosts.yaml to second) or `b-to-a`.', sweepOnly((r) => r.trial.direction)),
  column('pair', '', 'hosts.yaml', 'The host pair that ran the trial: its name in a `pairs:` hosts file, else "HOSTA-HOSTB".', sweepOnly((r) => r.pair)),
  column('source', '', 'hosts.yaml', 'Name of the source host.', (r) => r.source),
  column('destination', '', 'hosts.yaml', 'Name of the destination host.', (r) => r.destination),
  column('started_at', 'ISO 8601 UTC', 'controller clock', 'When `virsh migrate` was started.', (r) => r.startedAt),
  column('status', '', 'migbench', '`completed`, `failed` (see `error`) or `timeout` (the harness aborted the job).', (r) => r.status),
  column('error', '', '`virsh migrate` stderr', 'Why the trial failed; empty when completed.', (r) => r.error),
  column('delay_method', '', 'migbench', '`none` (delay 0), `netem` (tc netem on the hosts) or `proxy` (the delay relay in the migration stream).', sweepOnly((r) => r.delay.method)),
  column('delay_where', '', 'experiment', 'netem: `source`, `destination` or `both` interfaces; proxy: `both` directions of the stream.', sweepOnly((r) => r.delay.where)),
  column('delay_jitter_ms', 'ms', 'experiment', 'netem jitter.', (r) => (r.delay.method === 'netem' ? r.delay.jitterMs : undefined)),
  column('delay_loss_pct', '%', 'experiment', 'netem packet loss.', (r) => (r.delay.method === 'netem' ? r.delay.lossPct : undefined)),
  column('delay_window_kib', 'KiB', 'experiment', 'proxy: bytes in flight per direction (throughput <= window / round trip, as for TCP).', (r) => r.delay.windowKiB),
  column('load_size_mib', 'MiB', 'experiment', "memwriter buffer size (a share of RAM is resolved against the guest's RAM).", (r) => r.load?.sizeMiB),
  column('load_rate', 'MiB/s or pages/s', 'experiment', 'memwriter rate asked (unit in `load_rate_unit`); 0 = as fast as it can.', (r) => r.load?.rate),
  column('load_rate_unit', '', 'experiment', '`mib` or `pages` (per second).', (r) => r.load?.unit),
  column('load_impl', '', 'migbench', 'How memwriter ran in the guest: `binary` (prebuilt), `c` (compiled there), `python3` or `python`.', (r) => r.load?.impl),
  column('load_warmup_mib_s', 'MiB/s', 'memwriter output', 'Page-dirtying rate memwriter reached at the end of the warm-up, before the migration.', (r) => mibs(r.load?.warmupMiBs)),
  column('timeout_s', 's', 'experiment', 'Bound on the migration: after this, the action below.', sweepOnly((r) => r.timeout.seconds)),
  column('timeout_action', '', 'experiment', '`abort` (the harness runs virsh domjobabort), `suspend` (virsh --timeout-suspend) or `postcopy` (virsh --timeout-postcopy).', sweepOnly((r) => r.timeout.action)),
  column('timeout_fired', '', 'migbench, libvirt events', '`yes` when the timeout action happened in this trial.', sweepOnly((r) => (r.timeout.fired ? 'yes' : 'no'))),
  column('wall_time_ms', 'ms', 'controller clock', 'Duration of the whole `virsh migrate` command as the controller saw it (includes connection setup and libvirt overhead).', (r) => ms(r.wallTimeMs)),
  jobStat('downtime_ms', 'ms', 'downtime', 'Total downtime', "Time the guest was paused, from stopping its vCPUs on the source to resuming them on the destination, as libvirt computes it from both hosts' clocks. QEMU leaves it out of some post-copy jobs; then it is empty."),
  jobStat('total_time_ms', 'ms', 'time_elapsed', 'Time elapsed', 'Duration of the migration job on the source, from its start until the destination has every page, so including the post-copy page-pull phase.'),
  jobStat('setup_time_ms', 'ms', 'setup_time', 'Setup time', "QEMU's setup time: from the migrate command until the first pass over RAM began."),
  column('switchover_ms', 'ms', 'libvirt events + job samples', 'From the start of the migration job until the guest ran on the destination (its first `Resumed` lifecycle event there). For pre-copy close to total_time_ms; for post-copy much shorter.', (r) => ms(r.timing?.switchoverMs)),
  column('postcopy_switch_reason', '', 'migbench', 'Why the harness switched to post-copy: for hybrid-timeout `timeout` (switch_after_s passed) or `no-progress` (an iteration gained less than min_progress_pct); for the kubevirt policy with allow_postcopy `completion-timeout`.', (r) => r.migration.switchReason),
  column('postcopy_used', '', 'libvirt events', '`yes` when the migration really ran in post-copy (`Resumed Post-copy` on the destination), whatever the strategy asked.', (r) => (r.timing ? (r.timing.postcopy ? 'yes' : 'no') : undefined)),
  column('postcopy_recoveries', 'count', 'migbench (`virsh migrate --postcopy-resume`)', 'Post-copy strategies: how often the migration connection broke after the switch and migbench resumed it (0 when it never broke); empty for pre-copy.', (r) => r.migration.postcopyRecoveries),
  column('postcopy_paused_ms', 'ms', 'controller clock', 'How long a broken post-copy stood paused (QEMU postcopy-paused on both sides, the guest stalled on every page still on the source) until a resume was under way; 0 when it never broke.', (r) => ms(r.migration.postcopyPausedMs)),
  column('event_downtime_ms', 'ms', 'libvirt events', 'Downtime as the events show it: the source pausing the guest (`Suspended Migrated` / `Suspended Post-copy`) to the destination resuming it (`Resumed …`). Also there when QEMU reports no downtime.', (r) => ms(r.timing?.eventDowntimeMs)),
  column('postcopy_phase_ms', 'ms', 'libvirt events', 'Post-copy only: from the switch-over until the destination had every page (`Resumed Post-copy` to `Resumed Migrated` on the destination).', (r) => ms(r.timing?.postcopyMs)),
  column('guest_max_gap_ms', 'ms', 'memwriter output (guest clock)', 'Longest interval between two memwriter progress lines during the migration: the pause the guest itself saw. Empty for idle trials.', (r) => ms(r.guestPause?.maxGapMs)),
  column('guest_arrival_gap_ms', 'ms', 'controller clock', 'The same from the times the lines reached the controller: includes the network and SSH, and pauses the guest clock did not see.', (r) => ms(r.guestPause?.arrivalGapMs)),
  column('probe_sent', 'requests', 'service probe (UDP echo)', 'UDP echo requests the probe sent during the trial (before, during and after the migration).', (r) => r.probe && r.probe.baseline.sent + r.probe.during.sent),
  column('probe_lost', 'requests', 'service probe (UDP echo)', 'Of those, not answered within the probe timeout.', (r) => r.probe && r.probe.baseline.lost + r.probe.during.lost),
  column('probe_outage_ms', 'ms', 'service probe (UDP echo)', 'Longest time the guest did not answer: from the first unanswered request of a run to the next answered one (resolution: 1 / rate_hz). The client-observed outage.', (r) => ms(r.probe?.outageMs)),
  column('probe_baseline_p50_ms', 'ms', 'service probe (UDP echo)', 'Median round trip before the migration started.', (r) => ms2(r.probe?.baseline.p50Ms)),
  column('probe_baseline_p99_ms', 'ms', 'service probe (UDP echo)', '99th percentile round trip before the migration started.', (r) => ms2(r.probe?.baseline.p99Ms)),
  column('probe_during_p50_ms', 'ms', 'service probe (UDP echo)', 'Median round trip while the migration job ran (answered requests).', (r) => ms2(r.probe?.during.p50Ms)),
  column('probe_during_p99_ms', 'ms', 'service probe (UDP echo)', '99th percentile round trip while the migration job ran.', (r) => ms2(r.probe?.during.p99Ms)),
  column('probe_during_max_ms', 'ms', 'service probe (UDP echo)', 'Slowest answered round trip while the migration job ran.', (r) => ms2(r.probe?.during.maxMs)),
  column('probe_pull_p99_ms', 'ms', 'service probe (UDP echo)', "Post-copy only: 99th percentile round trip during the page-pull phase, when the guest's faults go over the network.", (r) => ms2(r.probe?.pull?.p99Ms)),
  column('probe_pull_max_ms', 'ms', 'service probe (UDP echo)', 'Post-copy only: slowest answered round trip during the page-pull phase.', (r) => ms2(r.probe?.pull?.maxMs)),
  column('http_during_p99_ms', 'ms', 'service probe (HTTP GET, new connection each)', 'What an application would feel: 99th percentile GET latency while the migration ran (includes TCP retransmission timers).', (r) => ms2(r.probe?.http?.during.p99Ms)),
  column('http_during_max_ms', 'ms', 'service probe (HTTP GET)', 'Slowest GET while the migration ran.', (r) => ms2(r.probe?.http?.during.maxMs)),
  column('http_failed', 'requests', 'service probe (HTTP GET)', 'GETs that failed or took over 5 s, over the whole trial.', (r) => r.probe?.http?.all.lost),
  column('guest_report_period_ms', 'ms', 'memwriter output', 'Median interval between memwriter progress lines: the resolution of guest_max_gap_ms.', (r) => (r.guestPause ? Math.round(r.guestPause.periodMs * 10) / 10 : undefined)),
  jobStat('data_processed_bytes', 'bytes', 'data_processed', 'Data processed', 'Bytes the migration sent (memory and device state; no disks here).'),
  jobStat('memory_total_bytes', 'bytes', 'memory_total', 'Memory total', "Size of all guest RAM blocks QEMU migrates: the guest's RAM plus small firmware/ROM blocks."),
  jobStat('memory_processed_bytes', 'bytes', 'memory_processed', 'Memory processed', 'Bytes of RAM sent, counting re-sent dirty pages.'),
  jobStat('constant_pages', 'pages', 'memory_constant', 'Constant pages', 'Pages sent as a marker only because every byte was the same (almost always zero pages).'),
  jobStat('normal_pages', 'pages', 'memory_normal', 'Normal pages', 'Pages sent in full.'),
  jobStat('normal_bytes', 'bytes', 'memory_normal_bytes', 'Normal data', 'Bytes of the pages sent in full.'),
  column('max_throttle_pct', '%', '`auto_converge_throttle` (Auto converge throttle)', 'Highest CPU throttle auto-convergence put on the guest, from the job samples (libvirt reports it only while the job runs).', (r) => r.migration.maxThrottlePct),
  jobStat('xbzrle_cache_bytes', 'bytes', 'compression_cache', 'Compression cache', 'Size of the xbzrle page cache.'),
  jobStat('xbzrle_bytes', 'bytes', 'compression_bytes', 'Compressed data', 'Bytes sent as xbzrle-encoded pages.'),
  jobStat('xbzrle_pages', 'pages', 'compression_pages', 'Compressed pages', 'Pages sent xbzrle-encoded instead of in full.'),
  jobStat('xbzrle_cache_misses', 'pages', 'compression_cache_misses', 'Compression cache misses', 'Re-dirtied pages not found in the xbzrle cache (sent in full).'),
  jobStat('xbzrle_overflows', 'pages', 'compression_overflow', 'Compression overflows', 'Pages whose encoding was larger than the page (sent in full).'),
  column('postcopy_preempt', '', 'QMP query-migrate-capabilities postcopy-preempt (source, once RAM flowed)', "Whether the page requests of post-copy had a channel of their own: libvirt ≥ 10.0 turns it on by itself when both hosts support it (no virsh option sets it). `yes`/`no`; empty with `qmp: false` or when the job ended before it was asked.", (r) => yesNo(r.migration.settings?.postcopyPreempt)),
  column('multifd_compression', '', 'QMP query-migrate-parameters multifd-compression (source)', "What QEMU compressed multifd's pages with: `none`, `zstd` or `zlib` (strategy `compression:`), with its level after a colon, e.g. `zstd:3`.", (r) => {
    const st = r.migration.settings;
    if (!st?.multifdCompression) return undefined;
    return st.multifdCompressionLevel !== undefined && st.multifdCompression !== 'none' ? `${st.multifdCompression}:${st.multifdCompressionLevel}` : st.multifdCompression;
  }),
  column('multifd_compression_ratio', '', '`memory_normal_bytes` / `memory_processed`', 'Bytes of the pages sent in full per byte sent, for a strategy with multifd `compression`: how much it shrank them.', (r) => {
    const s = r.job?.stats;
    if (!r.trial.strategy.parallel?.compression || !s?.memory_processed || s.memory_normal_bytes === undefined) return undefined;
    return Math.round((s.memory_normal_bytes / s.memory_processed) * 100) / 100;
  }),
  column('zero_copy', '', 'QMP query-migrate-capabilities zero-copy-send (source)', 'Whether multifd sent pages with MSG_ZEROCOPY (strategy `zerocopy: true`): `yes`/`no`.', (r) => yesNo(r.migration.settings?.zeroCopy)),
  column('zero_copy_missed_syncs', '', 'QMP query-migrate ram.dirty-sync-missed-zero-copy (source)', 'Dirty syncs that found zero-copy sends still in flight and had to wait for them (0 when none; empty without zero-copy).', (r) => (r.migration.settings?.zeroCopy ? r.qmp?.missedZeroCopy : undefined)),
  column('tls', '', 'QMP query-migrate-parameters tls-creds (source)', 'Whether the migration stream was TLS (strategy `tls: true`): `yes` when QEMU had TLS credentials for it.', (r) => yesNo(r.migration.settings?.tls)),
  column('switchover_bandwidth_mib_s', 'MiB/s', 'QMP query-migrate-parameters avail-switchover-bandwidth (source)', 'The switch-over bandwidth QEMU assumed (knob `switchover_bandwidth_mib_s`, libvirt ≥ 11.1); empty when QEMU used its own estimate (0).', (r) => {
    const b = r.migration.settings?.switchoverBandwidth;
    return b ? mibs(b / 2 ** 20) : undefined;
  }),
  column('downtime_steps_applied', '', 'virsh migrate-setmaxdowntime (migbench, strategy `downtime_steps`)', 'Each max downtime Nova\'s steps set, as `seconds=ms` of the job\'s elapsed time, e.g. `0.0s=100ms 2.1s=190ms` (a step libvirt refused ends in `!`).', (r) => r.migration.downtimeSteps?.map((d) => `${(d.atMs / 1000).toFixed(1)}s=${d.downtimeMs}ms${d.accepted ? '' : '!'}`).join(' ')),
  column('kubevirt_action', '', 'migbench (strategy `kubevirt`)', 'What the KubeVirt policy did, at which second of the job: `abort` (no progress for progress_timeout_s, or past the completion budget) or `postcopy` (past the budget, allow_postcopy), with why. Empty when it did not act.', (r) => {
    const k = r.migration.kubevirt;
    return k ? `${k.action} at ${(k.atMs / 1000).toFixed(1)} s: ${k.detail}${k.accepted ? '' : ' (libvirt refused it)'}` : undefined;
  }),
  column('migration_connections', '', '`ss -tnp` on the destination', "TCP connections of the destination's QEMU once RAM was flowing: 1 for a single stream, 1 + N with multifd (empty for tunnelled migration, which goes through libvirtd).", (r) => r.migration.connections),
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
  column('dst_libvirt_version', '', '`virsh version --daemon` (destination)', 'libvirt daemon version on the destination host (differs from the source on a pair upgraded one host at a time).', (r) => r.dstLibvirtVersion),
  column('dst_qemu_version', '', '`virsh version --daemon` (destination)', 'Hypervisor version on the destination host.', (r) => r.dstQemuVersion),
  column('dirty_rate_calc_mib_s', 'MiB/s', '`virsh domdirtyrate-calc` → `domstats --dirtyrate` (dirtyrate.megabytes_per_second)', "The guest's dirty rate as QEMU measured it after the warm-up, before the migration and outside its time (experiment `dirty_rate_calc`; QEMU counts whole MiB/s). Empty for an idle guest, when turned off, or when libvirt (< 7.2) or QEMU (< 5.2) cannot.", (r) => r.dirtyRate?.mibS),
  column('src_qemu_cpu_ms', 'ms', '/proc/PID/stat of the source QEMU (utime + stime)', "CPU time the source's QEMU process used (all its threads, vCPUs included) from just before `virsh migrate` until its last reading, at most 100 ms before it exited.", (r) => ms(r.cost?.sourceCpuMs)),
  column('dst_qemu_cpu_ms', 'ms', '/proc/PID/stat of the destination QEMU (utime + stime)', "CPU time the destination's QEMU process used from its start (for the migration) until `virsh migrate` returned.", (r) => ms(r.cost?.destinationCpuMs)),
  column('load_rate_during_pct', '%', 'memwriter output', "memwriter's write rate while the migration job ran, as a share of its warm-up rate (load_warmup_mib_s): how much the migration slowed the guest's work.", (r) => (r.cost?.loadRateDuringPct === undefined ? undefined : Math.round(r.cost.loadRateDuringPct * 10) / 10)),
  column('link_rtt_ms', 'ms', 'link-probe.py (source → destination migration address)', "Median of 10 one-byte TCP round trips along the migration path, through the delay in force (netem or the relay), measured before the first trial of this source, destination and delay (experiment `link_probe`).", (r) => (r.link ? Math.round(r.link.rttMs * 1000) / 1000 : undefined)),
  column('link_mib_s', 'MiB/s', 'link-probe.py', 'TCP throughput of one stream along the same path, as the receiver counted it over `link_probe.seconds` of bulk data.', (r) => (r.link ? Math.round(r.link.mibS * 10) / 10 : undefined)),
  column('bound_total_ms', 'ms', '(memory_total − constant_bytes) / link_mib_s', "The physical floor of a pre-copy of an idle guest: the guest's non-zero RAM sent once at the link's throughput.", (r) => {
    const s = r.job?.stats;
    if (!r.link || s?.memory_total === undefined || s.memory_constant === undefined || s.memory_page_size === undefined) return undefined;
    return ms(((s.memory_total - s.memory_constant * s.memory_page_size) / (r.link.mibS * 2 ** 20)) * 1000);
  }),
  column('transfer_efficiency', '', 'data_processed / (link_mib_s × (time_elapsed − setup_time))', 'Bytes sent against what the link could have carried over the transfer: 1 = the link was full the whole time.', (r) => {
    const s = r.job?.stats;
    if (!r.link || s?.data_processed === undefined || s.time_elapsed === undefined) return undefined;
    const secs = (s.time_elapsed - (s.setup_time ?? 0)) / 1000;
    return secs > 0 ? Math.round((s.data_processed / (r.link.mibS * 2 ** 20 * secs)) * 1000) / 1000 : undefined;
  }),
  column('precopy_bytes', 'bytes', 'QMP query-migrate ram.precopy-bytes (source; QEMU ≥ 7.0)', 'Bytes of RAM QEMU sent while the guest ran on the source (the pre-copy passes). Experiment `qmp`; `qmp_from` says how final the four byte columns are.', (r) => r.qmp?.precopyBytes),
  column('downtime_bytes', 'bytes', 'QMP query-migrate ram.downtime-bytes (source; QEMU ≥ 7.0)', 'Bytes of RAM QEMU sent while the guest was paused (stop-and-copy). With `qmp_from` derived after a pre-switchover answer: memory_processed − precopy_bytes.', (r) => r.qmp?.downtimeBytes),
  column('postcopy_bytes', 'bytes', 'QMP query-migrate ram.postcopy-bytes (source; QEMU ≥ 7.0)', 'Bytes of RAM QEMU sent after the switch to post-copy (pages pulled and pushed); 0 for pre-copy. With `qmp_from` derived: memory_processed − precopy_bytes − downtime_bytes.', (r) => r.qmp?.postcopyBytes),
  column('multifd_bytes', 'bytes', 'QMP query-migrate ram.multifd-bytes (source)', 'Of those, the bytes sent over multifd channels (0 without multifd), at the last answer.', (r) => r.qmp?.multifdBytes),
  column('pages_per_second', 'pages/s', 'QMP query-migrate ram.pages-per-second (source)', 'The highest page rate QEMU reported over the job (QEMU computes it once per dirty-sync period; 0 when none ended before the switch to post-copy).', (r) => r.qmp?.peakPagesPerSecond),
  column('qmp_from', '', 'migbench', "`completed`: QEMU's final counters (an answer once the RAM was sent); `derived`: the source's QEMU exited first, the phase still running is libvirt's memory_processed less the others; `partial`: the job ended before (a timeout or failure). Empty with `qmp: false` or without answers.", (r) => r.qmp?.from),
  column('postcopy_blocktime_ms', 'ms', 'QMP query-migrate postcopy-blocktime (destination; capability postcopy-blocktime)', "Time the guest's vCPUs all stood blocked on pages not yet pulled from the source, as the destination's QEMU counted it (per-vCPU values in raw.jsonl `blocktime`). Needs the domain's own QMP socket (docs/measuring.md); empty for pre-copy, with `qmp: false`, or without that socket.", (r) => r.blocktime?.totalMs),
  column('phase_prepare_ms', 'ms', 'controller clock + job samples', 'From `virsh migrate` starting until libvirt\'s migration job started: connecting to the destination, starting its QEMU.', (r) => ms(r.phases?.prepareMs)),
  column('phase_setup_ms', 'ms', '`setup_time`', "QEMU's setup (libvirt's setup time), placed after the job start.", (r) => ms(r.phases?.setupMs)),
  column('phase_precopy_ms', 'ms', 'libvirt events', 'From the end of setup until the source paused the guest (`Suspended Migrated`, or `Suspended Post-copy` at the switch).', (r) => ms(r.phases?.precopyMs)),
  column('phase_stop_copy_ms', 'ms', 'libvirt events', 'The guest paused on both hosts: from the source pausing it until the destination resumed it (`Resumed …`).', (r) => ms(r.phases?.stopCopyMs)),
  column('phase_postcopy_ms', 'ms', 'libvirt events', 'Post-copy: from the destination resuming the guest until it had every page (`Resumed Migrated`); 0 for pre-copy.', (r) => ms(r.phases?.postcopyMs)),
  column('phase_finish_ms', 'ms', 'controller clock', 'From the end of the phases above until `virsh migrate` returned (libvirt finish and confirm). The six phases sum to wall_time_ms; empty unless the trial completed with every instant seen.', (r) => ms(r.phases?.finishMs)),
];

export const COLUMN_NAMES = COLUMNS.map((c) => c.name);

export function toRow(r: TrialRecord): CsvValue[] {
  return COLUMNS.map((c) => c.value(r));
}

/** docs/results.md's table of columns (npm run columns prints it). */
export function columnsMarkdown(): string {
  const lines = ['| column | unit | source | meaning |', '|---|---|---|---|'];
  for (const c of COLUMNS) lines.push(`| \`${c.name}\` | ${c.unit} | ${c.source} | ${c.description} |`);
  return lines.join('\n');
}
