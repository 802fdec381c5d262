// The hosts the lab benchmarks run against: MIGBENCH_BENCH_HOSTS, or the lab in /tmp/migbench-lab (brought up if
// it is not; needs root). Undefined, with a loud line, when neither can be had.
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { BIN } from '../support/paths.js';

export async function benchHosts(what: string): Promise<string | undefined> {
  const hosts = process.env.MIGBENCH_BENCH_HOSTS;
  if (hosts) {
    if (!existsSync(hosts)) throw new Error(`no hosts file ${hosts}`);
    return hosts;
  }
  if (process.getuid?.() !== 0) {
    console.log(`!!! lab benchmarks (${what}) SKIPPED: not root — run as root, or set MIGBENCH_BENCH_HOSTS`);
    return undefined;
  }
  await execa(process.execPath, [BIN, 'lab', 'up'], { stdio: 'inherit' });
  return '/tmp/migbench-lab/hosts.yaml';
}
