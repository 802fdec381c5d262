// Host checks for strategy features that need more than a release: zero-copy's locked memory, TLS's certificates.
import type { Host } from '../remote/host.js';
import { fail, pass, warn, type Check } from './check.js';

/** CAP_SYS_RESOURCE: libvirt raises the QEMU process's RLIMIT_MEMLOCK (prlimit) so that it can lock guest RAM. */
const CAP_SYS_RESOURCE = 24n;

/** The CapEff (hex) of virtqemud or libvirtd; nothing when neither runs. */
const DAEMON_CAPS = `for n in virtqemud libvirtd; do p=$(pidof -s "$n" 2>/dev/null) && [ -r "/proc/$p/status" ] && { sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$p/status"; exit 0; }; done`;

export function hasCapability(capEffHex: string, bit: bigint): boolean | undefined {
  if (!/^[0-9a-f]+$/i.test(capEffHex)) return undefined;
  return ((BigInt(`0x${capEffHex}`) >> bit) & 1n) === 1n;
}

export async function zerocopyCheck(host: Host, name: string): Promise<Check> {
  const caps = (await host.exec(['sh', '-c', DAEMON_CAPS])).stdout.trim();
  const ok = hasCapability(caps, CAP_SYS_RESOURCE);
  if (ok === false) {
    return fail(name, 'zero-copy (locked memory)', `libvirt's daemon lacks CAP_SYS_RESOURCE (CapEff ${caps}), so it cannot raise QEMU's locked-memory limit to the guest's RAM ("cannot limit locked memory of process …: Operation not permitted")`, 'run libvirtd/virtqemud with CAP_SYS_RESOURCE (a container that drops it cannot do zero-copy), or drop zerocopy');
  }
  if (ok === undefined) return warn(name, 'zero-copy (locked memory)', `the capabilities of libvirt's daemon could not be read (${caps || 'no virtqemud or libvirtd process seen'})`, 'zero-copy needs CAP_SYS_RESOURCE in the daemon: check /proc/PID/status of virtqemud or libvirtd');
  return pass(name, 'zero-copy (locked memory)', 'the daemon has CAP_SYS_RESOURCE: libvirt locks the guest RAM for MSG_ZEROCOPY');
}

export const TLS_FILES = ['ca-cert.pem', 'server-cert.pem', 'server-key.pem', 'client-cert.pem', 'client-key.pem'] as const;

/** qemu.conf's migrate_tls_x509_cert_dir, else default_tls_x509_cert_dir, else libvirt's default. */
const TLS_DIR = `f=/etc/libvirt/qemu.conf
d=$(sed -n 's/^[[:space:]]*migrate_tls_x509_cert_dir[[:space:]]*=[[:space:]]*"\\(.*\\)".*/\\1/p' "$f" 2>/dev/null | tail -1)
[ -n "$d" ] || d=$(sed -n 's/^[[:space:]]*default_tls_x509_cert_dir[[:space:]]*=[[:space:]]*"\\(.*\\)".*/\\1/p' "$f" 2>/dev/null | tail -1)
[ -n "$d" ] || d=/etc/pki/qemu
echo "$d"
for x in ${TLS_FILES.join(' ')}; do [ -r "$d/$x" ] || echo "missing $x"; done`;

export async function tlsCheck(host: Host, name: string): Promise<Check> {
  const lines = (await host.exec(['sh', '-c', TLS_DIR])).stdout.trim().split('\n');
  const dir = lines[0] ?? '/etc/pki/qemu';
  const missing = lines.slice(1).map((l) => l.replace(/^missing /, ''));
  if (missing.length) {
    return fail(name, 'TLS certificates', `${dir} lacks ${missing.join(', ')}: libvirt cannot set up the TLS migration`, `put the pair's CA and this host's certificate and key there (docs/strategies.md, "TLS"), or set migrate_tls_x509_cert_dir in /etc/libvirt/qemu.conf, or drop tls`);
  }
  return pass(name, 'TLS certificates', `${dir}: ${TLS_FILES.join(', ')}`);
}
