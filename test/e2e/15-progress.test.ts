// The live progress as a user sees it: a real sweep on a real terminal (a pseudo-terminal from util-linux's
// `script`), redrawn in place; and the plain lines a pipe gets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { shellQuote } from '../../src/remote/quote.js';
import { migbench } from '../support/cli.js';
import { e2eSkipReason } from '../support/e2e-env.js';
import { experiment, LONG_PRECOPY } from '../support/experiment.js';
import { BIN, ROOT } from '../support/paths.js';
import { HOSTS, useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-progress-'));
const ESC = String.fromCharCode(27);
/** What a terminal shows of the output, one piece per frame or line: escape codes and carriage returns cut it. */
const pieces = (out: string) => out.split(new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]|\\r|\\n`)).map((l) => l.trim()).filter(Boolean);

describe('live progress of a real sweep', { skip }, () => {
  after(() => rmSync(work, { recursive: true, force: true }));
  before(useTestLab);

  test('on a terminal: the running trial redrawn in place, its phases, the job\'s figures, then sweep k/n with an ETA', async () => {
    const file = experiment(work, 'tty', `${LONG_PRECOPY}repetitions: 2\n`);
    const command = [process.execPath, BIN, 'run', file, '--hosts', HOSTS, '--out', join(work, 'tty')].map(shellQuote).join(' ');
    // script gives the command a pseudo-terminal for stdout and stderr both (-e: its exit code), 0 × 0 until sized:
    // 200 columns keep a frame on one line, and the 0 rows left test that an unsized terminal still shows progress
    const r = await execa('script', ['-qefc', `stty cols 200; ${command}`, '/dev/null'], { cwd: ROOT, reject: false, timeout: 300_000 });
    const out = String(r.stdout);
    assert.equal(r.exitCode, 0, out);
    assert.ok(out.includes(`${ESC}[2K`) && out.includes(`${ESC}[1A`), 'log-update erases the previous frame');
    const p = pieces(out);
    const running = p.filter((l) => /^\[\d\/2 \d+%/.test(l));
    for (const phase of ['checking hosts', 'positioning the VM', 'delay', 'warm-up', 'migrating', 'reading statistics', 'undoing']) {
      assert.ok(running.some((l) => l.includes(` · ${phase} `)), `phase ${phase} shown:\n${running.join('\n')}`);
    }
    assert.ok(running.some((l) => /^\[0\/2 0%\] precopy w50 30ms a-to-b #1 · migrating \d+\.\ds \(trial \d+\.\ds\) · \d+ MiB left, iteration \d+, [\d.]+ MiB\/s$/.test(l)), running.join('\n'));
    assert.ok(running.some((l) => /^\[1\/2 50%, ETA \d+\.\ds\] precopy w50 30ms a-to-b #2 · /.test(l)), 'the second trial has an ETA from the first');
    // the finished trials stay, and the table comes after the last frame was cleared
    assert.ok(p.some((l) => l.startsWith('[1/2] precopy w50 30ms')) && p.some((l) => l.startsWith('[2/2] precopy w50 30ms')), out);
    // nothing is drawn once the last trial is done: between its line and the table, no frame (not even the sweep's head)
    const end = out.slice(out.lastIndexOf('[2/2] precopy'), out.indexOf('strategy  load'));
    assert.ok(end.length > 0 && !pieces(end).some((l) => l.includes(' · ') || l.startsWith('[2/2 100%')), JSON.stringify(end));
  });

  test('through a pipe: a plain line per phase on stderr, no escape codes; --quiet: nothing', async () => {
    const file = experiment(work, 'pipe', LONG_PRECOPY);
    const r = await migbench(['run', file, '--hosts', HOSTS, '--out', join(work, 'pipe')]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stderr.includes(ESC), r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('[0/1 0%] precopy w50 30ms a-to-b #1: '));
    assert.deepEqual(lines.map((l) => l.replace(/^.*#1: /, '').replace(/ \(.*\)$/, '')).filter((v, i, a) => a.indexOf(v) === i).slice(0, 5), ['checking hosts', 'positioning the VM', 'delay', 'warm-up', 'migrating']);
    const q = await migbench(['run', file, '--hosts', HOSTS, '--out', join(work, 'quiet'), '--quiet']);
    assert.equal(q.code, 0, q.stderr);
    assert.equal(q.stderr, '');
    assert.equal(q.stdout, '');
  });
});
