import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExperimentSchema } from '../../src/config/experiment.js';
import { writerSizeMiB, type WriterLoad } from '../../src/config/load.js';
import { planTrials } from '../../src/plan/plan.js';

test('loads: idle, sizes in MiB or as a share of RAM, rates in MiB/s or pages/s', () => {
  const e = ExperimentSchema.parse({
    name: 'x',
    strategies: ['precopy'],
    loads: ['idle', { name: 'a', size: '60%' }, { name: 'b', size: 614, rate_mib_s: 50 }, { name: 'c', size: '100MiB', rate_pages_s: 1000 }],
  });
  const [idle, a, b, c] = e.loads as [unknown, WriterLoad, WriterLoad, WriterLoad];
  assert.deepEqual(idle, { kind: 'idle', name: 'idle' });
  assert.equal(writerSizeMiB(a, 1024 * 2 ** 20), 614);
  assert.equal(writerSizeMiB(a, 256 * 2 ** 20), 154);
  assert.equal(a.rate, 0);
  assert.equal(writerSizeMiB(b, undefined), 614);
  assert.deepEqual([b.rate, b.unit], [50, 'mib']);
  assert.deepEqual([c.rate, c.unit, writerSizeMiB(c, undefined)], [1000, 'pages', 100]);
  assert.throws(() => ExperimentSchema.parse({ name: 'x', strategies: ['precopy'], loads: [{ name: 'a', size: 1, rate_mib_s: 1, rate_pages_s: 1 }] }), /not both/);
});

test('the matrix: strategies × loads × delays × directions × repetitions, repetition-major', () => {
  const e = ExperimentSchema.parse({ name: 'x', strategies: ['precopy', 'postcopy'], loads: ['idle', { name: 'w', size: 10 }], delays_ms: [0, 50], repetitions: 2 });
  const trials = planTrials(e);
  assert.equal(trials.length, 2 * 2 * 2 * 2 * 2);
  const firstRep = trials.filter((t) => t.repetition === 1);
  assert.equal(firstRep.length, 16);
  assert.deepEqual(trials.slice(0, 16), firstRep, 'all of repetition 1 comes first');
  assert.deepEqual(new Set(firstRep.map((t) => `${t.strategy.name}/${t.load.name}/${t.delayMs}/${t.direction}`)).size, 16);
});
