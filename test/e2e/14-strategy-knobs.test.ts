// The knobs operators ship today, on a lab whose two hosts run libvirt 11.3: multifd compression, TLS (the lab's
// CA), post-copy preempt (libvirt turns it on by itself), the switch-over bandwidth, Nova's downtime steps and
// KubeVirt's policy — each row showing it happened, from QEMU's own answers. What these hosts cannot do (zero-copy
// without CAP_SYS_RESOURCE, multifd with post-copy before QEMU 10.1) stops before any migration, naming why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { hasLibvirt11Tree, libvirt11Tree } from '../../src/lab/libvirt-release.js';
import { readTrials } from '../../src/results/read-trials.js';
import { migbench } from '../support/cli.js';
import { e2eSkipReason, missingPart } from '../support/e2e-env.js';
import { experiment } from '../support/experiment.js';
import { runToEnd } from '../support/sweep.js';
import { strategySet } from '../support/strategy-set.js';

const skip = e2eSkipReason() ?? missingPart('strategy-knob lab test', hasLibvirt11Tree() ? undefined : `libvirt 11.3 is not unpacked in ${libvirt11Tree()} (run .ci/install-deps)`);
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-knobs-'));
const DIR = process.env.MIGBENCH_E2E_DIR4 ?? '/tmp/migbench-e2e-lab-knobs';
const PREFIX = process.env.MIGBENCH_E2E_PREFIX4 ?? 'mbk';
const SUBNET = process.env.MIGBENCH_E2E_SUBNET4 ?? '10.77.13';
const HOSTS = join(DIR, 'hosts.yaml');

/** virsh on lab host A, through its own sshd. */
async function virshOnA(args: readonly string[]): Promise<string> {
  const r = await execa('ssh', ['-i', join(DIR, 'keys', 'id_ed25519'), '-o', `UserKnownHostsFile=${join(DIR, 'known_hosts')}`, '-o', 'BatchMode=yes', `root@${SUBNET}.1`, 'virsh', ...args], { reject: false });
  return String(r.stdout).trim();
}

