// QEMU's query-migrate answers (as captured on the lab, QEMU 10.0) and the counters migbench takes from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQueryMigrate, qmpCounters, qmpRounds, type QmpMigrateSample } from '../../src/libvirt/qmp-migrate.js';

const POSTCOPY_ACTIVE = '{"return":{"status":"postcopy-active","setup-time":1,"downtime":6,"total-time":321,"ram":{"total":268967936,"postcopy-requests":1,"dirty-sync-count":2,"multifd-bytes":0,"pages-per-second":58799,"downtime-bytes":0,"page-size":4096,"remaining":219738112,"postcopy-bytes":23111751,"mbps":855.21848888888883,"transferred":23330113,"dirty-sync-missed-zero-copy":0,"precopy-bytes":133215,"duplicate":6368,"dirty-pages-rate":0,"normal-bytes":23142400,"normal":5650}},"id":"libvirt-521"}';

test('query-migrate: the status and the RAM byte counters; anything else is not an answer', () => {
  const s = parseQueryMigrate(POSTCOPY_ACTIVE, 5)!;
  assert.deepEqual(s, { at: 5, status: 'postcopy-active', precopyBytes: 133215, downtimeBytes: 0, postcopyBytes: 23111751, multifdBytes: 0, missedZeroCopy: 0, pagesPerSecond: 58799, transferred: 23330113 });
  assert.deepEqual(parseQueryMigrate('{"return":{"status":"completed"},"id":"libvirt-496"}', 1), { at: 1, status: 'completed' });
  assert.equal(parseQueryMigrate('error: Requested operation is not valid: domain is not running', 1), undefined);
  assert.equal(parseQueryMigrate('{"return":{"status":', 1), undefined);
  assert.equal(parseQueryMigrate('{"return":[]}', 1), undefined);
});

const at = (status: string, precopy: number, downtime: number, postcopy: number, pps = 1000): QmpMigrateSample => ({
  at: 0, status, precopyBytes: precopy, downtimeBytes: downtime, postcopyBytes: postcopy, multifdBytes: 0, pagesPerSecond: pps, transferred: precopy + downtime + postcopy,
});

test('counters: final once QEMU has sent the RAM; the previous QEMU\'s answers do not count', () => {
  const c = qmpCounters([{ at: 0, status: 'completed' }, at('active', 30e6, 0, 0, 9000), at('device', 76e6, 67e6, 0, 4000), at('completed', 76e6, 67e6, 0, 3000)], 143.2e6)!;
  assert.deepEqual(c, { precopyBytes: 76e6, downtimeBytes: 67e6, postcopyBytes: 0, multifdBytes: 0, peakPagesPerSecond: 9000, from: 'completed' });
  assert.equal(qmpCounters([{ at: 0, status: 'completed' }], 1e6), undefined);
});

test('counters: the source QEMU gone first — the running phase is libvirt\'s total less the final ones', () => {
  // pre-copy: the guest paused for the switch-over, then nothing more from the source
  assert.deepEqual(qmpCounters([at('active', 6e6, 0, 0), at('pre-switchover', 64e6, 0, 0)], 69.9e6), { precopyBytes: 64e6, downtimeBytes: 5.9e6, postcopyBytes: 0, multifdBytes: 0, peakPagesPerSecond: 1000, from: 'derived' });
  // post-copy: pre-copy and downtime bytes stopped at the switch
  const post = qmpCounters([at('active', 133215, 0, 0), at('postcopy-active', 133215, 0, 60e6)], 69.6e6)!;
  assert.equal(post.from, 'derived');
  assert.equal(post.postcopyBytes, 69.6e6 - 133215);
  // without libvirt's total, or a total below what QEMU already counted: nothing is made up
  assert.equal(qmpCounters([at('postcopy-active', 133215, 0, 60e6)], undefined)!.from, 'partial');
  assert.equal(qmpCounters([at('pre-switchover', 64e6, 0, 0)], 10e6)!.downtimeBytes, undefined);
});

test('counters: a job that ended while pre-copy ran (timeout) keeps what was sent, no downtime or post-copy figure', () => {
  const c = qmpCounters([at('active', 1e9, 0, 0)], 1.2e9)!;
  assert.deepEqual([c.precopyBytes, c.downtimeBytes, c.postcopyBytes, c.from], [1e9, undefined, undefined, 'partial']);
});

test('the sampler\'s rounds: the settings read between two answers under way, the budget spent only once the migration is, post-copy stops it once they are read', () => {
  const CAPS = '{"return":[{"state":false,"capability":"postcopy-preempt"}],"id":"libvirt-2"}';
  const PARAMS = '{"return":{"multifd-compression":"none","downtime-limit":300,"tls-creds":""},"id":"libvirt-3"}';
  const ACTIVE = '{"return":{"status":"active","ram":{"transferred":10}},"id":"libvirt-1"}';
  const NONE = '{"return":{},"id":"libvirt-1"}';
  const INCOMING_DONE = '{"return":{"status":"completed"},"id":"libvirt-1"}';
  const r = qmpRounds('vm');
  const read = (...a: string[]) => {
    assert.equal(r.commands().length, 4, 'a read round');
    return r.take(['virsh # ', ...a], 1);
  };
  // before libvirt starts QEMU's migration: nothing counted, nothing traced
  for (let i = 0; i < 200; i++) read(NONE, CAPS, PARAMS, i % 2 ? NONE : INCOMING_DONE);
  assert.deepEqual(r.trace(), []);
  // an immediate post-copy within one read: not trusted, and not stopped before a read that is
  const first = read(NONE, CAPS, PARAMS, POSTCOPY_ACTIVE);
  assert.deepEqual([first.sample?.status, first.stop, r.settings()], ['postcopy-active', false, undefined]);
  const second = read(POSTCOPY_ACTIVE, CAPS, PARAMS, POSTCOPY_ACTIVE);
  assert.equal(r.settings()?.postcopyPreempt, false);
  assert.equal(second.stop, true, 'settings known: post-copy stops the sampling');
  assert.deepEqual(r.trace(), ['none/postcopy-active', 'postcopy-active/postcopy-active']);
  assert.deepEqual(r.commands(), [`qemu-monitor-command --domain=vm '{"execute":"query-migrate"}'`], 'then query-migrate alone');
  // settings that never come: at most three more rounds into post-copy, and 100 rounds under way in all
  const stuck = qmpRounds('vm');
  const stops = [1, 2, 3, 4].map(() => {
    stuck.commands();
    return stuck.take([POSTCOPY_ACTIVE, 'error: timed out', POSTCOPY_ACTIVE], 1).stop;
  });
  assert.deepEqual(stops, [false, false, false, true]);
  const budget = qmpRounds('vm');
  let reads = 0;
  for (let i = 0; i < 150; i++) {
    if (budget.commands().length !== 4) continue;
    reads++;
    budget.take([ACTIVE, ACTIVE], 1);
  }
  assert.equal(reads, 100);
});
