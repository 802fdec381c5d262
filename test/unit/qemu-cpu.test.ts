// CPU time of a QEMU process from /proc/PID/stat lines as the host's reading loop prints them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuReadings, cpuTicks } from '../../src/libvirt/qemu-cpu.js';

test('CPU readings: utime + stime in ticks; a new PID (a QEMU started again) starts the count over', () => {
  // /proc/PID/stat after "PID (comm) ": state is field 3, utime 14, stime 15
  const stat = (u: number, s: number) => `S 1 ${Array.from({ length: 9 }, () => 0).join(' ')} ${u} ${s} 0 0 20 0 5`;
  assert.equal(cpuTicks(stat(120, 30)), 150);
  const r = new CpuReadings();
  for (const l of ['tck 100', `41 ${stat(1_000, 200)}`, 'garbage', `41 ${stat(1_100, 250)}`]) r.line(l);
  assert.deepEqual(r.result(), { pid: 41, firstMs: 12_000, lastMs: 13_500, readings: 2 });
  r.line(`57 ${stat(3, 1)}`);
  assert.deepEqual(r.result(), { pid: 57, firstMs: 40, lastMs: 40, readings: 1 });
});
