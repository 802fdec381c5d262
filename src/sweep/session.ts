// Everything a sweep sets up before its first trial and takes down after its last: the locks, SSH connections
// to both hosts (and the guest), cleanup of what a dead sweep left, the checks, the delay method, uploaded
// helpers (journaled), event streams and clock offsets — and keeping all that healthy between trials.
import type { Experiment } from '../config/experiment.js';
import type { Hosts } from '../config/hosts.js';
import { errorMessage, InputError, RuntimeError } from '../errors.js';
import { hasNetem } from '../delay/netem.js';
import { uploadRelay } from '../delay/proxy.js';
import { guardHost, type HostGuard } from '../guard/host-guard.js';
import { runDoctor } from '../doctor/doctor.js';
import { firstFailure } from '../doctor/report.js';
import { Journal } from '../guard/journal.js';
import { settleDomain } from '../placement/settle.js';
import { pairKey, SweepLock } from '../guard/sweep-lock.js';
import { measureClockOffset } from '../libvirt/clock.js';
import { EventStream } from '../libvirt/events.js';
import { LibvirtHost } from '../libvirt/libvirt-host.js';
import type { Logger } from '../log/logger.js';
import { hasProgram, type Host } from '../remote/host.js';
import { SshHost } from '../remote/ssh.js';
import type { GuestAccess, TrialContext } from '../trial/context.js';
import { prepareWriter } from '../workload/writer.js';

export interface Session {
  readonly hosts: Hosts;
  readonly pair: readonly [LibvirtHost, LibvirtHost];
  /** The domain's RAM, for the rows (ram_bytes). */
  readonly ramBytes: number | undefined;
  readonly delayMethod: 'netem' | 'proxy';
  readonly relayScripts: ReadonlyMap<string, string>;
  readonly guest: GuestAccess | undefined;
  readonly events: ReadonlyMap<string, EventStream>;
  readonly clockOffsetMs: ReadonlyMap<string, number>;
  readonly journal: Journal;
  /** What the setup found and did, for raw.jsonl. */
  readonly facts: Record<string, unknown>;
  /** Between trials: reconnects lost host connections (with backoff), retakes their locks, undoes what is left. */
  ensureHealthy(log: Logger): Promise<string[]>;
  /** Between trials, once the VM runs again: reconnects the guest if its connection dropped. */
  ensureGuest(): Promise<string[]>;
  /** Stops event streams, removes uploaded files, releases locks, closes connections. Never throws. */
  close(): Promise<void>;
}

export interface SessionOptions {
  readonly sweepId: string;
  readonly resultsDir: string | undefined;
}

export function workDir(sweepId: string): string {
  return `/tmp/migbench-${sweepId}`;
}

