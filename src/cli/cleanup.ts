// `migbench cleanup`: what `migbench run` does first, on its own — take the locks, undo what a dead sweep left
// (the markers on the hosts and guest), and settle the VM on exactly one host.
import { timeStamp } from '../results/sweep-meta.js';
import { loadHostPairs, type Hosts } from '../config/hosts.js';
import type { Logger } from '../log/logger.js';
import { guardHost } from '../guard/host-guard.js';
import { Journal } from '../guard/journal.js';
import { settleDomain } from '../placement/settle.js';
import { pairKey, SweepLock } from '../guard/sweep-lock.js';
import { LibvirtHost } from '../libvirt/libvirt-host.js';
import { createLogger } from '../log/logger.js';
import { SshHost } from '../remote/ssh.js';
import { RuntimeError } from '../errors.js';
import { resolveHostsFile } from './hosts-file.js';

export async function cleanupCommand(opts: { hosts?: string; verbose?: boolean }): Promise<number> {
  const pairs = loadHostPairs(resolveHostsFile(opts.hosts));
  const log = createLogger({ consoleLevel: opts.verbose ? 'debug' : 'warn' });
  for (const hosts of pairs) {
    if (pairs.length > 1) process.stdout.write(`pair ${hosts.pair}:\n`);
    await cleanupPair(hosts, log);
  }
  return 0;
}

async function cleanupPair(hosts: Hosts, log: Logger): Promise<void> {
  const sweepId = `cleanup-${timeStamp()}`;
  const lock = SweepLock.acquire(pairKey(hosts.a, hosts.b), { sweepId, resultsDir: undefined, hostsFile: hosts.file });
  const journal = new Journal(lock, sweepId);
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const pair = [await LibvirtHost.open(hosts.a), await LibvirtHost.open(hosts.b)] as const;
    for (const h of pair) closers.push(() => h.remote.close());
    for (const h of pair) {
      const l = await guardHost(h.remote, sweepId);
      closers.push(() => l.release());
    }
    const done: string[] = [];
    const failed: string[] = [];
    for (const h of pair) {
      const r = await journal.replay(h.remote);
      done.push(...r.undone);
      failed.push(...r.failed);
    }
    if (hosts.guest) {
      try {
        const via = pair.find((h) => h.spec.name === hosts.guest!.via);
        const guest = await SshHost.connect(hosts.guest, via?.remote);
        closers.push(() => guest.close());
        const r = await journal.replay(guest);
        done.push(...r.undone);
        failed.push(...r.failed);
      } catch (err) {
        log.warn({ err: String(err) }, 'the guest is not reachable; its leftovers (uploaded files) stay');
      }
    }
    const settled = await settleDomain(pair, hosts.domain, log);
    done.push(...settled.actions);
    for (const line of done) process.stdout.write(`undone: ${line}\n`);
    process.stdout.write(`${done.length ? '' : 'nothing to undo; '}domain ${hosts.domain} runs on ${settled.runningOn.spec.name}\n`);
    if (failed.length) throw new RuntimeError(`could not undo: ${failed.join('; ')}`, `fix it by hand`);
  } finally {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    lock.release();
  }
}
