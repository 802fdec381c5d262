// The ways memwriter reaches a guest, tried for real over SSH. The lab guest has a prebuilt binary; a lab
// host stands in for a guest with gcc, and for one with only Python (gcc hidden from PATH), and the lab guest is
// also reached through a host as a jump host.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadHosts, type GuestSpec } from '../../src/config/hosts.js';
import { run, type Host } from '../../src/remote/host.js';
import { SshHost } from '../../src/remote/ssh.js';
import { rateBetween } from '../../src/workload/progress.js';
import { prepareWriter, startWriter } from '../../src/workload/writer.js';
import { e2eSkipReason } from '../support/e2e-env.js';
import { HOSTS, useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();
const SETTINGS = { sizeMiB: 16, rate: 50, unit: 'mib' as const, chunkKiB: 1024, reportMs: 1 };

async function writesAtRate(host: Host, argv: readonly string[]): Promise<void> {
  const writer = startWriter(host, { impl: 'binary', argv }, SETTINGS);
  await writer.waitReady(30_000);
  await sleep(1500);
  const log = await writer.stop();
  assert.ok(log.stoppedAt !== undefined, 'memwriter ended on SIGTERM through the watchdog');
  const rate = rateBetween(log.progress, log.progress[0]!.t, log.progress.at(-1)!.t)! / 2 ** 20;
  assert.ok(rate > 40 && rate < 60, `rate ${rate.toFixed(1)} MiB/s, asked 50`);
  const left = await host.exec(['sh', '-c', 'ps -eo args | grep "[m]emwriter 16 50" || true']);
  assert.equal(left.stdout.trim(), '', 'memwriter still running after stop');
}

describe('memwriter in guests of every kind', { skip }, () => {
  let hostA: SshHost;
  let guestSpec: GuestSpec;

  before(async () => {
    await useTestLab();
    const hosts = loadHosts(HOSTS);
    hostA = await SshHost.connect(hosts.a);
    guestSpec = hosts.guest!;
  });

  test('a guest with gcc compiles the uploaded C source', async () => {
    const dir = `/tmp/migbench-e2e-writer-c-${process.pid}`;
    try {
      const w = await prepareWriter(hostA, dir);
      assert.equal(w.impl, 'c');
      await writesAtRate(hostA, w.argv);
    } finally {
      await run(hostA, ['rm', '-rf', dir]);
    }
  });

  test('a guest without a compiler runs the Python version', async () => {
    const dir = `/tmp/migbench-e2e-writer-py-${process.pid}`;
    // the host seen through a PATH that has python3 and a few tools, but no gcc or cc
    const bin = `${dir}-bin`;
    const tools = ['sh', 'python3', 'mkdir', 'cat', 'setsid', 'ps', 'grep', 'test'];
    // the system's python3 binary itself (a version-manager shim would need bash)
    const link = 'd=$1; shift; mkdir -p "$d"; for t; do p=/usr/bin/$t; [ -x "$p" ] || p=$(command -v "$t"); ln -sf "$p" "$d/$t"; done';
    await run(hostA, ['sh', '-c', link, 'mk', bin, ...tools]);
    const noCompiler: Host = {
      name: 'python-only guest',
      exec: (argv, opts) => hostA.exec(['env', `PATH=${bin}`, ...argv], opts),
      start: (argv, opts) => hostA.start(['env', `PATH=${bin}`, ...argv], opts),
      close: async () => undefined,
    };
    try {
      const w = await prepareWriter(noCompiler, dir);
      assert.equal(w.impl, 'python3');
      await writesAtRate(noCompiler, w.argv);
    } finally {
      await run(hostA, ['rm', '-rf', dir, bin]);
    }
  });

  test('the lab guest through a jump host, with its prebuilt binary', async () => {
    const guest = await SshHost.connect(guestSpec, hostA);
    try {
      const w = await prepareWriter(guest, '/tmp/unused', guestSpec.memwriter);
      assert.equal(w.impl, 'binary');
      await writesAtRate(guest, w.argv);
    } finally {
      await guest.close();
      await hostA.close();
    }
  });
});
