// A network cut between the hosts during post-copy: QEMU pauses the migration on both sides and the guest, already
// on the destination, stalls on every page still on the source. migbench notices (virsh migrate fails "in
// post-copy phase"), waits for the path within the trial's bound, resumes with --postcopy-resume, and records the
// trial as completed with how long it stood paused. Then nothing is left behind, without cleanup.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eSkipReason } from '../support/e2e-env.js';
import { assertComplete, rowsOf, startMigbench, waitForLog } from '../support/sweep.js';
import { cutMigrationPath, HOSTS, runningOnExactlyOne, sweepLeftovers, useTestLab, virshOn } from '../support/test-lab.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-pccut-'));

describe('a cut between the hosts during post-copy', { skip }, () => {
  before(useTestLab);
  after(() => rmSync(work, { recursive: true, force: true }));

  test('the migration path down for 3 s in the middle of a page pull: resumed, recorded as completed with its pause; the sweep goes on', async () => {
    const file = join(work, 'cut.yaml');
    // a long pull: 128 MiB rewritten at 50 MiB/s behind 50 ms of delay (the relay, on the destination)
    writeFileSync(file, 'name: pccut\nstrategies: [postcopy]\nloads:\n  - {name: w50, size: 128, rate_mib_s: 50}\ndelays_ms: [50]\ndelay: {method: proxy}\ndirections: a-to-b\nrepetitions: 2\nwarmup_s: 1\nsettle_s: 0\ntimeout: {seconds: 90}\n');
    const out = join(work, 'out');
    const child = startMigbench(['run', file, '--hosts', HOSTS, '--out', out]);
    await waitForLog(child, out, 'migration started');
    // into the pull: the guest runs on B, its memory still mostly on A
    const until = Date.now() + 60_000;
    while (!/running \(post-copy\)/.test(virshOn('B', ['domstate', '--reason', 'mbvm']).out)) {
      assert.ok(Date.now() < until, 'the destination never ran the guest in post-copy');
      await sleep(50);
    }
    await sleep(1000);
    await cutMigrationPath('B', 3);
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
});
