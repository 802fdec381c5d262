// The analytic model on cases computed by hand: a pre-copy that converges in two passes, one that never does, one
// that fits only with a larger downtime limit, the post-copy pull and its stall, the hybrid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONSTANTS, firstPassBytes, type ModelInputs, type PairConstants } from '../../src/model/inputs.js';
import { predictHybrid, predictPostcopy } from '../../src/model/postcopy.js';
import { predictPrecopy } from '../../src/model/precopy.js';
import { predict, strategyOf, type ModelStrategy } from '../../src/model/strategy.js';

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

test('auto-converge: unthrottled for two passes, then 20 %, 30 %, … of the vCPU taken until the rest fits', () => {
  // 100 MiB/s over 128 MiB/s: plain pre-copy needs 11 passes. Throttled from the third (headroom 1: the throttle
  // slows the writer at once): 512 MiB in 4 s → 400 MiB; 400 in 3.125 s → 312.5; 312.5 at 80 MiB/s → 195.3125;
  // 195.3125 at 70 → 106.8115234375; at 60 → 50.06790161; at 50 → 19.55777407 MiB, which fits in 38.4 MiB.
  const hot = { ...guest, dirtyBytesPerS: 100 * MiB };
  assert.equal(predictPrecopy(hot, bare).rounds, 11);
  const p = predict(strategyOf('auto-converge') as ModelStrategy, hot, { ...bare, throttleHeadroom: 1 });
  assert.equal(p.converges, true);
  assert.equal(p.rounds, 6);
  const last = 19.557774066925049;
  close(p.bytes, (512 + 400 + 312.5 + 195.3125 + 106.8115234375 + 50.067901611328125 + last) * MiB, 'bytes');
  close(p.downtimeMs, (last / 128) * 1000, 'downtime');
});

test('hybrid-timeout: pre-copy until its switch, then the unsent part of the first pass and what was dirtied meanwhile', () => {
  // switch after 2 s: 256 of the first pass's 512 MiB sent, 256 not yet, 64 MiB dirtied at 32 MiB/s: 320 MiB pulled
  const p = predict(strategyOf('hybrid-timeout(after_s=2,min_progress_pct=10)') as ModelStrategy, guest, bare);
  close(p.bytes, (256 + 320) * MiB, 'bytes');
  close(p.totalMs, 2000 + 2500, 'total: 2 s of pre-copy, 320 MiB pulled at 128 MiB/s');
  // one that converges before its switch stays a pre-copy
  close(predict(strategyOf('hybrid-timeout(after_s=30,min_progress_pct=10)') as ModelStrategy, guest, bare).totalMs, 5250, 'as pre-copy');
});

test('multifd: its speed-up stays under the bandwidth cap; xbzrle: QEMU tests the dirty pages, not the encoded bytes', () => {
  const multifd = { ...(strategyOf('multifd(connections=4)') as ModelStrategy) };
  const capped = predict(multifd, { ...guest, capBytesPerS: 100 * MiB }, { ...bare, multifdGain: 3 });
  // 100 MiB/s whatever the 3× speed-up: 512 MiB in 5.12 s, then the 163.84 MiB dirtied, then 52.43, and 16.78 fit in 30
  close(capped.totalMs - capped.downtimeMs, 5120 + 1638.4 + 524.288, 'three passes at the 100 MiB/s cap');
  // 32 MiB/s over 40 MiB/s, 12 MiB threshold: the first pass (0.8 s) dirties 25.6 MiB, which does not fit however
  // well xbzrle encodes it; at 10 % the second pass takes 64 ms and the 2.048 MiB dirtied meanwhile fit
  const slow = { ...guest, nonZeroBytes: 32 * MiB, ramBytes: 32 * MiB, linkBytesPerS: 40 * MiB };
  const x = predict(strategyOf('xbzrle') as ModelStrategy, slow, { ...bare, xbzrleRatio: 0.1 });
  assert.equal(x.rounds, 2);
  close(x.downtimeMs, (0.2048 / 40) * 1000, 'downtime: the encoded rest');
  assert.equal(predictPrecopy(slow, bare).rounds, 5, 'plain pre-copy: 25.6, 20.48, 16.38, 13.11, then 10.49 MiB fit');
});
