// The rules of a trial's outcome and its row, without a lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExperimentSchema } from '../../src/config/experiment.js';
import type { HostSpec } from '../../src/config/hosts.js';
import { planTrials } from '../../src/plan/plan.js';
import { assembleRecord, type TrialParts } from '../../src/trial/assemble.js';
import type { MigrationOutcome } from '../../src/trial/migration.js';
import { placementVerdict, timeoutFired, trialVerdict, type Observed } from '../../src/trial/verdict.js';

const ok: Observed = { failure: undefined, postcopy: 'none', postcopySwitchMs: undefined, resumedAt: 1000, resumedInPostcopy: false, relayBytes: undefined, abortReason: undefined, timeoutSeconds: 60 };

test('verdict: a clean pre-copy completes; a failure fails; a failure at the deadline is a timeout with the bound', () => {
  assert.deepEqual(trialVerdict(ok), { status: 'completed', failure: undefined });
  assert.deepEqual(trialVerdict({ ...ok, failure: 'virsh: error' }), { status: 'failed', failure: 'virsh: error' });
  assert.deepEqual(trialVerdict({ ...ok, failure: 'operation aborted', abortReason: 'timeout' }), { status: 'timeout', failure: 'no completion within 60 s; job aborted (operation aborted)' });
  // interrupted is a failure here; the sweep drops interrupted rows elsewhere
  assert.equal(trialVerdict({ ...ok, failure: 'aborted', abortReason: 'interrupted' }).status, 'failed');
});

test('verdict: post-copy that was never switched, or resumed in pre-copy, fails; resumed in post-copy completes', () => {
  const pc = { ...ok, postcopy: 'immediate' as const };
  const lost = 'the migration completed in pre-copy before the switch to post-copy took effect';
  assert.equal(trialVerdict({ ...pc, postcopySwitchMs: undefined }).failure, lost);
  assert.equal(trialVerdict({ ...pc, postcopySwitchMs: 120, resumedInPostcopy: false }).failure, lost);
  assert.deepEqual(trialVerdict({ ...pc, postcopySwitchMs: 120, resumedInPostcopy: true }), { status: 'completed', failure: undefined });
  // no resume event seen at all: the accepted switch stands
  assert.equal(trialVerdict({ ...pc, postcopySwitchMs: 120, resumedAt: undefined }).status, 'completed');
  // hybrid (switch after pre-copy) is not held to that rule
  assert.equal(trialVerdict({ ...ok, postcopy: 'after-precopy' }).status, 'completed');
});

test('verdict: a relay that carried nothing fails the trial; no relay, or bytes through it, pass', () => {
  assert.equal(trialVerdict({ ...ok, relayBytes: 0 }).failure, 'the migration stream did not pass through the delay relay');
  assert.equal(trialVerdict({ ...ok, relayBytes: 4096 }).status, 'completed');
  assert.equal(trialVerdict({ ...ok, relayBytes: undefined }).status, 'completed');
});

test('placement: a completed trial with the VM elsewhere fails, naming the states; other verdicts stand', () => {
  const done = trialVerdict(ok);
  assert.equal(placementVerdict(done, true, 'B', 'A shut off, B running'), done);
  assert.deepEqual(placementVerdict(done, false, 'B', 'A running, B shut off'), {
    status: 'failed',
    failure: 'virsh migrate succeeded but the domain is not running on B afterwards (A running, B shut off)',
  });
  const failed = trialVerdict({ ...ok, failure: 'x' });
  assert.equal(placementVerdict(failed, false, 'B', '?'), failed);
});

test('the timeout action fired: abort at the deadline, suspend seen in the events, a post-copy switch near the bound', () => {
  assert.equal(timeoutFired({ seconds: 30, action: 'abort' }, 'timeout', undefined), true);
  assert.equal(timeoutFired({ seconds: 30, action: 'abort' }, undefined, undefined), false);
  assert.equal(timeoutFired({ seconds: 30, action: 'suspend' }, undefined, { suspendedByTimeout: true, jobStartAt: 0 }), true);
  assert.equal(timeoutFired({ seconds: 30, action: 'postcopy' }, undefined, { postcopySwitchAt: 29_500, jobStartAt: 0 }), true);
  assert.equal(timeoutFired({ seconds: 30, action: 'postcopy' }, undefined, { postcopySwitchAt: 5_000, jobStartAt: 0 }), false);
});

const spec = (name: string) => ({ name, libvirtUri: `qemu+ssh://${name}/system` }) as unknown as HostSpec;
const [precopyTrial, postcopyTrial] = planTrials(ExperimentSchema.parse({ name: 'r', strategies: ['precopy', 'postcopy'], directions: 'a-to-b', delays_ms: [20] }));

