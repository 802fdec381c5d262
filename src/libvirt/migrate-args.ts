// Strategy → `virsh migrate` argument list. Values are passed as --name=value so that no domain name or
// URI can be mistaken for an option.
import type { Strategy } from '../config/strategy.js';

export interface MigrateRequest {
  readonly domain: string;
  readonly strategy: Strategy;
  /** Destination libvirt URI as seen from the source host, e.g. qemu+ssh://root@hostB/system. */
  readonly destinationUri: string;
  /** QEMU migration stream address (--migrateuri), when the destination's hostname is not enough. */
  readonly migrateUri?: string | undefined;
  /** Where the destination's QEMU listens (--listen-address), e.g. 127.0.0.1 behind the delay relay. */
  readonly listenAddress?: string | undefined;
  /** virsh's own timeout: after `seconds`, suspend the guest or switch to post-copy. */
  readonly timeout?: { readonly seconds: number; readonly action: 'suspend' | 'postcopy' } | undefined;
  /** Define the domain on the destination too, so completed stats survive on every host (default true). */
  readonly persistent?: boolean;
}

export function migrateArgs(r: MigrateRequest): string[] {
  const args = ['migrate', '--live'];
  if (r.persistent ?? true) args.push('--persistent');
  if (r.strategy.postcopy !== 'none' || r.timeout?.action === 'postcopy') args.push('--postcopy');
  if (r.strategy.postcopy === 'after-precopy') args.push('--postcopy-after-precopy');
  if (r.timeout) args.push(`--timeout=${Math.ceil(r.timeout.seconds)}`, r.timeout.action === 'postcopy' ? '--timeout-postcopy' : '--timeout-suspend');
  if (r.migrateUri) args.push(`--migrateuri=${r.migrateUri}`);
  if (r.listenAddress) args.push(`--listen-address=${r.listenAddress}`);
  args.push(`--domain=${r.domain}`, `--desturi=${r.destinationUri}`);
  return args;
}
