// `migbench doctor --hosts hosts.yaml [--experiment EXP]`: a row per check per host; exit 1 on any fail.
import { loadExperiment } from '../config/experiment.js';
import { loadHostPairs } from '../config/hosts.js';
import type { Check } from '../doctor/check.js';
import { runDoctor } from '../doctor/doctor.js';
import { doctorTable } from '../doctor/report.js';
import { EXIT } from '../errors.js';
import { resolveHostsFile } from './hosts-file.js';

export async function doctorCommand(opts: { hosts?: string; experiment?: string }): Promise<number> {
  const pairs = loadHostPairs(resolveHostsFile(opts.hosts));
  const experiment = opts.experiment === undefined ? undefined : loadExperiment(opts.experiment);
  const checks: Check[] = [];
  for (const hosts of pairs) {
    const { checks: mine } = await runDoctor(hosts, { experiment });
    if (pairs.length > 1) process.stdout.write(`pair ${hosts.pair}:\n`);
    process.stdout.write(`${doctorTable(mine)}\n${pairs.length > 1 ? '\n' : ''}`);
    checks.push(...mine);
  }
  const count = (s: string) => checks.filter((c) => c.status === s).length;
  process.stdout.write(`\n${count('pass')} pass, ${count('warn')} warn, ${count('fail')} fail\n`);
  return count('fail') > 0 ? EXIT.runtime : EXIT.ok;
}
