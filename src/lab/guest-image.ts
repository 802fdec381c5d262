// The lab guest's disk-less image: the machine's Debian kernel and an initramfs built here with busybox,
// the virtio network modules, dropbear and iproute2's ip and tc (with the libraries they link), the qdisc modules
// that tc netem needs (the lab hosts' kernel has no sch_netem; this one does) and a static memwriter.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { assetPath } from '../assets.js';
import { InputError } from '../errors.js';
import { cpioNewc, type CpioEntry } from './cpio.js';
import { guestDomainXml } from './guest-domain.js';
import { guestInit } from './guest-init.js';
import { guestModules } from './kernel-modules.js';
import type { LabLayout } from './layout.js';
import { sh } from './local.js';
import { findBinary } from './prerequisites.js';

/** virtio_pci finds the NICs, virtio_net drives them; the qdiscs and dummy are for tests of the netem code. */
const GUEST_MODULES = ['virtio_pci', 'virtio_net', 'sch_netem', 'sch_tbf', 'sch_htb', 'dummy'];

/**
 * Programs copied with their shared libraries: the SSH server, iproute2 (busybox's tc knows no netem), and dash as
 * /bin/sh, because Debian's busybox shell runs its own applets before anything on PATH (its tc, its ip).
 */
const DYNAMIC_PROGRAMS = [
  { name: 'dropbear', at: 'sbin/dropbear' },
  { name: 'dash', at: 'bin/dash' },
  { name: 'tc', at: 'usr/sbin/tc' },
  { name: 'ip', at: 'usr/sbin/ip' },
  // busybox's unshare would run busybox's tc: migbench's netem probe needs util-linux's
  { name: 'unshare', at: 'usr/bin/unshare' },
  // turns on eth1's second queue (virtio-net uses one per vCPU): its default root is then mq with two children
  { name: 'ethtool', at: 'usr/sbin/ethtool' },
];

const PACKAGE_OF: Readonly<Record<string, string>> = { dropbear: 'dropbear-bin', dash: 'dash', tc: 'iproute2', ip: 'iproute2', unshare: 'util-linux', ethtool: 'ethtool' };

export function findGuestKernel(): { path: string; version: string } {
  const kernels = existsSync('/boot') ? readdirSync('/boot').filter((f) => /^vmlinuz-/.test(f)) : [];
  const newest = kernels.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).at(-1);
  if (!newest) throw new InputError('no guest kernel: /boot has no vmlinuz-*', 'install one with: apt-get install linux-image-amd64');
  return { path: join('/boot', newest), version: newest.replace(/^vmlinuz-/, '') };
}

/** An ELF executable without a PT_INTERP program header needs no shared libraries. */
export function isStaticElf(buf: Buffer): boolean {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2) return false;
  const phoff = Number(buf.readBigUInt64LE(32));
  const phentsize = buf.readUInt16LE(54);
  const phnum = buf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    if (buf.readUInt32LE(phoff + i * phentsize) === 3) return false;
  }
  return true;
}

