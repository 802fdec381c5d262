// A mixed pair, as fleets run while hosts are upgraded one by one: lab host A on bookworm's libvirt 9.0, B on
// 11.3 from bookworm-backports (unpacked by .ci/install-deps, bound over the machine's files in B's mount namespace).
// The smoke set, both directions, pre-copy and post-copy, idle and with a writer: every trial completes and each
// row names both ends' versions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasLibvirt11Tree, libvirt11Tree } from '../../src/lab/libvirt-release.js';
import { migbench } from '../support/cli.js';
import { e2eSkipReason, missingPart } from '../support/e2e-env.js';
import { experiment } from '../support/experiment.js';
import { runToEnd } from '../support/sweep.js';

// without the unpacked 11.3 this file cannot run
const skip = e2eSkipReason() ?? missingPart('mixed-pair lab test', hasLibvirt11Tree() ? undefined : `libvirt 11.3 is not unpacked in ${libvirt11Tree()} (run .ci/install-deps)`);
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-mixed-'));
const DIR = process.env.MIGBENCH_E2E_DIR3 ?? '/tmp/migbench-e2e-lab-mixed';
const LAB = ['--dir', DIR, '--prefix', process.env.MIGBENCH_E2E_PREFIX3 ?? 'mbv', '--subnet', process.env.MIGBENCH_E2E_SUBNET3 ?? '10.77.11'];
const HOSTS = join(DIR, 'hosts.yaml');

describe('a mixed pair: libvirt 9.0 and 11.3', { skip }, () => {
  before(async () => {
    const up = await migbench(['lab', 'up', ...LAB, '--libvirt', '9,11']);
    assert.equal(up.code, 0, `mixed lab: ${up.stdout}\n${up.stderr}`);
  });
  after(async () => {
    await migbench(['lab', 'down', '--dir', DIR]);
    rmSync(work, { recursive: true, force: true });
  });

  test('lab status and the doctor show 9.0 on A and 11.3 on B', async () => {
    const status = await migbench(['lab', 'status', '--dir', DIR]);
    assert.equal(status.code, 0, status.stdout);
    assert.match(status.stdout, /^mbvA +\S+ +9 +yes/m);
    assert.match(status.stdout, /^mbvB +\S+ +11 +yes/m);
    const doctor = await migbench(['doctor', '--hosts', HOSTS]);
    assert.equal(doctor.code, 0, doctor.stdout);
    assert.match(doctor.stdout, /mbvA +versions +PASS +libvirt 9\.0\.0, QEMU 10\./);
    assert.match(doctor.stdout, /mbvB +versions +PASS +libvirt 11\.3\.0, QEMU 10\./);
  });

  test('pre-copy and post-copy between the two, both directions, idle and writing: all complete, both versions recorded', async () => {
    const file = experiment(work, 'mixed', 'strategies: [precopy, postcopy]\nloads:\n  - idle\n  - {name: w32-40, size: 32, rate_mib_s: 40}\ndirections: both\nwarmup_s: 1\nsettle_s: 0\n');
    const { rows } = await runToEnd(file, join(work, 'mixed'), { hosts: HOSTS });
    assert.equal(rows.length, 8);
    for (const r of rows) {
      assert.equal(r.status, 'completed', `${r.strategy} ${r.load} ${r.direction}: ${r.error}`);
      const [src, dst] = r.direction === 'a-to-b' ? ['9.0.0', '11.3.0'] : ['11.3.0', '9.0.0'];
      assert.equal(r.libvirt_version, src, `${r.direction}: the source's libvirt`);
      assert.equal(r.dst_libvirt_version, dst, `${r.direction}: the destination's libvirt`);
      assert.match(r.dst_qemu_version ?? '', /^QEMU 10\./);
      if (r.load !== 'idle') assert.ok(Number(r.data_processed_bytes) > 32 * 2 ** 20, `${r.direction}: the writer's 32 MiB crossed (${r.data_processed_bytes} bytes)`);
      if (r.strategy === 'postcopy') assert.equal(r.postcopy_used, 'yes', `${r.direction}: post-copy ran`);
      // preempt needs both ends: libvirt 11.3 turns it on only towards a host that has it
      if (r.strategy === 'postcopy') assert.equal(r.postcopy_preempt, 'no', `${r.direction}: no preempt with a 9.0 end`);
    }
  });

  test('what needs libvirt 9.4 or 11.1 stops before any migration, naming the 9.0 host and the release', async () => {
    const file = experiment(work, 'newer', 'strategies:\n  - {name: multifd, compression: zstd}\nknobs: {switchover_bandwidth_mib_s: 100}\ndirections: a-to-b\n');
    const doctor = await migbench(['doctor', '--hosts', HOSTS, '--experiment', file]);
    assert.equal(doctor.code, 1, doctor.stdout);
    assert.match(doctor.stdout, /mbvA +strategy multifd\(connections=2,compression=zstd\) +FAIL +compression: zstd needs libvirt ≥ 9\.4; this host runs 9\.0\.0 +upgrade mbvA to libvirt 9\.4/);
    assert.match(doctor.stdout, /mbvA +knob switchover_bandwidth_mib_s +FAIL +switchover_bandwidth_mib_s needs libvirt ≥ 11\.1; this host runs 9\.0\.0/);
    assert.match(doctor.stdout, /mbvB +strategy multifd\(connections=2,compression=zstd\) +PASS/);
    assert.match(doctor.stdout, /mbvB +knob switchover_bandwidth_mib_s +PASS/);
    const run = await migbench(['run', file, '--hosts', HOSTS, '--out', join(work, 'newer')]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^migbench: not ready: mbvA: strategy multifd\(connections=2,compression=zstd\): compression: zstd needs libvirt ≥ 9\.4/m);
    assert.ok(!existsSync(join(work, 'newer', 'trials.csv')), 'no migration ran');
  });
});
