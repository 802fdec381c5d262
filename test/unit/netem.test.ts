import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNetem, netemArgs, netemLimit, restorePlan } from '../../src/delay/netem.js';
import { describeQdisc, parseQdiscs, rootQdisc } from '../../src/delay/qdisc.js';
import { InputError } from '../../src/errors.js';

// `tc qdisc show dev IFACE` as iproute2 prints it
const DEFAULT_MQ = `qdisc mq 0: root
qdisc fq_codel 0: parent :2 limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms memory_limit 32Mb ecn drop_batch 64
qdisc fq_codel 0: parent :1 limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms memory_limit 32Mb ecn drop_batch 64
`;
const NOQUEUE = 'qdisc noqueue 0: root refcnt 2 \n';
const OURS = 'qdisc netem 8001: root refcnt 2 limit 50000 delay 50ms  5ms loss 0.5%\n';
const FOREIGN_TBF = 'qdisc tbf 8002: root refcnt 2 rate 400Mbit burst 256Kb lat 50ms \n';
const FOREIGN_HTB = 'qdisc htb 1: root refcnt 2 r2q 10 default 0x10 direct_packets_stat 0 direct_qlen 1000\nqdisc ingress ffff: parent ffff:fff1 ----------------\n';

test('tc qdisc show: the root qdisc of a default, our netem, and foreign configurations', () => {
  const mq = rootQdisc(parseQdiscs(DEFAULT_MQ));
  assert.deepEqual(mq, { kind: 'mq', handle: '0', parent: 'root', params: '' });
  assert.equal(parseQdiscs(DEFAULT_MQ).length, 3);
  assert.equal(rootQdisc(parseQdiscs(NOQUEUE))?.kind, 'noqueue');
  const ours = rootQdisc(parseQdiscs(OURS))!;
  assert.equal(ours.kind, 'netem');
  assert.equal(ours.handle, '8001');
  assert.equal(ours.params, 'limit 50000 delay 50ms  5ms loss 0.5%');
  assert.equal(describeQdisc(ours), 'netem 8001: limit 50000 delay 50ms 5ms loss 0.5%');
  assert.equal(rootQdisc(parseQdiscs(FOREIGN_HTB))?.kind, 'htb');
  assert.equal(rootQdisc(parseQdiscs('')), undefined);
});

test('netem command: delay, jitter, loss, and a queue long enough for the delay', () => {
  assert.deepEqual(netemArgs('eth0', { delayMs: 10, jitterMs: 0, lossPct: 0 }), ['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'limit', '10000', 'delay', '10ms']);
  assert.deepEqual(netemArgs('ens3', { delayMs: 50, jitterMs: 5, lossPct: 0.5 }), ['tc', 'qdisc', 'replace', 'dev', 'ens3', 'root', 'netem', 'limit', '50000', 'delay', '50ms', '5ms', 'loss', '0.5%']);
  assert.equal(netemLimit(0.2), 1000);
});

test('reading back: our netem is recognised by its delay', () => {
  const ours = rootQdisc(parseQdiscs(OURS));
  assert.equal(isNetem(ours, { delayMs: 50, jitterMs: 5, lossPct: 0.5 }), true);
  assert.equal(isNetem(ours, { delayMs: 10, jitterMs: 0, lossPct: 0 }), false);
  assert.equal(isNetem(rootQdisc(parseQdiscs('qdisc netem 8003: root refcnt 2 limit 1000 delay 1.5s\n')), { delayMs: 1500, jitterMs: 0, lossPct: 0 }), true);
  assert.equal(isNetem(rootQdisc(parseQdiscs(NOQUEUE)), { delayMs: 10, jitterMs: 0, lossPct: 0 }), false);
});

test('restoring: a default comes back by deleting the root; tbf and netem are re-created; htb is refused', () => {
  assert.deepEqual(restorePlan('h', 'eth0', rootQdisc(parseQdiscs(DEFAULT_MQ))), { kind: 'delete-root', argv: ['tc', 'qdisc', 'del', 'dev', 'eth0', 'root'] });
  assert.equal(restorePlan('h', 'eth0', rootQdisc(parseQdiscs(NOQUEUE))).kind, 'delete-root');
  assert.equal(restorePlan('h', 'eth0', undefined).kind, 'delete-root');
  assert.deepEqual(restorePlan('h', 'eth0', rootQdisc(parseQdiscs(FOREIGN_TBF))).argv, [
    'tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'handle', '8002:', 'tbf', 'rate', '400Mbit', 'burst', '256Kb', 'lat', '50ms',
  ]);
  assert.deepEqual(restorePlan('h', 'eth0', rootQdisc(parseQdiscs(OURS))).argv.slice(6), ['handle', '8001:', 'netem', 'limit', '50000', 'delay', '50ms', '5ms', 'loss', '0.5%']);
  assert.throws(() => restorePlan('hostA', 'eth0', rootQdisc(parseQdiscs(FOREIGN_HTB))), (err: unknown) => err instanceof InputError && /hostA: eth0 has a configured htb root qdisc .* use delay method proxy/.test(err.message));
});
