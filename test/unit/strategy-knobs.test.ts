// Issue 14's knobs on pure code: parsing and flags, Nova's downtime steps, KubeVirt's policy, the release each
// feature needs, what QEMU said it was told, the doctor's capability test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExperimentSchema } from '../../src/config/experiment.js';
import { hasCapability } from '../../src/doctor/feature-checks.js';
import { knobRequirements, strategyRequirements, unknownRelease, unmet, upgradeFix } from '../../src/doctor/requirements.js';
import { migrateArgs, migrateFlags } from '../../src/libvirt/migrate-args.js';
import { parseMigrationSettings, settingsFromRead } from '../../src/libvirt/migration-settings.js';
import { experimentError } from '../support/experiment-error.js';
import { downtimeSchedule, DowntimeStepper } from '../../src/trial/downtime-steps.js';
import { completionBudgetS, KubevirtMonitor } from '../../src/trial/kubevirt-policy.js';

const exp = (strategies: unknown[], extra: object = {}) => ExperimentSchema.parse({ name: 'x', strategies, ...extra });
const flags = (e: ReturnType<typeof exp>, i = 0, extra: object = {}) => migrateFlags(migrateArgs({ domain: 'd', strategy: e.strategies[i]!, knobs: e.knobs[0], destinationUri: 'u', ...extra }));
const err = experimentError;

test('knobs become virsh flags and labels', () => {
  const e = exp([{ name: 'multifd', connections: 4, compression: ['zstd', 'zlib'], compression_level: 3 }, { name: 'multifd', zerocopy: true }, { name: 'precopy', tls: true }], { knobs: { switchover_bandwidth_mib_s: 100 } });
  assert.deepEqual(e.strategies.map((s) => s.label), ['multifd(connections=4,compression=zstd,compression_level=3)', 'multifd(connections=4,compression=zlib,compression_level=3)', 'multifd(connections=2,zerocopy)', 'precopy(tls)']);
  assert.equal(flags(e, 0), '--live --persistent --parallel --parallel-connections=4 --compressed --comp-methods=zstd --comp-zstd-level=3 --available-switchover-bandwidth=100');
  assert.equal(flags(e, 1), '--live --persistent --parallel --parallel-connections=4 --compressed --comp-methods=zlib --comp-zlib-level=3 --available-switchover-bandwidth=100');
  assert.equal(flags(e, 2), '--live --persistent --parallel --parallel-connections=2 --zerocopy --available-switchover-bandwidth=100');
  // behind the relay the stream goes to 127.0.0.1; the certificate names the destination
  const tls = migrateArgs({ domain: 'd', strategy: e.strategies[3]!, destinationUri: 'qemu+ssh://root@hostB/system', migrateUri: 'tcp://127.0.0.1:49300', tlsDestination: 'hostB' });
  assert.ok(tls.includes('--tls') && tls.includes('--tls-destination=hostB'));
  assert.equal(migrateFlags(tls), '--live --persistent --tls');
});

test('the policies parse with their defaults; kubevirt with allow_postcopy starts with --postcopy', () => {
  const e = exp([{ name: 'precopy', downtime_steps: { max_ms: 500 } }, { name: 'precopy', label: 'kv', kubevirt: { allow_postcopy: true } }, { name: 'auto-converge', kubevirt: {} }]);
  assert.deepEqual(e.strategies[0]!.downtimeSteps, { maxMs: 500, steps: 10, delayS: 75 });
  assert.equal(e.strategies[0]!.label, 'precopy(downtime_max_ms=500,downtime_steps=10,downtime_delay_s=75)');
  assert.deepEqual(e.strategies[1]!.kubevirt, { progressTimeoutS: 150, completionTimeoutPerGiBS: 150, allowPostcopy: true });
  assert.equal(e.strategies[1]!.postcopy, 'policy');
  assert.equal(flags(e, 1), '--live --persistent --postcopy');
  assert.equal(e.strategies[2]!.postcopy, 'none');
  assert.equal(flags(e, 2), '--live --persistent --auto-converge');
});

