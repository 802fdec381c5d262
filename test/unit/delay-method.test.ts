// The one rule that picks how delays are applied; the doctor shows its rows, `run` stops on its first fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideDelayMethod, type DelayFindings } from '../../src/delay/method.js';

const host = (name: string, over: Partial<DelayFindings> = {}): DelayFindings => ({
  host: name, netem: { ok: true, detail: '' }, netemInterface: 'eth0', routeDev: 'eth0', peerAddress: '10.0.0.2', python3: true, ...over,
});
const noNetem = { netem: { ok: false, detail: 'Error: Specified qdisc kind is unknown.' } };
const status = (rows: ReturnType<typeof decideDelayMethod>['rows'], check: string, h = 'A') => rows.find((r) => r.host === h && r.check === check)?.status;

test('auto: netem where both hosts have it and name the interface carrying the route', () => {
  const d = decideDelayMethod('auto', [host('A'), host('B')]);
  assert.equal(d.method, 'netem');
  assert.deepEqual(d.rows.map((r) => r.status), ['pass', 'pass', 'pass', 'pass']);
});

test('auto: one host without sch_netem → the relay on both (a warning, python3 checked on both)', () => {
  const d = decideDelayMethod('auto', [host('A', noNetem), host('B')]);
  assert.equal(d.method, 'proxy');
  assert.equal(status(d.rows, 'netem'), 'warn');
  assert.equal(status(d.rows, 'delay relay', 'A'), 'pass');
  assert.equal(status(d.rows, 'delay relay', 'B'), 'pass');
  assert.ok(!d.rows.some((r) => r.status === 'fail'));
});

test('auto: no netem_interface → the relay, with a warning that names the fix', () => {
  const d = decideDelayMethod('auto', [host('A', { netemInterface: undefined }), host('B')]);
  assert.equal(d.method, 'proxy');
  const row = d.rows.find((r) => r.check === 'netem interface' && r.host === 'A');
  assert.equal(row?.status, 'warn');
  assert.match(row?.fix ?? '', /netem_interface/);
});

test('netem asked: a host without it, or without an interface, fails with the fix', () => {
  const a = decideDelayMethod('netem', [host('A', noNetem), host('B')]);
  assert.equal(status(a.rows, 'netem'), 'fail');
  assert.match(a.rows.find((r) => r.status === 'fail')?.fix ?? '', /sch_netem .*delay.method proxy/);
  assert.ok(!a.rows.some((r) => r.check === 'delay relay'), 'the relay is not an option when netem is asked for');
  assert.equal(status(decideDelayMethod('netem', [host('A', { netemInterface: undefined }), host('B')]).rows, 'netem interface'), 'fail');
});

test('a netem_interface the route does not use fails and names the right one', () => {
  const d = decideDelayMethod('auto', [host('A', { routeDev: 'br0' }), host('B')]);
  const row = d.rows.find((r) => r.check === 'netem interface' && r.host === 'A');
  assert.equal(row?.status, 'fail');
  assert.equal(row?.fix, 'set netem_interface: br0 for A');
});

test('the relay without python3 fails; proxy asked uses the relay even where netem works', () => {
  const d = decideDelayMethod('auto', [host('A', { ...noNetem, python3: false }), host('B')]);
  assert.equal(status(d.rows, 'delay relay'), 'fail');
  assert.match(d.rows.find((r) => r.status === 'fail')?.detail ?? '', /no sch_netem and no python3/);
  const p = decideDelayMethod('proxy', [host('A'), host('B')]);
  assert.equal(p.method, 'proxy');
  assert.ok(!p.rows.some((r) => r.check === 'netem interface' && r.status !== 'pass'));
});
