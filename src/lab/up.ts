// `migbench lab up`: two libvirt hosts on this machine (network + mount + UTS namespaces on a bridge, each with
// its own sshd, virtlogd and libvirtd) and a small TCG guest running on the first.
import { checkLibvirt11Tree } from './libvirt-release.js';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { loadHosts } from '../config/hosts.js';
import { errorMessage, InputError, RuntimeError } from '../errors.js';
import { Virsh } from '../libvirt/virsh.js';
import type { Logger } from '../log/logger.js';
import { run, type Host } from '../remote/host.js';
import { SshHost } from '../remote/ssh.js';
import { labDown } from './down.js';
import { writeGuestImage } from './guest-image.js';
import { GUEST_READY_LINE } from './guest-init.js';
import { initScript, writeHostFiles } from './host-files.js';
import { writeLabHostsFile } from './hosts-file.js';
import { inspectLab } from './inspect.js';
import { createKeys } from './keys.js';
import { createTlsCertificates } from './tls.js';
import { GUEST_NAME, HOST_KEYS, LabLayout, type LabSettings } from './layout.js';
import { sh } from './local.js';
import { checkSubnetFree, createBridge, createNetns, verifyRoute, wireHost } from './network.js';
import { checkPrerequisites, requireRoot } from './prerequisites.js';
import { currentBootId, fromEarlierBoot, readLabState, writeLabState, type LabState } from './state.js';

export interface LabUpOptions {
  /** Leave a half-built lab in place for debugging instead of removing it. */
  readonly keepOnFailure?: boolean;
}

export async function labUp(settings: LabSettings, log: Logger, opts: LabUpOptions = {}): Promise<'created' | 'already-up'> {
  requireRoot('migbench lab up');
  const layout = new LabLayout(settings);
  if ((await clearTheWay(layout, log)) === 'already-up') return 'already-up';
  checkPrerequisites();
  if (HOST_KEYS.some((h) => layout.libvirt(h) === '11')) checkLibvirt11Tree();
  await checkSubnetFree(layout);

  const t0 = performance.now();
  const step = (msg: string) => log.info({ t: `${((performance.now() - t0) / 1000).toFixed(1)}s` }, msg);
  mkdirSync(layout.logDir, { recursive: true, mode: 0o755 });
  mkdirSync(join(layout.dir, 'keys'), { recursive: true, mode: 0o700 });
  const state: LabState = { settings, phase: 'building', createdAt: new Date().toISOString(), bootId: currentBootId(), bridge: false, netns: [], started: [] };
  const save = () => writeLabState(layout.stateFile, state);
  save();
  try {
    step(`network: bridge ${layout.bridge} ${layout.controllerIp}/24, hosts ${HOST_KEYS.map((h) => `${layout.hostName(h)}=${layout.hostIp(h)}`).join(' ')}`);
    await createBridge(layout);
    state.bridge = true;
    save();
    for (const h of HOST_KEYS) {
      await createNetns(layout, h);
      state.netns.push(layout.netns(h));
      save();
      await wireHost(layout, h);
      await verifyRoute(layout, layout.hostIp(h));
    }
    await verifyRoute(layout, layout.guestIp);
    step('keys, guest image (kernel, busybox, virtio modules, dropbear, static memwriter), host configuration');
    await createKeys(layout);
    await createTlsCertificates(layout);
    const guestKey = await writeGuestImage(layout);
    appendFileSync(layout.knownHosts, `${layout.guestIp},${GUEST_NAME} ${guestKey}\n`);
    for (const h of HOST_KEYS) writeHostFiles(layout, h);
    writeLabHostsFile(layout);

    step('starting virtlogd, libvirtd and sshd in each host');
    for (const h of HOST_KEYS) {
      state.started.push(h);
      save();
      await sh('ip', ['netns', 'exec', layout.netns(h), 'unshare', '--mount', '--uts', '--propagation', 'private', '/bin/sh', initScript(layout, h)]);
    }
    await bootGuest(layout, step);
    state.phase = 'up';
    save();
    step(`lab up; hosts file ${layout.hostsFile}`);
    return 'created';
  } catch (err) {
    if (opts.keepOnFailure) throw new RuntimeError(`lab up failed: ${errorMessage(err)}`, `the half-built lab is kept in ${layout.dir}; remove it with \`migbench lab down${dirFlag(layout)}\``, { cause: err });
    log.error({ err: errorMessage(err) }, 'lab up failed; removing what was built');
    await labDown(layout.dir, log).catch((e: unknown) => log.error({ err: errorMessage(e) }, 'lab down after the failure failed too'));
    throw new RuntimeError(`lab up failed: ${errorMessage(err)}`, `rerun with --keep-on-failure to inspect ${layout.dir}`, { cause: err });
  }
}