test('combinations no release allows, and misplaced knobs, are refused when the experiment is read', () => {
  assert.match(err('name: x\nstrategies:\n  - {name: multifd, zerocopy: true, compression: zstd}\n'), /cannot run: QEMU refuses zero-copy with multifd compression/);
  assert.match(err('name: x\nstrategies:\n  - {name: multifd, zerocopy: true, tls: true}\n'), /QEMU refuses zero-copy with TLS/);
  assert.match(err('name: x\nstrategies:\n  - {name: precopy, tls: true, tunnelled: true}\n'), /libvirt refuses TLS with tunnelled/);
  assert.match(err('name: x\nstrategies:\n  - {name: precopy, compression: zstd}\n'), /strategies\[0\]\.compression: compression only applies to multifd/);
  assert.match(err('name: x\nstrategies:\n  - {name: multifd, compression: lz4}\n'), /compression "lz4" is not one of zstd, zlib/);
  assert.match(err('name: x\nstrategies:\n  - {name: multifd, compression_level: 3}\n'), /compression_level only applies to a compression/);
  assert.match(err('name: x\nstrategies:\n  - {name: multifd, compression: zlib, compression_level: 12}\n'), /zlib levels are 1-9/);
  assert.match(err('name: x\nstrategies:\n  - {name: postcopy, kubevirt: {}}\n'), /kubevirt policy applies to the pre-copy presets/);
  assert.match(err('name: x\nstrategies:\n  - {name: precopy, downtime_steps: {max_ms: 500}}\nknobs: {max_downtime_ms: 300}\n'), /downtime_steps sets the max downtime itself/);
  assert.match(err('name: x\nstrategies:\n  - {name: precopy, downtime_steps: {steps: 3}}\n'), /max_ms/);
  assert.match(err('name: x\nstrategies:\n  - {name: precopy, downtime_steps: {max_ms: 4, steps: 5}}\n'), /max_ms must be at least steps/);
  assert.match(err('name: x\nstrategies:\n  - {name: precopy, downtime_steps: {max_ms: 500, delay_s: 0.2}}\n'), /delay_s must be at least 0\.5/);
  assert.match(err('name: x\nstrategies:\n  - {name: precopy, tunnelled: true, kubevirt: {allow_postcopy: true}}\n'), /allow_postcopy needs post-copy, which libvirt refuses with tunnelled/);
  // post-copy with multifd depends on QEMU's release: the doctor's, no longer refused here
  assert.equal(exp([{ name: 'multifd', kubevirt: { allow_postcopy: true } }]).strategies.length, 1);
});

test("Nova's downtime steps: its own numbers (500 ms, 10 steps, 75 s per GiB) and a lab-sized schedule", () => {
  // nova/virt/libvirt/migration.py downtime_steps(data_gb=4): delay int(75 × 4) = 300 s, base 50, offset 45
  const nova = downtimeSchedule({ maxMs: 500, steps: 10, delayS: 75 }, 4 * 2 ** 30);
  assert.equal(nova.length, 11);
  assert.deepEqual(nova.slice(0, 3), [{ afterMs: 0, downtimeMs: 50 }, { afterMs: 300_000, downtimeMs: 95 }, { afterMs: 600_000, downtimeMs: 140 }]);
  assert.deepEqual(nova.at(-1), { afterMs: 3_000_000, downtimeMs: 500 });
  // a 256 MiB guest counts as 2 GiB, as Nova's max(2, …) has it: 0.5 s per GiB → 1 s per step
  const lab = downtimeSchedule({ maxMs: 2000, steps: 5, delayS: 0.5 }, 256 * 2 ** 20);
  assert.deepEqual(lab.map((s) => [s.afterMs, s.downtimeMs]), [[0, 400], [1000, 720], [2000, 1040], [3000, 1360], [4000, 1680], [5000, 2000]]);
  const stepper = new DowntimeStepper(lab);
  assert.equal(stepper.first, 400);
  assert.deepEqual([0, 500, 1000, 1001, 1500, 2600, 2700, 9000].map((t) => stepper.observe(t)), [undefined, undefined, undefined, 720, undefined, 1040, undefined, 2000]);
});

test("KubeVirt's policy: progress is a fall below the previous sample; past the budget per GB post-copy wins, else abort; whole seconds", () => {
  const s = (t: number, remainingMiB: number) => ({ at: t, type: 'unbounded' as const, stats: { time_elapsed: t, data_remaining: remainingMiB * 2 ** 20 } });
  const policy = (progressTimeoutS: number, completionTimeoutPerGiBS: number, allowPostcopy: boolean) => new KubevirtMonitor({ progressTimeoutS, completionTimeoutPerGiBS, allowPostcopy }, 256 * 2 ** 20);
  assert.equal(completionBudgetS({ progressTimeoutS: 150, completionTimeoutPerGiBS: 150, allowPostcopy: false }, 2 * 2 ** 30), 450, '2 GiB is 2.15 GB, rounded up to 3');
  const stall = policy(5, 100, false);
  assert.equal(stall.observe(s(1000, 200)), undefined);
  assert.equal(stall.observe(s(3000, 60)), undefined);
  assert.equal(stall.observe(s(7000, 64)), undefined, 'up again: no progress since 3 s');
  assert.equal(stall.observe(s(8100, 61)), undefined, 'below the previous sample (64): progress, though not a new low');
  assert.equal(stall.observe(s(14_000, 62)), undefined, '5.9 s without progress is 5 whole seconds: not more than 5');
  const stalled = stall.observe(s(14_200, 62));
  assert.deepEqual(stalled, { action: 'abort', reason: 'no-progress', detail: 'no progress for 5 s (data_remaining last fell at 8.1 s; 62 MiB left)' });
  assert.equal(stall.observe(s(15_000, 10)), undefined, 'it acts once');
  const pc = policy(150, 4, true);
  assert.equal(pc.observe(s(4900, 50)), undefined, '4.9 s is 4 whole seconds');
  assert.deepEqual(pc.observe(s(5000, 40)), { action: 'postcopy', reason: 'completion-timeout', detail: 'not completed within 4 s (4 s per GB)' });
  assert.equal(policy(150, 4, false).observe(s(5000, 40))?.action, 'abort');
  // both at once: KubeVirt switches to post-copy before it looks at progress
  const both = policy(1, 4, true);
  assert.equal(both.observe(s(0, 100)), undefined);
  assert.equal(both.observe(s(5000, 100))?.action, 'postcopy');
  const off = policy(0, 0, false);
  assert.equal(off.observe(s(0, 100)) ?? off.observe(s(1e6, 100)), undefined, '0 turns both timeouts off');
});

