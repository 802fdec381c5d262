// The strategy vocabulary of experiment files: named presets, each with parameters, and features that combine
// with any preset. How a strategy becomes virsh flags is in libvirt/migrate-args.ts.

/** When a migration switches from pre-copy to post-copy. */
export type PostcopySwitch = 'none' | 'immediate' | 'after-precopy' | 'policy';

export const STRATEGY_NAMES = ['precopy', 'postcopy', 'hybrid', 'hybrid-timeout', 'auto-converge', 'xbzrle', 'multifd'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface Strategy {
  /** The preset it is built from. */
  readonly name: StrategyName;
  /** Unique within an experiment: the preset and its parameters, e.g. "multifd(connections=4)". */
  readonly label: string;
  readonly postcopy: PostcopySwitch;
  /** hybrid-timeout: switch after `afterS`, or when an iteration gained less than `minProgressPct` (Nova's rule). */
  readonly switchPolicy?: { readonly afterS: number; readonly minProgressPct: number };
  readonly autoConverge?: { readonly initialPct?: number; readonly incrementPct?: number };
  readonly xbzrle?: { readonly cacheMiB?: number };
  readonly parallel?: {
    readonly connections: number;
    /** Each channel's pages compressed (libvirt ≥ 9.4: --comp-methods zstd|zlib, --comp-zstd-level / --comp-zlib-level). */
    readonly compression?: { readonly method: MultifdCompression; readonly level?: number | undefined } | undefined;
    /** Pages sent with MSG_ZEROCOPY (--zerocopy; QEMU's zero-copy-send): the guest's RAM locked in memory. */
    readonly zerocopy?: boolean | undefined;
  };
  /** Peer-to-peer tunnelled through libvirtd (--p2p --tunnelled). */
  readonly tunnelled?: boolean;
  /** The migration stream over TLS (--tls), with the hosts' certificates (qemu.conf migrate_tls_x509_cert_dir). */
  readonly tls?: boolean;
  /** OpenStack Nova's policy: the max downtime raised step by step while the job runs. */
  readonly downtimeSteps?: DowntimeSteps;
  /** KubeVirt's policy: abort without progress, and abort (or post-copy) past a budget per GiB. */
  readonly kubevirt?: KubevirtPolicy;
}

export const MULTIFD_COMPRESSIONS = ['zstd', 'zlib'] as const;
export type MultifdCompression = (typeof MULTIFD_COMPRESSIONS)[number];

/** nova.conf's live_migration_downtime (max_ms), _steps and _delay (s per GiB of guest data). */
export interface DowntimeSteps {
  readonly maxMs: number;
  readonly steps: number;
  readonly delayS: number;
}

/** A KubeVirt MigrationPolicy's progressTimeout, completionTimeoutPerGiB and allowPostCopy. */
export interface KubevirtPolicy {
  readonly progressTimeoutS: number;
  readonly completionTimeoutPerGiBS: number;
  readonly allowPostcopy: boolean;
}

/** Knobs that apply to any strategy; each may be an axis of the experiment. */
export interface Knobs {
  readonly bandwidthMiBs?: number;
  readonly postcopyBandwidthMiBs?: number;
  readonly maxDowntimeMs?: number;
  /** Bandwidth QEMU assumes for the switch-over (--available-switchover-bandwidth, libvirt ≥ 11.1): it decides when to switch, it limits nothing. */
  readonly switchoverBandwidthMiBs?: number;
}

export const SUMMARIES: Readonly<Record<StrategyName, string>> = {
  precopy: 'pre-copy only: virsh migrate --live',
  postcopy: 'post-copy, switched as soon as the job runs: --postcopy, then virsh migrate-postcopy',
  hybrid: 'post-copy after the first pre-copy pass: --postcopy --postcopy-after-precopy',
  'hybrid-timeout': 'pre-copy, switched to post-copy after T seconds or when an iteration gains < 10% (OpenStack Nova)',
  'auto-converge': 'pre-copy with CPU throttling of the guest until it converges: --auto-converge',
  xbzrle: 'pre-copy sending XOR-encoded deltas of re-dirtied pages: --compressed --comp-methods xbzrle',
  multifd: 'pre-copy over several connections: --parallel --parallel-connections N',
};

export function isStrategyName(s: string): s is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(s);
}

/** A preset with no parameters given. */
export function preset(name: StrategyName): Strategy {
  const base = { name, label: name };
  switch (name) {
    case 'precopy':
      return { ...base, postcopy: 'none' };
    case 'postcopy':
      return { ...base, postcopy: 'immediate' };
    case 'hybrid':
      return { ...base, postcopy: 'after-precopy' };
    case 'hybrid-timeout':
      return { ...base, postcopy: 'policy', switchPolicy: { afterS: 30, minProgressPct: 10 } };
    case 'auto-converge':
      return { ...base, postcopy: 'none', autoConverge: {} };
    case 'xbzrle':
      return { ...base, postcopy: 'none', xbzrle: {} };
    case 'multifd':
      return { ...base, postcopy: 'none', parallel: { connections: 2 } };
  }
}

export const STRATEGIES = Object.fromEntries(STRATEGY_NAMES.map((n) => [n, preset(n)])) as Readonly<Record<StrategyName, Strategy>>;

