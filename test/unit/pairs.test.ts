// Several host pairs and shards: how the plan is cut into units, which units a shard runs, and pairs: files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentSchema } from '../../src/config/experiment.js';
import { loadHostPairs, loadHosts } from '../../src/config/hosts.js';
import { parseShard, planTrials, planUnits, shardTrials } from '../../src/plan/plan.js';

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
};

test('units keep a cell\'s two directions of one repetition together', () => {
  const e = ExperimentSchema.parse({ name: 's', strategies: ['precopy', 'postcopy'], delays_ms: [0, 10], repetitions: 3 });
  const units = planUnits(planTrials(e));
  assert.equal(units.length, 12);
  for (const u of units) {
    assert.deepEqual(u.map((t) => t.direction), ['a-to-b', 'b-to-a']);
    assert.equal(u[0]!.strategy.label, u[1]!.strategy.label);
    assert.equal(u[0]!.repetition, u[1]!.repetition);
  }
  const oneWay = planUnits(planTrials(ExperimentSchema.parse({ name: 's', strategies: ['precopy'], repetitions: 4, directions: 'a-to-b' })));
  assert.deepEqual(oneWay.map((u) => u.length), [1, 1, 1, 1]);
});

test('shards split the units: disjoint, complete, balanced, each in plan order', () => {
  const e = ExperimentSchema.parse({ name: 's', strategies: ['precopy', 'postcopy', 'hybrid'], delays_ms: [0, 10, 50], repetitions: 5 });
  const all = planTrials(e);
  const shards = [1, 2, 3, 4].map((i) => shardTrials(all, { index: i, count: 4 }));
  const seen = shards.flat().map((t) => t.index).sort((a, b) => a - b);
  assert.deepEqual(seen, all.map((t) => t.index), 'every trial in exactly one shard');
  for (const s of shards) {
    assert.ok(Math.abs(s.length - all.length / 4) <= 2, `shard of ${s.length} trials`);
    assert.deepEqual(s.map((t) => t.index), [...s.map((t) => t.index)].sort((a, b) => a - b));
    for (let i = 0; i < s.length; i += 2) assert.equal(s[i + 1]!.index, s[i]!.index + 1, 'a unit stays whole');
  }
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0', '-1/3']) assert.match(errorOf(() => parseShard(bad)), /--shard ".*" must be i\/n with 1 ≤ i ≤ n/);
});

const PAIR = (name: string, a: string, b: string) => `
  - name: ${name}
    domain: vm-${name}
    hosts:
      - {name: ${a}, address: 192.0.2.${a.length + 10}}
      - {name: ${b}, address: 192.0.2.${b.length + 20}}
    guest: {address: 192.0.2.99, via: ${a}}`;

test('a pairs: file gives one Hosts per pair, shared ssh settings, names; mistakes name the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'migbench-pairs-'));
  try {
    const file = join(dir, 'hosts.yaml');
    writeFileSync(file, `ssh: {user: lab, port: 2222}\npairs:${PAIR('rack1', 'r1a', 'r1bb')}${PAIR('rack2', 'r2aaa', 'r2bbbb')}\n`);
    const pairs = loadHostPairs(file);
    assert.deepEqual(pairs.map((p) => [p.pair, p.domain, p.a.name, p.b.name, p.a.ssh.user, p.b.ssh.port]), [
      ['rack1', 'vm-rack1', 'r1a', 'r1bb', 'lab', 2222],
      ['rack2', 'vm-rack2', 'r2aaa', 'r2bbbb', 'lab', 2222],
    ]);
    assert.equal(pairs[1]!.guest?.via, 'r2aaa');
    assert.match(errorOf(() => loadHosts(file)), /lists 2 host pairs — name one with --pair \(rack1, rack2\)/);
    assert.equal(loadHosts(file, 'rack2').domain, 'vm-rack2');
    writeFileSync(file, `pairs:${PAIR('rack1', 'h1', 'h2')}${PAIR('rack2', 'h2', 'h3')}\n`);
    assert.match(errorOf(() => loadHostPairs(file)), /hosts\.yaml:2: pairs: a host is in two pairs/);
    writeFileSync(file, `pairs:${PAIR('rack1', 'h1', 'h2')}\n    colour: blue\n`);
    assert.match(errorOf(() => loadHostPairs(file)), /hosts\.yaml:8: pairs\[0\]: unknown field "colour"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
