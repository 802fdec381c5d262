import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { WATCHDOG } from '../../src/remote/host.js';

// The watchdog script runs on hosts (dash) and in guests (busybox ash); here it runs under the local sh.
function runWatched(argv: string[]): { child: ReturnType<typeof spawn>; exited: Promise<{ code: number | null; ms: number; out: string }> } {
  const t0 = Date.now();
  const child = spawn('sh', ['-c', WATCHDOG, 'wd', ...argv], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; ms: number; out: string }>((resolve) => {
    // 'close' waits for stdout to end: it proves no descendant still holds it.
    child.on('close', (code) => resolve({ code, ms: Date.now() - t0, out }));
  });
  return { child, exited };
}

test('closing stdin ends the command and its children', async () => {
  const { child, exited } = runWatched(['sh', '-c', 'echo started; sleep 30; echo not-killed']);
  await new Promise((r) => setTimeout(r, 300));
  child.stdin!.end();
  const r = await exited;
  assert.ok(r.ms < 5000, `took ${r.ms} ms to stop`);
  assert.equal(r.out, 'started\n');
});

test('a command that ends by itself returns its status while stdin stays open', async () => {
  const { child, exited } = runWatched(['sh', '-c', 'echo done; exit 7']);
  const r = await exited;
  child.stdin!.end();
  assert.equal(r.code, 7);
  assert.equal(r.out, 'done\n');
});

test('arguments are passed through without shell interpretation', async () => {
  const { child, exited } = runWatched(['printf', '%s|', 'a b', '$(echo x)', "it's"]);
  const r = await exited;
  child.stdin!.end();
  assert.equal(r.out, "a b|$(echo x)|it's|");
});
