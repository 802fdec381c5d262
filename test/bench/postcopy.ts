// `npm run bench:postcopy`: N idle post-copy trials in a row (default 200, MIGBENCH_BENCH_TRIALS), the case where
// pre-copy could finish before the switch to post-copy took effect. Prints the failures and their reasons, the
// switch and total times; asserts nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { median, quantile } from 'simple-statistics';
import { readTrials } from '../../src/results/read-trials.js';
import { BIN } from '../support/paths.js';
import { benchHosts } from './lab-hosts.js';

const trials = Number(process.env.MIGBENCH_BENCH_TRIALS ?? 200);
const hosts = await benchHosts('post-copy');
if (hosts) {
  const work = mkdtempSync(join(tmpdir(), 'migbench-bench-postcopy-'));
  try {
    const exp = join(work, 'postcopy.yaml');
    writeFileSync(exp, `name: postcopy-idle\nstrategies: [postcopy]\nrepetitions: ${Math.ceil(trials / 2)}\ndirections: both\nwarmup_s: 0\nsettle_s: 0\n`);
    const out = join(work, 'out');
    const t0 = performance.now();
    const r = await execa(process.execPath, [BIN, 'run', exp, '--hosts', hosts, '--out', out, '--quiet'], { reject: false });
    const rows = readTrials(join(out, 'trials.csv'));
    const failed = rows.filter((x) => x.status !== 'completed');
    const reasons = new Map<string, number>();
    for (const f of failed) {
      const why = f.error || f.status || "?";
      reasons.set(why, (reasons.get(why) ?? 0) + 1);
    }
    const col = (name: string) => rows.filter((x) => x.status === 'completed' && x[name] !== '').map((x) => Number(x[name]));
    const f = (xs: number[]) => (xs.length ? `median ${median(xs).toFixed(0)} ms, p95 ${quantile(xs, 0.95).toFixed(0)} ms` : 'none');
    console.log(`post-copy, idle guest: ${rows.length} trials in ${((performance.now() - t0) / 1000).toFixed(0)} s (migbench exit ${r.exitCode}); failures: ${failed.length}`);
    for (const [why, n] of reasons) console.log(`  ${n} × ${why}`);
    console.log(`  pre-copy cap until the switch: ${[...new Set(rows.map((x) => x.bandwidth_mib_s))].join(', ')} MiB/s; flags ${[...new Set(rows.map((x) => x.migrate_flags))].join(' | ')}`);
    console.log(`  switch accepted after ${f(col('postcopy_switch_ms'))}; switch-over ${f(col('switchover_ms'))}; total ${f(col('total_time_ms'))}; downtime ${f(col('downtime_ms'))}`);
    if (r.exitCode !== 0 && rows.length < trials) console.log(`  migbench: ${String(r.stderr).trim() || readFileSync(join(out, 'sweep.log'), 'utf8').slice(-500)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
