// The one cell name: the run's lines, summaries, compare, recommend, SLA checks and JUnit all print it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellName, groupName } from '../../src/plan/cell.js';
import { cellKeyOf, groupCells } from '../../src/results/cells.js';
import type { TrialRow } from '../../src/results/read-trials.js';
import { compare, compareTable } from '../../src/report/compare.js';
import { recommend } from '../../src/report/recommend.js';
import { checkSla, parseSla } from '../../src/sla/sla.js';

const row = (strategy: string, direction: string, knobs = '', total = '1000'): TrialRow => ({ strategy, load: 'memwrite-64', delay_ms: '20', knobs, direction, status: 'completed', total_time_ms: total, downtime_ms: '10' });

test('cell name: strategy, load, delay, then knobs and direction only when there are some; the group leaves out the strategy', () => {
  assert.equal(cellName({ strategy: 'precopy', load: 'idle', delayMs: 0 }), 'precopy idle 0ms');
  assert.equal(cellName({ strategy: 'postcopy', load: 'memwrite-64', delayMs: '20', knobs: 'bw 100MiB/s', direction: 'b-to-a' }), 'postcopy memwrite-64 20ms bw 100MiB/s b-to-a');
  assert.equal(cellName({ strategy: 'hybrid', load: 'idle', delayMs: 5, knobs: '', direction: '' }, ' · '), 'hybrid · idle 5ms');
  assert.equal(groupName({ strategy: 'hybrid', load: 'idle', delayMs: 5, direction: 'a-to-b' }), 'idle 5ms a-to-b');
});

test('a row read back without load or delay columns is in the idle 0 ms cell; without direction it has none', () => {
  assert.deepEqual(cellKeyOf({ strategy: 'precopy' }, true), { strategy: 'precopy', load: 'idle', delayMs: '0', knobs: '', direction: '' });
  assert.equal(cellKeyOf(row('precopy', 'a-to-b'), false).direction, '');
});

test('grouping keeps cells apart by knobs and, when asked, by direction', () => {
  const rows = [row('precopy', 'a-to-b'), row('precopy', 'b-to-a'), row('precopy', 'a-to-b', 'bw 100MiB/s'), row('postcopy', 'a-to-b')];
  assert.deepEqual(groupCells(rows).map((c) => cellName(c)), ['precopy memwrite-64 20ms a-to-b', 'precopy memwrite-64 20ms b-to-a', 'precopy memwrite-64 20ms bw 100MiB/s a-to-b', 'postcopy memwrite-64 20ms a-to-b']);
  assert.deepEqual(groupCells(rows, false).map((c) => [cellName(c), c.rows.length]), [['precopy memwrite-64 20ms', 2], ['precopy memwrite-64 20ms bw 100MiB/s', 1], ['postcopy memwrite-64 20ms', 1]]);
});

test('every consumer names a cell the same way', () => {
  const rows = [row('precopy', 'a-to-b'), row('postcopy', 'a-to-b', '', '800'), row('precopy', 'a-to-b', 'bw 100MiB/s')];
  assert.deepEqual(checkSla(rows, parseSla('total_time_ms<=900')).map((c) => c.cell), ['precopy memwrite-64 20ms a-to-b', 'postcopy memwrite-64 20ms a-to-b', 'precopy memwrite-64 20ms bw 100MiB/s a-to-b']);
  assert.deepEqual(recommend(rows, 'total-time').map((r) => r.cell), ['memwrite-64 20ms', 'memwrite-64 20ms bw 100MiB/s']);
  const c = compare({ label: 'old', rows }, { label: 'new', rows: rows.slice(1) });
  assert.deepEqual(c.names, ['precopy · memwrite-64 20ms', 'postcopy · memwrite-64 20ms', 'precopy · memwrite-64 20ms bw 100MiB/s']);
  assert.ok(c.cellsA.has('precopy · memwrite-64 20ms') && !c.cellsB.has('precopy · memwrite-64 20ms'), 'a cell only one side has is kept, empty on the other');
  assert.match(compareTable(c), /^precopy · memwrite-64 20ms +10 +- +- +1000 +- +-/m);
});
