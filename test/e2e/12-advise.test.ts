// `migbench fit` on a small lab sweep, then `migbench advise` on the running VM while a writer dirties its memory:
// it measures the link and QEMU's dirty rate, predicts every strategy the model knows, names the best, and leaves
// nothing on the hosts or in the guest. Without a model and with nothing to fit, it says it used the defaults.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHosts } from '../../src/config/hosts.js';
import { SshHost } from '../../src/remote/ssh.js';
import { prepareWriter, startWriter } from '../../src/workload/writer.js';
import { migbench } from '../support/cli.js';
import { e2eSkipReason } from '../support/e2e-env.js';
import { sweep } from '../support/sweep.js';
import { GUEST_RAM, HOSTS, runningOnExactlyOne, sweepLeftovers, useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-advise-'));
const MiB = 2 ** 20;

/** The parts of `advise --json` the test reads. */
interface AdviceJson {
  ramBytes: number;
  link: { rttMs: number; mibS: number };
  short: { mibS: number };
  inputs: { workingSetBytes: number };
  model: string;
  ranked: Array<{ strategy: string; value: number; prediction: { totalMs: number; bytes: number } }>;
  excluded: Array<{ strategy: string }>;
  best?: unknown;
}

describe('fit and advise on the lab', { skip }, () => {
  before(useTestLab);
  after(() => rmSync(work, { recursive: true, force: true }));

  test('fit on a lab sweep; advise on the VM under a 40 MiB/s writer predicts both strategies, names the best, leaves nothing', async () => {
    const rows = await sweep(work, 'fit', 'strategies: [precopy, postcopy]\nloads:\n  - idle\n  - {name: w32-40, size: 32, rate_mib_s: 40}\ndirections: both\nwarmup_s: 1\nsettle_s: 0\ndirty_rate_calc: {seconds: 1}\nlink_probe: {seconds: 1}\n');
    assert.equal(rows.filter((r) => r.status === 'completed').length, 8, 'the sweep completed');
    const model = join(work, 'model.json');
    const fit = await migbench(['fit', join(work, 'fit'), '--out', model]);
    assert.equal(fit.code, 0, `${fit.stdout}\n${fit.stderr}`);
    assert.match(fit.stdout, /fitted on 8 trials/);
    assert.match(fit.stdout, /precopy +\d+\/\d+ +\d+ % \(n \d\)/, 'an error per strategy');
    assert.ok(existsSync(model));
    const report = await migbench(['report', join(work, 'fit'), '--model', model]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /predicted against measured \(model .*model\.json\):\ncell +converged as predicted/);
    assert.match(report.stdout, /^postcopy · w32-40 0ms +\d\/2 +\d+ \/ \d+ \([+-]\d+ %\)/m);
    assert.match(readFileSync(join(work, 'fit', 'report.html'), 'utf8'), /<h2>Predicted against measured<\/h2>[\s\S]*<table id="predicted">/);

    const guest = await SshHost.connect(loadHosts(HOSTS).guest!);
    let advice: AdviceJson | undefined;
    try {
      const writer = startWriter(guest, await prepareWriter(guest, '/tmp', '/bin/memwriter'), { sizeMiB: 48, rate: 40, unit: 'mib', chunkKiB: 1024, reportMs: 1000 });
      try {
        await writer.waitReady(30_000);
        const r = await migbench(['advise', '--hosts', HOSTS, '--model', model, '--goal', 'total-time', '--json']);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
        advice = JSON.parse(r.stdout) as AdviceJson;
      } finally {
        await writer.stop();
      }
    } finally {
      await guest.close();
    }
    assert.ok(advice);
    assert.equal(advice.ramBytes, GUEST_RAM);
    assert.ok(advice.link.rttMs > 0 && advice.link.rttMs < 5, `undelayed lab link: ${advice.link.rttMs} ms`);
    assert.ok(advice.link.mibS > 50, `link ${advice.link.mibS} MiB/s`);
    // QEMU's calc of a 40 MiB/s writer read 36-56 MiB/s on the lab; the 4 s period sees the 48 MiB buffer once
    assert.ok(advice.short.mibS >= 20 && advice.short.mibS <= 80, `dirty rate ${advice.short.mibS} MiB/s`);
    assert.ok(advice.inputs.workingSetBytes >= 30 * MiB, `working set ${advice.inputs.workingSetBytes / MiB} MiB`);
    assert.match(advice.model, /model\.json, fitted on 8 trials/);
    const named = [...advice.ranked.map((o) => o.strategy), ...advice.excluded.map((e) => e.strategy)].sort();
    assert.deepEqual(named, ['postcopy', 'precopy']);
    assert.ok(advice.best, 'a best strategy');
    for (const o of advice.ranked) {
      assert.ok(o.prediction.totalMs > 0 && o.prediction.bytes > 32 * MiB, JSON.stringify(o));
      assert.equal(o.value, o.prediction.totalMs);
    }
    assert.deepEqual(await sweepLeftovers(), [], 'advise leaves nothing on the hosts or in the guest');
    assert.ok(runningOnExactlyOne());
  });

  test('without a model and nothing to fit: the default constants, said so; a wrong goal is one line and exit 2', async () => {
    const empty = join(work, 'no-results');
    mkdirSync(empty);
    const r = await migbench(['advise', '--hosts', HOSTS, '--results', empty]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /model: the analytic form with default constants \(no --model, and no results folder under .*no-results\/\)/);
    assert.match(r.stdout, /best for lowest downtime \(QEMU's\): \S+ .* how sure is unknown/);
    assert.match(r.stdout, /^precopy /m);
    assert.deepEqual(await sweepLeftovers(), []);
    const bad = await migbench(['advise', '--hosts', HOSTS, '--goal', 'fastest']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /--goal must be one of: downtime, total-time, bytes, service-latency/);
  });
});
