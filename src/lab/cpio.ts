// A tiny writer for the "newc" cpio format the Linux kernel unpacks as an initramfs.

export type CpioEntry =
  | { readonly path: string; readonly type: 'dir'; readonly mode?: number }
  | { readonly path: string; readonly type: 'file'; readonly data: Buffer; readonly mode?: number }
  | { readonly path: string; readonly type: 'symlink'; readonly target: string }
  | { readonly path: string; readonly type: 'chardev'; readonly major: number; readonly minor: number; readonly mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(len: number): Buffer {
  return Buffer.alloc((4 - (len % 4)) % 4);
}

function record(ino: number, mode: number, nlink: number, name: string, data: Buffer, rdev: [number, number] = [0, 0]): Buffer {
  const nameBuf = Buffer.from(`${name}\0`, 'utf8');
  const header = Buffer.from(
    '070701' +
      [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], nameBuf.length, 0].map(hex8).join(''),
    'ascii',
  );
  return Buffer.concat([header, nameBuf, pad4(header.length + nameBuf.length), data, pad4(data.length)]);
}

/** Entries are written in the given order; list a directory before what it contains. */
export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((e, i) => {
    const ino = i + 1;
    const name = e.path.replace(/^\/+/, '');
    switch (e.type) {
      case 'dir':
        parts.push(record(ino, S_IFDIR | (e.mode ?? 0o755), 2, name, Buffer.alloc(0)));
        break;
      case 'file':
        parts.push(record(ino, S_IFREG | (e.mode ?? 0o644), 1, name, e.data));
        break;
      case 'symlink':
        parts.push(record(ino, S_IFLNK | 0o777, 1, name, Buffer.from(e.target, 'utf8')));
        break;
      case 'chardev':
        parts.push(record(ino, S_IFCHR | (e.mode ?? 0o600), 1, name, Buffer.alloc(0), [e.major, e.minor]));
        break;
    }
  });
  parts.push(record(0, 0, 1, 'TRAILER!!!', Buffer.alloc(0)));
  return Buffer.concat(parts);
}
