// `migbench lab down`: removes what `lab up` recorded in lab.json — guests, daemons and any other process in the
// lab's namespaces (by PID), the namespaces, the bridge and the lab folder. Works from any partial state.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, RuntimeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { commandOf, terminate } from './processes.js';
import { DAEMONS, daemonPid, listDomains, qemuPids } from './inspect.js';
import { HOST_KEYS, LabLayout } from './layout.js';
import { inHost, shTry } from './local.js';
import { deleteLink, deleteNetns, netnsExists } from './network.js';
import { requireRoot } from './prerequisites.js';
import { fromEarlierBoot, readLabState } from './state.js';

export async function labDown(dir: string, log: Logger): Promise<'removed' | 'not-up'> {
  requireRoot('migbench lab down');
  const state = readLabState(join(dir, 'lab.json'));
  if (!state) return 'not-up';
  const layout = new LabLayout(state.settings);
  // After a reboot nothing of the lab runs and its PIDs may be other processes': only files are left to remove.
  const stale = fromEarlierBoot(join(dir, 'lab.json'), state);
  if (stale) log.info('the lab was made before this machine last booted: nothing of it runs, removing what is left on disk');
  const live = stale ? [] : HOST_KEYS; // hosts whose pid files may be trusted
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      problems.push(`${what}: ${errorMessage(err)}`);
      log.warn({ err: errorMessage(err) }, `${what} failed`);
    }
  };

  // 1. Guests: destroyed through their host's own libvirtd, so QEMU exits cleanly.
  for (const h of live) {
    const libvirtd = daemonPid(layout, h, 'libvirtd');
    if (!libvirtd) continue;
    await attempt(`destroying domains on ${layout.hostName(h)}`, async () => {
      const domains = await listDomains(libvirtd);
      for (const [name, st] of Object.entries(domains)) {
        if (st === 'shut off') continue;
        log.info({ host: layout.hostName(h), domain: name }, 'virsh destroy');
        await inHost(libvirtd, 'virsh', ['-c', 'qemu:///system', 'destroy', `--domain=${name}`], { timeoutMs: 20_000 });
      }
    });
  }
  // 2. Daemons, from their pid files.
  const daemons = live.flatMap((h) => DAEMONS.map((d) => daemonPid(layout, h, d))).filter((p): p is number => p !== undefined);
  if (daemons.length > 0) log.info({ pids: daemons }, 'stopping sshd, libvirtd, virtlogd');
  await attempt('stopping daemons', () => terminate(daemons));
  // 3. Anything else still alive in the lab: QEMU (libvirt's pid files) and every process in the namespaces.
  for (const h of live) {
    const pids = qemuPids(layout, h);
    if (netnsExists(layout.netns(h))) {
      const res = await shTry('ip', ['netns', 'pids', layout.netns(h)]);
      pids.push(...res.stdout.split(/\s+/).filter(Boolean).map(Number));
    }
    for (const p of new Set(pids)) log.info({ host: layout.hostName(h), pid: p, cmd: commandOf(p).slice(0, 80) }, 'stopping leftover process');
    await attempt(`stopping processes of ${layout.hostName(h)}`, async () => {
      const killed = await terminate(pids);
      if (killed.length > 0) log.warn({ pids: killed }, 'needed SIGKILL');
    });
  }
  // 4. Network, then files.
  for (const ns of state.netns) await attempt(`deleting namespace ${ns}`, () => deleteNetns(ns));
  if (state.bridge) await attempt(`deleting bridge ${layout.bridge}`, () => deleteLink(layout.bridge));
  if (problems.length > 0) {
    throw new RuntimeError(`lab only partly removed (${problems.join('; ')}); ${layout.dir} kept`, `fix that, then run \`migbench lab down\` again`);
  }
  rmSync(layout.dir, { recursive: true, force: true });
  return 'removed';
}
