// `npm run bench`: every benchmark but the long post-copy run (`npm run bench:postcopy`), figures printed. The lab
// ones run against MIGBENCH_BENCH_HOSTS, or the lab in /tmp/migbench-lab (lab-hosts.ts). Set MIGBENCH_BENCH_PAIRS
// for more or fewer A/B pairs.
import { benchHosts } from './lab-hosts.js';
import { benchMemory } from './memory.js';
import { benchOverhead, benchSampler } from './overhead.js';
import { benchReport } from './report.js';
import { benchStartup } from './startup.js';

await benchStartup();
await benchReport();
await benchMemory();
const hosts = await benchHosts('overhead, sampler');
if (hosts) {
  await benchSampler(hosts);
  await benchOverhead(hosts, Number(process.env.MIGBENCH_BENCH_PAIRS ?? 10));
}
