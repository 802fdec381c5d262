// Benchmark: a synthetic 10 000-trial sweep through the real sweep loop and writers (fake driver, two "pairs"):
// the controller's RSS must stay flat — results are streamed to trials.csv and raw.jsonl, not held.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentSchema } from '../../src/config/experiment.js';
import { createLogger } from '../../src/log/logger.js';
import { planTrials } from '../../src/plan/plan.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { fakeDriver } from '../support/fake-driver.js';

const MiB = 2 ** 20;

export async function benchMemory(target = 10_000): Promise<{ startMiB: number; endMiB: number; peakMiB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'migbench-bench-mem-'));
  try {
    const experiment = ExperimentSchema.parse({ name: 'fake', strategies: ['precopy', 'postcopy'], delays_ms: [0, 10, 50, 100, 200], repetitions: Math.ceil(target / 20), settle_s: 0 });
    const trials = planTrials(experiment).slice(0, target);
    const sweepId = 'fake-20260101-000000';
    const rss = () => process.memoryUsage().rss / MiB;
    global.gc?.();
    const heap = () => process.memoryUsage().heapUsed / MiB;
    const marks: Array<[number, number, number]> = [[0, rss(), heap()]];
    let peak = rss();
    const t0 = performance.now();
    await runSweep([fakeDriver('pair1', sweepId), fakeDriver('pair2', sweepId)], {
      sweepId,
      experiment,
      trials,
      outDir: dir,
      log: createLogger({ consoleLevel: 'silent' }),
      signal: new AbortController().signal,
      onTrial: (_r, done) => {
        if (done % 1000 === 0) {
          global.gc?.();
          marks.push([done, rss(), heap()]);
        }
        peak = Math.max(peak, rss());
      },
    });
    const secs = (performance.now() - t0) / 1000;
    const start = marks[1]?.[1] ?? marks[0]![1];
    const end = marks.at(-1)![1];
    console.log(`memory: ${trials.length} synthetic trials through the sweep loop in ${secs.toFixed(1)} s; RSS after 1000 trials ${start.toFixed(1)} MiB, after ${trials.length} ${end.toFixed(1)} MiB (growth ${(end - start).toFixed(1)} MiB, peak ${peak.toFixed(1)} MiB); trials.csv ${(statSync(join(dir, 'trials.csv')).size / MiB).toFixed(1)} MiB, raw.jsonl ${(statSync(join(dir, 'raw.jsonl')).size / MiB).toFixed(1)} MiB`);
    console.log(`  by trials done, RSS / JS heap in use (MiB): ${marks.map(([n, r, h]) => `${n}:${r.toFixed(0)}/${h.toFixed(0)}`).join(' ')}`);
    return { startMiB: start, endMiB: end, peakMiB: peak };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMemory();