export async function openSession(hosts: Hosts, experiment: Experiment, opts: SessionOptions, log: Logger): Promise<Session> {
  const needsGuest = experiment.loads.some((l) => l.kind === 'writer');
  if (needsGuest && !hosts.guest) {
    throw new InputError(`the experiment has memwriter loads but ${hosts.file} has no guest: section`, `give the guest's address and SSH access (docs/hosts-file.md)`);
  }
  if (experiment.probe && !hosts.guest) {
    throw new InputError(`the experiment has a probe but ${hosts.file} has no guest: section`, `give the guest's address (the probe sends to its services)`);
  }
  const undo: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'cleanup step failed'));
  };
  try {
    const lock = SweepLock.acquire(pairKey(hosts.a, hosts.b), { sweepId: opts.sweepId, resultsDir: opts.resultsDir, hostsFile: hosts.file });
    undo.push(async () => lock.release());
    const journal = new Journal(lock, opts.sweepId);
    /** Markers of changes that last the whole sweep: not undone between trials. */
    const sweepLong = new Set<string>();
    const facts: Record<string, unknown> = {};
    if (lock.inherited) {
      facts.inheritedFrom = lock.inherited.sweepId;
      log.warn({ from: lock.inherited.sweepId, pid: lock.inherited.pid }, 'a sweep on these hosts died; cleaning up what it left');
    }

    const [a, b] = await Promise.allSettled([LibvirtHost.open(hosts.a), LibvirtHost.open(hosts.b)]);
    for (const r of [a, b]) if (r.status === 'fulfilled') undo.push(() => r.value.remote.close());
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
    const pair = [a.value, b.value] as const;
    // The doctor, quietly: a failed check stops the run before any host is touched.
    const checks = await runDoctor(hosts, { pair, experiment });
    const problem = firstFailure(checks);
    if (problem) throw new RuntimeError(`not ready: ${problem.problem}`, problem.fix);
    facts.doctor = checks.filter((c) => c.status !== 'pass').map((c) => `${c.host}: ${c.check}: ${c.detail}`);
    const guards = new Map<string, HostGuard>();
    /** What the sweep keeps on a host for its whole length (uploaded helpers), per host name. */
    const provisions = new Map<string, (host: Host) => Promise<void>>();
    /** The host's lock and guard. A new guard after a lost one: the old one undid the uploads, so they are redone. */
    const guard = async (host: Host) => {
      await guards.get(host.name)?.release();
      guards.set(host.name, await guardHost(host, opts.sweepId, { lock: host.name !== hosts.guest?.name }));
      await provisions.get(host.name)?.(host);
    };
    for (const h of pair) await guard(h.remote);
    undo.push(async () => Promise.all([...guards.values()].map((g) => g.release())));

    // What a dead sweep left on these hosts: its markers name the commands that undo it.
    const cleaned: string[] = [];
    for (const h of pair) {
      const r = await journal.replay(h.remote);
      cleaned.push(...r.undone);
      if (r.failed.length) throw new RuntimeError(`could not undo what an earlier sweep left: ${r.failed.join('; ')}`, `fix it by hand, then run \`migbench cleanup\``);
    }
    const settled = await settleDomain(pair, hosts.domain, log);
    cleaned.push(...settled.actions);
    if (cleaned.length) {
      facts.cleanedUp = cleaned;
      log.warn({ cleaned }, 'cleaned up before the sweep');
    }

    // the doctor has checked completed statistics and distinct host UUIDs; settling found where the domain runs
    const ramBytes = await settled.runningOn.virsh.memoryBytes(hosts.domain);
    log.info({ domain: hosts.domain, on: settled.runningOn.spec.name, ramBytes }, 'domain found');
    const dir = workDir(opts.sweepId);
    const delayed = experiment.delays_ms.some((d) => d > 0);
    const delayMethod = delayed ? await chooseDelayMethod(pair, experiment, log) : 'proxy';
    /** The sweep's work folder on a host (or the guest): journaled before it is made, removed at the end. */
    const workDirMarkers = new Map<string, string>();
    const journaledWorkDir = async (host: Host, current: () => Host) => {
      const id = await journal.will(host, `uploaded ${dir}`, ['rm', '-rf', dir]);
      sweepLong.add(id);
      if (!workDirMarkers.has(host.name)) {
        undo.push(async () => {
          await current().exec(['rm', '-rf', dir]);
          await journal.done(current(), workDirMarkers.get(host.name)!);
        });
      }
      workDirMarkers.set(host.name, id);
    };
    const relayScripts = new Map<string, string>();
    if (delayed && delayMethod === 'proxy') {
      for (const h of pair) {
        const provision = async (host: Host) => {
          await journaledWorkDir(host, () => h.remote);
          relayScripts.set(h.spec.name, await uploadRelay(host, dir));
        };
        provisions.set(h.spec.name, provision);
        await provision(h.remote);
      }
    }

    let guest: GuestAccess | undefined;
    const guestSpec = hosts.guest;
    const connectGuest = async () => {
      const via = guestSpec?.via === undefined ? undefined : pair.find((h) => h.spec.name === guestSpec.via);
      return SshHost.connect(guestSpec!, via?.remote);
    };
    if (needsGuest && guestSpec) {
      const host = await connectGuest();
      guest = { host, writer: undefined };
      undo.push(() => guest!.host.close());
      await guard(host);
      cleaned.push(...(await journal.replay(host)).undone);
      const provision = async (h: Host) => {
        await journaledWorkDir(h, () => guest!.host);
        const writer = await prepareWriter(h, dir, guestSpec.memwriter);
        guest = { host: h, writer };
        log.info({ impl: writer.impl }, 'memwriter ready in the guest');
      };
      provisions.set(host.name, provision);
      await provision(host);
    }

    const clockOffsetMs = new Map<string, number>();
    const offsets: Record<string, unknown> = {};
    const measureOffset = async (h: LibvirtHost) => {
      const o = await measureClockOffset(h.remote);
      clockOffsetMs.set(h.spec.name, o.offsetMs);
      offsets[h.spec.name] = o;
    };
    const events = new Map<string, EventStream>();
    for (const h of pair) {
      await measureOffset(h);
      const stream = new EventStream(h);
      stream.start();
      undo.push(() => stream.stop());
      events.set(h.spec.name, stream);
    }

    const session: Session = {
      hosts,
      pair,
      ramBytes,
      delayMethod,
      relayScripts,
      get guest() {
        return guest;
      },
      events,
      clockOffsetMs,
      journal,
      facts: { ...facts, delayMethod: delayed ? delayMethod : 'none', clockOffsets: offsets, memwriter: guest?.writer?.impl },
      async ensureHealthy(l) {
        const done: string[] = [];
        for (const h of pair) {
          if (!h.connected) {
            await h.reconnect(l);
            await guard(h.remote);
            events.get(h.spec.name)!.start();
            await measureOffset(h);
            done.push(`${h.spec.name}: reconnected`);
          } else if (!guards.get(h.spec.name)?.alive) {
            // its guard ended (it took a silent link for a dead controller and undid the changes): a new one
            await guard(h.remote);
            done.push(`${h.spec.name}: guard restarted`);
          }
          // libvirtd restarted (or is restarting): wait for it, then a new event stream
          const waited = await h.waitForLibvirt(l);
          const stream = events.get(h.spec.name)!;
          if (waited || !stream.running) {
            stream.start();
            done.push(`${h.spec.name}: libvirt reconnected, event stream restarted`);
          }
          // anything a trial could not undo (e.g. its connection broke) is undone now
          const r = await journal.replay(h.remote, sweepLong);
          done.push(...r.undone);
          if (r.failed.length) throw new RuntimeError(`could not undo on ${h.spec.name}: ${r.failed.join('; ')}`, `fix it by hand`);
        }
        return done;
      },
      async ensureGuest() {
        if (!guest) return [];
        if ((guest.host as SshHost).connected) {
          if (guards.get(guest.host.name)?.alive) return [];
          await guard(guest.host);
          return ['guest: guard restarted'];
        }
        guest = { host: await connectGuest(), writer: guest.writer };
        await guard(guest.host);
        return ['guest: reconnected'];
      },
      close,
    };
    return session;
  } catch (err) {
    await close();
    throw err;
  }
}

