// Which libvirt each lab host runs: the machine's own (bookworm's 9.0), or 11.3 from bookworm-backports, unpacked
// (not installed: `dpkg -x`, .ci/install-deps) into a tree whose files a host's mount namespace binds over the
// machine's. A mixed pair (A on 9.0, B on 11.3) is the everyday case of hosts upgraded one by one.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { defaultLabSettings, type LibvirtChoice, type LibvirtRelease } from './layout.js';

/** Where .ci/install-deps unpacks libvirt 11.3 (its `tree=` line; MIGBENCH_LIBVIRT11_TREE overrides both). */
export function libvirt11Tree(): string {
  return process.env.MIGBENCH_LIBVIRT11_TREE || '/opt/migbench/libvirt-11.3';
}

/** `--libvirt 9`, `11` (both hosts) or `9,11` (A on 9, B on 11). */
export function parseLibvirtChoice(given: string | undefined): LibvirtChoice {
  if (given === undefined) return defaultLabSettings().libvirt!;
  const parts = given.split(',');
  const ok = (p: string): p is LibvirtRelease => p === '9' || p === '11';
  if (parts.length > 2 || !parts.every(ok)) throw new InputError(`--libvirt "${given}" is not 9, 11 or two of them (A,B)`, 'e.g. --libvirt 11, or --libvirt 9,11 for a mixed pair');
  return { A: parts[0] as LibvirtRelease, B: (parts[1] ?? parts[0]) as LibvirtRelease };
}

const LIB = '/usr/lib/x86_64-linux-gnu';
const BINARIES = ['/usr/sbin/libvirtd', '/usr/sbin/virtlogd', '/usr/sbin/virtlockd', '/usr/bin/virsh', '/usr/bin/virt-ssh-helper'];
const LIBRARIES = ['libvirt', 'libvirt-qemu', 'libvirt-admin', 'libvirt-lxc'];
const DIRS = [`${LIB}/libvirt`, '/usr/lib/libvirt', '/usr/share/libvirt'];

/**
 * The tree's files → the machine's paths they are mounted over: a library's real file (its .so.0 link resolved in the
 * tree) over the machine's .so.0, which mount resolves to the machine's own file.
 */
export function libvirt11Mounts(tree = libvirt11Tree()): Array<[string, string]> {
  const real = (f: string) => (existsSync(f) ? realpathSync(f) : f);
  return [
    ...BINARIES.map((b): [string, string] => [join(tree, b), b]),
    ...LIBRARIES.map((l): [string, string] => [real(join(tree, LIB, `${l}.so.0`)), `${LIB}/${l}.so.0`]),
    ...DIRS.map((d): [string, string] => [join(tree, d), d]),
  ];
}

/** /etc/libvirt of that release, copied into each host's private one. */
export function libvirtEtc(release: LibvirtRelease, tree = libvirt11Tree()): string {
  return release === '11' ? join(tree, 'etc', 'libvirt') : '/etc/libvirt';
}

export function checkLibvirt11Tree(tree = libvirt11Tree()): void {
  const mounts = libvirt11Mounts(tree);
  const missing = [...mounts.map(([from]) => from), libvirtEtc('11', tree)].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new InputError(`libvirt 11.3 is not unpacked in ${tree} (missing ${missing[0]})`, 'run .ci/install-deps as root (it unpacks bookworm-backports\' libvirt 11.3 there), or set MIGBENCH_LIBVIRT11_TREE');
  }
  // a file is bound over one that exists: the machine's libvirt 9.0 (libvirt-daemon-system, libvirt-clients)
  const noTarget = mounts.map(([, to]) => to).filter((f) => !existsSync(f));
  if (noTarget.length > 0) throw new InputError(`${noTarget[0]} is missing: a lab host on 11.3 binds its files over the machine's libvirt`, 'install libvirt-daemon-system and libvirt-clients (.ci/install-deps)');
}

/** Whether the tree is there (for the tests: skipped loudly outside CI without it). */
export function hasLibvirt11Tree(): boolean {
  try {
    checkLibvirt11Tree();
    return true;
  } catch {
    return false;
  }
}
