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
  /** Define the domain on the destination too, so completed stats survive on every host (default true). */
  readonly persistent?: boolean;
}

export function migrateArgs(r: MigrateRequest): string[] {
  const args = ['migrate', '--live'];
  if (r.persistent ?? true) args.push('--persistent');
  if (r.strategy.postcopy !== 'none') args.push('--postcopy');
  if (r.strategy.postcopy === 'after-precopy') args.push('--postcopy-after-precopy');
  if (r.migrateUri) args.push(`--migrateuri=${r.migrateUri}`);
  args.push(`--domain=${r.domain}`, `--desturi=${r.destinationUri}`);
  return args;
}
