// Where is the VM? It must run on exactly one of the two hosts before a trial starts.
import { formatDomState, type DomainState } from '../libvirt/domstate.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';

export interface Whereabouts {
  /** The host where the domain is running, when exactly one is. */
  readonly runningOn: LibvirtHost | undefined;
  readonly states: ReadonlyArray<{ host: LibvirtHost; state: DomainState | undefined }>;
}

export async function locateDomain(hosts: readonly LibvirtHost[], domain: string): Promise<Whereabouts> {
  const states = await Promise.all(hosts.map(async (host) => ({ host, state: await host.virsh.domState(domain) })));
  const running = states.filter((s) => s.state?.state === 'running');
  return { runningOn: running.length === 1 ? running[0]!.host : undefined, states };
}

export function describeStates(w: Whereabouts): string {
  return w.states.map((s) => `${s.host.spec.name}: ${s.state ? formatDomState(s.state) : 'not defined'}`).join(', ');
}
