// A network cut between the hosts during post-copy: QEMU pauses the migration on both sides and the guest, already
// on the destination, stalls on every page still on the source. migbench notices (virsh migrate fails "in
// post-copy phase"), waits for the path within the trial's bound, resumes with --postcopy-resume, and records the
// trial as completed with how long it stood paused. A cut that outlasts the bound fails the trial and stops the
// sweep, saying where the VM is and what to do. Then nothing is left behind, without cleanup.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eSkipReason } from '../support/e2e-env.js';
import { experiment } from '../support/experiment.js';
import { assertComplete, rowsOf, type startMigbench, startSweep, waitForLog } from '../support/sweep.js';
import { cutBetweenHosts, HOSTS, restartGuest, runningOnExactlyOne, sweepLeftovers, useTestLab, virshOn, waitForVirsh } from '../support/test-lab.js';
import { migbench } from '../support/cli.js';
import { loadHosts } from '../../src/config/hosts.js';
import { SshHost } from '../../src/remote/ssh.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-pccut-'));

/**
 * Waits until the guest runs on B in post-copy (its memory still mostly on A) and has answered a command there.
 * Why the answer: under TCG, a vCPU delivering an interrupt holds QEMU's big lock while it reads the guest's
 * descriptor tables and stacks; cut while one of those pages is still on the source, it waits for that page with the
 * lock held, the destination's main loop stops, and no recovery can reach it (seen with gdb: `do_interrupt_all` in
 * `handle_userfault`, the main thread in `bql_lock`). A guest that has answered over SSH has those pages.
 */
async function intoThePull(): Promise<void> {
  await waitForVirsh('B', ['domstate', '--reason', 'mbvm'], /running \(post-copy\)/, 'the destination never ran the guest in post-copy');
  // the guest is slow while it pulls its pages: a connection that misses its keepalives is opened again
  const until = Date.now() + 90_000;
  let answers = 0;
  while (answers < 2) {
    assert.ok(Date.now() < until, 'the guest did not answer twice over SSH within 90 s of running on the destination');
    const guest = await SshHost.connect(loadHosts(HOSTS).guest!).catch(() => undefined);
    try {
      while (guest && answers < 2 && (await guest.exec(['true'], { timeoutMs: 30_000 }).then((r) => r.code === 0, () => false))) answers++;
    } finally {
      await guest?.close();
    }
  }
  assert.match(virshOn('B', ['domstate', '--reason', 'mbvm']).out, /running \(post-copy\)/, 'the pull ended before the cut: make it longer');
}

function pullExperiment(name: string, timeoutS: number, repetitions: number): string {
  // a long pull: 128 MiB rewritten at 50 MiB/s behind 50 ms of delay (the relay, on the destination), post-copy's
  // stream capped at 8 MiB/s (the 256 MiB guest takes ~30 s to pull)
  return experiment(work, name, `strategies: [postcopy]\nloads:\n  - {name: w50, size: 128, rate_mib_s: 50}\ndelays_ms: [50]\ndelay: {method: proxy}\nknobs: {postcopy_bandwidth_mib_s: 8}\ndirections: a-to-b\nrepetitions: ${repetitions}\nwarmup_s: 1\nsettle_s: 0\ntimeout: {seconds: ${timeoutS}}\n`);
}

/** Sweeps a failed test left running: stopped (cleanly, SIGTERM) before the next test starts. */
let running: Array<ReturnType<typeof startMigbench>> = [];
function started(child: ReturnType<typeof startMigbench>): ReturnType<typeof startMigbench> {
  running.push(child);
  return child;
}

/** Starts a two-trial sweep and returns once its first trial is into the pull (see intoThePull). */
async function sweepIntoThePull(name: string, timeoutS: number): Promise<{ child: ReturnType<typeof startMigbench>; out: string }> {
  const out = join(work, name);
  const child = started(startSweep(pullExperiment(name, timeoutS, 2), out));
  await waitForLog(child, out, 'migration started');
  await intoThePull();
  return { child, out };
}

describe('a cut between the hosts during post-copy', { skip }, () => {
  before(useTestLab);
  after(() => rmSync(work, { recursive: true, force: true }));
  afterEach(async () => {
    for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.allSettled(running);
    running = [];
  });

  test('the path between the hosts down for 3 s in the middle of a page pull: resumed, recorded as completed with its pause; the sweep goes on', async () => {
    const { child, out } = await sweepIntoThePull('pccut', 90);
    await cutBetweenHosts('B', 3);
    const r = await child;
    const [cut, next] = rowsOf(out);
    process.stdout.write(`# cut trial: status ${cut?.status}, recoveries ${cut?.postcopy_recoveries}, paused ${cut?.postcopy_paused_ms} ms, wall ${cut?.wall_time_ms} ms, guest gap ${cut?.guest_max_gap_ms} ms, error ${cut?.error}\n`);
    assert.equal(cut?.status, 'completed', `the cut trial: ${cut?.error}`);
    assert.ok(Number(cut?.postcopy_recoveries) >= 1, 'it was recovered');
    assert.ok(Number(cut?.postcopy_paused_ms) >= 3000, `paused at least as long as the cut: ${cut?.postcopy_paused_ms} ms`);
    assert.ok(Number(cut?.postcopy_paused_ms) < Number(cut?.wall_time_ms), 'the pause is part of the trial');
    assert.equal(next?.status, 'completed', `the next trial: ${next?.error}`);
    assert.equal(next?.postcopy_recoveries, '0');
    assert.equal(next?.postcopy_paused_ms, '0');
    assert.equal(r.exitCode, 0, String(r.stderr));
    assertComplete(out, 2);
    assert.deepEqual(await sweepLeftovers(), []);
    assert.ok(runningOnExactlyOne());
  });

  test('a cut longer than the trial allows: the trial fails with that reason, the sweep stops saying where the VM is', async () => {
    const { child, out } = await sweepIntoThePull('pccut-long', 40);
    await cutBetweenHosts('B', 45); // from ~15 s into the trial, to past its 40 s bound
    const r = await child;
    const rows = rowsOf(out);
    assert.equal(rows.length, 1, 'the sweep stopped after the trial it could not recover');
    assert.equal(rows[0]?.status, 'failed');
    assert.match(rows[0]?.error ?? '', /post-copy paused .* could not be resumed within 40 s/);
    assert.equal(r.exitCode, 1);
    assert.match(String(r.stderr), /stopping the sweep: the post-copy migration of mbvm from mbtA to mbtB stays paused.*resume it on mbtA with virsh migrate/);
    // nothing of the sweep's own is left (its relay, delay, markers); the paused migration is the user's to decide
    assert.deepEqual(await sweepLeftovers({ guest: false }), []);
    // the path is back: what the message says works (cleanup resumes it), and the VM ends up on one host
    const c = await migbench(['cleanup', '--hosts', HOSTS]);
    process.stdout.write(`# after the long cut: cleanup exit ${c.code}; states ${JSON.stringify([virshOn('A', ['domstate', '--reason', 'mbvm']).out.trim(), virshOn('B', ['domstate', '--reason', 'mbvm']).out.trim()])}\n`);
    if (!runningOnExactlyOne()) await restartGuest();
    assert.equal(c.code, 0, c.stderr);
  });
});
