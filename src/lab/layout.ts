// Names and addresses of one lab. Everything the lab creates is derived from these three settings, so that a
// second lab (the test suite's) can run beside a user's own.
import { join } from 'node:path';
import { InputError } from '../errors.js';

export interface LabSettings {
  /** Folder holding all lab state (keys, per-host /run, /etc/libvirt…, images, logs). */
  readonly dir: string;
  /** Prefix of every network namespace, interface and host name (e.g. "mb" → mbA, mbB, mbbr0). */
  readonly prefix: string;
  /** First three octets of the lab's private /24 (e.g. "10.77.0"). */
  readonly subnet: string;
  /** Guest RAM in MiB. */
  readonly guestMemoryMiB: number;
  /** The libvirt of each host (absent in the state of a lab made before the choice existed: 9 on both). */
  readonly libvirt?: LibvirtChoice;
}

export type HostKey = 'A' | 'B';

/** The libvirt a lab host runs: the machine's (bookworm's 9.0) or 11.3 (lab/libvirt-release.ts). */
export type LibvirtRelease = '9' | '11';
export type LibvirtChoice = Readonly<Record<HostKey, LibvirtRelease>>;
export const HOST_KEYS: readonly HostKey[] = ['A', 'B'];

export const DEFAULT_LAB_DIR = '/tmp/migbench-lab';
export const GUEST_NAME = 'mbvm';

export function defaultLabSettings(): LabSettings {
  return { dir: process.env.MIGBENCH_LAB_DIR || DEFAULT_LAB_DIR, prefix: 'mb', subnet: '10.77.0', guestMemoryMiB: 256, libvirt: { A: '9', B: '9' } };
}

export class LabLayout {
  constructor(readonly settings: LabSettings) {
    validateSettings(settings);
  }

  get dir(): string {
    return this.settings.dir;
  }
  get bridge(): string {
    return `${this.settings.prefix}br0`;
  }
  get controllerIp(): string {
    return `${this.settings.subnet}.254`;
  }
  get stateFile(): string {
    return join(this.dir, 'lab.json');
  }
  get hostsFile(): string {
    return join(this.dir, 'hosts.yaml');
  }
  get key(): string {
    return join(this.dir, 'keys', 'id_ed25519');
  }
  get knownHosts(): string {
    return join(this.dir, 'known_hosts');
  }
  get imagesDir(): string {
    return join(this.dir, 'images');
  }
  get serialLog(): string {
    return join(this.dir, 'serial', `${GUEST_NAME}.log`);
  }
  get domainXml(): string {
    return join(this.dir, `${GUEST_NAME}.xml`);
  }
  get logDir(): string {
    return join(this.dir, 'log');
  }

  /** The guest's fixed address, the same on either host. */
  get guestIp(): string {
    return `${this.settings.subnet}.10`;
  }
  get guestMac(): string {
    return '52:54:00:4d:42:0a';
  }
  /** The guest's second NIC (eth1): two queues, no address, only for testing netem on a real kernel. */
  get guestTestNicMac(): string {
    return '52:54:00:4d:42:0b';
  }

  hostName(h: HostKey): string {
    return `${this.settings.prefix}${h}`;
  }
  netns(h: HostKey): string {
    return this.hostName(h);
  }
  /** The veth end in the root namespace, enslaved to the lab bridge. */
  vethOutside(h: HostKey): string {
    return `${this.settings.prefix}${h}-p`;
  }
  hostIp(h: HostKey): string {
    return `${this.settings.subnet}.${h === 'A' ? 1 : 2}`;
  }
  hostDir(h: HostKey): string {
    return join(this.dir, 'hosts', h);
  }
  /** The host's private /run as seen from outside (pid files, libvirt sockets). */
  runDir(h: HostKey): string {
    return join(this.hostDir(h), 'run');
  }
  libvirt(h: HostKey): LibvirtRelease {
    return this.settings.libvirt?.[h] ?? '9';
  }
  hostUuid(h: HostKey): string {
    return `4d4c4142-0000-4000-8000-00000000000${h === 'A' ? 'a' : 'b'}`;
  }
}

function validateSettings(s: LabSettings): void {
  if (!/^[a-z][a-z0-9]{0,5}$/.test(s.prefix)) {
    throw new InputError(`lab prefix "${s.prefix}" must be 1-6 lower-case letters or digits, starting with a letter`, 'it becomes interface names; choose another --prefix');
  }
  const octets = s.subnet.split('.');
  if (octets.length !== 3 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) {
    throw new InputError(`lab subnet "${s.subnet}" must be the first three octets of a private /24`, 'e.g. --subnet 10.77.0');
  }
  const [a, b] = octets.map(Number) as [number, number];
  const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  if (!isPrivate) throw new InputError(`lab subnet ${s.subnet}.0/24 is not a private range`, `use 10.x.y, 172.16-31.y or 192.168.y`);
  if (!s.dir.startsWith('/') || s.dir === '/' || /[\s'"\\]/.test(s.dir) || s.dir.startsWith('/run')) {
    throw new InputError(`lab dir "${s.dir}" must be an absolute path without spaces or quotes, outside /run`, 'each lab host mounts its own /run; choose another --dir');
  }
  if (!Number.isInteger(s.guestMemoryMiB) || s.guestMemoryMiB < 64 || s.guestMemoryMiB > 8192) {
    throw new InputError(`guest memory ${s.guestMemoryMiB} MiB is out of range`, `use 64 to 8192`);
  }
}
