// What of a lab is there and alive: used by `lab status`, and by `lab up` to say "already up".
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { alive, pidFromFile } from './processes.js';
import { HOST_KEYS, LabLayout, type HostKey } from './layout.js';
import { inHost } from './local.js';
import { linkExists, netnsExists } from './network.js';
import { fromEarlierBoot, readLabState, type LabState } from './state.js';

export const DAEMONS = ['sshd', 'libvirtd', 'virtlogd'] as const;

export interface HostStatus {
  readonly key: HostKey;
  readonly name: string;
  readonly address: string;
  readonly netns: boolean;
  readonly daemons: Record<(typeof DAEMONS)[number], number | undefined>;
  /** `virsh list --all` through the host's own libvirtd: name → state. */
  readonly domains: Record<string, string>;
}

export interface LabStatus {
  readonly dir: string;
  readonly state: LabState | undefined;
  readonly bridge: boolean;
  readonly hosts: HostStatus[];
  readonly healthy: boolean;
  readonly problems: string[];
}

export function daemonPid(layout: LabLayout, h: HostKey, daemon: (typeof DAEMONS)[number]): number | undefined {
  const pid = pidFromFile(join(layout.runDir(h), `${daemon}.pid`));
  return alive(pid) ? pid : undefined;
}

export function qemuPids(layout: LabLayout, h: HostKey): number[] {
  const dir = join(layout.runDir(h), 'libvirt', 'qemu');
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.pid'));
  } catch {
    return [];
  }
  return files.map((f) => pidFromFile(join(dir, f))).filter((p): p is number => alive(p));
}

export async function listDomains(libvirtdPid: number): Promise<Record<string, string>> {
  const res = await inHost(libvirtdPid, 'virsh', ['-c', 'qemu:///system', 'list', '--all'], { timeoutMs: 20_000 });
  const out: Record<string, string> = {};
  if (res.exitCode !== 0) return out;
  for (const line of res.stdout.split('\n').slice(2)) {
    const m = /^\s*(\S+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    if (m) out[m[2]!] = m[3]!;
  }
  return out;
}

export async function inspectLab(dir: string): Promise<LabStatus> {
  const state = readLabState(join(dir, 'lab.json'));
  if (!state) return { dir, state, bridge: false, hosts: [], healthy: false, problems: ['no lab here'] };
  const layout = new LabLayout(state.settings);
  if (fromEarlierBoot(join(dir, 'lab.json'), state)) {
    return { dir, state, bridge: false, hosts: [], healthy: false, problems: ['made before this machine last booted, nothing of it runs — `migbench lab up` rebuilds it'] };
  }
  const problems: string[] = [];
  if (state.phase !== 'up') problems.push('`lab up` did not finish');
  const bridge = await linkExists(layout.bridge);
  if (!bridge) problems.push(`bridge ${layout.bridge} missing`);
  const hosts: HostStatus[] = [];
  for (const h of HOST_KEYS) {
    const daemons = Object.fromEntries(DAEMONS.map((d) => [d, daemonPid(layout, h, d)])) as HostStatus['daemons'];
    const netns = netnsExists(layout.netns(h));
    if (!netns) problems.push(`namespace ${layout.netns(h)} missing`);
    for (const d of DAEMONS) if (!daemons[d]) problems.push(`${d} of ${layout.hostName(h)} not running`);
    const domains = daemons.libvirtd ? await listDomains(daemons.libvirtd) : {};
    hosts.push({ key: h, name: layout.hostName(h), address: layout.hostIp(h), netns, daemons, domains });
  }
  return { dir, state, bridge, hosts, healthy: problems.length === 0, problems };
}
