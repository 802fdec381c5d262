// Whatever ends the controller, nothing it changed on a host outlives it for long. Each case is followed by the
// leftover check WITHOUT `migbench cleanup`: a hang-up or another signal takes the clean stop path; a SIGKILL or a
// cut link leaves it to the hosts' guards, which must have undone everything within 10 s; and a libvirtd that
// restarts mid-migration costs one trial, not the sweep.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eSkipReason } from '../support/e2e-env.js';
import { experiment, LONG_PRECOPY } from '../support/experiment.js';
import { FaultTally } from '../support/fault-tally.js';
import { assertComplete, rowsOf, runToEnd, sweepMidMigration } from '../support/sweep.js';
import { guestLeftovers, guestStates, hostLeftovers, PREFIX, restartLibvirtd, sweepLeftovers, useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-gone-'));
/** Cases, leftovers, lost trials and seconds to a clean host: the figures for the issue note. */
const tally = new FaultTally('controller-gone cases');

/** A sweep of LONG_PRECOPY trials in the background, once its first migration has started. */
async function midTrial(name: string, repetitions: number) {
  const out = join(work, name);
  const { child } = await sweepMidMigration(experiment(work, name, `${LONG_PRECOPY}repetitions: ${repetitions}\n`), out);
  return { out, child };
}

/** Polls `check` until it finds nothing; returns the seconds that took, or fails with what is still there. */
async function cleanWithin(fault: string, ms: number, check: () => Promise<string[]> | string[]): Promise<number> {
  const t0 = Date.now();
  let left: string[] = [];
  while (Date.now() - t0 < ms) {
    left = await check();
    if (left.length === 0) return (Date.now() - t0) / 1000;
    await sleep(250);
  }
  tally.record({ fault, leftovers: left.length, lost: 0 });
  assert.deepEqual(left, [], `${fault}: still there after ${ms / 1000} s`);
  return ms / 1000;
}

const noPausedCopy = () => Object.entries(guestStates()).filter(([, s]) => /paused/.test(s)).map(([h, s]) => `${h}: domain ${s}`);

/** A run that must find nothing to clean up: no marker replayed, no VM to settle. */
async function assertNextRunStartsClean(name: string): Promise<void> {
  const out = join(work, `${name}-next`);
  await runToEnd(experiment(work, `${name}-next`, 'strategies: [precopy]\ndirections: a-to-b\nsettle_s: 0\n'), out);
  const start = readFileSync(join(out, 'raw.jsonl'), 'utf8').split('\n')[0]!;
  assert.doesNotMatch(start, /"cleanedUp"/, `${name}: the next run had to clean up: ${start}`);
}

describe('nothing left behind, whatever ends the controller', { skip }, () => {
  before(useTestLab);
  after(() => {
    rmSync(work, { recursive: true, force: true });
    tally.print();
  });

  test('hang-up (SIGHUP with the terminal gone: EPIPE on stdout and stderr) mid-trial: the clean stop, exit 129, results kept', async () => {
    const { out, child } = await midTrial('hup', 3);
    // the terminal goes away: nobody reads its output any more, then the hang-up arrives
    child.stdout!.destroy();
    child.stderr!.destroy();
    await sleep(200);
    child.kill('SIGHUP');
    const r = await child;
    assert.equal(r.exitCode, 129, `exit ${r.exitCode} ${r.signal}`);
    const log = readFileSync(join(out, 'sweep.log'), 'utf8');
    assert.match(log, /"signal":"SIGHUP".*"msg":"stopping: aborting the running migration, undoing every change"/);
    assert.match(log, /"signal":"SIGHUP","msg":"interrupted; every change undone"/);
    assert.match(log, /"code":"EPIPE".*"msg":"the terminal went away; the sweep goes on, logging here"/);
    assert.ok(readFileSync(join(out, 'raw.jsonl'), 'utf8').includes('"sweep-end"'), 'the results are closed properly');
    await tally.assertClean('SIGHUP with the terminal gone');
  });

  test('SIGQUIT and SIGTERM take the same clean stop, each with its own exit code', async () => {
    for (const [signal, code] of [['SIGQUIT', 131], ['SIGTERM', 143]] as const) {
      const { child } = await midTrial(signal.toLowerCase(), 2);
      child.kill(signal);
      const r = await child;
      assert.equal(r.exitCode, code, `${signal}: exit ${r.exitCode} ${r.signal}\n${r.stderr}`);
      assert.match(String(r.stderr), new RegExp(`interrupted after [01] of 2 trials \\(${signal}\\); continue with: migbench run --resume`));
      await tally.assertClean(signal);
    }
  });

  test('SIGKILL mid-trial: without cleanup, the guards leave nothing on the hosts or in the guest within 10 s; the next run starts clean', async () => {
    const { child } = await midTrial('kill', 2);
    await sleep(500);
    child.kill('SIGKILL');
    await child;
    const seconds = await cleanWithin('SIGKILL mid-trial', 10_000, async () => [...(await sweepLeftovers()), ...noPausedCopy()]);
    await tally.assertClean('SIGKILL mid-trial', { cleanAfterS: seconds });
    await assertNextRunStartsClean('kill');
  });

  test("the controller's link to a host cut (veth down) mid-trial: that host and the guest are clean within 10 s; the sweep reconnects and goes on", async () => {
    const { out, child } = await midTrial('cut', 2);
    await sleep(500);
    const veth = `${PREFIX}A-p`;
    execFileSync('ip', ['link', 'set', veth, 'down']);
    const cutAt = Date.now();
    let seconds: number;
    try {
      // A's own virsh migrate client, its job aborted by the guard, may wait for B (unreachable) to take the
      // cancelled migration back: libvirt's client, not a change of the sweep's.
      seconds = await cleanWithin('link to the source cut', 10_000, () => hostLeftovers('A', { ignore: /virsh .*migrate --live/ }));
      await sleep(cutAt + 10_000 - Date.now());
    } catch (err) {
      child.kill('SIGINT');
      await child;
      throw err;
    } finally {
      execFileSync('ip', ['link', 'set', veth, 'up']);
    }
    // the guest ran on A, as unreachable as A for those 10 s: its guard has ended memwriter
    const guest = await guestLeftovers();
    assert.deepEqual(guest.filter((l) => /memwriter/.test(l)), [], 'memwriter outlived the cut');
    const r = await child;
    assert.equal(r.exitCode, 1, String(r.stderr));
    const [cut, next] = rowsOf(out);
    assert.equal(cut?.status, 'failed', `the trial whose link was cut: ${cut?.status}`);
    assert.equal(next?.status, 'completed', `the next trial: ${next?.error}`);
    assert.match(readFileSync(join(out, 'raw.jsonl'), 'utf8'), /"actions":\[[^\]]*reconnected/);
    assertComplete(out, 2);
    await tally.assertClean('link to the source cut mid-trial', { cleanAfterS: seconds });
    await assertNextRunStartsClean('cut');
  });

  test("a host's libvirtd restarted mid-migration: that trial fails with the reason, the sweep waits for libvirtd and records every trial", async () => {
    const { out, child } = await midTrial('libvirtd', 3);
    await sleep(800);
    await restartLibvirtd('A');
    const r = await child;
    const rows = rowsOf(out);
    assertComplete(out, 3);
    assert.equal(rows[0]?.status, 'failed', 'the trial the restart broke');
    process.stdout.write(`# the trial a libvirtd restart broke: ${rows[0]?.error}\n`);
    assert.match(rows[0]?.error ?? '', /libvirtd on mbtA went away during the trial/);
    for (const row of rows.slice(1)) assert.equal(row.status, 'completed', `trial ${row.trial_index}: ${row.error}`);
    assert.equal(r.exitCode, 1, 'a failed trial in the sweep');
    assert.match(readFileSync(join(out, 'raw.jsonl'), 'utf8'), /libvirt reconnected, event stream restarted/);
    await tally.assertClean('libvirtd restarted mid-migration');
  });
});
