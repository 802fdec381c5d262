// A connected host as migbench uses it: the SSH connection, virsh on it, and what its virsh can do. The
// connection can be replaced (reconnect) between trials; code reads `remote` and `virsh` when it needs them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { GuestSpec, HostSpec } from '../config/hosts.js';
import { errorMessage, firstLine, RuntimeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { SshError, SshHost } from '../remote/ssh.js';
import { Virsh, type JobInfoSupport, type VirshVersions } from './virsh.js';

export interface HostAbilities {
  readonly versions: VirshVersions;
  readonly jobInfo: JobInfoSupport;
  /** Whether this virsh can stamp events with the host time (`virsh event --timestamp`). */
  readonly eventTimestamps: boolean;
  /** `virsh migrate --postcopy-resume` (recovering a broken post-copy migration). */
  readonly postcopyResume: boolean;
}

async function probe(virsh: Virsh): Promise<HostAbilities> {
  const [versions, jobInfo, eventHelp, migrateHelp] = await Promise.all([
    virsh.versions(),
    virsh.jobInfoSupport(),
    virsh.exec(['help', 'event']),
    virsh.exec(['help', 'migrate']),
  ]);
  return {
    versions,
    jobInfo,
    eventTimestamps: eventHelp.stdout.includes('--timestamp'),
    postcopyResume: migrateHelp.stdout.includes('--postcopy-resume'),
  };
}

export class LibvirtHost {
  private constructor(
    readonly spec: HostSpec,
    private ssh: SshHost,
    private readonly abilities: HostAbilities,
  ) {}

  static async open(spec: HostSpec): Promise<LibvirtHost> {
    const ssh = await SshHost.connect(spec);
    try {
      return new LibvirtHost(spec, ssh, await probe(new Virsh(ssh)));
    } catch (err) {
      await ssh.close();
      throw err;
    }
  }

  /** Both hosts of a pair, connected in parallel; when one cannot be opened the other is closed again. */
  static async openPair(a: HostSpec, b: HostSpec): Promise<readonly [LibvirtHost, LibvirtHost]> {
    const [ra, rb] = await Promise.allSettled([LibvirtHost.open(a), LibvirtHost.open(b)]);
    if (ra.status === 'fulfilled' && rb.status === 'fulfilled') return [ra.value, rb.value];
    for (const r of [ra, rb]) if (r.status === 'fulfilled') await r.value.remote.close().catch(() => undefined);
    throw ra.status === 'rejected' ? ra.reason : (rb as PromiseRejectedResult).reason;
  }

  get remote(): SshHost {
    return this.ssh;
  }
  get virsh(): Virsh {
    return new Virsh(this.ssh);
  }
  get versions(): VirshVersions {
    return this.abilities.versions;
  }
  get jobInfo(): JobInfoSupport {
    return this.abilities.jobInfo;
  }
  get eventTimestamps(): boolean {
    return this.abilities.eventTimestamps;
  }
  get postcopyResume(): boolean {
    return this.abilities.postcopyResume;
  }
  get connected(): boolean {
    return this.ssh.connected;
  }

  /**
   * Waits until the host's libvirtd answers (it may be restarting: a package upgrade, a crash), retrying with
   * backoff (1, 2, 4… s) for up to `budgetMs`. Returns whether it had to wait.
   */
  async waitForLibvirt(log: Logger, budgetMs = 120_000): Promise<boolean> {
    const until = Date.now() + budgetMs;
    for (let wait = 1000, waited = false; ; wait = Math.min(wait * 2, 16_000), waited = true) {
      const res = await this.virsh.exec(['uri']);
      if (res.code === 0) {
        if (waited) log.info({ host: this.spec.name }, 'libvirtd answers again');
        return waited;
      }
      const why = firstLine(res.stderr) || `exit ${res.code}`;
      if (Date.now() + wait > until) {
        throw new RuntimeError(`${this.spec.name}: libvirtd has not answered for ${Math.round(budgetMs / 1000)} s (${why})`, `start it (systemctl start libvirtd), then continue with migbench run --resume`);
      }
      log.warn({ host: this.spec.name, err: why, retryInMs: wait }, 'libvirtd does not answer; waiting');
      await sleep(wait);
    }
  }

  /** A new connection, retried with exponential backoff (1, 2, 4… s) for up to `budgetMs`. */
  async reconnect(log: Logger, budgetMs = 120_000): Promise<void> {
    await this.ssh.close().catch(() => undefined);
    const until = Date.now() + budgetMs;
    for (let wait = 1000; ; wait = Math.min(wait * 2, 16_000)) {
      try {
        this.ssh = await SshHost.connect(this.spec);
        log.info({ host: this.spec.name }, 'reconnected');
        return;
      } catch (err) {
        if (!(err instanceof SshError) || err.kind === 'auth' || err.kind === 'host-key' || Date.now() + wait > until) throw err;
        log.warn({ host: this.spec.name, err: errorMessage(err), retryInMs: wait }, 'reconnecting');
        await sleep(wait);
      }
    }
  }
}

/** Connects to the guest, through the host of the pair its `via` names when it has one. */
export function connectGuest(spec: GuestSpec, pair: readonly LibvirtHost[] | undefined): Promise<SshHost> {
  const via = spec.via === undefined ? undefined : pair?.find((h) => h.spec.name === spec.via);
  return SshHost.connect(spec, via?.remote);
}
