import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { humanNumber, parseJobInfo } from '../../src/libvirt/jobinfo.js';
import { splitCaptures } from '../support/captures.js';
import { FIXTURES } from '../support/paths.js';

const DIR = join(FIXTURES, 'domjobinfo');
// the real captures; libvirt-history (one output per libvirt era) has its own test
const SETS = readdirSync(DIR).filter((d) => d.startsWith('libvirt-') && d.includes('qemu'));
const KNOWN_TYPES = ['none', 'bounded', 'unbounded', 'completed', 'failed', 'cancelled'];

/** virsh prints sizes with 3 decimals of the largest binary unit below the value: B, KiB, MiB, GiB… */
function tableTolerance(value: number): number {
  let unit = 1;
  while (unit * 1024 <= Math.abs(value)) unit *= 1024;
  return 0.0005 * unit + 1;
}

function fixtureFiles(set: string): string[] {
  return readdirSync(join(DIR, set)).filter((f) => f.endsWith('.txt'));
}

test('every domjobinfo capture in every fixture file parses, with known labels only', () => {
  let captures = 0;
  for (const set of SETS) {
    for (const f of fixtureFiles(set)) {
      for (const c of splitCaptures(readFileSync(join(DIR, set, f), 'utf8'))) {
        const info = parseJobInfo(c);
        captures++;
        assert.ok(KNOWN_TYPES.includes(info.type), `${set}/${f}: job type ${info.type}`);
        assert.deepEqual(info.unknown, [], `${set}/${f}: unknown labels ${info.unknown.join(', ')}`);
        if (info.type === 'completed') {
          // `downtime` is not always there: QEMU left it out of some post-copy jobs (fixture 20), so it is optional.
          for (const key of ['time_elapsed', 'data_processed', 'memory_total', 'memory_iteration']) {
            assert.equal(typeof info.stats[key], 'number', `${set}/${f}: completed job without ${key}`);
          }
        }
      }
    }
  }
  assert.ok(captures > 500, `only ${captures} captures found — did the fixture format change?`);
});

test('the human table and --rawstats of the same completed job agree within the table\'s rounding', () => {
  let compared = 0;
  for (const set of SETS) {
    for (const f of fixtureFiles(set).filter((n) => n.endsWith('.completed.src.txt') || n.endsWith('.completed.dst.txt'))) {
      const infos = splitCaptures(readFileSync(join(DIR, set, f), 'utf8')).map(parseJobInfo).filter((i) => i.type === 'completed');
      const human = infos.find((i) => i.format === 'human');
      const raw = infos.find((i) => i.format === 'rawstats');
      if (!human || !raw) continue;
      compared++;
      assert.equal(human.operation, raw.operation, `${f}: operation`);
      for (const [key, h] of Object.entries(human.stats)) {
        const r = raw.stats[key];
        assert.notEqual(r, undefined, `${f}: ${key} in the table but not in rawstats`);
        assert.ok(Math.abs(h - r!) <= tableTolerance(r!), `${f}: ${key} table=${h} raw=${r}`);
      }
    }
  }
  assert.ok(compared >= 20, `compared only ${compared} jobs`);
});

test('a completed pre-copy job reads exactly (fixture 01, rawstats)', () => {
  const text = readFileSync(join(DIR, 'libvirt-9.0_qemu-10.0.2', '01-precopy-A-to-B.completed.src.txt'), 'utf8');
  const raw = splitCaptures(text).map(parseJobInfo).find((i) => i.format === 'rawstats')!;
  assert.equal(raw.type, 'completed');
  assert.equal(raw.operation, 'outgoing migration');
  assert.equal(raw.stats.time_elapsed, 4952);
  assert.equal(raw.stats.downtime, 133);
  assert.equal(raw.stats.setup_time, 2);
  assert.equal(raw.stats.data_processed, 241952698);
  assert.equal(raw.stats.memory_total, 268967936);
  assert.equal(raw.stats.memory_constant, 16934);
  assert.equal(raw.stats.memory_normal_bytes, 241213440);
  assert.equal(raw.stats.memory_iteration, 4);
});

test('post-copy: the completed job on the source counts post-copy requests; the destination has none', () => {
  const dir = join(DIR, 'libvirt-9.0_qemu-10.0.2');
  const src = splitCaptures(readFileSync(join(dir, '06-postcopy-after-precopy-B-to-A.completed.src.txt'), 'utf8')).map(parseJobInfo);
  assert.equal(src[0]!.stats.memory_postcopy_requests, 2);
  const dst = splitCaptures(readFileSync(join(dir, '06-postcopy-after-precopy-B-to-A.completed.dst.txt'), 'utf8')).map(parseJobInfo);
  assert.ok(dst.every((i) => i.type === 'none'));
});

test('an older human table without the newer lines parses by label; unknown labels are kept', () => {
  const old = [
    'Job type:         Completed   ',
    'Time elapsed:     1830         ms',
    'Data processed:   1.004 GiB',
    'Data remaining:   0.000 B',
    'Data total:       1.004 GiB',
    'Memory processed: 1.004 GiB',
    'Memory remaining: 0.000 B',
    'Memory total:     1.004 GiB',
    'Constant pages:   190134',
    'Normal pages:     73088',
    'Normal data:      285.500 MiB',
    'Total downtime:   60           ms',
    'Flux capacitance: 42 ms',
    '',
  ].join('\n');
  const info = parseJobInfo(old);
  assert.equal(info.format, 'human');
  assert.equal(info.type, 'completed');
  assert.equal(info.operation, undefined);
  assert.equal(info.stats.time_elapsed, 1830);
  assert.equal(info.stats.downtime, 60);
  assert.equal(info.stats.memory_normal_bytes, Math.round(285.5 * 2 ** 20));
  assert.equal(info.stats.data_total, Math.round(1.004 * 2 ** 30));
  assert.equal(info.stats.setup_time, undefined);
  assert.equal(info.stats.memory_postcopy_requests, undefined);
  assert.deepEqual(info.unknown, ['Flux capacitance']);
  assert.equal(info.fields['Flux capacitance'], '42 ms');
});

test('human values: units and rates', () => {
  assert.equal(humanNumber('4952         ms'), 4952);
  assert.equal(humanNumber('230.744 MiB'), Math.round(230.744 * 2 ** 20));
  assert.equal(humanNumber('271.783 MiB/s'), Math.round(271.783 * 2 ** 20));
  assert.equal(humanNumber('0.000 B'), 0);
  assert.equal(humanNumber('12.500 KiB'), 12800);
  assert.equal(humanNumber('0            pages/s'), 0);
  assert.equal(humanNumber('99 %'), 99);
  assert.equal(humanNumber('lots'), undefined);
  assert.equal(humanNumber('3 furlongs'), undefined);
});

test('text that is not domjobinfo output is refused', () => {
  assert.throws(() => parseJobInfo('error: failed to get domain mbvm\n'), /Job type/);
});