async function chooseDelayMethod(pair: readonly LibvirtHost[], e: Experiment, log: Logger): Promise<'netem' | 'proxy'> {
  const want = e.delay.method;
  if (want !== 'proxy') {
    const probes = await Promise.all(pair.map(async (h) => ({ h, ...(await hasNetem(h.remote)) })));
    const missing = probes.filter((p) => !p.ok);
    const noIface = pair.filter((h) => !h.spec.netemInterface);
    if (missing.length === 0 && noIface.length === 0) return 'netem';
    if (want === 'netem') {
      if (missing.length > 0) {
        throw new RuntimeError(`${missing.map((p) => p.h.spec.name).join(', ')}: tc netem is not available (${missing[0]!.detail}): the kernel lacks sch_netem`, `install its module (linux-modules-extra on Ubuntu) or use delay.method proxy`);
      }
      throw new RuntimeError(`${noIface.map((h) => h.spec.name).join(', ')}: no netem_interface in the hosts file`, `name the interface that carries the migration stream`);
    }
    log.info({ why: missing.length > 0 ? `no sch_netem on ${missing.map((p) => p.h.spec.name).join(', ')}` : 'no netem_interface' }, 'delay method auto: using the delay relay');
  }
  for (const h of pair) {
    if (!(await hasProgram(h.remote, 'python3'))) {
      throw new RuntimeError(`${h.spec.name}: the delay relay needs python3 on the hosts`, `install it (apt-get install python3-minimal) or use delay.method netem`);
    }
  }
  return 'proxy';
}

export function trialContext(s: Session, base: Pick<TrialContext, 'sweepId' | 'experiment' | 'log' | 'signal'>): TrialContext {
  return {
    ...base,
    domain: s.hosts.domain,
    hosts: s.pair,
    ramBytes: s.ramBytes,
    delayMethod: s.delayMethod,
    relayScripts: s.relayScripts,
    get guest() {
      return s.guest;
    },
    guestAddress: s.hosts.guest?.address,
    events: s.events,
    clockOffsetMs: s.clockOffsetMs,
    undo: s.journal,
  };
}
