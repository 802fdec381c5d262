// The analytic model on cases computed by hand: a pre-copy that converges in two passes, one that never does, one
// that fits only with a larger downtime limit, the post-copy pull and its stall, the hybrid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONSTANTS, firstPassBytes, type ModelInputs, type PairConstants } from '../../src/model/inputs.js';
import { predictHybrid, predictPostcopy } from '../../src/model/postcopy.js';
import { predictPrecopy } from '../../src/model/precopy.js';

const MiB = 2 ** 20;
/** 1 GiB guest, half of it non-zero; 128 MiB/s link; a 32 MiB/s writer over 600 MiB. */
const guest: ModelInputs = { ramBytes: 1024 * MiB, nonZeroBytes: 512 * MiB, dirtyBytesPerS: 32 * MiB, workingSetBytes: 600 * MiB, linkBytesPerS: 128 * MiB, rttMs: 0, maxDowntimeMs: 300 };
/** No fixed costs, a full link, free zero pages: every figure below is pages over throughput. */
const bare: PairConstants = { ...DEFAULT_CONSTANTS, efficiency: 1, pullEfficiency: 1, zeroPageBytes: 0, setupMs: 0, switchMs: 0, postcopyDowntimeMs: 0, postcopySwitchMs: 0, postcopySwitchRtts: 0, switchWaitMs: 0, faultServiceMs: 0, maxStreamMiBs: 1e9, maxPullMiBs: 1e9 };
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a}, expected ${b}`);

test('pre-copy converging: 512 MiB in 4 s, the 128 MiB dirtied meanwhile in 1 s, then 32 MiB fits in 300 ms (38.4 MiB)', () => {
  const p = predictPrecopy(guest, bare);
  assert.equal(p.converges, true);
  assert.equal(p.rounds, 2);
  close(p.bytes, (512 + 128 + 32) * MiB, 'bytes');
  close(p.downtimeMs, 250, 'downtime: 32 MiB at 128 MiB/s');
  close(p.totalMs, 4000 + 1000 + 250, 'total');
  // fixed costs add where they belong
  const c = predictPrecopy({ ...guest, rttMs: 10 }, { ...bare, setupMs: 20, switchMs: 40 });
  close(c.downtimeMs, 250 + 40 + 10, 'downtime with the switch and a round trip');
  close(c.totalMs, 20 + 5000 + 300, 'total with setup');
});

test('pre-copy not converging: a 200 MiB working set rewritten at 256 MiB/s over a 128 MiB/s link never fits in 300 ms', () => {
  const hot = { ...guest, dirtyBytesPerS: 256 * MiB, workingSetBytes: 200 * MiB };
  const p = predictPrecopy(hot, bare);
  assert.equal(p.converges, false);
  assert.match(p.reason!, /dirties 256 MiB\/s against 128 MiB\/s .* 200 MiB working set never fits in 300 ms \(38 MiB/);
  close(p.bytes, (512 + 29 * 200) * MiB, 'the first pass and 29 passes of the working set');
  // with a 2 s limit the working set fits after the first pass: 200 MiB at 128 MiB/s = 1562.5 ms paused
  const wide = predictPrecopy({ ...hot, maxDowntimeMs: 2000 }, bare);
  assert.equal(wide.converges, true);
  assert.equal(wide.rounds, 1);
  close(wide.downtimeMs, 1562.5, 'downtime');
});

test('zero pages cost their headers only', () => {
  close(firstPassBytes(guest, DEFAULT_CONSTANTS), 512 * MiB + (512 * MiB / 4096) * 16, 'first pass');
  // at 80 % of the link (102.4 MiB/s; 30.72 MiB fit in 300 ms): 512 MiB in 5 s, then 160 MiB in 1.5625 s, then 50 MiB
  // in 0.48828125 s, and the 15.625 MiB dirtied meanwhile fit
  const p = predictPrecopy(guest, { ...bare, efficiency: 0.8 });
  assert.equal(p.rounds, 3);
  close(p.totalMs - p.downtimeMs, 5000 + 1562.5 + 488.28125, 'passes at 80 % of the link');
  close(p.downtimeMs, (15.625 / 102.4) * 1000, 'downtime');
});

test('post-copy: one switch, every page once, and a stall that grows with the dirty rate and the round trip', () => {
  const g = { ...guest, rttMs: 1 };
  const p = predictPostcopy(g, { ...bare, postcopyDowntimeMs: 5, postcopySwitchMs: 30, postcopySwitchRtts: 4 });
  close(p.downtimeMs, 5, "downtime: QEMU's switch, which ends before the destination answers");
  close(p.bytes, 512 * MiB, 'bytes: RAM once');
  close(p.totalMs, 30 + 4 * 1 + 4000, "total: libvirt's switch (fixed part and 4 round trips) and the 4 s pull");
  // fault service f = 1 ms + 4096 B at 134217.728 B/ms; k = 33554.432 B/ms × 0.5 × f / 4096 B; stall = 4000 k/(1+k)
  const f = 1 + 4096 / 134217.728;
  const k = (33554.432 * 0.5 * f) / 4096;
  close(p.stallMs!, (4000 * k) / (1 + k), 'stall');
  assert.ok(predictPostcopy({ ...g, rttMs: 10 }, bare).stallMs! > p.stallMs!, 'a longer round trip stalls longer');
  assert.equal(predictPostcopy({ ...g, dirtyBytesPerS: 0 }, bare).stallMs, 0, 'an idle guest does not stall');
  // a small working set bounds the faults: 4 MiB = 1024 pages, half of them fault, f each
  close(predictPostcopy({ ...g, workingSetBytes: 4 * MiB }, bare).stallMs!, 512 * f, 'stall bounded by the pages');
});

test('hybrid: one full pass, then the 128 MiB dirtied during it are pulled', () => {
  const p = predictHybrid(guest, bare);
  assert.equal(p.rounds, 1);
  close(p.bytes, (512 + 128) * MiB, 'bytes');
  close(p.totalMs, 4000 + 1000, 'total: the pass and the pull');
  close(p.downtimeMs, 0, 'downtime: the switch only');
});
