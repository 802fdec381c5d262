// The link probe: its output, the path it takes, and the real script on loopback, straight and through the relay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { assetPath } from '../../src/assets.js';
import { findBinary } from '../../src/lab/prerequisites.js';
import { linkPath, parseLinkResult, uriHost } from '../../src/link/link.js';

test('the result line: median round trip, throughput from the receiver\'s count and time', () => {
  const m = parseLinkResult('result rtt_ms=61.475 rtt_min_ms=61.232 bytes=143654912 secs=2.109911\n');
  assert.equal(m.rttMs, 61.475);
  assert.ok(Math.abs(m.mibS - 143654912 / 2 ** 20 / 2.109911) < 1e-9);
  assert.throws(() => parseLinkResult('Traceback (most recent call last):\n'), /printed no result: Traceback/);
  assert.throws(() => parseLinkResult('result rtt_ms=1 rtt_min_ms=1 bytes=0 secs=0'), /took 0 s/);
});

test('the path: through the relay in front of the destination, else to its migration address', () => {
  assert.equal(uriHost('tcp://10.0.0.2:49152'), '10.0.0.2');
  assert.equal(uriHost('tcp://[fd00::2]:49152'), 'fd00::2');
  assert.equal(uriHost('rdma://mignet-b'), 'mignet-b');
  const spec = { migrateUri: undefined, proxyAddress: '10.77.9.2' };
  assert.deepEqual(linkPath(spec, {}, 49300), { sinkHost: '10.77.9.2', connectHost: '10.77.9.2', port: 49300 });
  assert.deepEqual(linkPath({ ...spec, migrateUri: 'tcp://192.168.50.2' }, {}, 49300), { sinkHost: '192.168.50.2', connectHost: '192.168.50.2', port: 49300 });
  assert.deepEqual(linkPath(spec, { migrateUri: 'tcp://10.77.9.2:49300', listenAddress: '127.0.0.1' }, 49300), { sinkHost: '127.0.0.1', connectHost: '10.77.9.2', port: 49300 });
});

const python = findBinary('python3');

async function probe(port: number, connectPort: number, seconds: number) {
  const sink = spawn(python!, [assetPath('link/link-probe.py'), 'sink', '127.0.0.1', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const closed = once(sink, 'close'); // before the send: the sink may be gone by the time it returns
  await once(sink.stdout!, 'data');
  const { stdout } = await promisify(execFile)(python!, [assetPath('link/link-probe.py'), 'send', '127.0.0.1', String(connectPort), String(seconds), '10']);
  await closed;
  return parseLinkResult(stdout);
}

test('link-probe.py through the delay relay measures the window over the round trip', { skip: python ? false : 'no python3 on this machine' }, async () => {
  const port = 40000 + Math.floor(Math.random() * 10000);
  const relayPort = port + 1;
  const relay = spawn(python!, [assetPath('delay/delay-relay.py'), '127.0.0.1', String(relayPort), '127.0.0.1', String(port), '25', String(2 * 2 ** 20)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await once(relay.stdout!, 'data');
    const m = await probe(port, relayPort, 1);
    assert.ok(m.rttMs >= 50 && m.rttMs < 80, `round trip ${m.rttMs} ms through a 25 ms relay`);
    const allowed = 2 / (m.rttMs / 1000);
    assert.ok(Math.abs(m.mibS - allowed) <= allowed * 0.25, `${m.mibS.toFixed(1)} MiB/s through a 2 MiB window, ${allowed.toFixed(1)} MiB/s allowed`);
    const direct = await probe(port + 2, port + 2, 0.3);
    assert.ok(direct.rttMs < 5 && direct.mibS > 5 * allowed, `loopback: ${direct.rttMs} ms, ${direct.mibS.toFixed(0)} MiB/s`);
  } finally {
    relay.kill('SIGTERM');
    await once(relay, 'close');
  }
});
