// Every strategy on the lab, each showing in its row that it did what it claims; knobs; and the doctor, on the
// lab and on a lab host broken on purpose.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { num } from '../../src/results/read-trials.js';
import { migbench, oneLineError } from '../support/cli.js';
import { e2eSkipReason } from '../support/e2e-env.js';
import { experiment } from '../support/experiment.js';
import { sweep } from '../support/sweep.js';
import { strategySet } from '../support/strategy-set.js';
import { HOSTS, hostsVariant, LAB_DIR, PREFIX, restartLibvirtd, sweepLeftovers, useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-strat-'));

/** Runs the doctor; returns its exit code and the rows that failed, as "host check: found — fix". */
async function doctor(hostsFile = HOSTS): Promise<{ code: number; failed: string[]; out: string }> {
  const r = await migbench(['doctor', '--hosts', hostsFile]);
  const failed = r.stdout.split('\n').filter((l) => / FAIL /.test(l)).map((l) => l.replace(/\s{2,}/g, ' | ').trim());
  return { code: r.code, failed, out: r.stdout };
}

/** Edits a lab host's file for the duration of `fn`. */
async function withFile(path: string, edit: (s: string) => string, fn: () => Promise<void>, restart?: 'A' | 'B'): Promise<void> {
  const original = readFileSync(path, 'utf8');
  writeFileSync(path, edit(original));
  try {
    if (restart) await restartLibvirtd(restart);
    await fn();
  } finally {
    writeFileSync(path, original);
    if (restart) await restartLibvirtd(restart);
  }
}

describe('strategies, knobs and the doctor on the lab', { skip }, () => {
  before(useTestLab);
  after(() => rmSync(work, { recursive: true, force: true }));

  test('each strategy did what it claims (a 100 MiB/s writer behind a 20 ms delay)', async () => {
    await strategySet(work, HOSTS);
    assert.deepEqual(await sweepLeftovers(), []);
  });

  test('knobs: a bandwidth cap holds, a max downtime is set', async () => {
    const [r] = await sweep(work, 'knobs', 'strategies: [precopy]\ndirections: a-to-b\nknobs: {bandwidth_mib_s: 20, max_downtime_ms: 50}\nsettle_s: 0\n');
    assert.equal(r!.status, 'completed', r!.error);
    assert.equal(r!.knobs, 'bandwidth_mib_s=20 max_downtime_ms=50');
    assert.match(r!.migrate_flags ?? '', /--bandwidth=20/);
    assert.ok(num(r!, 'memory_bps')! <= 20 * 2 ** 20 * 1.15, `throughput ${r!.memory_bps} B/s above the 20 MiB/s cap`);
    const expect = num(r!, 'data_processed_bytes')! / (20 * 2 ** 20) * 1000;
    assert.ok(num(r!, 'total_time_ms')! > expect * 0.8, `total ${r!.total_time_ms} ms, at 20 MiB/s at least ${Math.round(expect)} ms`);
    const raw = readFileSync(join(work, 'knobs', 'raw.jsonl'), 'utf8');
    assert.match(raw, /"maxDowntimeReadBack":"50"/);
  });

  test('the doctor passes on the lab', async () => {
    const d = await doctor();
    assert.equal(d.code, 0, d.out);
    assert.deepEqual(d.failed, []);
    assert.match(d.out, /strategy multifd\s+PASS/);
    assert.match(d.out, /post-copy \(userfaultfd\)\s+PASS\s+QEMU runs as root/);
  });

  test('the doctor fails a deliberately broken host with the right fix for each problem', async () => {
    const hostB = join(LAB_DIR, 'hosts', 'B');
    // same host UUID as A
    await withFile(join(hostB, 'etc-libvirt', 'libvirtd.conf'), (s) => s.replace(/^host_uuid = "[^"]+"/m, 'host_uuid = "4d4c4142-0000-4000-8000-00000000000a"'), async () => {
      const d = await doctor();
      assert.equal(d.code, 1);
      assert.ok(d.failed.some((l) => /host UUIDs \| FAIL \| both libvirtds report 4d4c4142-0000-4000-8000-00000000000a:.* \| set a distinct host_uuid/.test(l)), d.out);
    }, 'B');
    // B's name resolves to loopback on B itself
    await withFile(join(hostB, 'hosts'), (s) => s.replace(new RegExp(`^\\S+ ${PREFIX}B$`, 'm'), `127.0.0.1 ${PREFIX}B`), async () => {
      const d = await doctor();
      assert.equal(d.code, 1);
      assert.ok(d.failed.some((l) => new RegExp(`${PREFIX}B \\| migration address \\| FAIL \\| its host name ${PREFIX}B resolves to 127\\.0\\.0\\.1 here .* \\| map ${PREFIX}B to its real address .* or set migrate_uri`).test(l)), d.out);
      // and migbench run stops before touching anything, with the same finding
      const file = experiment(work, 'ok', 'strategies: [precopy]\n');
      const r = await migbench(['run', file, '--hosts', HOSTS, '--out', join(work, 'never')]);
      assert.equal(r.code, 1);
      assert.match(oneLineError(r), new RegExp(`^migbench: not ready: ${PREFIX}B: migration address: `));
    });
    // post-copy not permitted: QEMU as an unprivileged user, unprivileged userfaultfd off
    await withFile(join(hostB, 'etc-libvirt', 'qemu.conf'), (s) => s.replace(/^user = "root"$/m, 'user = "libvirt-qemu"'), async () => {
      const d = await doctor();
      assert.equal(d.code, 1);
      assert.ok(d.failed.some((l) => new RegExp(`${PREFIX}B \\| post-copy \\(userfaultfd\\) \\| FAIL \\| QEMU runs as libvirt-qemu and vm.unprivileged_userfaultfd = 0.* \\| sysctl -w vm.unprivileged_userfaultfd=1`).test(l)), d.out);
    });
    // missing domain
    const noDomain = hostsVariant(work, 'nodomain.yaml', (d) => (d.domain = 'nosuchvm'));
    const d = await doctor(noDomain);
    assert.equal(d.code, 1);
    assert.ok(d.failed.some((l) => /domain \| FAIL \| nosuchvm is not defined on either host \| check "domain" in the hosts file/.test(l)), d.out);
    // and everything is back
    assert.equal((await doctor()).code, 0);
  });
});
