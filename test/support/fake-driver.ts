// A trial driver without hosts: every trial "completes" at once with a real completed-job capture and ~100 job
// samples, so that a sweep of thousands of trials exercises everything but the hosts. For the benchmarks and the
// sweep loop's unit test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJobInfo } from '../../src/libvirt/jobinfo.js';
import type { Trial } from '../../src/plan/trial.js';
import type { TrialDriver } from '../../src/sweep/driver.js';
import type { TrialOutcome } from '../../src/trial/run-trial.js';
import { ROOT } from './paths.js';

const CAPTURE = readFileSync(join(ROOT, 'test/fixtures/domjobinfo/libvirt-9.0_qemu-10.0.2/01-precopy-A-to-B.completed.src.txt'), 'utf8');

export function fakeDriver(pair: string, sweepId: string): TrialDriver {
  return {
    pair,
    description: { pair, fake: true },
    async runTrial(trial: Trial): Promise<TrialOutcome> {
      const job = parseJobInfo(CAPTURE); // parsed afresh each time, as a real trial's text would be
      const now = Date.now();
      const samples = Array.from({ length: 100 }, (_, i) => ({ at: now + i * 100, data_remaining: 1e8 - i * 1e6, memory_bps: 1.2e8, memory_dirty_rate: 1000 + i, iteration: 1 + (i >> 4) }));
      await new Promise((r) => setImmediate(r));
      return {
        interrupted: false,
        cleanupFailed: undefined,
        raw: { migrate: { args: ['migrate', '--live'], stdout: '', stderr: '' }, sourceJob: { text: CAPTURE }, samples },
        record: {
          sweepId,
          trial,
          source: trial.direction === 'a-to-b' ? 'fakeA' : 'fakeB',
          destination: trial.direction === 'a-to-b' ? 'fakeB' : 'fakeA',
          startedAt: new Date(now).toISOString(),
          status: 'completed',
          error: undefined,
          wallTimeMs: 812,
          job,
          postcopySwitchMs: undefined,
          ramBytes: 2 ** 28,
          libvirtVersion: '9.0.0',
          qemuVersion: '10.0.2',
          dstLibvirtVersion: '9.0.0',
          dstQemuVersion: '10.0.2',
          load: undefined,
          delay: { method: 'none', oneWayMs: 0, jitterMs: 0, lossPct: 0, where: '', windowKiB: undefined },
          timeout: { seconds: 300, action: 'abort', fired: false },
          timing: { jobStartAt: now, jobStartBasis: 'samples', resumedAt: now + 550, switchoverMs: 550, pausedAt: now + 500, eventDowntimeMs: 50, postcopy: false } as never,
          guestPause: undefined,
          migration: { flags: '--live', connections: 1, switchReason: undefined, maxThrottlePct: undefined },
        },
      };
    },
    async afterTrial() {},
  };
}