/**
 * Why every libvirt and QEMU would refuse this combination, or undefined when some release allows it. Checked when
 * the experiment is read; what depends on the release (doctor/requirements.ts) is the doctor's, from the versions it
 * reads. Sources: libvirt 9.0/11.3 and QEMU 10.0 messages.
 */
export function refusal(s: Strategy): string | undefined {
  const postcopy = s.postcopy !== 'none';
  if (s.tunnelled && s.kubevirt?.allowPostcopy) return 'the kubevirt policy\'s allow_postcopy needs post-copy, which libvirt refuses with tunnelled migration';
  if (s.tunnelled && postcopy) return 'libvirt refuses post-copy with tunnelled migration ("post-copy is not supported with tunnelled migration")';
  if (s.tunnelled && s.parallel) return 'libvirt refuses tunnelled with parallel migration ("Flags VIR_MIGRATE_TUNNELLED and VIR_MIGRATE_PARALLEL are mutually exclusive")';
  if (s.tunnelled && s.tls) return 'libvirt refuses TLS with tunnelled migration (the tunnel is libvirtd\'s own connection)';
  if (s.xbzrle && s.parallel) return 'QEMU refuses xbzrle with multifd ("Multifd is not compatible with xbzrle")';
  if (s.parallel?.zerocopy && s.parallel.compression) return 'QEMU refuses zero-copy with multifd compression ("Zero copy only available for non-compressed non-TLS multifd migration")';
  if (s.parallel?.zerocopy && s.tls) return 'QEMU refuses zero-copy with TLS ("Zero copy only available for non-compressed non-TLS multifd migration")';
  if (s.kubevirt && (s.name === 'postcopy' || s.name === 'hybrid' || s.name === 'hybrid-timeout')) return 'the kubevirt policy applies to the pre-copy presets (precopy, auto-converge, xbzrle, multifd); its allow_postcopy makes the switch';
  return undefined;
}

/** Short "key=value" text of what makes a variant (empty for a plain preset). */
export function describeParams(s: Strategy): string {
  const parts: string[] = [];
  if (s.switchPolicy && s.name === 'hybrid-timeout') parts.push(`after_s=${s.switchPolicy.afterS}`, `min_progress_pct=${s.switchPolicy.minProgressPct}`);
  if (s.autoConverge) {
    if (s.name !== 'auto-converge') parts.push('auto_converge');
    if (s.autoConverge.initialPct !== undefined) parts.push(`initial_pct=${s.autoConverge.initialPct}`);
    if (s.autoConverge.incrementPct !== undefined) parts.push(`increment_pct=${s.autoConverge.incrementPct}`);
  }
  if (s.xbzrle) {
    if (s.name !== 'xbzrle') parts.push('xbzrle');
    if (s.xbzrle.cacheMiB !== undefined) parts.push(`cache_mib=${s.xbzrle.cacheMiB}`);
  }
  if (s.parallel) parts.push(`connections=${s.parallel.connections}`);
  if (s.parallel?.compression) parts.push(`compression=${s.parallel.compression.method}`);
  if (s.parallel?.compression?.level !== undefined) parts.push(`compression_level=${s.parallel.compression.level}`);
  if (s.parallel?.zerocopy) parts.push('zerocopy');
  if (s.tunnelled) parts.push('tunnelled');
  if (s.tls) parts.push('tls');
  if (s.downtimeSteps) parts.push(`downtime_max_ms=${s.downtimeSteps.maxMs}`, `downtime_steps=${s.downtimeSteps.steps}`, `downtime_delay_s=${s.downtimeSteps.delayS}`);
  if (s.kubevirt) {
    parts.push(`progress_timeout_s=${s.kubevirt.progressTimeoutS}`, `completion_timeout_per_gib_s=${s.kubevirt.completionTimeoutPerGiBS}`);
    if (s.kubevirt.allowPostcopy) parts.push('allow_postcopy');
  }
  return parts.join(' ');
}

export function describeKnobs(k: Knobs): string {
  const parts: string[] = [];
  if (k.bandwidthMiBs !== undefined) parts.push(`bandwidth_mib_s=${k.bandwidthMiBs}`);
  if (k.postcopyBandwidthMiBs !== undefined) parts.push(`postcopy_bandwidth_mib_s=${k.postcopyBandwidthMiBs}`);
  if (k.maxDowntimeMs !== undefined) parts.push(`max_downtime_ms=${k.maxDowntimeMs}`);
  if (k.switchoverBandwidthMiBs !== undefined) parts.push(`switchover_bandwidth_mib_s=${k.switchoverBandwidthMiBs}`);
  return parts.join(' ');
}

/**
 * `postcopy` holds pre-copy down to this (MiB/s, libvirt's smallest cap) until its switch takes effect, so that no
 * guest, however idle or small, completes in pre-copy first. QEMU lifts the cap for the switch-over and then runs
 * post-copy at max-postcopy-bandwidth (unlimited unless --postcopy-bandwidth is set): migration.c, postcopy_start.
 */
export const POSTCOPY_HOLD_MIB_S = 1;

/** The pre-copy bandwidth cap a trial runs with: the knob, or post-copy's hold. */
export function precopyBandwidthMiBs(s: Strategy, k: Knobs = {}): number | undefined {
  return k.bandwidthMiBs ?? (s.postcopy === 'immediate' ? POSTCOPY_HOLD_MIB_S : undefined);
}