test('the release each feature needs, against the versions a host reports', () => {
  const [zstd, pcMultifd, tls] = exp([{ name: 'multifd', compression: 'zstd' }, { name: 'multifd', kubevirt: { allow_postcopy: true } }, { name: 'precopy', tls: true }]).strategies;
  const v9 = { daemon: '9.0.0', library: '9.0.0', hypervisor: 'QEMU 10.0.2' };
  const v11 = { daemon: '11.3.0', library: '11.3.0', hypervisor: 'QEMU 10.0.2' };
  const [c] = strategyRequirements(zstd!);
  assert.equal(unmet(c!, v9), 'compression: zstd needs libvirt ≥ 9.4; this host runs 9.0.0');
  assert.equal(unmet(c!, v11), undefined);
  assert.match(upgradeFix(c!, 'hostA'), /^upgrade hostA to libvirt 9\.4 and QEMU 5\.0 or newer \(both hosts of the pair need it\), or drop compression: zstd/);
  assert.equal(strategyRequirements(exp([{ name: 'multifd' }]).strategies[0]!, 'postcopy')[0]?.feature, 'multifd with post-copy', 'timeout action postcopy adds --postcopy');
  assert.equal(unknownRelease(strategyRequirements(zstd!)[0]!, { daemon: undefined, library: undefined, hypervisor: 'QEMU 10.0.2' }), 'compression: zstd needs libvirt ≥ 9.4; this host\'s release is unknown (libvirt ?, QEMU 10.0.2)');
  const [m] = strategyRequirements(pcMultifd!);
  assert.equal(unmet(m!, v11), 'multifd with post-copy needs QEMU ≥ 10.1; this host runs 10.0.2');
  assert.equal(unmet(m!, { ...v11, hypervisor: 'QEMU 10.1.0' }), undefined);
  assert.equal(unmet(strategyRequirements(tls!)[0]!, v9), undefined);
  const [sw] = knobRequirements({ switchoverBandwidthMiBs: 100 });
  assert.equal(unmet(sw!, v9), 'switchover_bandwidth_mib_s needs libvirt ≥ 11.1; this host runs 9.0.0');
  assert.equal(unmet(sw!, { daemon: '11.0.0', library: '11.0.0', hypervisor: 'QEMU 8.1.5' }), 'switchover_bandwidth_mib_s needs libvirt ≥ 11.1; this host runs 11.0.0, and QEMU ≥ 8.2; this host runs 8.1.5');
  assert.deepEqual(knobRequirements({}), []);
});

test("what QEMU was told: capabilities and parameters from virsh qemu-monitor-command's answers", () => {
  const caps = '{"return":[{"state":false,"capability":"xbzrle"},{"state":true,"capability":"postcopy-preempt"},{"state":false,"capability":"zero-copy-send"}],"id":"libvirt-1"}';
  const params = '{"return":{"multifd-compression":"zstd","multifd-zstd-level":3,"multifd-zlib-level":1,"tls-creds":"objlibvirt_migrate_tls0","downtime-limit":300,"avail-switchover-bandwidth":104857600},"id":"libvirt-2"}';
  assert.deepEqual(parseMigrationSettings(caps, params), { postcopyPreempt: true, zeroCopy: false, multifdCompression: 'zstd', multifdCompressionLevel: 3, tls: true, downtimeLimitMs: 300, switchoverBandwidth: 104857600 });
  assert.equal(parseMigrationSettings('error: domain is not running', '')?.tls, undefined);
  assert.equal(parseMigrationSettings('', ''), undefined);
  // trusted only between two answers that say the migration is under way
  const status = (st: string) => `{"return":{"status":"${st}","ram":{"transferred":1}},"id":"libvirt-9"}`;
  assert.equal(settingsFromRead([status('active'), caps, params, status('postcopy-active')])?.postcopyPreempt, true);
  assert.equal(settingsFromRead([status('setup'), caps, params, status('completed')]), undefined, 'libvirt may have reset them once the job was over');
  assert.equal(settingsFromRead(['{"return":{},"id":"libvirt-1"}', caps, params, status('active')]), undefined, 'libvirt may not have set them before migrate');
  assert.equal(settingsFromRead([status('active'), params, status('active')]), undefined, 'an answer is missing');
});

test("the doctor's capability test reads CapEff: this machine's container drops CAP_SYS_RESOURCE (bit 24)", () => {
  assert.equal(hasCapability('000001fffeffffff', 24n), false);
  assert.equal(hasCapability('000001ffffffffff', 24n), true);
  assert.equal(hasCapability('', 24n), undefined);
});
