// Sweeps that survive faults. After every fault: nothing left on the hosts or in the guest, the VM running on
// exactly one host, and trials.csv complete (after --resume) with no duplicate and no gap.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migbench, oneLineError } from '../support/cli.js';
import { e2eSkipReason } from '../support/e2e-env.js';
import { experiment, LONG_PRECOPY } from '../support/experiment.js';
import { FaultTally } from '../support/fault-tally.js';
import { assertComplete, rowsOf, startMigbench, sweepMidMigration } from '../support/sweep.js';
import { HOSTS, qemuPid, restartGuest, sshSessionPids, sweepLeftovers, useTestLab, virshOn, waitForVirsh } from '../support/test-lab.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-res-'));
/** Fault cases tried and their outcome, printed at the end (the figures for the issue note). */
const tally = new FaultTally('fault cases');

// Small trials that still take a few seconds: a writer behind a delayed link.
const SLOW = `strategies: [precopy, postcopy]
loads:
  - {name: w50, size: 64, rate_mib_s: 50}
delays_ms: [20]
directions: both
warmup_s: 1
settle_s: 0
timeout: {seconds: 60}
`;

describe('sweeps that survive faults', { skip }, () => {
  before(useTestLab);
  after(() => {
    rmSync(work, { recursive: true, force: true });
    tally.print();
  });

  test('one sweep per host pair: a second one is refused, naming the holder (exit 4)', async () => {
    const file = experiment(work, 'lock', SLOW);
    const { child: first } = await sweepMidMigration(file, join(work, 'lock1'));
    const second = await migbench(['run', file, '--hosts', HOSTS, '--out', join(work, 'lock2')]);
    assert.equal(second.code, 4, second.stderr);
    assert.match(oneLineError(second), /these hosts are in use by sweep lock-\d{8}-\d{6} \(pid \d+ on .*since .*\) — wait for it/);
    // another controller (its own state folder) is stopped by the host lock
    const other = await migbench(['run', file, '--hosts', HOSTS, '--out', join(work, 'lock3')], { env: { MIGBENCH_STATE_DIR: join(work, 'other-controller') } });
    assert.equal(other.code, 4, other.stderr);
    assert.match(oneLineError(other), /mbt[AB] is in use by sweep lock-\d{8}-\d{6} \(pid \d+ on /);
    first.kill('SIGINT');
    assert.equal((await first).exitCode, 130);
    assert.equal(existsSync(join(work, 'lock2')) || existsSync(join(work, 'lock3')), false);
    await tally.assertClean('second sweep while one runs');
  });

  test('SIGKILL and SIGINT at seeded random points, then --resume: the same trials as an uninterrupted run', async () => {
    const file = experiment(work, 'kills', `${SLOW}repetitions: 2\n`);
    const out = join(work, 'kills');
    const planned = 8;
    let seed = Number(process.env.MIGBENCH_E2E_SEED ?? 20261127);
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    process.stdout.write(`# kill points from seed ${process.env.MIGBENCH_E2E_SEED ?? 20261127}\n`);
    const signals: NodeJS.Signals[] = ['SIGKILL', 'SIGINT', 'SIGKILL', 'SIGKILL', 'SIGINT'];
    for (const [i, signal] of signals.entries()) {
      // killed before it wrote anything, a sweep has nothing to resume: it is started again
      const args = existsSync(join(out, 'sweep.json')) ? ['run', '--resume', out] : ['run', file, '--hosts', HOSTS, '--out', out];
      const before = rowsOf(out).length;
      const child = startMigbench(args);
      await sleep(1500 + random() * 9000);
      child.kill(signal);
      const r = await child;
      if (r.exitCode === 0) break; // it finished first
      assert.ok(signal === 'SIGKILL' ? r.signal === 'SIGKILL' : r.exitCode === 130, `${signal}: exit ${r.exitCode} ${r.signal}\n${r.stderr}`);
      if (signal === 'SIGKILL') {
        // a dead sweep leaves its undo markers; cleanup (or the next run) replays them
        const c = await migbench(['cleanup', '--hosts', HOSTS]);
        assert.equal(c.code, 0, c.stderr);
      }
      assert.ok(rowsOf(out).length >= before, 'recorded trials are never lost');
      await tally.assertClean(`${signal} at a random point (${i + 1})`);
    }
    const last = await migbench(['run', '--resume', out]);
    assert.equal(last.code, 0, `${last.stdout}\n${last.stderr}`);
    assertComplete(out, planned);
    for (const r of rowsOf(out)) assert.equal(r.status, 'completed', `trial ${r.trial_index}: ${r.error}`);
    await tally.assertClean('resume to the end');
  });

  test('the destination QEMU killed during pre-copy: that trial fails, the sweep goes on', async () => {
    const file = experiment(work, 'killpre', `${LONG_PRECOPY}repetitions: 2\n`);
    const out = join(work, 'killpre');
    const { child } = await sweepMidMigration(file, out);
    let pid = qemuPid('B');
    for (let i = 0; i < 100 && !pid; i++) {
      await sleep(50);
      pid = qemuPid('B');
    }
    assert.ok(pid, 'no destination QEMU to kill');
    process.kill(pid, 'SIGKILL');
    const r = await child;
    assert.equal(r.exitCode, 1, String(r.stderr));
    const [killed, next] = rowsOf(out);
    assert.equal(killed?.status, 'failed');
    assert.notEqual(killed?.error, '');
    assert.equal(next?.status, 'completed', `the next trial: ${next?.error}`);
    assertComplete(out, 2);
    await tally.assertClean('destination QEMU killed during pre-copy');
  });

  test('the destination QEMU killed during post-copy: the VM is lost, the sweep stops and says so; restarted, --resume finishes', async () => {
    const file = experiment(work, 'killpost', 'strategies: [postcopy]\nloads:\n  - {name: w50, size: 128, rate_mib_s: 50}\ndelays_ms: [50]\ndirections: a-to-b\nrepetitions: 2\nwarmup_s: 1\nsettle_s: 0\ntimeout: {seconds: 60}\n');
    const out = join(work, 'killpost');
    const { child } = await sweepMidMigration(file, out);
    await waitForVirsh('B', ['domstate', 'mbvm'], /running/, 'the destination never ran the guest', { pollMs: 20 });
    process.kill(qemuPid('B')!, 'SIGKILL'); // post-copy: the guest runs on B, part of its memory still on A
    const r = await child;
    assert.equal(r.exitCode, 1);
    assert.match(String(r.stderr), /the VM mbvm was lost: its post-copy migration failed after the switch .* destroyed — start mbvm again/);
    assert.equal(rowsOf(out)[0]?.status, 'failed');
    assert.ok(!/paused/.test(virshOn('A', ['domstate', 'mbvm']).out), 'the unrunnable paused copy must not stay');
    // the guest is gone with its VM: check the hosts now, the (restarted) guest below
    const left = await sweepLeftovers({ guest: false });
    tally.record({ fault: 'destination QEMU killed during post-copy', leftovers: left.length, lost: 0 });
    assert.deepEqual(left, []);
    await restartGuest();
    const resumed = await migbench(['run', '--resume', out]);
    assert.equal(resumed.code, 1, 'the failed trial stays recorded as failed'); // exit 1: a failed trial in the sweep
    assertComplete(out, 2);
    assert.equal(rowsOf(out)[1]?.status, 'completed');
    await tally.assertClean('resume after the lost VM was restarted');
  });

  test("the controller's SSH link to the source dropped mid-trial: that trial fails, the sweep reconnects and goes on", async () => {
    const file = experiment(work, 'drop', `${LONG_PRECOPY}repetitions: 2\n`);
    const out = join(work, 'drop');
    const { child } = await sweepMidMigration(file, out);
    await sleep(300);
    const sessions = sshSessionPids('A');
    assert.ok(sessions.length > 0, 'no SSH session to drop');
    for (const p of sessions) process.kill(p, 'SIGKILL');
    const r = await child;
    const [dropped, next] = rowsOf(out);
    assert.equal(dropped?.status, 'failed', `the trial whose link dropped: ${dropped?.status}`);
    assert.match(dropped?.error ?? '', /SSH connection lost/);
    assert.equal(next?.status, 'completed', `the next trial: ${next?.error}`);
    assert.equal(r.exitCode, 1);
    assert.match(readFileSync(join(out, 'raw.jsonl'), 'utf8'), /"actions":\[[^\]]*reconnected/);
    assertComplete(out, 2);
    await tally.assertClean("controller's SSH link dropped mid-trial");
  });
});
