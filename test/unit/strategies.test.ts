import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExperimentSchema } from '../../src/config/experiment.js';
import { migrateArgs, migrateFlags } from '../../src/libvirt/migrate-args.js';
import { planTrials } from '../../src/plan/plan.js';
import { experimentError } from '../support/experiment-error.js';
import { SwitchPolicy } from '../../src/trial/switch-policy.js';

const exp = (strategies: unknown[], extra: object = {}) => ExperimentSchema.parse({ name: 'x', strategies, ...extra });
const flags = (e: ReturnType<typeof exp>, i = 0) => migrateFlags(migrateArgs({ domain: 'd', strategy: e.strategies[i]!, knobs: e.knobs[0], destinationUri: 'u' }));

test('every strategy maps to its virsh flags', () => {
  const e = exp(['precopy', 'postcopy', 'hybrid', 'hybrid-timeout', 'auto-converge', 'xbzrle', 'multifd']);
  assert.deepEqual(e.strategies.map((_, i) => flags(e, i)), [
    '--live --persistent',
    '--live --persistent --postcopy --bandwidth=1',
    '--live --persistent --postcopy --postcopy-after-precopy',
    '--live --persistent --postcopy',
    '--live --persistent --auto-converge',
    '--live --persistent --compressed --comp-methods=xbzrle',
    '--live --persistent --parallel --parallel-connections=2',
  ]);
  assert.deepEqual(e.strategies.map((s) => s.postcopy), ['none', 'immediate', 'after-precopy', 'policy', 'none', 'none', 'none']);
});

test('parameters and features: values become flags and labels', () => {
  const e = exp([
    { name: 'auto-converge', initial_pct: 30, increment_pct: 5 },
    { name: 'xbzrle', cache_mib: 64 },
    { name: 'postcopy', auto_converge: true, xbzrle: true },
    { name: 'hybrid-timeout', switch_after_s: 20, min_progress_pct: 5 },
  ]);
  assert.equal(flags(e, 0), '--live --persistent --auto-converge --auto-converge-initial=30 --auto-converge-increment=5');
  assert.equal(flags(e, 1), `--live --persistent --compressed --comp-methods=xbzrle --comp-xbzrle-cache=${64 * 2 ** 20}`);
  assert.equal(flags(e, 2), '--live --persistent --postcopy --auto-converge --compressed --comp-methods=xbzrle --bandwidth=1');
  assert.deepEqual(e.strategies.map((s) => s.label), [
    'auto-converge(initial_pct=30,increment_pct=5)',
    'xbzrle(cache_mib=64)',
    'postcopy(auto_converge,xbzrle)',
    'hybrid-timeout(after_s=20,min_progress_pct=5)',
  ]);
  assert.deepEqual(e.strategies[3]!.switchPolicy, { afterS: 20, minProgressPct: 5 });
});

test('a list of values is an axis: multifd 2/4/8, bandwidth 100/300/1000 Mbit/s', () => {
  const e = exp([{ name: 'multifd', connections: [2, 4, 8] }, 'precopy'], { knobs: { bandwidth_mbit_s: [100, 300, 1000], max_downtime_ms: 300 } });
  assert.deepEqual(e.strategies.map((s) => s.label), ['multifd(connections=2)', 'multifd(connections=4)', 'multifd(connections=8)', 'precopy']);
  assert.deepEqual(e.knobs.map((k) => k.bandwidthMiBs), [12, 36, 119]);
  assert.ok(e.knobs.every((k) => k.maxDowntimeMs === 300));
  const trials = planTrials(e);
  assert.equal(trials.length, 4 * 3 * 2);
  const args = migrateArgs({ domain: 'd', strategy: e.strategies[1]!, knobs: e.knobs[2], destinationUri: 'u' });
  assert.ok(args.includes('--parallel-connections=4') && args.includes('--bandwidth=119'));
  const pc = migrateArgs({ domain: 'd', strategy: exp(['postcopy']).strategies[0]!, knobs: { postcopyBandwidthMiBs: 50 }, destinationUri: 'u' });
  assert.ok(pc.includes('--postcopy-bandwidth=50'));
  // post-copy holds pre-copy at 1 MiB/s until its switch, unless the experiment caps pre-copy itself
  assert.ok(pc.includes('--bandwidth=1'));
  const capped = migrateArgs({ domain: 'd', strategy: exp(['postcopy']).strategies[0]!, knobs: { bandwidthMiBs: 20 }, destinationUri: 'u' });
  assert.deepEqual(capped.filter((a) => a.startsWith('--bandwidth')), ['--bandwidth=20']);
  const hybrid = migrateArgs({ domain: 'd', strategy: exp(['hybrid']).strategies[0]!, destinationUri: 'u' });
  assert.ok(!hybrid.some((a) => a.startsWith('--bandwidth')), 'only the immediate switch holds pre-copy down');
});

test('combinations libvirt or QEMU refuse are refused when the experiment is read, with the reason', () => {
  const err = experimentError;
  assert.match(err('name: x\nstrategies:\n  - {name: postcopy, tunnelled: true}\n'), /^e\.yaml:3: strategies\[0\]: postcopy\(tunnelled\) cannot run: libvirt refuses post-copy with tunnelled migration/);
  assert.match(err('name: x\nstrategies:\n  - {name: multifd, tunnelled: true}\n'), /libvirt refuses tunnelled with parallel migration/);
  assert.match(err('name: x\nstrategies:\n  - {name: multifd, xbzrle: true}\n'), /QEMU refuses xbzrle with multifd/);
  assert.match(err('name: x\nstrategies:\n  - {name: precopy, connections: 4}\n'), /^e\.yaml:3: strategies\[0\]\.connections: connections only applies to multifd/);
  assert.match(err('name: x\nstrategies:\n  - {name: multifd, connections: 0}\n'), /connections/);
  assert.match(err('name: x\nstrategies: [precopy, precopy]\n'), /same label/);
  assert.match(err('name: x\nstrategies: [precopy]\nknobs: {bandwidth_mib_s: 10, bandwidth_mbit_s: 80}\n'), /not both/);
});

test("hybrid-timeout switches like Nova: an iteration that gains < 10 %, or the timeout", () => {
  const s = (t: number, iteration: number, remainingMiB: number) => ({ at: t, type: 'unbounded' as const, stats: { time_elapsed: t, memory_iteration: iteration, data_remaining: remainingMiB * 2 ** 20 } });
  const p = new SwitchPolicy(30_000, 10);
  assert.equal(p.observe(s(100, 1, 256)), undefined);
  assert.equal(p.observe(s(900, 1, 100)), undefined);
  assert.equal(p.observe(s(1000, 2, 150)), undefined, 'iteration 2: 256 → 150 MiB is progress');
  assert.equal(p.observe(s(1600, 2, 90)), undefined, 'within an iteration nothing is decided');
  assert.equal(p.observe(s(2000, 3, 140)), 'no-progress', 'iteration 3: 150 → 140 MiB is < 10 %');
  const t = new SwitchPolicy(5000, 10);
  assert.equal(t.observe(s(4900, 1, 200)), undefined);
  assert.equal(t.observe(s(5000, 1, 180)), 'timeout');
});
