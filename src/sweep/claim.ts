// Claiming a host pair, for `run` and `cleanup` alike: the controller's lock on the pair, SSH to both hosts,
// each host's lock and guard, undoing what a dead sweep left (its markers), and settling the VM on one host.
// Everything it takes goes on the caller's teardown, so a failure at any step releases what came before it.
import type { Hosts } from '../config/hosts.js';
import { RuntimeError } from '../errors.js';
import { guardHost, type HostGuard } from '../guard/host-guard.js';
import { Journal } from '../guard/journal.js';
import { pairKey, SweepLock } from '../guard/sweep-lock.js';
import type { Teardown } from '../guard/teardown.js';
import { connectGuest as connectGuestVia, LibvirtHost } from '../libvirt/libvirt-host.js';
import type { Logger } from '../log/logger.js';
import { settleDomain } from '../placement/settle.js';
import type { Host } from '../remote/host.js';
import type { SshHost } from '../remote/ssh.js';

export interface ClaimedPair {
  readonly lock: SweepLock;
  readonly journal: Journal;
  readonly pair: readonly [LibvirtHost, LibvirtHost];
  readonly guards: HostGuards;
  /** Where the domain runs once settled. */
  readonly runningOn: LibvirtHost;
  /** What was undone or settled. */
  readonly cleaned: string[];
  /** Leftovers that could not be undone (only with onUndoFailure 'report'). */
  readonly failed: string[];
}

export interface ClaimOptions {
  readonly sweepId: string;
  readonly resultsDir: string | undefined;
  /** Leftovers that cannot be undone: 'stop' throws before settling (run), 'report' lists them in `failed` (cleanup). */
  readonly onUndoFailure: 'stop' | 'report';
  /** Runs once both hosts answer, before anything on them is touched (run: the doctor). */
  readonly beforeTouching?: (pair: readonly [LibvirtHost, LibvirtHost]) => Promise<void>;
}

export async function claimPair(hosts: Hosts, o: ClaimOptions, teardown: Teardown, log: Logger): Promise<ClaimedPair> {
  const lock = SweepLock.acquire(pairKey(hosts.a, hosts.b), { sweepId: o.sweepId, resultsDir: o.resultsDir, hostsFile: hosts.file });
  teardown.add('pair lock', () => lock.release());
  if (lock.inherited) log.warn({ from: lock.inherited.sweepId, pid: lock.inherited.pid }, 'a sweep on these hosts died; cleaning up what it left');
  const journal = new Journal(lock, o.sweepId);
  const pair = await LibvirtHost.openPair(hosts.a, hosts.b);
  for (const h of pair) teardown.add(`${h.spec.name} connection`, () => h.remote.close());
  await o.beforeTouching?.(pair);
  const guards = new HostGuards(o.sweepId, hosts.guest?.name);
  teardown.add('host guards', () => guards.releaseAll());
  for (const h of pair) await guards.guard(h.remote);

  const cleaned: string[] = [];
  const failed: string[] = [];
  for (const h of pair) {
    const r = await journal.replay(h.remote);
    cleaned.push(...r.undone);
    failed.push(...r.failed);
  }
  if (failed.length && o.onUndoFailure === 'stop') {
    throw new RuntimeError(`could not undo what an earlier sweep left: ${failed.join('; ')}`, 'fix it by hand, then run `migbench cleanup`');
  }
  const settled = await settleDomain(pair, hosts.domain, log);
  cleaned.push(...settled.actions);
  return { lock, journal, pair, guards, runningOn: settled.runningOn, cleaned, failed };
}

/** Connects to the guest (through its `via` host when it has one); its close goes on the teardown. */
export async function connectGuest(hosts: Hosts, pair: readonly LibvirtHost[], teardown: Teardown): Promise<SshHost> {
  const guest = await connectGuestVia(hosts.guest!, pair);
  teardown.add('guest connection', () => guest.close());
  return guest;
}

/** The guard of each host (and the guest). A new guard after a lost one: the old one undid the uploads, so they are redone. */
export class HostGuards {
  private readonly guards = new Map<string, HostGuard>();
  /** What the sweep keeps on a host for its whole length (uploaded helpers), per host name. */
  readonly provisions = new Map<string, (host: Host) => Promise<void>>();

  constructor(
    private readonly sweepId: string,
    private readonly guestName: string | undefined,
  ) {}

  async guard(host: Host): Promise<void> {
    await this.guards.get(host.name)?.release();
    this.guards.set(host.name, await guardHost(host, this.sweepId, { lock: host.name !== this.guestName }));
    await this.provisions.get(host.name)?.(host);
  }

  alive(name: string): boolean {
    return this.guards.get(name)?.alive === true;
  }

  async releaseAll(): Promise<void> {
    await Promise.all([...this.guards.values()].map((g) => g.release()));
  }
}
