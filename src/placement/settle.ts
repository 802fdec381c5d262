// Before every trial, and after a failure, the VM must run on exactly one host with no migration job left.
// This settles it: waits out (or aborts) a job still running, resumes a guest left paused on one host, recovers
// a broken post-copy migration where libvirt can (--postcopy-resume), and otherwise says clearly what is wrong.
import { setTimeout as sleep } from 'node:timers/promises';
import { RuntimeError } from '../errors.js';
import { formatDomState } from '../libvirt/domstate.js';
import { parseJobInfo } from '../libvirt/jobinfo.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import type { Logger } from '../log/logger.js';
import { describeStates, locateDomain, type Whereabouts } from './locate.js';

export interface Settled {
  readonly runningOn: LibvirtHost;
  /** What had to be done, for the log and raw.jsonl. */
  readonly actions: string[];
}

async function activeJob(host: LibvirtHost, domain: string): Promise<boolean> {
  const res = await host.virsh.exec(['domjobinfo', `--domain=${domain}`]);
  if (res.code !== 0) return false;
  const type = parseJobInfo(res.stdout).type;
  return type === 'unbounded' || type === 'bounded';
}

/** Waits for migration jobs still running on either host (e.g. a virsh migrate whose controller link broke). */
async function waitForJobs(hosts: readonly LibvirtHost[], domain: string, waitMs: number, actions: string[]): Promise<void> {
  const until = Date.now() + waitMs;
  for (const h of hosts) {
    if (!(await activeJob(h, domain))) continue;
    actions.push(`${h.spec.name}: waited for a running migration job`);
    while ((await activeJob(h, domain)) && Date.now() < until) await sleep(500);
    if (await activeJob(h, domain)) {
      await h.virsh.exec(['domjobabort', `--domain=${domain}`]);
      actions.push(`${h.spec.name}: aborted a migration job that did not end`);
      for (let i = 0; i < 20 && (await activeJob(h, domain)); i++) await sleep(500);
    }
  }
}

const isActive = (s: { state?: { state: string } | undefined }) => s.state !== undefined && s.state.state !== 'shut off' && s.state.state !== 'shutoff';

export async function settleDomain(hosts: readonly [LibvirtHost, LibvirtHost], domain: string, log: Logger, jobWaitMs = 120_000): Promise<Settled> {
  const actions: string[] = [];
  await waitForJobs(hosts, domain, jobWaitMs, actions);
  let where: Whereabouts = await locateDomain(hosts, domain);
  if (where.runningOn) {
    const other = where.states.find((s) => s.host !== where.runningOn);
    if (!other || !isActive(other)) return { runningOn: where.runningOn, actions };
  }
  if (where.states.every((s) => s.state === undefined)) {
    throw new RuntimeError(`domain ${domain} not found on any host (${describeStates(where)})`, `check "domain" in the hosts file against \`virsh list --all\``);
  }
  const running = where.states.filter((s) => s.state?.state === 'running');
  const paused = where.states.filter((s) => s.state?.state === 'paused');
  if (running.length === 0 && paused.length === 0) {
    throw new RuntimeError(`${domain} is not running on either host (${describeStates(where)})`, `start it on one host (virsh start ${domain}), then run again (--resume to continue a sweep)`);
  }
  log.warn({ states: describeStates(where) }, 'the VM is not running on exactly one host; settling it');

  // Post-copy broke: one side paused after the switch, the other holds the running state (paused or running).
  const broken = where.states.find((s) => /post-copy/.test(s.state?.reason ?? '') && s.state?.state === 'paused');
  if (broken) {
    const peer = where.states.find((s) => s !== broken)!;
    if (isActive(peer)) {
      // the source side is the one paused in "post-copy" (or "post-copy failed") with the peer running the guest
      const source = broken.host;
      const target = peer.host;
      if (!source.postcopyResume) {
        throw new RuntimeError(`post-copy migration of ${domain} broke (${describeStates(where)}) and ${source.spec.name}'s libvirt cannot resume it (no virsh migrate --postcopy-resume)`, `recover it by hand`);
      }
      const res = await source.virsh.exec(['migrate', '--live', '--postcopy', '--postcopy-resume', `--domain=${domain}`, `--desturi=${target.spec.libvirtUri}`], { timeoutMs: jobWaitMs });
      actions.push(`${source.spec.name}: virsh migrate --postcopy-resume → ${res.code === 0 ? 'ok' : res.stderr.trim()}`);
      where = await locateDomain(hosts, domain);
      if (where.runningOn && !isActive(where.states.find((s) => s.host !== where.runningOn)!)) return { runningOn: where.runningOn, actions };
      throw new RuntimeError(`post-copy migration of ${domain} broke and could not be resumed (${describeStates(where)})`, `recover it by hand`);
    }
    // The peer is gone: the guest's memory was split between the two, half of it is lost. This copy can never run.
    await broken.host.virsh.exec(['destroy', `--domain=${domain}`]);
    actions.push(`${broken.host.spec.name}: destroyed the paused copy left by a post-copy migration whose destination died`);
    throw new RuntimeError(`the VM ${domain} was lost: its post-copy migration failed after the switch and the destination copy is gone; the unrunnable paused copy on ${broken.host.spec.name} was destroyed`, `start ${domain} again (virsh start) and rerun with --resume`);
  }
  if (running.length === 2) {
    throw new RuntimeError(`${domain} runs on both hosts (${describeStates(where)})`, `destroy the stale copy by hand before measuring`);
  }
  if (running.length === 0 && paused.length === 1) {
    const p = paused[0]!;
    const res = await p.host.virsh.exec(['resume', `--domain=${domain}`]);
    actions.push(`${p.host.spec.name}: resumed the guest left ${formatDomState(p.state!)} → ${res.code === 0 ? 'ok' : res.stderr.trim()}`);
    where = await locateDomain(hosts, domain);
    if (where.runningOn) return { runningOn: where.runningOn, actions };
  }
  if (running.length === 1 && paused.length === 1) {
    // e.g. a pre-copy whose destination copy was left paused while the source kept running
    const stale = paused[0]!;
    await stale.host.virsh.exec(['destroy', `--domain=${domain}`]);
    actions.push(`${stale.host.spec.name}: destroyed a paused incoming copy while the guest runs on ${running[0]!.host.spec.name}`);
    return { runningOn: running[0]!.host, actions };
  }
  throw new RuntimeError(`${domain} could not be brought to run on exactly one host (${describeStates(where)})`, `settle it by hand (virsh resume/destroy/start), then run again`);
}
