// Benchmark: `migbench report` over 10 000 synthetic trial rows (target: under 5 s). Prints figures; asserts nothing.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { BIN } from '../support/paths.js';
import { syntheticCsv } from '../support/synthetic.js';

export async function benchReport(rows = 10_000, runs = 3): Promise<{ rows: number; seconds: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'migbench-bench-report-'));
  try {
    writeFileSync(join(dir, 'trials.csv'), syntheticCsv(rows, 11));
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await execa(process.execPath, [BIN, 'report', dir, '--quiet']);
      seconds.push((performance.now() - t0) / 1000);
    }
    const size = (f: string) => `${(statSync(join(dir, f)).size / 2 ** 20).toFixed(1)} MiB`;
    console.log(`report over ${rows} synthetic trials (trials.csv ${size('trials.csv')}): ${seconds.map((s) => `${s.toFixed(2)} s`).join(', ')} (target < 5 s); report.html ${size('report.html')}`);
    return { rows, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchReport();