/** Absolute paths of the shared libraries `ldd` lists for a binary (including the loader). */
export function parseLdd(text: string): string[] {
  return [...text.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

/** Every directory of `path`, parents first, as cpio entries (skipping ones already listed). */
function dirsOf(path: string, seen: Set<string>): CpioEntry[] {
  const out: CpioEntry[] = [];
  const parts = dirname(path).split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const d = parts.slice(0, i).join('/');
    if (!seen.has(d)) {
      seen.add(d);
      out.push({ path: d, type: 'dir' });
    }
  }
  return out;
}

/** A static build of one of migbench's C programs, for the guest (which has no libraries of its own). */
export async function buildStatic(source: string, out: string): Promise<void> {
  if (!findBinary('gcc')) throw new InputError('gcc is missing: the lab builds static programs for its guest', 'apt-get install gcc libc6-dev');
  await sh('gcc', ['-O2', '-std=gnu99', '-static', '-o', out, assetPath(source)]);
}

/** A dropbear host key for the guest, and its public half in OpenSSH format. */
export async function makeGuestHostKey(file: string): Promise<string> {
  await sh('dropbearkey', ['-t', 'ed25519', '-f', file]);
  const pub = (await sh('dropbearkey', ['-y', '-f', file])).split('\n').find((l) => l.startsWith('ssh-ed25519 '));
  if (!pub) throw new InputError('dropbearkey printed no public key', 'is dropbear-bin installed?');
  return pub.split(/\s+/).slice(0, 2).join(' ');
}

export async function buildInitramfs(layout: LabLayout, kernelVersion: string, parts: { memwriter: string; udpecho: string; hostKey: string }): Promise<Buffer> {
  const busybox = readFileSync('/bin/busybox');
  if (!isStaticElf(busybox)) throw new InputError('/bin/busybox is not statically linked', 'install the static one: apt-get install busybox-static');
  const programs = DYNAMIC_PROGRAMS.map((p) => ({ ...p, path: findBinary(p.name) }));
  const missing = programs.find((p) => !p.path);
  if (missing) throw new InputError(`${missing.name} is missing: the lab guest needs it`, `apt-get install ${PACKAGE_OF[missing.name]}`);
  const modules = await guestModules(kernelVersion, GUEST_MODULES);
  const seen = new Set<string>();
  const entries: CpioEntry[] = [
    ...['bin', 'sbin', 'usr', 'usr/sbin', 'usr/bin', 'dev', 'proc', 'sys', 'tmp', 'run', 'etc', 'etc/dropbear', 'lib', 'lib/modules', 'root', 'root/.ssh', 'www'].map((d): CpioEntry => {
      seen.add(d);
      return { path: d, type: 'dir', mode: d.startsWith('root') ? 0o700 : 0o755 };
    }),
    { path: 'dev/console', type: 'chardev', major: 5, minor: 1 },
    { path: 'bin/busybox', type: 'file', data: busybox, mode: 0o755 },
    { path: 'bin/sh', type: 'symlink', target: 'dash' },
    { path: 'bin/memwriter', type: 'file', data: readFileSync(parts.memwriter), mode: 0o755 },
    { path: 'bin/udpecho', type: 'file', data: readFileSync(parts.udpecho), mode: 0o755 },
    { path: 'www/index.html', type: 'file', data: Buffer.from('migbench lab guest\n') },
    ...programs.map((p): CpioEntry => ({ path: p.at, type: 'file', data: readFileSync(p.path!), mode: 0o755 })),
    { path: 'etc/dropbear/host_key', type: 'file', data: readFileSync(parts.hostKey), mode: 0o600 },
    { path: 'etc/passwd', type: 'file', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\n') },
    { path: 'etc/group', type: 'file', data: Buffer.from('root:x:0:\n') },
    { path: 'etc/shells', type: 'file', data: Buffer.from('/bin/sh\n') },
    { path: 'root/.ssh/authorized_keys', type: 'file', data: readFileSync(`${layout.key}.pub`), mode: 0o600 },
    ...modules.map((m): CpioEntry => ({ path: `lib/modules/${m.name}.ko`, type: 'file', data: m.data })),
    { path: 'init', type: 'file', data: Buffer.from(guestInit(modules.map((m) => m.name))), mode: 0o755 },
  ];
  const libs = new Set<string>();
  for (const p of programs) for (const lib of parseLdd(await sh('ldd', [p.path!]))) libs.add(lib);
  for (const lib of libs) {
    const rel = lib.replace(/^\/+/, '');
    entries.push(...dirsOf(rel, seen), { path: rel, type: 'file', data: readFileSync(realpathSync(lib)), mode: 0o755 });
  }
  return gzipSync(cpioNewc(entries), { level: 1 });
}

/** Writes kernel, initramfs and domain XML into the lab folder; returns the guest's known_hosts key. */
export async function writeGuestImage(layout: LabLayout): Promise<string> {
  mkdirSync(layout.imagesDir, { recursive: true });
  mkdirSync(dirname(layout.serialLog), { recursive: true });
  const kernel = findGuestKernel();
  const kernelFile = join(layout.imagesDir, 'vmlinuz');
  const initrd = join(layout.imagesDir, 'initrd.gz');
  const memwriter = join(layout.imagesDir, 'memwriter');
  const udpecho = join(layout.imagesDir, 'udpecho');
  const hostKey = join(layout.dir, 'keys', 'guest_host_key');
  copyFileSync(kernel.path, kernelFile);
  await buildStatic('workload/memwriter.c', memwriter);
  await buildStatic('probe/udpecho.c', udpecho);
  const publicKey = await makeGuestHostKey(hostKey);
  writeFileSync(initrd, await buildInitramfs(layout, kernel.version, { memwriter, udpecho, hostKey }));
  writeFileSync(layout.domainXml, guestDomainXml(layout, kernelFile, initrd));
  return publicKey;
}
