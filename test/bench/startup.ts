// Benchmark: `migbench --help` start-up (target: under 300 ms; heavy modules are imported lazily per command).
import { execa } from 'execa';
import { BIN } from '../support/paths.js';

export async function benchStartup(runs = 15): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await execa(process.execPath, [BIN, '--help']);
    ms.push(performance.now() - t0);
  }
  const s = [...ms].sort((a, b) => a - b);
  console.log(`start-up: migbench --help ${runs} times: median ${s[Math.floor(runs / 2)]!.toFixed(0)} ms, min ${s[0]!.toFixed(0)}, max ${s.at(-1)!.toFixed(0)} (target < 300 ms)`);
  return ms;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchStartup();