describe('strategy knobs on libvirt 11.3', { skip }, () => {
  before(async () => {
    const up = await migbench(['lab', 'up', '--dir', DIR, '--prefix', PREFIX, '--subnet', SUBNET, '--libvirt', '11']);
    assert.equal(up.code, 0, `knobs lab: ${up.stdout}\n${up.stderr}`);
  });
  after(async () => {
    await migbench(['lab', 'down', '--dir', DIR]);
    rmSync(work, { recursive: true, force: true });
  });

  test('every preset on 11.3 does what it claims (the strategy test of 06)', async () => {
    const rows = await strategySet(work, HOSTS, 'strategies-11');
    for (const r of rows) {
      assert.equal(r.libvirt_version, '11.3.0');
      process.stderr.write(`11.3 ${r.strategy}: ${r.status}, total ${r.total_time_ms} ms, downtime ${r.downtime_ms} ms, ${r.data_processed_bytes} bytes, CPU ${r.src_qemu_cpu_ms}/${r.dst_qemu_cpu_ms} ms, preempt ${r.postcopy_preempt}\n`);
    }
    // QEMU 10 leaves `downtime` out of most post-copy jobs here: the report takes the events' pause, marked
    const substitutes = rows.filter((r) => r.status === 'completed' && r.downtime_ms === '' && r.event_downtime_ms !== '');
    const report = await migbench(['report', join(work, 'strategies-11')]);
    assert.equal(report.code, 0, report.stderr);
    process.stderr.write(`11.3: ${substitutes.length} completed trials without QEMU's downtime\n`);
    if (substitutes.length > 0) {
      assert.match(report.stdout, /^\* downtime from libvirt's events \(event_downtime_ms\)/m);
      assert.match(readFileSync(join(work, 'strategies-11', 'report.html'), 'utf8'), /fill="url\(#downtime-hatch\)"/);
    }
  });

  test('multifd compression, TLS, post-copy preempt and the switch-over bandwidth: each row shows what QEMU was told', async () => {
    const file = experiment(
      work,
      'idle',
      'strategies:\n  - {name: multifd, compression: [zstd, zlib], compression_level: 3}\n  - {name: precopy, tls: true}\n  - postcopy\nknobs: {switchover_bandwidth_mib_s: 100}\ndirections: a-to-b\nsettle_s: 0\n',
    );
    const { rows } = await runToEnd(file, join(work, 'idle'), { hosts: HOSTS });
    assert.equal(rows.length, 4);
    for (const r of rows) {
      assert.equal(r.status, 'completed', `${r.strategy}: ${r.error}`);
      assert.equal(r.libvirt_version, '11.3.0');
      assert.equal(r.switchover_bandwidth_mib_s, '100', `${r.strategy}: QEMU's avail-switchover-bandwidth`);
      assert.match(r.migrate_flags ?? '', /--available-switchover-bandwidth=100/);
      process.stderr.write(`${r.strategy}: total ${r.total_time_ms} ms, downtime ${r.downtime_ms} ms, ${r.data_processed_bytes} bytes, CPU ${r.src_qemu_cpu_ms}/${r.dst_qemu_cpu_ms} ms, compression ${r.multifd_compression} ×${r.multifd_compression_ratio}, tls ${r.tls}, preempt ${r.postcopy_preempt}, connections ${r.migration_connections}\n`);
    }
    const [zstd, zlib, tls, postcopy] = rows;
    for (const [r, method] of [[zstd!, 'zstd'], [zlib!, 'zlib']] as const) {
      assert.equal(r.multifd_compression, `${method}:3`);
      assert.match(r.migrate_flags ?? '', new RegExp(`--compressed --comp-methods=${method} --comp-${method}-level=3`));
      // an idle guest's non-zero pages compress well: the pages sent in full are several times the bytes sent
      assert.ok(Number(r.multifd_compression_ratio) > 1.5, `${method}: compressed ×${r.multifd_compression_ratio}`);
      assert.equal(r.migration_connections, '3', `${method}: the main channel and two multifd channels`);
    }
    assert.equal(tls!.tls, 'yes', 'QEMU had TLS credentials for the stream');
    assert.ok([zstd, zlib, postcopy].every((r) => r!.tls === 'no'));
    assert.equal(postcopy!.postcopy_used, 'yes');
    assert.equal(postcopy!.postcopy_preempt, 'yes', 'libvirt ≥ 10.0 turns preempt on between two hosts that have it');
    // preempt's channel shows in the destination's connection count only when a count catches it (2 in 4 of 5 runs,
    // 1 in one): reported, not asserted
    process.stderr.write(`postcopy with preempt: ${postcopy!.migration_connections} connection(s) counted\n`);
    assert.ok([zstd, zlib, tls].every((r) => r!.postcopy_preempt === 'no'));
  });

  test('TLS behind the delay relay: the certificate is checked against the destination name, not the relay address', async () => {
    const file = experiment(work, 'tls-delay', 'strategies:\n  - {name: precopy, tls: true}\ndelays_ms: [10]\ndirections: b-to-a\nsettle_s: 0\n');
    const { rows } = await runToEnd(file, join(work, 'tls-delay'), { hosts: HOSTS });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.status, 'completed', rows[0]!.error);
    assert.equal(rows[0]!.tls, 'yes');
    // netem fails on these hosts: the relay carried it (a trial whose stream bypassed the relay is failed)
    assert.equal(rows[0]!.delay_method, 'proxy');
  });

  test("Nova's downtime steps raise the max downtime until pre-copy converges; KubeVirt's budget switches to post-copy or aborts", async () => {
    const file = experiment(
      work,
      'policies',
      [
        'strategies:',
        '  - {name: precopy, downtime_steps: {max_ms: 2000, steps: 5, delay_s: 0.5}}',
        '  - {name: precopy, label: kv-postcopy, kubevirt: {completion_timeout_per_gib_s: 4, allow_postcopy: true}}',
        // last, so that the guest stays on A: its max downtime must be back to QEMU's default after the abort
        '  - {name: precopy, label: kv-abort, downtime_steps: {max_ms: 200, steps: 2, delay_s: 0.5}, kubevirt: {completion_timeout_per_gib_s: 4}}',
        'loads:\n  - {name: w64-200, size: 64, rate_mib_s: 200}',
        'knobs: {bandwidth_mib_s: 50}',
        'directions: a-to-b\nwarmup_s: 1\nsettle_s: 0\ntimeout: {seconds: 60, action: abort}',
      ].join('\n'),
    );
    const before = await virshOnA(['migrate-getmaxdowntime', 'mbvm']);
    const out = join(work, 'policies');
    const r = await migbench(['run', file, '--hosts', HOSTS, '--out', out]);
    assert.ok(existsSync(join(out, 'trials.csv')), `${r.stdout}\n${r.stderr}`);
    const [steps, kvPostcopy, kvAbort] = readTrials(join(out, 'trials.csv'));
    for (const row of [steps, kvPostcopy, kvAbort]) process.stderr.write(`${row!.strategy}: ${row!.status} total ${row!.total_time_ms} ms, downtime ${row!.downtime_ms} ms, steps ${row!.downtime_steps_applied}, kubevirt ${row!.kubevirt_action}, ${row!.error ?? ''}\n`);

    // 1 s per step (a 256 MiB guest counts as 2 GiB, 0.5 s each): 400, 720, 1040, 1360 … ms
    assert.equal(steps!.status, 'completed', steps!.error);
    const applied = (steps!.downtime_steps_applied ?? '').split(' ').map((s) => /^(\d+\.\d)s=(\d+)ms$/.exec(s));
    assert.ok(applied.length >= 2 && applied.every(Boolean), `steps applied: ${steps!.downtime_steps_applied}`);
    const nova = new Map([0, 1, 2, 3, 4, 5].map((i) => [400 + 320 * i, i]));
    let previous = 0;
    for (const m of applied) {
      const [at, ms] = [Number(m![1]), Number(m![2])];
      assert.ok(nova.has(ms) && ms > previous, `${ms} ms: one of Nova's values, each above the one before (${steps!.downtime_steps_applied})`);
      assert.ok(at >= nova.get(ms)! - 0.05, `${ms} ms set at ${at} s, not before its step's time`);
      previous = ms;
    }

    assert.equal(kvPostcopy!.status, 'completed', kvPostcopy!.error);
    assert.equal(kvPostcopy!.postcopy_used, 'yes');
    assert.equal(kvPostcopy!.postcopy_switch_reason, 'completion-timeout');
    assert.match(kvPostcopy!.kubevirt_action ?? '', /^postcopy at 5\.\d s: not completed within 4 s \(4 s per GB\)$/);

    assert.equal(kvAbort!.status, 'failed');
    assert.match(kvAbort!.error ?? '', /^the kubevirt policy aborted the job: not completed within 4 s/);
    assert.match(kvAbort!.kubevirt_action ?? '', /^abort at 5\.\d s/);
    assert.notEqual(r.code, 0, 'a failed trial makes the sweep exit non-zero');
    assert.equal(await virshOnA(['domstate', 'mbvm']), 'running', 'the aborted guest runs on on A');
    assert.equal(await virshOnA(['migrate-getmaxdowntime', 'mbvm']), before, 'the steps were undone on the guest that stayed');
  });

  test('what these hosts cannot do stops before any migration, naming what is needed', async () => {
    const file = experiment(work, 'refused', 'strategies:\n  - {name: multifd, label: mf-zc, zerocopy: true}\n  - {name: multifd, label: mf-pc, kubevirt: {allow_postcopy: true}}\ndirections: a-to-b\n');
    const doctor = await migbench(['doctor', '--hosts', HOSTS, '--experiment', file]);
    const qemu = /mbkA +versions +PASS +libvirt 11\.3\.0, QEMU (\d+)\.(\d+)/.exec(doctor.stdout);
    assert.ok(qemu, doctor.stdout);
    const multifdPostcopy = Number(qemu[1]) > 10 || (Number(qemu[1]) === 10 && Number(qemu[2]) >= 1);
    if (!multifdPostcopy) assert.match(doctor.stdout, /mbkA +strategy mf-pc +FAIL +multifd with post-copy needs QEMU ≥ 10\.1; this host runs 10\.0\.\d+ +upgrade mbkA to QEMU 10\.1 or newer/);
    const capEff = (await execa('sh', ['-c', "sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status"])).stdout.trim();
    const canLock = ((BigInt(`0x${capEff}`) >> 24n) & 1n) === 1n;
    if (!canLock) assert.match(doctor.stdout, /mbkA +zero-copy \(locked memory\) +FAIL +libvirt's daemon lacks CAP_SYS_RESOURCE/);
    process.stderr.write(`this machine: QEMU ${qemu[1]}.${qemu[2]}, CAP_SYS_RESOURCE ${canLock ? 'yes' : 'no'}\n`);
    if (multifdPostcopy && canLock) return; // both would run: nothing to refuse here
    assert.notEqual(doctor.code, 0);
    const run = await migbench(['run', file, '--hosts', HOSTS, '--out', join(work, 'refused')]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /^migbench: not ready: mbkA: (strategy mf-pc|zero-copy)/m);
    assert.ok(!existsSync(join(work, 'refused', 'trials.csv')) || readTrials(join(work, 'refused', 'trials.csv')).length === 0, 'no migration ran');
  });
});
