// What `migbench lab up` needs on the machine, with the Debian packages that provide it.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from '../errors.js';

const NEEDS: ReadonlyArray<[binary: string, pkg: string]> = [
  ['ip', 'iproute2'],
  ['unshare', 'util-linux'],
  ['nsenter', 'util-linux'],
  ['ssh-keygen', 'openssh-client'],
  ['openssl', 'openssl'],
  ['sshd', 'openssh-server'],
  ['libvirtd', 'libvirt-daemon-system'],
  ['virtlogd', 'libvirt-daemon-system'],
  ['virsh', 'libvirt-clients'],
  ['qemu-system-x86_64', 'qemu-system-x86'],
  ['busybox', 'busybox-static'],
];

export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const d of dirs) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      /* next */
    }
  }
  return undefined;
}

export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new InputError(`${what} needs root (network namespaces, bridges, libvirtd)`, `run it with sudo`);
}

export function checkPrerequisites(): void {
  const missing = NEEDS.filter(([bin]) => !findBinary(bin));
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map(([, p]) => p))].join(' ');
    throw new InputError(`missing ${missing.map(([b]) => b).join(', ')}`, `install them: apt-get install ${pkgs} (docs/lab.md)`);
  }
}
