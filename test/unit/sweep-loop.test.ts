// The sweep loop (runSweep) without hosts, through the fake trial driver: a row per planned trial in plan order,
// a resumed sweep running only what trials.csv lacks, and a pair that cannot go on stopping the sweep with the rows
// so far kept.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentSchema } from '../../src/config/experiment.js';
import { createLogger } from '../../src/log/logger.js';
import { planTrials } from '../../src/plan/plan.js';
import { readTrials } from '../../src/results/read-trials.js';
import { recordedTrials } from '../../src/results/recorded.js';
import type { TrialDriver } from '../../src/sweep/driver.js';
import { runSweep, type SweepOptions } from '../../src/sweep/sweep.js';
import type { TrialOutcome } from '../../src/trial/run-trial.js';
import { fakeDriver } from '../support/fake-driver.js';

const SWEEP_ID = 'loop-20260101-000000';
/** 2 repetitions × 2 delays × 2 loads × 2 strategies, one direction: 16 trials. */
const EXPERIMENT = ExperimentSchema.parse({
  name: 'loop',
  strategies: ['precopy', 'postcopy'],
  loads: ['idle', { name: 'w100', size: 16, rate_mib_s: 100 }],
  delays_ms: [0, 50],
  repetitions: 2,
  directions: 'a-to-b',
  settle_s: 0,
});
/** The plan of EXPERIMENT, written out: "index repetition delay load strategy direction". */
const PLANNED = [
  '0 1 0 idle precopy a-to-b',
  '1 1 0 idle postcopy a-to-b',
  '2 1 0 w100 precopy a-to-b',
  '3 1 0 w100 postcopy a-to-b',
  '4 1 50 idle precopy a-to-b',
  '5 1 50 idle postcopy a-to-b',
  '6 1 50 w100 precopy a-to-b',
  '7 1 50 w100 postcopy a-to-b',
  '8 2 0 idle precopy a-to-b',
  '9 2 0 idle postcopy a-to-b',
  '10 2 0 w100 precopy a-to-b',
  '11 2 0 w100 postcopy a-to-b',
  '12 2 50 idle precopy a-to-b',
  '13 2 50 idle postcopy a-to-b',
  '14 2 50 w100 precopy a-to-b',
  '15 2 50 w100 postcopy a-to-b',
];

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'migbench-sweep-loop-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The fake driver of `pair`, noting every trial it is asked to run in `ran`; `afterTrial` replaces the fake's. */
function watched(pair: string, ran: number[], afterTrial?: (outcome: TrialOutcome) => Promise<void>): TrialDriver {
  const fake = fakeDriver(pair, SWEEP_ID);
  return {
    ...fake,
    runTrial: (trial, note) => {
      ran.push(trial.index);
      return fake.runTrial(trial, note);
    },
    afterTrial: afterTrial ?? fake.afterTrial,
  };
}

function options(extra: Partial<SweepOptions> = {}, experiment = EXPERIMENT): SweepOptions {
  return { sweepId: SWEEP_ID, experiment, trials: planTrials(experiment), outDir: dir, log: createLogger({ consoleLevel: 'silent' }), signal: new AbortController().signal, ...extra };
}

