// The doctor's checks that decide from what a host answered: each a function, tested without a host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeMemoryCheck, migrationAddressCheck, userfaultfdCheck } from '../../src/doctor/doctor.js';
import { measurementChecks, versionOf } from '../../src/doctor/measurement-checks.js';
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

test('measurement checks: which columns beside libvirt\'s stay empty on old hosts, as warnings', () => {
  const lab = measurementChecks('A', { daemon: '9.0.0', library: '9.0.0', hypervisor: 'QEMU 10.0.2' }, { qmp: true, dirtyRate: true });
  assert.deepEqual(lab.map((c) => c.status), ['pass', 'pass']);
  const old = measurementChecks('A', { daemon: '6.0.0', library: '6.0.0', hypervisor: 'QEMU 4.2.1' }, { qmp: true, dirtyRate: true });
  assert.deepEqual(old.map((c) => [c.check, c.status]), [['QEMU counters', 'warn'], ['dirty rate', 'warn']]);
  assert.match(old[0]!.detail, /QEMU 4.2.1 has no per-phase byte counters: precopy_bytes/);
  assert.match(old[1]!.fix!, /libvirt 7.2 and QEMU 5.2/);
  assert.equal(measurementChecks('A', { daemon: '8.0.0', library: undefined, hypervisor: 'QEMU 6.2.0' }, { qmp: false, dirtyRate: true })[0]!.status, 'pass', 'QEMU 6.2 can calculate a dirty rate');
  assert.deepEqual(measurementChecks('A', { daemon: '9.0.0', library: undefined, hypervisor: undefined }, { qmp: false, dirtyRate: false }), []);
  assert.deepEqual(versionOf('QEMU 10.0.2'), [10, 0, 2]);
  assert.equal(versionOf('unknown'), undefined);
});
