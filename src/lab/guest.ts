// The lab guest: the machine's Debian kernel, a busybox initramfs built here, no disk. Its /init runs no
// workload; migbench starts loads in it like in any guest.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { cpioNewc, type CpioEntry } from './cpio.js';
import { GUEST_NAME, type LabLayout } from './layout.js';

export const GUEST_READY_LINE = 'MIGBENCH GUEST READY';

const INIT = `#!/bin/sh
# migbench lab guest. No workload: migbench starts loads over SSH.
export PATH=/bin
busybox mount -t proc proc /proc
busybox mount -t sysfs sys /sys
busybox mount -t devtmpfs dev /dev 2>/dev/null
busybox --install -s /bin
echo "${GUEST_READY_LINE}"
n=0
while true; do
  n=$((n + 1))
  echo "heartbeat $n uptime $(cut -d' ' -f1 /proc/uptime)"
  sleep 5
done
`;

export function findGuestKernel(): string {
  const kernels = existsSync('/boot') ? readdirSync('/boot').filter((f) => /^vmlinuz-/.test(f)) : [];
  const newest = kernels.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).at(-1);
  if (!newest) throw new InputError('no guest kernel: /boot has no vmlinuz-* — install one with: apt-get install linux-image-amd64');
  return join('/boot', newest);
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

export function buildInitramfs(): Buffer {
  const busybox = readFileSync('/bin/busybox');
  if (!isStaticElf(busybox)) throw new InputError('/bin/busybox is not statically linked — install the static one: apt-get install busybox-static');
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'root'].map((d): CpioEntry => ({ path: d, type: 'dir' })),
    { path: 'dev/console', type: 'chardev', major: 5, minor: 1 },
    { path: 'bin/busybox', type: 'file', data: busybox, mode: 0o755 },
    { path: 'bin/sh', type: 'symlink', target: 'busybox' },
    { path: 'init', type: 'file', data: Buffer.from(INIT), mode: 0o755 },
  ];
  return gzipSync(cpioNewc(entries), { level: 1 });
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

export function domainXml(layout: LabLayout, kernel: string, initrd: string): string {
  const serial = xml(layout.serialLog);
  return `<domain type='qemu'>
  <name>${GUEST_NAME}</name>
  <memory unit='MiB'>${layout.settings.guestMemoryMiB}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${xml(kernel)}</kernel>
    <initrd>${xml(initrd)}</initrd>
    <cmdline>console=ttyS0 panic=1</cmdline>
  </os>
  <!-- acpi: libvirt 9.0 would otherwise pass -no-acpi, which QEMU 10 rejects -->
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <!-- append='on': both hosts write the same file; without it each incoming migration truncates it -->
    <serial type='file'><source path='${serial}' append='on'/></serial>
    <console type='file'><source path='${serial}' append='on'/></console>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}

export function writeGuestImage(layout: LabLayout): void {
  mkdirSync(layout.imagesDir, { recursive: true });
  mkdirSync(join(layout.dir, 'serial'), { recursive: true });
  const kernel = join(layout.imagesDir, 'vmlinuz');
  const initrd = join(layout.imagesDir, 'initrd.gz');
  copyFileSync(findGuestKernel(), kernel);
  writeFileSync(initrd, buildInitramfs());
  writeFileSync(layout.domainXml, domainXml(layout, kernel, initrd));
}
