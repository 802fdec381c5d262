// What `migbench advise` measures of the live VM and its link, without migrating: the session's checks, locks and
// cleanup as for a sweep, the link probe from where the VM runs to the other host, and QEMU's dirty rate over a
// short and a long period (the long one shows the working set: QEMU counts each page dirtied in the period once).
// Everything uploaded is removed again when the session closes.
import { ExperimentSchema } from '../config/experiment.js';
import type { Hosts } from '../config/hosts.js';
import { RuntimeError } from '../errors.js';
import { calcDirtyRate, type DirtyRate } from '../libvirt/dirty-rate.js';
import { linkPath, type LinkMeasure, measureLink } from '../link/link.js';
import type { Logger } from '../log/logger.js';
import { timeStamp } from '../results/sweep-meta.js';
import { openSession } from './session.js';

export interface LiveMeasure {
  readonly source: string;
  readonly destination: string;
  readonly ramBytes: number;
  readonly link: LinkMeasure;
  /** QEMU's dirty rate over `short.periodS` (the rate) and `long.periodS` (for the working set). */
  readonly short: DirtyRate & { readonly seconds: number };
  readonly long: DirtyRate & { readonly seconds: number };
}

export interface LiveOptions {
  readonly linkSeconds: number;
  readonly shortS: number;
  readonly longS: number;
  readonly signal?: AbortSignal;
}

export async function measureLive(hosts: Hosts, o: LiveOptions, log: Logger): Promise<LiveMeasure> {
  // an experiment of one idle pre-copy: what the doctor checks before a sweep of it is what advise needs
  const experiment = ExperimentSchema.parse({ name: 'advise', strategies: ['precopy'], link_probe: { seconds: o.linkSeconds } });
  const session = await openSession(hosts, experiment, { sweepId: `advise-${timeStamp()}`, resultsDir: undefined }, log);
  try {
    const source = session.startedOn;
    const destination = session.pair.find((h) => h !== source)!;
    const scripts = [session.linkScripts.get(source.spec.name), session.linkScripts.get(destination.spec.name)] as const;
    if (!scripts[0] || !scripts[1] || session.ramBytes === undefined) throw new RuntimeError('the link probe or the domain RAM is missing after the checks', 'run migbench doctor and report this');
    const stopped = () => {
      if (o.signal?.aborted) throw new RuntimeError('advise was stopped', 'run it again');
    };
    stopped();
    const link = await measureLink(source.remote, scripts[0], destination.remote, scripts[1], linkPath(destination.spec, {}, experiment.delay.proxy_port), o.linkSeconds);
    log.info({ rttMs: link.rttMs, mibS: link.mibS }, 'link measured');
    if (!(link.mibS > 0)) throw new RuntimeError(`the link probe from ${source.spec.name} to ${destination.spec.name} carried nothing`, 'check the migration address of the hosts file and that nothing blocks its ports');
    stopped();
    const short = { ...(await calcDirtyRate(source.virsh, hosts.domain, o.shortS, undefined, o.signal)), seconds: o.shortS };
    const long = { ...(await calcDirtyRate(source.virsh, hosts.domain, o.longS, undefined, o.signal)), seconds: o.longS };
    log.info({ short: short.mibS, long: long.mibS }, 'dirty rate measured');
    return { source: source.spec.name, destination: destination.spec.name, ramBytes: session.ramBytes, link, short, long };
  } finally {
    await session.close();
  }
}
