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
}

export interface PairConstants {
  /** Share of the link throughput the migration stream reaches (transfer_efficiency). */
  readonly efficiency: number;
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
}

/** Until a fit exists: the lab's measured efficiency (0.76–0.82) and setup, QEMU's header size. */
export const DEFAULT_CONSTANTS: PairConstants = {
  efficiency: 0.8,
  zeroPageBytes: 16,
  setupMs: 5,
  switchMs: 50,
  maxRounds: 30,
  faultShare: 0.5,
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
  /** The guest paused on both hosts. */
  readonly downtimeMs: number;
  /** Post-copy: time its vCPU stood waiting for pages during the pull (compare postcopy_blocktime_ms). */
  readonly stallMs?: number;
}

/** The throughput the migration stream reaches, bytes/ms. */
export function streamBytesPerMs(i: ModelInputs, c: PairConstants): number {
  return (i.linkBytesPerS * c.efficiency) / 1000;
}

/** What one full pass sends: the non-zero pages in full, the zero pages as headers. */
export function firstPassBytes(i: ModelInputs, c: PairConstants): number {
  const zeroPages = Math.max(0, i.ramBytes - i.nonZeroBytes) / PAGE_BYTES;
  return i.nonZeroBytes + zeroPages * c.zeroPageBytes;
}
