// The lab network: a bridge in the root namespace, one network namespace per host joined to it by a veth pair.
// Inside each host, eth0 is enslaved to a bridge br0 that carries the host's address (guests' NICs join br0).
import { existsSync } from 'node:fs';
import { InputError, RuntimeError } from '../errors.js';
import { HOST_KEYS, type HostKey, type LabLayout } from './layout.js';
import { sh, shTry } from './local.js';

interface IpAddr {
  ifname: string;
  addr_info?: Array<{ local?: string }>;
}

export async function checkSubnetFree(layout: LabLayout): Promise<void> {
  const addrs = JSON.parse(await sh('ip', ['-j', 'addr', 'show'])) as IpAddr[];
  const prefix = `${layout.settings.subnet}.`;
  for (const a of addrs) {
    const used = a.addr_info?.find((i) => i.local?.startsWith(prefix));
    if (used) throw new InputError(`subnet ${layout.settings.subnet}.0/24 is already used on ${a.ifname} (${used.local})`, `choose another with --subnet`);
  }
  if (await linkExists(layout.bridge)) throw new InputError(`interface ${layout.bridge} already exists`, `choose another --prefix, or run \`migbench lab down\` if it is a lab's`);
  for (const h of HOST_KEYS) {
    if (netnsExists(layout.netns(h))) throw new InputError(`network namespace ${layout.netns(h)} already exists`, `choose another --prefix, or run \`migbench lab down\``);
  }
}

export function netnsExists(name: string): boolean {
  return existsSync(`/run/netns/${name}`);
}

export async function linkExists(name: string): Promise<boolean> {
  return (await shTry('ip', ['link', 'show', 'dev', name])).exitCode === 0;
}

export async function createBridge(layout: LabLayout): Promise<void> {
  await sh('ip', ['link', 'add', layout.bridge, 'type', 'bridge']);
  await sh('ip', ['addr', 'add', `${layout.controllerIp}/24`, 'dev', layout.bridge]);
  await sh('ip', ['link', 'set', layout.bridge, 'up']);
}

export async function createNetns(layout: LabLayout, h: HostKey): Promise<void> {
  await sh('ip', ['netns', 'add', layout.netns(h)]);
}

export async function wireHost(layout: LabLayout, h: HostKey): Promise<void> {
  const ns = layout.netns(h);
  const ipn = (...args: string[]) => sh('ip', ['-n', ns, ...args]);
  await sh('ip', ['link', 'add', layout.vethOutside(h), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  await sh('ip', ['link', 'set', layout.vethOutside(h), 'master', layout.bridge, 'up']);
  await ipn('link', 'set', 'lo', 'up');
  await ipn('link', 'add', 'br0', 'type', 'bridge');
  // br0 keeps eth0's MAC, so the host's MAC does not change when a guest's tap joins br0.
  const mac = (await sh('ip', ['netns', 'exec', ns, 'cat', '/sys/class/net/eth0/address'])).trim();
  await ipn('link', 'set', 'br0', 'address', mac);
  await ipn('link', 'set', 'eth0', 'master', 'br0');
  await ipn('addr', 'add', `${layout.hostIp(h)}/24`, 'dev', 'br0');
  await ipn('link', 'set', 'eth0', 'up');
  await ipn('link', 'set', 'br0', 'up');
}

/** Safety: from the root namespace, lab addresses must be reached through the lab bridge and nowhere else. */
export async function verifyRoute(layout: LabLayout, ip: string): Promise<void> {
  const routes = JSON.parse(await sh('ip', ['-j', 'route', 'get', ip])) as Array<{ dev?: string }>;
  const dev = routes[0]?.dev;
  if (dev !== layout.bridge) throw new RuntimeError(`route to lab address ${ip} goes through ${dev ?? 'nothing'}, not ${layout.bridge}`, `refusing to continue; check for a conflicting route`);
}

export async function deleteNetns(name: string): Promise<void> {
  if (netnsExists(name)) await sh('ip', ['netns', 'del', name]);
}

export async function deleteLink(name: string): Promise<void> {
  if (await linkExists(name)) await sh('ip', ['link', 'del', 'dev', name]);
}
