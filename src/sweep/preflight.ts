// Checks made before any trial: both hosts answer, their virsh can report completed jobs, they are really two
// hosts, and the domain runs on exactly one of them.
import { RuntimeError } from '../errors.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import type { Logger } from '../log/logger.js';
import { requireRunningHost } from '../trial/locate.js';

export interface PreflightResult {
  readonly runningOn: LibvirtHost;
  readonly ramBytes: number | undefined;
}

export async function preflight(hosts: readonly [LibvirtHost, LibvirtHost], domain: string, log: Logger): Promise<PreflightResult> {
  for (const h of hosts) {
    log.info({ host: h.spec.name, libvirt: h.versions.daemon, hypervisor: h.versions.hypervisor, rawstats: h.jobInfo.rawstats }, 'host checked');
    if (!h.jobInfo.completed) {
      throw new RuntimeError(`${h.spec.name}: virsh domjobinfo has no --completed option (libvirt ${h.versions.library ?? '?'}) — completed migration statistics need libvirt 1.2.9 or newer`);
    }
  }
  const [uuidA, uuidB] = await Promise.all(hosts.map((h) => h.virsh.hostUuid()));
  if (uuidA && uuidA === uuidB) {
    throw new RuntimeError(`${hosts[0].spec.name} and ${hosts[1].spec.name} report the same libvirt host UUID ${uuidA} — libvirt refuses to migrate to "the same host"; set a distinct host_uuid in /etc/libvirt/libvirtd.conf on one of them`);
  }
  const runningOn = await requireRunningHost(hosts, domain);
  const ramBytes = await runningOn.virsh.memoryBytes(domain);
  log.info({ domain, on: runningOn.spec.name, ramBytes }, 'domain found');
  return { runningOn, ramBytes };
}
