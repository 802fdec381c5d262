// What a prediction stands on: the guest and the link as migbench measures them (issue 12's columns), and the
// constants of one host pair, which `migbench fit` is to estimate from sweeps (defaults until then).

export const PAGE_BYTES = 4096;

export interface ModelInputs {
  /** Guest RAM, bytes (ram_bytes). */
  readonly ramBytes: number;
  /** Of it, the bytes of non-zero pages: what pre-copy's first pass really sends (normal_bytes of an idle pass). */
  readonly nonZeroBytes: number;
  /** The guest's dirty rate as QEMU measures it, bytes/s (dirty_rate_calc_mib_s). */
  readonly dirtyBytesPerS: number;
  /** The pages the guest keeps rewriting, bytes (its writable working set; memwriter: its buffer). */
  readonly workingSetBytes: number;
  /** Link throughput and round trip along the migration path (link_mib_s, link_rtt_ms). */
  readonly linkBytesPerS: number;
  readonly rttMs: number;
  /** QEMU's downtime limit, ms (300 unless the strategy sets max_downtime_ms). */
  readonly maxDowntimeMs: number;
  /** A pre-copy bandwidth cap, bytes/s (bandwidth_mib_s), when the trial set one. */
  readonly capBytesPerS?: number;
}

export interface PairConstants {
  /** Share of the link throughput the migration stream reaches (transfer_efficiency). */
  readonly efficiency: number;
  /** The same for post-copy's page pull (its pushed pages and requested ones share the link differently). */
  readonly pullEfficiency: number;
  /** Bytes a zero page costs on the wire (a header, no content). */
  readonly zeroPageBytes: number;
  /** QEMU's setup (setup_time_ms). */
  readonly setupMs: number;
  /** The fixed part of a switch-over: stopping, device state, starting on the destination, ms. */
  readonly switchMs: number;
  /** Pre-copy passes the model tries before it calls the migration non-converging (QEMU itself has no cap). */
  readonly maxRounds: number;
  /** Post-copy: of the working-set pages the guest touches while pages are pulled, the share that fault. */
  readonly faultShare: number;
  /** Post-copy: what serving one fault costs beside the round trip and the page itself (userfaultfd, QEMU's threads), ms. */
  readonly faultServiceMs: number;
  /** The most one migration stream carries between these hosts whatever the link, MiB/s (their CPUs bound it). */
  readonly maxStreamMiBs: number;
  /** Round trips of the link a pre-copy switch-over waits for (the last sync and the destination's answer). */
  readonly switchRtts: number;
  /** QEMU's downtime of a switch to post-copy: device state only, no last RAM pass, no wait for the destination, ms. */
  readonly postcopyDowntimeMs: number;
  /** The switch to post-copy as libvirt's job lives it (paused on the source until resumed on the destination), in
   * the total time: a fixed part, ms, and round trips of the link. */
  readonly postcopySwitchMs: number;
  readonly postcopySwitchRtts: number;
  /** The most post-copy's pull carries between these hosts, MiB/s (no dirty tracking: more than a pre-copy stream). */
  readonly maxPullMiBs: number;
  /** The `postcopy` strategy: from the job's start until the switch to post-copy takes effect, ms. */
  readonly switchWaitMs: number;
  /** multifd: its throughput over a single stream's, at the connections used. */
  readonly multifdGain: number;
  /** xbzrle: bytes on the wire of a re-sent page over the page's size (the encoded deltas and cache misses). */
  readonly xbzrleRatio: number;
  /** auto-converge: how much faster than its dirty rate the guest could write unthrottled (a throttle of t leaves
   * it min(rate, rate × headroom × (1 − t))). */
  readonly throttleHeadroom: number;
}

/** Until a fit exists: the lab's measured efficiency (0.76–0.82) and setup, QEMU's header size. */
export const DEFAULT_CONSTANTS: PairConstants = {
  efficiency: 0.8,
  pullEfficiency: 0.8,
  zeroPageBytes: 16,
  setupMs: 5,
  switchMs: 50,
  maxRounds: 30,
  faultShare: 0.5,
  faultServiceMs: 0.1,
  maxStreamMiBs: 10_000,
  maxPullMiBs: 10_000,
  switchRtts: 1,
  postcopyDowntimeMs: 6,
  postcopySwitchMs: 40,
  postcopySwitchRtts: 4,
  switchWaitMs: 500,
  multifdGain: 1,
  xbzrleRatio: 0.5,
  throttleHeadroom: 10,
};

export interface Prediction {
  readonly converges: boolean;
  /** Why not, in words a user can act on. */
  readonly reason?: string;
  /** Pre-copy passes before the switch-over (1 = the first full pass only). */
  readonly rounds: number;
  readonly bytes: number;
  /** libvirt's total time: setup, the passes, the switch-over and, for post-copy, the page pull. */
  readonly totalMs: number;
  /** QEMU's downtime (downtime_ms). */
  readonly downtimeMs: number;
  /** The guest's pause as libvirt's events see it, paused on the source until resumed on the destination
   * (event_downtime_ms): QEMU's downtime and a little for pre-copy; libvirt's whole switch for post-copy. */
  readonly pausedMs: number;
  /** Post-copy: time its vCPU stood waiting for pages during the pull (compare postcopy_blocktime_ms). */
  readonly stallMs?: number;
}

/** The throughput the pre-copy stream reaches, bytes/ms: a share of the link, at most what the hosts carry, times
 * `speedup` (multifd's), and never above the trial's bandwidth cap. */
export function streamBytesPerMs(i: ModelInputs, c: PairConstants, speedup = 1): number {
  const reach = Math.min(i.linkBytesPerS * c.efficiency, c.maxStreamMiBs * 2 ** 20) * speedup;
  return (i.capBytesPerS !== undefined ? Math.min(reach, i.capBytesPerS) : reach) / 1000;
}

/** Post-copy's page pull, bytes/ms: its own share of the link, at most what the hosts carry, never capped. */
export function pullBytesPerMs(i: ModelInputs, c: PairConstants): number {
  return Math.min(i.linkBytesPerS * c.pullEfficiency, c.maxPullMiBs * 2 ** 20) / 1000;
}

/** What one full pass sends: the non-zero pages in full, the zero pages as headers. */
export function firstPassBytes(i: ModelInputs, c: PairConstants): number {
  const zeroPages = Math.max(0, i.ramBytes - i.nonZeroBytes) / PAGE_BYTES;
  return i.nonZeroBytes + zeroPages * c.zeroPageBytes;
}