function parts(over: Partial<TrialParts>): TrialParts {
  return {
    sweepId: 's1', domain: 'vm', trial: precopyTrial!, source: { spec: spec('A'), versions: { daemon: '11.3.0', hypervisor: 'QEMU 10.0.2' } as never },
    destination: { spec: spec('B'), versions: { daemon: '9.0.0', hypervisor: 'QEMU 10.0.2' } as never }, ramBytes: 2 ** 30, timeout: { seconds: 60, action: 'abort' }, trialStartedAt: Date.parse('2026-12-02T10:00:00Z'),
    verdict: { status: 'completed', failure: undefined }, m: undefined, job: undefined, load: undefined, delay: undefined, timing: undefined, guestPause: undefined, probe: undefined,
    ...over,
  };
}

const outcome = (over: Partial<MigrationOutcome>): MigrationOutcome => ({
  startedAt: '2026-12-02T10:00:01.000Z', commandStartedAt: 1000, commandEndedAt: 4500, result: { code: 0, stdout: '', stderr: '', signal: undefined } as never,
  failure: undefined, abortReason: undefined, postcopySwitchMs: undefined, postcopySwitchDetail: undefined, postcopySwitchReason: undefined, recovery: undefined,
  connections: 1, downtimeSteps: undefined, kubevirt: undefined, settings: undefined, qemuCpu: { source: undefined, destination: undefined }, qmp: [], blocktime: undefined, samples: [{ at: 1, type: 'unbounded', stats: { auto_converge_throttle: 20 } }, { at: 2, type: 'unbounded', stats: { auto_converge_throttle: 60 } }] as never,
  raw: { migrate: ['virsh', 'migrate', '--live', '--persistent', '--domain=vm', '--desturi=x'] }, ...over,
});

test('record: a trial with no migration (it failed before) keeps its cell, hosts, the asked delay and the start time', () => {
  const r = assembleRecord(parts({ verdict: { status: 'failed', failure: 'delay failed' } }));
  assert.equal(r.status, 'failed');
  assert.equal(r.error, 'delay failed');
  assert.equal(r.source, 'A');
  assert.equal(r.destination, 'B');
  assert.equal(r.startedAt, '2026-12-02T10:00:00.000Z');
  assert.equal(r.wallTimeMs, undefined);
  assert.equal(r.delay.oneWayMs, 20);
  assert.equal(r.libvirtVersion, '11.3.0');
  assert.equal(r.dstLibvirtVersion, '9.0.0', "a mixed pair: the destination's own version");
  assert.equal(r.dstQemuVersion, 'QEMU 10.0.2');
  assert.equal(r.migration.postcopyRecoveries, undefined, 'pre-copy has no recovery figures');
  assert.match(r.migration.flags, /--live/);
});

test('record: wall time from the command, highest throttle from samples and job, post-copy figures 0 when nothing broke', () => {
  const job = { format: 'rawstats', type: 'completed', operation: 'outgoing migration', stats: { auto_converge_throttle: 40 }, fields: {}, unknown: [] } as never;
  const r = assembleRecord(parts({ m: outcome({}), job }));
  assert.equal(r.wallTimeMs, 3500);
  assert.equal(r.startedAt, '2026-12-02T10:00:01.000Z');
  assert.equal(r.migration.maxThrottlePct, 60);
  assert.equal(r.migration.connections, 1);
  const pc = assembleRecord(parts({ trial: postcopyTrial!, m: outcome({ postcopySwitchMs: 210 }) }));
  assert.equal(pc.postcopySwitchMs, 210);
  assert.equal(pc.migration.postcopyRecoveries, 0);
  assert.equal(pc.migration.postcopyPausedMs, 0);
  const cut = assembleRecord(parts({ trial: postcopyTrial!, m: outcome({ recovery: { recovered: true, recoveries: 1, pausedMs: 4686 } }) }));
  assert.equal(cut.migration.postcopyRecoveries, 1);
  assert.equal(cut.migration.postcopyPausedMs, 4686);
  assert.equal(assembleRecord(parts({ m: outcome({ abortReason: 'timeout' }), verdict: { status: 'timeout', failure: 'x' } })).timeout.fired, true);
});

test('record: cost — the source QEMU over its readings, the destination QEMU over its life, the load against its warm-up', () => {
  const qemuCpu = { source: { pid: 7, firstMs: 90_000, lastMs: 92_500, readings: 60 }, destination: { pid: 9, firstMs: 40, lastMs: 1_800, readings: 50 } };
  const load = { record: { sizeMiB: 150, rate: 100, unit: 'mib', impl: 'binary', warmupMiBs: 100 } } as const;
  const r = assembleRecord(parts({ m: outcome({ qemuCpu }), load, loadDuringMiBs: 62.5 }));
  assert.deepEqual(r.cost, { sourceCpuMs: 2_500, destinationCpuMs: 1_800, loadRateDuringPct: 62.5 });
  const once = assembleRecord(parts({ m: outcome({ qemuCpu: { source: { ...qemuCpu.source, readings: 1 }, destination: undefined } }) }));
  assert.deepEqual(once.cost, { sourceCpuMs: undefined, destinationCpuMs: undefined, loadRateDuringPct: undefined }, 'one reading is no interval');
});
