// Where a migration's time went: six consecutive intervals between measured instants, summing to the wall time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phasesOf } from '../../src/libvirt/phases.js';
import type { TrialTiming } from '../../src/libvirt/timing.js';

const precopy: TrialTiming = {
  jobStartAt: 1_120, jobStartBasis: 'samples', resumedAt: 3_530, switchoverMs: 2_410, pausedAt: 3_500, eventDowntimeMs: 30,
  postcopy: false, postcopyMs: undefined, suspendedByTimeout: false, postcopySwitchAt: undefined,
};
const sum = (p: object) => Object.values(p).reduce((a: number, b: number) => a + b, 0);

test('pre-copy: prepare, setup, passes, stop-and-copy, finish; no post-copy phase; the sum is the wall time', () => {
  const p = phasesOf({ commandStartedAt: 1_000, commandEndedAt: 3_700, timing: precopy, setupTimeMs: 15 })!;
  assert.deepEqual(p, { prepareMs: 120, setupMs: 15, precopyMs: 2_365, stopCopyMs: 30, postcopyMs: 0, finishMs: 170 });
  assert.equal(sum(p), 2_700);
});

test('post-copy: the page pull is its own phase, from the resume on the destination to its last page', () => {
  const t: TrialTiming = { ...precopy, postcopy: true, pausedAt: 2_000, resumedAt: 2_012, postcopyMs: 900, postcopySwitchAt: 2_000 };
  const p = phasesOf({ commandStartedAt: 1_000, commandEndedAt: 3_100, timing: t, setupTimeMs: 15 })!;
  assert.deepEqual(p, { prepareMs: 120, setupMs: 15, precopyMs: 865, stopCopyMs: 12, postcopyMs: 900, finishMs: 188 });
  assert.equal(sum(p), 2_100);
});

test('instants out of order (clock offsets) are clamped so no phase is negative and the sum still holds', () => {
  const t: TrialTiming = { ...precopy, jobStartAt: 990, pausedAt: 1_000, resumedAt: 4_000 };
  const p = phasesOf({ commandStartedAt: 1_000, commandEndedAt: 3_700, timing: t, setupTimeMs: 15 })!;
  assert.ok(Object.values(p).every((x) => x >= 0), JSON.stringify(p));
  assert.equal(sum(p), 2_700);
  assert.equal(p.finishMs, 0);
});

test('a missing instant leaves the phases out rather than guessing', () => {
  const base = { commandStartedAt: 1_000, commandEndedAt: 3_700, setupTimeMs: 15 };
  assert.equal(phasesOf({ ...base, timing: { ...precopy, pausedAt: undefined } }), undefined);
  assert.equal(phasesOf({ ...base, timing: { ...precopy, jobStartBasis: 'command' } }), undefined);
  assert.equal(phasesOf({ ...base, setupTimeMs: undefined, timing: precopy }), undefined);
  assert.equal(phasesOf({ ...base, timing: { ...precopy, postcopy: true, postcopyMs: undefined } }), undefined);
});
