// `npm run bench`: every benchmark, figures printed. The lab ones run against MIGBENCH_BENCH_HOSTS, or the lab in
// /tmp/migbench-lab (brought up if it is not; needs root). Set MIGBENCH_BENCH_PAIRS for more or fewer A/B pairs.
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { BIN } from '../support/paths.js';
import { benchMemory } from './memory.js';
import { benchOverhead, benchSampler } from './overhead.js';
import { benchReport } from './report.js';
import { benchStartup } from './startup.js';

await benchStartup();
await benchReport();
await benchMemory();
let hosts = process.env.MIGBENCH_BENCH_HOSTS;
if (!hosts) {
  if (process.getuid?.() !== 0) {
    console.log('!!! lab benchmarks (overhead, sampler) SKIPPED: not root — run `sudo npm run bench`, or set MIGBENCH_BENCH_HOSTS');
    process.exit(0);
  }
  await execa(process.execPath, [BIN, 'lab', 'up'], { stdio: 'inherit' });
  hosts = '/tmp/migbench-lab/hosts.yaml';
}
if (!existsSync(hosts)) throw new Error(`no hosts file ${hosts}`);
await benchSampler(hosts);
await benchOverhead(hosts, Number(process.env.MIGBENCH_BENCH_PAIRS ?? 10));
