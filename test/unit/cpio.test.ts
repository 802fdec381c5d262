import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpioNewc } from '../../src/lab/cpio.js';
import { isStaticElf } from '../../src/lab/guest-image.js';
import { findBinary } from '../../src/lab/prerequisites.js';

test('a newc archive unpacks with a real cpio into the same tree', (t) => {
  const busybox = findBinary('busybox');
  if (!busybox) return t.skip('no busybox here to unpack with (apt-get install busybox-static)');
  const archive = cpioNewc([
    { path: 'bin', type: 'dir' },
    { path: 'bin/hello', type: 'file', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
    { path: 'bin/odd', type: 'file', data: Buffer.from('abc') },
    { path: 'bin/link', type: 'symlink', target: 'hello' },
    { path: 'etc', type: 'dir', mode: 0o700 },
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'mb-cpio-'));
  try {
    execFileSync(busybox, ['cpio', '-i', '-d'], { cwd: dir, input: archive });
    assert.equal(readFileSync(join(dir, 'bin/hello'), 'utf8'), '#!/bin/sh\necho hi\n');
    assert.equal(statSync(join(dir, 'bin/hello')).mode & 0o777, 0o755);
    assert.equal(readFileSync(join(dir, 'bin/odd'), 'utf8'), 'abc');
    assert.equal(readlinkSync(join(dir, 'bin/link')), 'hello');
    assert.equal(statSync(join(dir, 'etc')).mode & 0o777, 0o700);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('static and dynamic executables are told apart', () => {
  assert.equal(isStaticElf(readFileSync(process.execPath)), false, 'node is dynamically linked');
  assert.equal(isStaticElf(Buffer.from('#!/bin/sh\n')), false);
  // ldd (from libc-bin, on every glibc system) says the same about busybox-static
  const busybox = findBinary('busybox');
  if (busybox) {
    const ldd = spawnSync('ldd', [busybox], { encoding: 'utf8' });
    assert.equal(isStaticElf(readFileSync(busybox)), /not a dynamic executable/.test(ldd.stdout + ldd.stderr));
  }
});
