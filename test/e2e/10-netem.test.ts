// migbench's tc netem code on a real kernel with sch_netem: the lab guest (the lab hosts' kernel has none). Its
// second NIC, eth1, has two queues, so its default root is mq with a child per queue, as on multi-queue NICs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadHosts } from '../../src/config/hosts.js';
import { applyNetem, crashUndoArgv, hasNetem, restorePlan, showRoot } from '../../src/delay/netem.js';
import { describeQdisc, parseQdiscs } from '../../src/delay/qdisc.js';
import { InputError } from '../../src/errors.js';
import type { Undo } from '../../src/guard/journal.js';
import { run } from '../../src/remote/host.js';
import { SshHost } from '../../src/remote/ssh.js';
import { e2eSkipReason } from '../support/e2e-env.js';
import { ROOT } from '../support/paths.js';
import { HOSTS, useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();
const MQ = 'eth1';
const SINGLE = 'mbnet0';
/** The journal is not what these tests look at (the last one uses the real one). */
const noJournal: Undo = { will: async () => 'none', done: async () => undefined };

describe('tc netem on a real kernel (the lab guest)', { skip }, () => {
  let guest: SshHost;
  const tc = async (...args: string[]) => run(guest, ['tc', ...args]);
  const qdiscs = async (dev: string) => parseQdiscs(await tc('qdisc', 'show', 'dev', dev));

  before(async () => {
    await useTestLab();
    guest = await SshHost.connect(loadHosts(HOSTS).guest!);
    // a single-queue interface too (a dummy: noqueue root)
    await guest.exec(['ip', 'link', 'del', SINGLE]);
    await run(guest, ['ip', 'link', 'add', SINGLE, 'type', 'dummy']);
    await run(guest, ['ip', 'link', 'set', SINGLE, 'up']);
  });
  after(async () => {
    await guest?.exec(['ip', 'link', 'del', SINGLE]);
    await guest?.exec(['tc', 'qdisc', 'del', 'dev', MQ, 'root']);
    await guest?.close();
  });

  test('the guest kernel has sch_netem (the probe migbench runs on hosts says so)', async () => {
    const r = await hasNetem(guest);
    assert.equal(r.ok, true, r.detail);
  });

  test('delay with jitter and loss on a multi-queue NIC, read back, then the default mq and its per-queue children back', async () => {
    const before = await qdiscs(MQ);
    assert.equal(before.find((q) => q.parent === 'root')?.kind, 'mq', `eth1 starts with the default mq: ${before.map(describeQdisc).join('; ')}`);
    assert.equal(before.filter((q) => q.parent !== 'root').length, 2, 'one child per queue');
    const applied = await applyNetem(guest, MQ, { delayMs: 20, jitterMs: 5, lossPct: 1 }, noJournal);
    assert.match(applied.applied, /^netem [0-9a-f]+: limit 20000 delay 20ms\s+5ms loss 1%/);
    assert.match(await tc('qdisc', 'show', 'dev', MQ), /qdisc netem .* root .*delay 20ms\s+5ms loss 1%/);
    await applied.remove();
    assert.deepEqual((await qdiscs(MQ)).map(describeQdisc).sort(), before.map(describeQdisc).sort(), 'the default qdiscs are back');
  });

  test('a single-queue interface: noqueue back after the delay', async () => {
    assert.equal((await showRoot(guest, SINGLE))?.kind, 'noqueue');
    const applied = await applyNetem(guest, SINGLE, { delayMs: 50, jitterMs: 0, lossPct: 0 }, noJournal);
    assert.match(applied.applied, /netem .*delay 50ms/);
    await applied.remove();
    assert.equal((await showRoot(guest, SINGLE))?.kind, 'noqueue');
  });

  test('a configured netem and a configured tbf are put back as they were', async () => {
    for (const setup of [['netem', 'delay', '7ms', 'loss', '0.1%'], ['tbf', 'rate', '100mbit', 'burst', '32kb', 'latency', '50ms']]) {
      await tc('qdisc', 'replace', 'dev', SINGLE, 'root', 'handle', '7:', ...setup);
      const before = describeQdisc(await showRoot(guest, SINGLE));
      const applied = await applyNetem(guest, SINGLE, { delayMs: 30, jitterMs: 0, lossPct: 0 }, noJournal);
      assert.equal(applied.before, before);
      assert.match(describeQdisc(await showRoot(guest, SINGLE)), /^netem [0-9a-f]+: .*delay 30ms/);
      await applied.remove();
      assert.equal(describeQdisc(await showRoot(guest, SINGLE)), before, `${setup[0]} back`);
      await tc('qdisc', 'del', 'dev', SINGLE, 'root');
    }
  });

  test('htb (classes and filters migbench cannot rebuild) is refused and left alone', async () => {
    await tc('qdisc', 'replace', 'dev', SINGLE, 'root', 'handle', '1:', 'htb', 'default', '10');
    const before = describeQdisc(await showRoot(guest, SINGLE));
    await assert.rejects(applyNetem(guest, SINGLE, { delayMs: 30, jitterMs: 0, lossPct: 0 }, noJournal), (e: unknown) => e instanceof InputError && /configured htb root qdisc .* could not restore/.test(e.message));
    assert.equal(describeQdisc(await showRoot(guest, SINGLE)), before);
    await tc('qdisc', 'del', 'dev', SINGLE, 'root');
  });

  test("the journal's crash undo puts the interface back, and is a no-op run twice", async () => {
    for (const dev of [MQ, SINGLE]) {
      const before = (await qdiscs(dev)).map(describeQdisc).sort();
      const plan = restorePlan('guest', dev, await showRoot(guest, dev));
      await applyNetem(guest, dev, { delayMs: 10, jitterMs: 0, lossPct: 0 }, noJournal); // never removed: "crashed"
      for (let i = 0; i < 2; i++) await run(guest, crashUndoArgv(dev, plan));
      assert.deepEqual((await qdiscs(dev)).map(describeQdisc).sort(), before, `${dev} after the crash undo`);
    }
  });

  test('the guard: a controller SIGKILLed after applying netem leaves no delay within 10 s', async () => {
    const state = mkdtempSync(join(tmpdir(), 'migbench-e2e-guard-state-'));
    const before = (await qdiscs(MQ)).map(describeQdisc).sort();
    try {
      const child = execa(process.execPath, [join(ROOT, 'dist', 'test', 'support', 'guard-child.js'), HOSTS, MQ], { reject: false, env: { MIGBENCH_STATE_DIR: state } });
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('applied') && resolve());
        void child.then((r) => reject(new Error(`the stand-in controller ended: ${String(r.stderr)}`)));
      });
      assert.match(await tc('qdisc', 'show', 'dev', MQ), /netem .*delay 30ms/);
      const t0 = Date.now();
      child.kill('SIGKILL');
      await child;
      let now: string[] = [];
      while (Date.now() - t0 < 10_000) {
        now = (await qdiscs(MQ)).map(describeQdisc).sort();
        if (JSON.stringify(now) === JSON.stringify(before)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(now, before, 'the guard did not undo the netem within 10 s');
      process.stdout.write(`# guard: netem gone ${((Date.now() - t0) / 1000).toFixed(1)} s after the controller was killed\n`);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
