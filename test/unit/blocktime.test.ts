// Post-copy blocktime: the domain XML's own QMP socket, query-migrate's answer, and qmp-socket.py against a real QEMU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { assetPath } from '../../src/assets.js';
import { findBinary } from '../../src/lab/prerequisites.js';
import { blocktimeCheck } from '../../src/doctor/measurement-checks.js';
import { ownQmpSocket, parseBlocktime } from '../../src/libvirt/blocktime.js';

const commandline = (...args: string[]) =>
  `<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><name>vm</name><qemu:commandline>${args.map((a) => `<qemu:arg value='${a}'/>`).join('')}</qemu:commandline></domain>`;

test("the domain's own QMP socket: a -qmp unix: server that does not wait, at a path safe to pass on", () => {
  assert.equal(ownQmpSocket(commandline('-qmp', 'unix:/run/migbench-qmp-vm.sock,server=on,wait=off')), '/run/migbench-qmp-vm.sock');
  assert.equal(ownQmpSocket(commandline('-global', 'x=1', '-qmp', 'unix:/var/lib/libvirt/qemu/q.sock,server,nowait')), '/var/lib/libvirt/qemu/q.sock');
  assert.equal(ownQmpSocket(commandline('-qmp', 'unix:/run/q.sock,server=on')), undefined, 'a socket QEMU waits on would hold the guest');
  assert.equal(ownQmpSocket(commandline('-qmp', 'tcp:127.0.0.1:4444,server=on,wait=off')), undefined, 'not a unix socket');
  assert.equal(ownQmpSocket(commandline('-qmp', 'unix:/run/a b;rm.sock,server=on,wait=off')), undefined, 'a path with a space or ;');
  assert.equal(ownQmpSocket('<domain><name>vm</name></domain>'), undefined);
  const warned = blocktimeCheck('A', '<domain><name>vm</name></domain>');
  assert.equal(warned.status, 'warn', 'the migrations still run; the column stays empty');
  assert.match(`${warned.detail} — ${warned.fix}`, /postcopy_blocktime_ms stays empty — add <qemu:commandline>/);
  assert.equal(blocktimeCheck('A', commandline('-qmp', 'unix:/run/q.sock,server=on,wait=off')).status, 'pass');
});

test("query-migrate on the destination: blocktime and per-vCPU values, or why there are none", () => {
  assert.deepEqual(parseBlocktime('{"postcopy-blocktime": 412, "status": "completed", "postcopy-vcpu-blocktime": [412, 96]}'), { totalMs: 412, perVcpuMs: [412, 96] });
  assert.match(parseBlocktime('{"status": "completed"}') as string, /no postcopy-blocktime \(status completed\): the capability was not on/);
  assert.match(parseBlocktime('Traceback') as string, /no JSON: Traceback/);
});

const python = findBinary('python3');
const qemu = findBinary('qemu-system-x86_64');
const missing = !python ? 'no python3 on this machine' : !qemu ? 'no qemu-system-x86_64 on this machine' : false;
if (missing) console.warn(`SKIPPED: qmp-socket.py against a real QEMU: ${missing}`);

/** A QEMU with no machine and a QMP socket, incoming (-incoming defer) or not. */
async function withQemu(incoming: boolean, body: (socket: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'migbench-qmp-'));
  const socket = join(dir, 'q.sock');
  const args = ['-machine', 'none', '-nodefaults', '-display', 'none', '-qmp', `unix:${socket},server=on,wait=off`, ...(incoming ? ['-incoming', 'defer'] : [])];
  const proc = spawn(qemu!, args, { stdio: 'ignore' });
  try {
    for (let i = 0; i < 200 && !existsSync(socket); i++) await sleep(25);
    await body(socket);
  } finally {
    proc.kill('SIGTERM');
    await once(proc, 'close');
    rmSync(dir, { recursive: true, force: true });
  }
}

const helper = (...args: string[]) => promisify(execFile)(python!, [assetPath('libvirt/qmp-socket.py'), ...args]).then(
  (r) => ({ code: 0, ...r }),
  (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
);

test('qmp-socket.py arms an incoming QEMU: postcopy-blocktime is on afterwards', { skip: missing }, async () => {
  await withQemu(true, async (socket) => {
    const armed = await helper('arm', socket, '5');
    assert.equal(armed.stdout.trim(), 'armed', armed.stderr);
    // the capability as QEMU now reports it, through the same socket
    const check = await promisify(execFile)(python!, [
      '-c',
      `import socket,json,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f=s.makefile('rb'); f.readline()
for c in ('qmp_capabilities','query-migrate-capabilities'): s.sendall((json.dumps({'execute':c})+'\\n').encode()); r=json.loads(f.readline())
print([x['state'] for x in r['return'] if x['capability']=='postcopy-blocktime'][0])`,
      socket,
    ]);
    assert.equal(check.stdout.trim(), 'True');
  });
});

test('qmp-socket.py leaves a QEMU that is not incoming alone, and reads nothing before a migration ended', { skip: missing }, async () => {
  await withQemu(false, async (socket) => {
    const armed = await helper('arm', socket, '0.5');
    assert.equal(armed.code, 2);
    assert.equal(armed.stdout, '');
  });
  await withQemu(true, async (socket) => {
    const read = await helper('read', socket, '0.5');
    assert.equal(read.code, 2, 'an incoming migration that never ran has no final answer');
  });
  const gone = await helper('arm', '/nonexistent/q.sock', '0.2');
  assert.match(gone.stderr, /QMP socket \/nonexistent\/q\.sock: .*No such file/);
});
