import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assetPath } from '../../src/assets.js';
import { findBinary } from '../../src/lab/prerequisites.js';
import { addLine, emptyLog, guestToControllerOffset, longestGap, rateBetween, type WriterLog } from '../../src/workload/progress.js';

/** Runs a memwriter for `ms`, then SIGTERM; returns its parsed output. */
function runFor(argv: string[], ms: number): Promise<{ log: WriterLog; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    let log = emptyLog();
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const l of lines) log = addLine(log, l, Date.now());
    });
    setTimeout(() => child.kill('SIGTERM'), ms);
    child.on('close', (code) => resolve({ log, code }));
  });
}

function checkRun(log: WriterLog, code: number | null, rateMiBs: number): void {
  assert.equal(code, 0, 'exits cleanly on SIGTERM');
  assert.ok(log.started && log.readyAt !== undefined && log.stoppedAt !== undefined, 'start, ready and stop lines');
  assert.deepEqual(log.errors, []);
  const first = log.progress[0]!;
  const last = log.progress.at(-1)!;
  const rate = rateBetween(log.progress, first.t, last.t)! / 2 ** 20;
  assert.ok(rate > rateMiBs * 0.85 && rate < rateMiBs * 1.15, `paced at ${rateMiBs} MiB/s, measured ${rate.toFixed(1)}`);
  for (let i = 1; i < log.progress.length; i++) assert.ok(log.progress[i]!.bytes > log.progress[i - 1]!.bytes);
}

test('memwriter.c holds its rate, prints its format and stops on SIGTERM', async (t) => {
  if (!findBinary('gcc')) return t.skip('no gcc here (apt-get install gcc libc6-dev)');
  const dir = mkdtempSync(join(tmpdir(), 'mb-mw-'));
  try {
    const bin = join(dir, 'memwriter');
    execFileSync('gcc', ['-O2', '-std=gnu99', '-Wall', '-Werror', '-o', bin, assetPath('workload/memwriter.c')]);
    const { log, code } = await runFor([bin, '32', '64', 'mib', '1024'], 1500);
    checkRun(log, code, 64);
    const pages = await runFor([bin, '16', '8192', 'pages', '256'], 1000); // 8192 pages/s = 32 MiB/s
    checkRun(pages.log, pages.code, 32);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('memwriter.py behaves the same', async (t) => {
  const python = findBinary('python3');
  if (!python) return t.skip('no python3 here');
  const { log, code } = await runFor([python, assetPath('workload/memwriter.py'), '32', '64', 'mib', '1024'], 1500);
  checkRun(log, code, 64);
});

test('reading the output: the longest gap and where the guest clock sits', () => {
  let log = emptyLog();
  const lines = ['start 1000.000 size_mib=4 rate=100 unit=mib chunk_kib=1024 report_ms=1 page=4096 pid=7', 'ready 1010.000 touch_ms=10.0'];
  for (const l of lines) log = addLine(log, l, 50_000);
  // every 10 ms, except a 300 ms stall after 1100
  const times = [1020, 1030, 1040, 1050, 1060, 1070, 1080, 1090, 1100, 1400, 1410, 1420];
  for (const [i, t] of times.entries()) log = addLine(log, `chunk ${t}.000 ${(i + 1) * 1048576}`, 50_000 + t + (t >= 1400 ? 40 : 2));
  log = addLine(log, 'stop 1425.000 12582912', 51_500);
  assert.equal(log.started?.pid, 7);
  assert.equal(log.readyAt, 1010);
  assert.equal(log.stoppedAt, 1425);
  const gap = longestGap(log.progress, 1000, 2000)!;
  assert.equal(gap.maxGapMs, 300);
  assert.equal(gap.at, 1100);
  assert.equal(gap.periodMs, 10);
  assert.equal(longestGap(log.progress, 1000, 1050)!.maxGapMs, 10, 'a window before the stall does not see it');
  assert.equal(guestToControllerOffset(log.progress), 50_002);
  assert.equal(Math.round(rateBetween(log.progress, 1020, 1100)! / 2 ** 20), 100);
});
