import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExperimentSchema } from '../../src/config/experiment.js';
import { STRATEGIES } from '../../src/config/strategy.js';
import { migrateArgs } from '../../src/libvirt/migrate-args.js';
import { planTrials } from '../../src/plan/plan.js';

test('the plan is repetition-major and ping-pongs within each cell', () => {
  const e = ExperimentSchema.parse({ name: 's', strategies: ['precopy', 'postcopy'], repetitions: 3 });
  const trials = planTrials(e);
  assert.equal(trials.length, 12);
  assert.deepEqual(
    trials.slice(0, 4).map((t) => `${t.strategy.name}/${t.direction}/${t.repetition}`),
    ['precopy/a-to-b/1', 'precopy/b-to-a/1', 'postcopy/a-to-b/1', 'postcopy/b-to-a/1'],
  );
  assert.deepEqual(trials.map((t) => t.index), [...Array(12).keys()]);
  // every a-to-b is directly followed by its b-to-a: the VM ends each pair where it started
  for (let i = 0; i < trials.length; i += 2) assert.equal(trials[i + 1]!.direction, 'b-to-a');
});

test('one-way sweeps', () => {
  const e = ExperimentSchema.parse({ name: 's', strategies: ['hybrid'], repetitions: 2, directions: 'b-to-a' });
  assert.deepEqual(planTrials(e).map((t) => t.direction), ['b-to-a', 'b-to-a']);
});

test('strategies map to virsh migrate flags; values never look like options', () => {
  const base = { domain: '-evil name', destinationUri: 'qemu+ssh://root@hostB/system' };
  assert.deepEqual(migrateArgs({ ...base, strategy: STRATEGIES.precopy }), [
    'migrate', '--live', '--persistent', '--domain=-evil name', '--desturi=qemu+ssh://root@hostB/system',
  ]);
  assert.deepEqual(migrateArgs({ ...base, strategy: STRATEGIES.postcopy, migrateUri: 'tcp://10.0.0.2' }), [
    'migrate', '--live', '--persistent', '--postcopy', '--bandwidth=1', '--migrateuri=tcp://10.0.0.2', '--domain=-evil name', '--desturi=qemu+ssh://root@hostB/system',
  ]);
  assert.deepEqual(migrateArgs({ ...base, strategy: STRATEGIES.hybrid, persistent: false }), [
    'migrate', '--live', '--postcopy', '--postcopy-after-precopy', '--domain=-evil name', '--desturi=qemu+ssh://root@hostB/system',
  ]);
});
