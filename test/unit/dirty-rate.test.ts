// `virsh domstats --dirtyrate` as libvirt prints it: measured, still measuring, never started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measuredDirtyRate, parseDirtyRateStats } from '../../src/libvirt/dirty-rate.js';

const measured = `Domain: 'mbguest'
  dirtyrate.calc_status=2
  dirtyrate.calc_start_time=1764750000
  dirtyrate.calc_period=2
  dirtyrate.calc_mode=page-sampling
  dirtyrate.megabytes_per_second=17
`;

test('a measured rate: MiB/s, mode and period', () => {
  assert.deepEqual(measuredDirtyRate(parseDirtyRateStats(measured)), { mibS: 17, mode: 'page-sampling', periodS: 2 });
});

test('still measuring (1) or never started (0): no rate yet', () => {
  assert.equal(measuredDirtyRate(parseDirtyRateStats(measured.replace('calc_status=2', 'calc_status=1'))), undefined);
  assert.equal(measuredDirtyRate(parseDirtyRateStats("Domain: 'mbguest'\n  dirtyrate.calc_status=0\n")), undefined);
  assert.equal(measuredDirtyRate(parseDirtyRateStats("Domain: 'mbguest'\n")), undefined);
});

test('a rate that is not a number is an error naming the output, not a zero', () => {
  assert.throws(() => measuredDirtyRate(parseDirtyRateStats(measured.replace('second=17', 'second=fast'))), /megabytes_per_second=fast/);
});
