// Which way the migration stream gets its delay: tc netem on the hosts, or the delay relay. One rule, used by
// `migbench doctor` (each finding a row) and by `migbench run` (through the doctor: it stops on the first fail).
import { hasProgram, type Host } from '../remote/host.js';
import { hasNetem } from './netem.js';

export type DelayChoice = 'auto' | 'netem' | 'proxy';

/** What was found on one host that decides the method. */
export interface DelayFindings {
  readonly host: string;
  readonly netem: { readonly ok: boolean; readonly detail: string };
  /** The hosts file's netem_interface, if any. */
  readonly netemInterface: string | undefined;
  /** The interface the route to the peer goes through (asked only where netem works and an interface is named). */
  readonly routeDev?: string | undefined;
  readonly peerAddress: string;
  readonly python3: boolean;
}

/** A finding as the doctor shows it (the shape of its Check). */
export interface DelayRow {
  readonly host: string;
  readonly check: string;
  readonly status: 'pass' | 'warn' | 'fail';
  readonly detail: string;
  readonly fix?: string;
}

export const NO_INTERFACE_FIX = 'name the interface that carries the migration stream (netem_interface)';
const LOAD_NETEM = 'load sch_netem (linux-modules-extra on Ubuntu)';

/** Probes one host for what the decision needs (read-only: netem is tried in a throwaway network namespace). */
export async function findDelaySupport(host: Host, netemInterface: string | undefined, peerAddress: string): Promise<DelayFindings> {
  const netem = await hasNetem(host);
  let routeDev: string | undefined;
  if (netem.ok && netemInterface) {
    const route = await host.exec(['ip', '-o', 'route', 'get', peerAddress]);
    routeDev = / dev (\S+)/.exec(route.stdout)?.[1];
  }
  const python3 = await hasProgram(host, 'python3');
  return { host: host.name, netem, netemInterface, routeDev, peerAddress, python3 };
}

/** The method for `want` on these hosts, and a row per finding; a 'fail' row means no delay is possible as asked. */
export function decideDelayMethod(want: DelayChoice, hosts: readonly DelayFindings[]): { method: 'netem' | 'proxy'; rows: DelayRow[] } {
  const rows: DelayRow[] = [];
  for (const h of hosts) {
    if (h.netem.ok) rows.push({ host: h.host, check: 'netem', status: 'pass', detail: 'sch_netem works' });
    else if (want === 'netem') rows.push({ host: h.host, check: 'netem', status: 'fail', detail: `no sch_netem (${h.netem.detail})`, fix: `${LOAD_NETEM} or use delay.method proxy` });
    else rows.push({ host: h.host, check: 'netem', status: 'warn', detail: `no sch_netem (${h.netem.detail}): delays go through the relay`, fix: `${LOAD_NETEM} to use tc netem` });
    if (h.netem.ok && h.netemInterface) {
      if (h.routeDev === h.netemInterface) rows.push({ host: h.host, check: 'netem interface', status: 'pass', detail: `${h.netemInterface} carries the route to ${h.peerAddress}` });
      else rows.push({ host: h.host, check: 'netem interface', status: 'fail', detail: `the route to ${h.peerAddress} goes through ${h.routeDev ?? 'nothing'}, not ${h.netemInterface}`, fix: `set netem_interface: ${h.routeDev ?? '<the interface towards the peer>'} for ${h.host}` });
    } else if (h.netem.ok && want !== 'proxy') {
      rows.push({ host: h.host, check: 'netem interface', status: want === 'netem' ? 'fail' : 'warn', detail: 'no netem_interface in the hosts file', fix: NO_INTERFACE_FIX });
    }
  }
  const netemEverywhere = hosts.every((h) => h.netem.ok && h.netemInterface);
  const method = want !== 'proxy' && netemEverywhere ? 'netem' : 'proxy';
  if (method === 'proxy' && want !== 'netem') {
    for (const h of hosts) {
      if (h.python3) rows.push({ host: h.host, check: 'delay relay', status: 'pass', detail: 'python3 runs the relay' });
      else rows.push({ host: h.host, check: 'delay relay', status: 'fail', detail: h.netem.ok ? 'no python3: the delay relay cannot run' : 'no sch_netem and no python3: delays are impossible', fix: 'install python3 (apt-get install python3-minimal) or load sch_netem' });
    }
  }
  return { method, rows };
}