/** A lab made before the last boot is removed; a healthy one is reused; anything else in the way stops lab up. */
async function clearTheWay(layout: LabLayout, log: Logger): Promise<'already-up' | undefined> {
  let existing = readLabState(layout.stateFile);
  if (existing && fromEarlierBoot(layout.stateFile, existing)) {
    log.warn({ dir: layout.dir }, 'a lab made before this machine last booted is in the way: removing its leftovers first');
    await labDown(layout.dir, log);
    existing = undefined;
  }
  if (existing) {
    const has = new LabLayout(existing.settings);
    const differs = HOST_KEYS.some((h) => has.libvirt(h) !== layout.libvirt(h));
    if (differs) throw new InputError(`the lab in ${layout.dir} runs libvirt ${HOST_KEYS.map((h) => has.libvirt(h)).join(',')}, not ${HOST_KEYS.map((h) => layout.libvirt(h)).join(',')}`, `run \`migbench lab down${dirFlag(layout)}\` first`);
    const status = await inspectLab(layout.dir);
    if (status.healthy) return 'already-up';
    throw new InputError(`a lab in ${layout.dir} is partly up (${status.problems.join('; ')})`, `run \`migbench lab down${dirFlag(layout)}\` first`);
  }
  if (existsSync(layout.dir)) throw new InputError(`${layout.dir} exists but is not a lab folder`, `remove it or choose another with --dir`);
  return undefined;
}

/** Both hosts' libvirtd answering and reaching each other over qemu+ssh, then the guest booted on A and answering SSH. */
async function bootGuest(layout: LabLayout, step: (msg: string) => void): Promise<void> {
  const hosts = loadHosts(layout.hostsFile);
  const remotes = await Promise.all([hosts.a, hosts.b].map((spec) => connectWhenReady(spec, 30_000)));
  try {
    const virshes = remotes.map((r) => new Virsh(r));
    await Promise.all(virshes.map((v) => waitForLibvirt(v, 60_000)));
    step('checking qemu+ssh between the hosts');
    for (const [from, to] of [[0, 1], [1, 0]] as const) {
      const peer = [hosts.a, hosts.b][to]!;
      const name = (await run(remotes[from]!, ['virsh', '-c', peer.libvirtUri, 'hostname'], { timeoutMs: 30_000 })).trim();
      if (name !== peer.name) throw new RuntimeError(`${remotes[from]!.name} reached "${name}" through ${peer.libvirtUri}, expected ${peer.name}`, 'run `migbench lab down`, then `migbench lab up` again');
    }
    step('probing QEMU capabilities on both hosts (cached for the first migration)');
    await Promise.all(virshes.map((v) => v.run(['domcapabilities', '--virttype', 'qemu'], { timeoutMs: 120_000 })));
    step(`starting guest ${GUEST_NAME} on ${hosts.a.name}`);
    await virshes[0]!.run(['define', `--file=${layout.domainXml}`]);
    await virshes[0]!.run(['start', `--domain=${GUEST_NAME}`], { timeoutMs: 60_000 });
    await waitForSerialLine(layout.serialLog, GUEST_READY_LINE, 120_000);
    const guest = await connectWhenReady(hosts.guest!, 60_000);
    await run(guest, ['test', '-x', '/bin/memwriter']);
    await guest.close();
    step(`guest answers SSH at ${layout.guestIp}`);
  } finally {
    await Promise.all(remotes.map((r) => r.close()));
  }
}

function dirFlag(layout: LabLayout): string {
  return layout.dir === process.env.MIGBENCH_LAB_DIR || layout.dir === '/tmp/migbench-lab' ? '' : ` --dir ${layout.dir}`;
}

async function connectWhenReady(spec: Parameters<typeof SshHost.connect>[0], timeoutMs: number): Promise<SshHost> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await SshHost.connect(spec);
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(200);
    }
  }
}

async function waitForLibvirt(virsh: Virsh, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await virsh.exec(['uri'], { timeoutMs: 10_000 });
    if (res.code === 0) return;
    if (Date.now() > until) throw new RuntimeError(`${(virsh.host as Host).name}: libvirtd does not answer: ${res.stderr.trim()}`, 'see its log in the lab folder (docs/lab.md), then `migbench lab down` and `lab up`');
    await sleep(200);
  }
}

async function waitForSerialLine(file: string, line: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes(line)) return;
    await sleep(200);
  }
  throw new RuntimeError(`the guest did not print "${line}" within ${timeoutMs / 1000} s`, `see its console log ${file}`);
}
