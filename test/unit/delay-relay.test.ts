import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { assetPath } from '../../src/assets.js';
import { findBinary } from '../../src/lab/prerequisites.js';

/** An echo server, and the relay in front of it; returns the relay's port. */
async function setUp(delayMs: number, windowBytes: number): Promise<{ port: number; relay: ChildProcess; lines: string[]; close: () => Promise<void> }> {
  const echo = createServer((s) => s.pipe(s));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const target = (echo.address() as AddressInfo).port;
  const port = 40000 + Math.floor(Math.random() * 10000);
  const relay = spawn(findBinary('python3')!, [assetPath('delay/delay-relay.py'), '127.0.0.1', String(port), '127.0.0.1', String(target), String(delayMs), String(windowBytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let partial = '';
  relay.stdout!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  while (!lines.some((l) => l.startsWith('listening'))) await new Promise((r) => setTimeout(r, 20));
  return {
    port,
    relay,
    lines,
    close: async () => {
      relay.kill('SIGTERM');
      await once(relay, 'close');
      echo.close();
    },
  };
}

async function roundTrip(sock: Socket): Promise<number> {
  const t0 = performance.now();
  sock.write('x');
  await once(sock, 'data');
  return performance.now() - t0;
}

/** MiB/s of `total` bytes sent one way through the relay and echoed back. */
async function throughput(sock: Socket, total: number): Promise<number> {
  let got = 0;
  const t0 = performance.now();
  const done = new Promise<void>((resolve) => {
    sock.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= total) resolve();
    });
  });
  const chunk = Buffer.alloc(1 << 20, 7);
  for (let sent = 0; sent < total; sent += chunk.length) if (!sock.write(chunk)) await once(sock, 'drain');
  await done;
  return total / 2 ** 20 / ((performance.now() - t0) / 1000);
}

test('the relay adds the delay in both directions and bounds throughput by window / round trip', async (t) => {
  if (!findBinary('python3')) return t.skip('no python3 here');
  const { port, lines, close } = await setUp(20, 2 << 20);
  try {
    const sock = connect(port, '127.0.0.1');
    await once(sock, 'connect');
    const rtts = [await roundTrip(sock), await roundTrip(sock), await roundTrip(sock)];
    const rtt = Math.min(...rtts);
    assert.ok(rtt >= 40 && rtt < 80, `round trip ${rtt.toFixed(1)} ms through a 20 ms relay`);
    const mibs = await throughput(sock, 16 << 20);
    // 2 MiB per 40 ms round trip = 50 MiB/s at most (the echo's way back is bounded the same way)
    assert.ok(mibs < 50 * 1.1, `${mibs.toFixed(1)} MiB/s exceeds the window bound of 50 MiB/s`);
    assert.ok(mibs > 50 * 0.4, `${mibs.toFixed(1)} MiB/s: far below the window bound — the relay is too slow`);
    sock.end();
    await once(sock, 'close');
    while (!lines.some((l) => l.startsWith('closed'))) await new Promise((r) => setTimeout(r, 20));
    const m = /^closed 1 up=(\d+) down=(\d+)/.exec(lines.find((l) => l.startsWith('closed'))!)!;
    assert.equal(Number(m[1]), (16 << 20) + 3, 'it reports the bytes it carried');
    assert.equal(Number(m[2]), (16 << 20) + 3);
  } finally {
    await close();
  }
});
