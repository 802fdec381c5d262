// What a name, address, path or URI may contain before it is allowed near a remote command.
// Everything is also quoted when sent (remote/quote.ts); these checks give the user a clear error early.
import { z } from 'zod';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose
const CONTROL = /[\u0000-\u001f\u007f]/;

/** libvirt rejects '/' and newlines in domain names; the name is also a file name (<= 255 bytes). */
export const domainName = z
  .string({ error: 'expected a libvirt domain name (text)' })
  .min(1, 'domain name is empty')
  .max(200, 'domain name is longer than 200 characters — libvirt stores it as a file name; use the real name')
  .refine((s) => !CONTROL.test(s), 'domain name contains a control character (newline, tab, …) — use the name `virsh list --all` shows')
  .refine((s) => !s.includes('/'), "domain name contains '/' — libvirt does not allow it");

/** Our label for a host in CSV rows and messages. */
export const hostLabel = z
  .string({ error: 'expected a short host label (text)' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'host name must be 1-63 letters, digits, ".", "_" or "-"');

/** DNS name, IPv4 or IPv6 literal. */
export const hostAddress = z
  .string({ error: 'expected a host name or IP address' })
  .max(253, 'address is longer than 253 characters')
  .regex(/^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%A-Za-z]*)$/, 'address must be a host name, IPv4 or IPv6 address');

/** POSIX user name, as useradd accepts it. */
export const userName = z
  .string({ error: 'expected a user name' })
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'user must be a POSIX user name (lower case letters, digits, "_", "-")');

/** Local file path (expanded later). */
export const localPath = z
  .string({ error: 'expected a file path' })
  .min(1, 'path is empty')
  .max(4096, 'path is longer than 4096 characters')
  .refine((s) => !CONTROL.test(s), 'path contains a control character');

/** libvirt connection URI, e.g. qemu+ssh://root@hostB/system. */
export const libvirtUri = z
  .string({ error: 'expected a libvirt URI such as qemu+ssh://root@hostB/system' })
  .max(1024)
  .regex(
    /^qemu(?:\+(?:ssh|libssh|libssh2|tcp|tls|unix))?:\/\/[^\s'"`\\]*\/(?:system|session)(?:\?[^\s'"`\\]*)?$/,
    'libvirt URI must look like qemu+ssh://user@host/system (no spaces or quotes)',
  );

/** QEMU migration URI for --migrateuri, e.g. tcp://10.0.0.2 or tcp://10.0.0.2:49152. */
export const migrateUri = z
  .string({ error: 'expected a migration URI such as tcp://10.0.0.2' })
  .max(512)
  .regex(/^(?:tcp|rdma|unix):\/\/?[^\s'"`\\]+$/, 'migrate_uri must look like tcp://ADDRESS[:PORT] (no spaces or quotes)');

/** Experiment and sweep names end up in folder names. */
export const slug = z
  .string({ error: 'expected a name' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'name must be 1-64 letters, digits, ".", "_" or "-"');

/** Linux network interface name (IFNAMSIZ 16 with the NUL; no '/', spaces or ':' aliases). */
export const interfaceName = z
  .string({ error: 'expected a network interface name' })
  .regex(/^[A-Za-z0-9_.-]{1,15}$/, 'interface name must be 1-15 letters, digits, ".", "_" or "-"')
  .refine((s) => s !== '.' && s !== '..', 'interface name cannot be "." or ".."');
