// advise's choice on hand-made inputs: a guest that dirties faster than its link carries leaves pre-copy out with
// the reason, post-copy wins on downtime; intervals from a fit's spread decide how sure the choice is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Accuracy } from '../../src/model/accuracy.js';
import { advise, goalValue } from '../../src/model/advise.js';
import { METRICS } from '../../src/model/fit.js';
import { DEFAULT_CONSTANTS, type ModelInputs } from '../../src/model/inputs.js';
import { strategyOf, type ModelStrategy } from '../../src/model/strategy.js';

const MiB = 2 ** 20;
const hot: ModelInputs = { ramBytes: 1024 * MiB, nonZeroBytes: 700 * MiB, dirtyBytesPerS: 100 * MiB, workingSetBytes: 600 * MiB, linkBytesPerS: 16 * MiB, rttMs: 60, maxDowntimeMs: 300 };
const calm: ModelInputs = { ...hot, dirtyBytesPerS: 1 * MiB, workingSetBytes: 8 * MiB, linkBytesPerS: 110 * MiB, rttMs: 0.5 };
const strategies = ['precopy', 'postcopy', 'hybrid', 'multifd(connections=4)'].map((l) => strategyOf(l) as ModelStrategy);

function spreadOf(lo: number, hi: number): Accuracy {
  const errors = strategies.flatMap((s) => METRICS.map((metric) => ({ strategy: s.label, metric, n: 6, mapePct: 10, ratioLo: lo, ratioHi: hi })));
  return { errors, convergence: strategies.map((s) => ({ strategy: s.label, agree: 6, n: 6 })) };
}

test('a guest dirtying 100 MiB/s over a 16 MiB/s link: pre-copy and multifd left out with the reason, post-copy best on downtime', () => {
  const a = advise(hot, strategies, DEFAULT_CONSTANTS, undefined, 'downtime');
  assert.deepEqual(a.excluded.map((e) => e.strategy), ['precopy', 'multifd(connections=4)']);
  assert.match(a.excluded[0]!.reason, /^would not converge: the guest dirties 100 MiB\/s against 13 MiB\/s through the link, and its 600 MiB working set never fits in 300 ms/);
  assert.equal(a.best?.strategy, 'postcopy');
  assert.equal(a.runnerUp?.strategy, 'hybrid');
  assert.equal(a.confidence, 'unknown', 'no fit, no interval');
  assert.equal(a.best?.interval, undefined);
});

test('intervals from the fit: apart → clear, overlapping → close; the downtime bound leaves strategies out', () => {
  // the hot guest: post-copy pulls 700 MiB once (~55 s at 12.8 MiB/s); the hybrid first sends them in a pass, then
  // pulls the 600 MiB dirtied meanwhile: about twice as long
  const two = [strategyOf('postcopy'), strategyOf('hybrid')] as ModelStrategy[];
  const tight = advise(hot, two, DEFAULT_CONSTANTS, spreadOf(0.9, 1.1), 'total-time');
  assert.equal(tight.best?.strategy, 'postcopy');
  assert.ok(tight.runnerUp!.value > 1.8 * tight.best!.value, `${tight.best!.value} vs ${tight.runnerUp!.value}`);
  assert.deepEqual(tight.best!.interval, [tight.best!.value * 0.9, tight.best!.value * 1.1]);
  assert.equal(tight.confidence, 'clear');
  assert.equal(advise(hot, two, DEFAULT_CONSTANTS, spreadOf(0.2, 5), 'total-time').confidence, 'close');
  const bounded = advise(calm, strategies, DEFAULT_CONSTANTS, undefined, 'downtime', 40);
  assert.ok(bounded.excluded.some((e) => /predicted downtime \d+ ms > 40 ms/.test(e.reason)), JSON.stringify(bounded.excluded));
  assert.ok(bounded.ranked.length > 0 && bounded.ranked.every((o) => o.prediction.downtimeMs <= 40));
});

test("service latency counts post-copy's fault stall with libvirt's whole switch; bytes are in MiB", () => {
  const a = advise(hot, strategies, DEFAULT_CONSTANTS, spreadOf(0.5, 2), 'service-latency');
  const post = a.ranked.find((o) => o.strategy === 'postcopy')!;
  assert.equal(post.value, post.prediction.pausedMs + post.prediction.stallMs!);
  assert.ok(post.prediction.pausedMs > post.prediction.downtimeMs, "libvirt's switch waits for the destination; QEMU's downtime does not");
  const [lo, hi] = post.interval!;
  assert.ok(Math.abs(lo - post.value * 0.5) < 1e-6 && Math.abs(hi - post.value * 2) < 1e-6, `the sum of the two parts, each with its spread: ${lo}, ${hi}`);
  assert.ok(post.prediction.stallMs! > 1000, 'a 60 ms round trip per fault stalls the writer for seconds');
  assert.equal(goalValue(post.prediction, 'bytes'), post.prediction.bytes / MiB);
});
