// Before a trial the VM must run on the trial's source host. Ping-pong order makes this the normal case;
// otherwise (first trial, one-way sweeps, after a failure) a plain pre-copy migration moves it there first.
// That migration is not a measurement: it is logged, never written to trials.csv.
import { RuntimeError } from '../errors.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import { migrateArgs } from '../libvirt/migrate-args.js';
import { STRATEGIES } from '../config/strategy.js';
import type { Logger } from '../log/logger.js';
import { describeStates, locateDomain } from './locate.js';
import { virshError } from '../libvirt/virsh.js';

export async function positionDomain(
  hosts: readonly [LibvirtHost, LibvirtHost],
  domain: string,
  target: LibvirtHost,
  timeoutMs: number,
  log: Logger,
  /** Where the domain runs, when the caller has just found out (settleDomain): saves looking again. */
  runningOn?: LibvirtHost,
): Promise<'already-there' | 'moved'> {
  const where = runningOn ? undefined : await locateDomain(hosts, domain);
  const from = runningOn ?? where!.runningOn;
  if (from === target) return 'already-there';
  if (!from) throw new RuntimeError(`domain ${domain} must run on exactly one host before a trial (${describeStates(where!)})`, `start it on one host, or destroy the extra copy`);
  log.info({ from: from.spec.name, to: target.spec.name }, 'moving the VM to the next trial\'s source (not measured)');
  const args = migrateArgs({ domain, strategy: STRATEGIES.precopy, destinationUri: target.spec.libvirtUri, migrateUri: target.spec.migrateUri });
  const res = await from.virsh.exec(args, { timeoutMs });
  if (res.code !== 0) {
    throw new RuntimeError(`could not move domain ${domain} from ${from.spec.name} to ${target.spec.name}: ${virshError(res.stderr) || `exit status ${res.code}`}`, `check both hosts with virsh, then run again`);
  }
  return 'moved';
}
