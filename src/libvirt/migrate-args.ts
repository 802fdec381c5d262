// Strategy and knobs → `virsh migrate` argument list. Values are passed as --name=value so that no domain name
// or URI can be mistaken for an option.
import { precopyBandwidthMiBs, type Knobs, type Strategy } from '../config/strategy.js';

export interface MigrateRequest {
  readonly domain: string;
  readonly strategy: Strategy;
  readonly knobs?: Knobs;
  /** Destination libvirt URI as seen from the source host, e.g. qemu+ssh://root@hostB/system. */
  readonly destinationUri: string;
  /** QEMU migration stream address (--migrateuri), when the destination's hostname is not enough. */
  readonly migrateUri?: string | undefined;
  /** The name the destination's TLS certificate carries (--tls-destination), when the stream goes to another address. */
  readonly tlsDestination?: string | undefined;
  /** Where the destination's QEMU listens (--listen-address), e.g. 127.0.0.1 behind the delay relay. */
  readonly listenAddress?: string | undefined;
  /** virsh's own timeout: after `seconds`, suspend the guest or switch to post-copy. */
  readonly timeout?: { readonly seconds: number; readonly action: 'suspend' | 'postcopy' } | undefined;
  /** Define the domain on the destination too, so completed stats survive on every host (default true). */
  readonly persistent?: boolean;
}

export function migrateArgs(r: MigrateRequest): string[] {
  const s = r.strategy;
  const k = r.knobs ?? {};
  const args = ['migrate', '--live'];
  if (r.persistent ?? true) args.push('--persistent');
  if (s.tunnelled) args.push('--p2p', '--tunnelled');
  if (s.postcopy !== 'none' || r.timeout?.action === 'postcopy') args.push('--postcopy');
  if (s.postcopy === 'after-precopy') args.push('--postcopy-after-precopy');
  if (s.autoConverge) {
    args.push('--auto-converge');
    if (s.autoConverge.initialPct !== undefined) args.push(`--auto-converge-initial=${s.autoConverge.initialPct}`);
    if (s.autoConverge.incrementPct !== undefined) args.push(`--auto-converge-increment=${s.autoConverge.incrementPct}`);
  }
  if (s.xbzrle) {
    args.push('--compressed', '--comp-methods=xbzrle');
    if (s.xbzrle.cacheMiB !== undefined) args.push(`--comp-xbzrle-cache=${s.xbzrle.cacheMiB * 2 ** 20}`);
  }
  if (s.parallel) args.push('--parallel', `--parallel-connections=${s.parallel.connections}`);
  const c = s.parallel?.compression;
  if (c) {
    args.push('--compressed', `--comp-methods=${c.method}`);
    if (c.level !== undefined) args.push(`--comp-${c.method}-level=${c.level}`);
  }
  if (s.parallel?.zerocopy) args.push('--zerocopy');
  if (s.tls) args.push('--tls');
  if (s.tls && r.tlsDestination) args.push(`--tls-destination=${r.tlsDestination}`);
  const bandwidth = precopyBandwidthMiBs(s, k);
  if (bandwidth !== undefined) args.push(`--bandwidth=${bandwidth}`);
  if (k.postcopyBandwidthMiBs !== undefined) args.push(`--postcopy-bandwidth=${k.postcopyBandwidthMiBs}`);
  if (k.switchoverBandwidthMiBs !== undefined) args.push(`--available-switchover-bandwidth=${k.switchoverBandwidthMiBs}`);
  if (r.timeout) args.push(`--timeout=${Math.ceil(r.timeout.seconds)}`, r.timeout.action === 'postcopy' ? '--timeout-postcopy' : '--timeout-suspend');
  if (r.migrateUri) args.push(`--migrateuri=${r.migrateUri}`);
  if (r.listenAddress) args.push(`--listen-address=${r.listenAddress}`);
  args.push(`--domain=${r.domain}`, `--desturi=${r.destinationUri}`);
  return args;
}

const ROUTE = /^--(domain|desturi|migrateuri|listen-address|tls-destination)=/;

/** The options of a `virsh migrate` argument list, values included, without domain and addresses. */
export function migrateFlags(argv: readonly string[]): string {
  return argv.filter((a) => a.startsWith('--') && !ROUTE.test(a)).join(' ');
}

/** The option names a host's virsh must know for these arguments (compare with `virsh help migrate`). */
export function requiredOptions(argv: readonly string[]): string[] {
  return [...new Set(argv.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]!))];
}
