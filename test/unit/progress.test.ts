// The live progress: redrawn in place on a terminal, a plain line per phase elsewhere, nothing with --quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExperimentSchema } from '../../src/config/experiment.js';
import { planTrials } from '../../src/plan/plan.js';
import { duration, etaMs, jobDetail } from '../../src/progress/format.js';
import { createProgress, type ProgressStream } from '../../src/progress/progress.js';

const trials = planTrials(ExperimentSchema.parse({ name: 's', strategies: ['precopy', 'postcopy'], delays_ms: [20], repetitions: 2 }));
const MiB = 2 ** 20;
const ESC = String.fromCharCode(27);

function stream(isTTY: boolean): ProgressStream & { text: string } {
  return { isTTY, columns: 200, rows: 40, text: '', write(t: string) { this.text += t; return true; } };
}

/** A sweep of two trials on one pair, on a clock the test moves. */
function drive(s: ProgressStream, quiet = false): { printed: string[] } {
  let now = 1_000_000;
  const printed: string[] = [];
  const p = createProgress({ stream: s, quiet, total: 8, done: 2, pairs: 1, settleMs: 1000, now: () => now });
  p.trialStarted('a<->b', trials[0]!);
  p.phase('a<->b', { phase: 'delay' });
  now += 2000;
  p.phase('a<->b', { phase: 'migrating' });
  now += 1500;
  p.phase('a<->b', { phase: 'migrating', job: { remainingBytes: 412 * MiB, iteration: 3, bytesPerSecond: 98.2 * MiB } });
  now += 11_000;
  p.phase('a<->b', { phase: 'migrating', job: { remainingBytes: 12 * MiB, iteration: 5, bytesPerSecond: 99 * MiB } });
  p.phase('a<->b', { phase: 'reading statistics' });
  now += 500;
  p.trialEnded('a<->b', false);
  p.print(() => {
    printed.push('FINISHED');
    s.write('[3/8] precopy idle 20ms a-to-b #1: downtime 300 ms\n');
  });
  p.trialStarted('a<->b', trials[1]!);
  p.phase('a<->b', { phase: 'post-copy pull', job: { remainingBytes: 100 * MiB, iteration: 2, bytesPerSecond: 50 * MiB } });
  p.print(() => s.write('12:00:00.000 WARN  something\n'));
  p.pairDone('a<->b');
  p.stop();
  return { printed };
}

test('the words: durations, ETA from this run\'s trials, the job\'s figures', () => {
  assert.equal(duration(4200), '4.2s');
  assert.equal(duration(185_000), '3m05s');
  assert.equal(duration(3_720_000), '1h02m');
  assert.equal(etaMs({ done: 2, total: 10, trialMs: [], pairs: 1 }), undefined, 'no estimate before a trial ends');
  assert.equal(etaMs({ done: 4, total: 10, trialMs: [10_000, 20_000], pairs: 2 }), 45_000, '6 left × 15 s ÷ 2 pairs');
  assert.equal(jobDetail({ remainingBytes: 412 * MiB, iteration: 3, bytesPerSecond: 98.2 * MiB }), '412 MiB left, iteration 3, 98.2 MiB/s');
  assert.equal(jobDetail({ remainingBytes: undefined, iteration: 1, bytesPerSecond: undefined }), 'iteration 1');
});

test('on a terminal: one line redrawn in place with sweep k/n, ETA, phase, elapsed and the job; finished trials above it', () => {
  const s = stream(true);
  const { printed } = drive(s);
  assert.equal(printed.length, 1);
  // log-update erases the previous frame (cursor up, erase line) before drawing the next
  assert.ok(s.text.includes(`${ESC}[2K`), 'erases lines');
  assert.ok(s.text.includes(`${ESC}[1A`), 'moves up over the previous frame');
  const frames = s.text.replace(new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g'), '\n').split('\n').filter((l) => l.trim());
  assert.ok(frames.includes('[2/8 25%] precopy idle 20ms a-to-b #1 · delay 0.0s (trial 0.0s)'), frames.join('\n'));
  assert.ok(frames.includes('[2/8 25%] precopy idle 20ms a-to-b #1 · migrating 1.5s (trial 3.5s) · 412 MiB left, iteration 3, 98.2 MiB/s'), frames.join('\n'));
  assert.ok(frames.some((l) => /^\[3\/8 37%, ETA 1m20s\] precopy idle 20ms b-to-a #1 · post-copy pull 0\.0s \(trial 0\.0s\) · 100 MiB left/.test(l)), frames.join('\n'));
  // a line that stays (the finished trial, a warning) comes after the frame was erased, and a frame follows it
  for (const line of ['[3/8] precopy idle 20ms a-to-b #1: downtime 300 ms', '12:00:00.000 WARN  something']) {
    const at = s.text.indexOf(line);
    const before = s.text.slice(0, at);
    assert.ok(before.lastIndexOf(`${ESC}[2K`) > before.lastIndexOf('(trial '), `${line}: the frame before it was erased`);
  }
  assert.ok(s.text.indexOf('b-to-a #1 ·') > s.text.indexOf('downtime 300 ms'), 'the next trial is drawn below the finished one');
  // the pair done: its line erased, nothing drawn after
  const tail = s.text.slice(s.text.indexOf('WARN  something'));
  assert.ok(tail.includes('b-to-a #1 ·') && !tail.slice(tail.lastIndexOf(`${ESC}[2K`)).includes('·'), JSON.stringify(tail.slice(-200)));
});

test('off a terminal: a plain line per phase, the job at most every 10 s; --quiet: nothing', () => {
  const s = stream(false);
  drive(s);
  assert.ok(!s.text.includes(ESC), 'no escape codes');
  assert.deepEqual(s.text.trimEnd().split('\n'), [
    '[2/8 25%] precopy idle 20ms a-to-b #1: checking hosts',
    '[2/8 25%] precopy idle 20ms a-to-b #1: delay',
    '[2/8 25%] precopy idle 20ms a-to-b #1: migrating',
    '[2/8 25%] precopy idle 20ms a-to-b #1: migrating (12 MiB left, iteration 5, 99.0 MiB/s)',
    '[2/8 25%] precopy idle 20ms a-to-b #1: reading statistics',
    '[3/8 37%, ETA 1m20s] precopy idle 20ms a-to-b #1: settling',
    '[3/8] precopy idle 20ms a-to-b #1: downtime 300 ms',
    '[3/8 37%, ETA 1m20s] precopy idle 20ms b-to-a #1: checking hosts',
    '[3/8 37%, ETA 1m20s] precopy idle 20ms b-to-a #1: post-copy pull',
    '12:00:00.000 WARN  something',
  ]);
  const q = stream(true);
  const { printed } = drive(q, true);
  assert.equal(q.text, '[3/8] precopy idle 20ms a-to-b #1: downtime 300 ms\n12:00:00.000 WARN  something\n', 'only what is printed through it');
  assert.equal(printed.length, 1, 'the finished trial still prints (stdout decides --quiet on its own)');
});
