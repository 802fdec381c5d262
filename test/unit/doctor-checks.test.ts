// The doctor's checks that decide from what a host answered: each a function, tested without a host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeMemoryCheck, migrationAddressCheck, userfaultfdCheck } from '../../src/doctor/doctor.js';
import { firstFailure } from '../../src/doctor/report.js';

test('userfaultfd: QEMU as root or unprivileged userfaultfd passes; otherwise a fail with the sysctl', () => {
  assert.equal(userfaultfdCheck('A', 'root', '0').status, 'pass');
  assert.equal(userfaultfdCheck('A', '+0', '0').status, 'pass');
  assert.equal(userfaultfdCheck('A', 'libvirt-qemu', '1').status, 'pass');
  const c = userfaultfdCheck('A', 'libvirt-qemu', '0');
  assert.equal(c.status, 'fail');
  assert.match(c.detail, /QEMU runs as libvirt-qemu and vm.unprivileged_userfaultfd = 0/);
  assert.match(c.fix ?? '', /sysctl -w vm.unprivileged_userfaultfd=1/);
});

test('migration address: a host name resolving to loopback (here or on the peer) fails and names migrate_uri', () => {
  const spec = { name: 'A', address: '10.0.0.1', migrateUri: undefined };
  assert.equal(migrationAddressCheck(spec, 'B', { hostname: 'a', here: '10.0.0.1', fromPeer: '10.0.0.1' }).status, 'pass');
  const c = migrationAddressCheck(spec, 'B', { hostname: 'a', here: '127.0.1.1', fromPeer: '10.0.0.1' });
  assert.equal(c.status, 'fail');
  assert.equal(c.fix, 'map a to its real address in /etc/hosts on both hosts, or set migrate_uri: tcp://10.0.0.1 for A');
  assert.equal(migrationAddressCheck(spec, 'B', { hostname: 'a', here: '10.0.0.1', fromPeer: 'nothing' }).status, 'fail');
  assert.equal(migrationAddressCheck({ ...spec, migrateUri: 'tcp://10.0.0.1' }, 'B', { hostname: 'a', here: '127.0.0.1', fromPeer: 'nothing' }).status, 'pass');
});

test('free memory: the guest RAM + 10 % + 64 MiB must be available', () => {
  const gib = 2 ** 30;
  assert.equal(freeMemoryCheck('B', 2 * gib, gib).status, 'pass');
  const c = freeMemoryCheck('B', gib, gib);
  assert.equal(c.status, 'fail');
  assert.equal(c.detail, '1024 MiB available, the guest needs 1190 MiB here');
  assert.equal(freeMemoryCheck('B', 0, gib).status, 'warn');
});

test('run stops on the first failed check: its problem and fix, and how many more failed', () => {
  const checks = [freeMemoryCheck('B', 2 ** 30, 2 ** 30), userfaultfdCheck('A', 'qemu', '0'), userfaultfdCheck('B', 'qemu', '0')];
  const f = firstFailure(checks);
  assert.equal(f?.problem, 'B: free memory: 1024 MiB available, the guest needs 1190 MiB here');
  assert.equal(f?.fix, 'free memory on this host or use a smaller guest (2 more problems: run `migbench doctor`)');
  assert.equal(firstFailure([userfaultfdCheck('A', 'root', '0')]), undefined);
});