const rows = () => readTrials(join(dir, 'trials.csv'));
const described = () => rows().map((r) => `${r.trial_index} ${r.repetition} ${r.delay_ms} ${r.load} ${r.strategy} ${r.direction}`);
// biome-ignore lint/suspicious/noExplicitAny: raw.jsonl lines of our own writing, read field by field
const events = () => readFileSync(join(dir, 'raw.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

test('every planned trial gets its row in trials.csv, in plan order, with its planned cell', async () => {
  const ran: number[] = [];
  const progress: string[] = [];
  const summary = await runSweep([watched('p1', ran)], options({ onTrial: (r, done, total) => progress.push(`${r.trial.index}:${done}/${total}`) }));
  assert.deepEqual(summary, { planned: 16, recorded: 16, failed: 0, timedOut: 0, interrupted: false });
  assert.deepEqual(ran, [...Array(16).keys()]);
  assert.deepEqual(described(), PLANNED);
  for (const r of rows()) {
    assert.equal(r.sweep_id, SWEEP_ID);
    assert.equal(r.pair, 'p1');
    assert.equal(r.status, 'completed');
    assert.equal(r.source, 'fakeA');
    assert.equal(r.knobs, '');
  }
  assert.equal(progress[0], '0:1/16');
  assert.equal(progress.at(-1), '15:16/16');
  assert.equal(progress.length, 16);
  const ev = events();
  assert.deepEqual(ev.map((e) => e.event), ['sweep-start', ...Array(16).fill('trial'), 'sweep-end']);
  assert.equal(ev[0]!.planned, 16);
  const end = ev.at(-1)!;
  assert.deepEqual([end.recorded, end.failed, end.timedOut, end.interrupted, end.error], [16, 0, 0, false, undefined]);
});

test('a resumed sweep runs only the trials trials.csv does not hold, and the folder ends complete', async () => {
  // the first run is interrupted (SIGINT's abort) after its sixth row
  const stop = new AbortController();
  const first: number[] = [];
  const cut = await runSweep([watched('p1', first)], options({ signal: stop.signal, onTrial: (_r, done) => done === 6 && stop.abort() }));
  assert.deepEqual(cut, { planned: 16, recorded: 6, failed: 0, timedOut: 0, interrupted: true });
  assert.deepEqual(first, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(described(), PLANNED.slice(0, 6));

  // --resume: the indexes already recorded are skipped
  const skip = recordedTrials(dir);
  assert.deepEqual([...skip].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
  const second: number[] = [];
  const done: number[] = [];
  const resumed = await runSweep([watched('p1', second)], options({ skip, onTrial: (_r, n) => done.push(n) }));
  assert.deepEqual(resumed, { planned: 16, recorded: 10, failed: 0, timedOut: 0, interrupted: false });
  assert.deepEqual(second, [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  assert.deepEqual(done, [7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 'progress counts the recorded trials as done');
  assert.deepEqual(described(), PLANNED, 'each trial once, in plan order');
  const resume = events().find((e) => e.event === 'sweep-resume');
  assert.equal(resume?.alreadyRecorded, 6);
  assert.equal(resume?.planned, 16);
});

test('a driver whose afterTrial throws stops the sweep: the error comes out, the rows so far stay', async () => {
  const ran: number[] = [];
  const broken = watched('p1', ran, async (outcome) => {
    if (outcome.record.trial.index === 3) throw new Error('the pair cannot go on');
  });
  await assert.rejects(runSweep([broken], options()), /^Error: the pair cannot go on$/);
  assert.deepEqual(ran, [0, 1, 2, 3], 'no trial after the one whose afterTrial threw');
  assert.deepEqual(described(), PLANNED.slice(0, 4));
  const end = events().at(-1)!;
  assert.equal(end.event, 'sweep-end');
  assert.equal(end.recorded, 4);
  assert.equal(end.error, 'Error: the pair cannot go on');
  // and --resume goes on from there
  const rest: number[] = [];
  await runSweep([watched('p1', rest)], options({ skip: recordedTrials(dir) }));
  assert.deepEqual(rest, [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  assert.deepEqual(described(), PLANNED);
});

test('with two pairs, one that cannot go on stops the sweep; the other finishes its running trial, whose row stays', async () => {
  const ran1: number[] = [];
  const ran2: number[] = [];
  const broken = watched('p1', ran1, async () => {
    throw new Error('p1 lost its VM');
  });
  await assert.rejects(runSweep([broken, watched('p2', ran2)], options()), /p1 lost its VM/);
  assert.deepEqual(ran1, [0]);
  assert.deepEqual(ran2, [1]);
  assert.deepEqual(rows().map((r) => `${r.trial_index} ${r.pair}`).sort(), ['0 p1', '1 p2']);
});

test('two pairs share the plan unit by unit: every trial once, both directions of a cell on one pair', async () => {
  const both = ExperimentSchema.parse({ name: 'loop', strategies: ['precopy', 'postcopy'], repetitions: 2, settle_s: 0 });
  const summary = await runSweep([watched('p1', []), watched('p2', [])], options({}, both));
  assert.deepEqual(summary, { planned: 8, recorded: 8, failed: 0, timedOut: 0, interrupted: false });
  const byIndex = new Map(rows().map((r) => [Number(r.trial_index), r]));
  assert.deepEqual([...byIndex.keys()].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(rows().length, 8, 'no trial twice');
  for (let i = 0; i < 8; i += 2) {
    assert.equal(byIndex.get(i)!.direction, 'a-to-b');
    assert.equal(byIndex.get(i + 1)!.direction, 'b-to-a');
    assert.equal(byIndex.get(i)!.pair, byIndex.get(i + 1)!.pair, `trials ${i} and ${i + 1} on one pair`);
  }
  assert.deepEqual(new Set(rows().map((r) => r.pair)), new Set(['p1', 'p2']), 'both pairs ran trials');
});
