// Everything a sweep sets up before its first trial and takes down after its last: the locks, SSH connections
// to both hosts (and the guest), cleanup of what a dead sweep left, the checks, the delay method, uploaded
// helpers (journaled), event streams and clock offsets — and keeping all that healthy between trials.
import type { Experiment } from '../config/experiment.js';
import type { Hosts } from '../config/hosts.js';
import { InputError, RuntimeError } from '../errors.js';
import type { LinkMeasure } from '../link/link.js';
import { runDoctor } from '../doctor/doctor.js';
import { firstFailure } from '../doctor/report.js';
import type { Journal } from '../guard/journal.js';
import { Teardown } from '../guard/teardown.js';
import { ownQmpSocket, QMP_SOCKET_FIX, wantsBlocktime } from '../libvirt/blocktime.js';
import { measureClockOffset } from '../libvirt/clock.js';
import { EventStream } from '../libvirt/events.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import type { Logger } from '../log/logger.js';
import { uploadAsset, type Host } from '../remote/host.js';
import type { SshHost } from '../remote/ssh.js';
import type { GuestAccess, QmpSocket, TrialContext } from '../trial/context.js';
import { prepareWriter } from '../workload/writer.js';
import { type ClaimedPair, claimPair, connectGuest, type HostGuards } from './claim.js';

export interface Session {
  readonly hosts: Hosts;
  readonly pair: readonly [LibvirtHost, LibvirtHost];
  /** The domain's RAM, for the rows (ram_bytes). */
  readonly ramBytes: number | undefined;
  /** Where the domain ran when the session opened (settled on one host). */
  readonly startedOn: LibvirtHost;
  readonly delayMethod: 'netem' | 'proxy';
  readonly relayScripts: ReadonlyMap<string, string>;
  readonly linkScripts: ReadonlyMap<string, string>;
  /** The domain's own QMP socket and each host's client for it (post-copy blocktime), when the domain XML has one. */
  readonly qmpSocket: QmpSocket | undefined;
  /** The links measured so far, by path and delay (a measure, or why it failed). */
  readonly links: Map<string, LinkMeasure | string>;
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
  requireGuest(hosts, experiment);
  const teardown = new Teardown();
  const close = async () => {
    for (const failed of await teardown.run()) log.warn({ err: failed }, 'cleanup step failed');
  };
  try {
    const facts: Record<string, unknown> = {};
    const doctor = doctorFirst(hosts, experiment, facts);
    const claimed = await claimPair(hosts, { ...opts, onUndoFailure: 'stop', beforeTouching: doctor.run }, teardown, log);
    const delayMethod = doctor.delayMethod();
    const { pair, journal, guards } = claimed;
    if (claimed.lock.inherited) facts.inheritedFrom = claimed.lock.inherited.sweepId;
    // the doctor has checked completed statistics and distinct host UUIDs; settling found where the domain runs
    const ramBytes = await claimed.runningOn.virsh.memoryBytes(hosts.domain);
    log.info({ domain: hosts.domain, on: claimed.runningOn.spec.name, ramBytes }, 'domain found');

    const work = new WorkDirs(workDir(opts.sweepId), journal, teardown);
    const delayed = experiment.delays_ms.some((d) => d > 0);
    const socket = await blocktimeSocket(claimed.runningOn, hosts.domain, experiment, facts, log);
    const { relayScripts, linkScripts, qmpScripts } = await provisionHelpers(pair, guards, work, { relay: delayed && delayMethod === 'proxy', link: experiment.link_probe !== false, qmp: socket !== undefined });
    const needsGuest = experiment.loads.some((l) => l.kind === 'writer');
    const guest = needsGuest ? await provisionGuest(hosts, claimed, work, teardown, log) : undefined;
    const cleaned = [...claimed.cleaned, ...(guest?.cleaned ?? [])];
    if (cleaned.length) {
      facts.cleanedUp = cleaned;
      log.warn({ cleaned }, 'cleaned up before the sweep');
    }
    const clocks = new ClockOffsets();
    const events = new Map<string, EventStream>();
    for (const h of pair) {
      await clocks.measure(h);
      const stream = new EventStream(h);
      stream.start();
      teardown.add(`${h.spec.name} event stream`, () => stream.stop());
      events.set(h.spec.name, stream);
    }

    return {
      hosts,
      pair,
      ramBytes,
      startedOn: claimed.runningOn,
      delayMethod,
      relayScripts,
      linkScripts,
      qmpSocket: socket === undefined ? undefined : { path: socket, scripts: qmpScripts },
      links: new Map(),
      get guest() {
        return guest?.access;
      },
      events,
      clockOffsetMs: clocks.offsetMs,
      journal,
      facts: { ...facts, delayMethod: delayed ? delayMethod : 'none', clockOffsets: clocks.details, memwriter: guest?.access.writer?.impl },
      ensureHealthy: (l) => keepHealthy(pair, { guards, events, clocks, journal, sweepLong: work.markers }, l),
      ensureGuest: async () => (guest ? renewGuest(guest, { hosts, pair, guards, teardown }) : []),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The doctor, quietly, once both hosts answer: a failed check stops the run before any host is touched. */
function doctorFirst(hosts: Hosts, experiment: Experiment, facts: Record<string, unknown>) {
  let method: 'netem' | 'proxy' = 'proxy';
  return {
    run: async (pair: readonly [LibvirtHost, LibvirtHost]) => {
      const doctor = await runDoctor(hosts, { pair, experiment });
      const problem = firstFailure(doctor.checks);
      if (problem) throw new RuntimeError(`not ready: ${problem.problem}`, problem.fix);
      facts.doctor = doctor.checks.filter((c) => c.status !== 'pass').map((c) => `${c.host}: ${c.check}: ${c.detail}`);
      method = doctor.delayMethod ?? 'proxy';
    },
    delayMethod: () => method,
  };
}

/** Between trials, once the VM runs again: a new guard for the guest if its guard ended, a new connection if it dropped. */
async function renewGuest(g: ProvisionedGuest, s: { hosts: Hosts; pair: readonly LibvirtHost[]; guards: HostGuards; teardown: Teardown }): Promise<string[]> {
  const host = g.access.host;
  if ((host as SshHost).connected) {
    if (s.guards.alive(host.name)) return [];
    await s.guards.guard(host);
    return ['guest: guard restarted'];
  }
  g.access = { host: await connectGuest(s.hosts, s.pair, s.teardown), writer: g.access.writer };
  await s.guards.guard(g.access.host);
  return ['guest: reconnected'];
}

function requireGuest(hosts: Hosts, experiment: Experiment): void {
  if (experiment.loads.some((l) => l.kind === 'writer') && !hosts.guest) {
    throw new InputError(`the experiment has memwriter loads but ${hosts.file} has no guest: section`, "give the guest's address and SSH access (docs/hosts-file.md)");
  }
  if (experiment.probe && !hosts.guest) {
    throw new InputError(`the experiment has a probe but ${hosts.file} has no guest: section`, "give the guest's address (the probe sends to its services)");
  }
}

/** The sweep's work folder on a host (or the guest): journaled before it is made, removed at the end. */
class WorkDirs {
  /** Markers of changes that last the whole sweep: not undone between trials. */
  readonly markers = new Set<string>();
  private readonly byHost = new Map<string, string>();

  constructor(
    readonly dir: string,
    private readonly journal: Journal,
    private readonly teardown: Teardown,
  ) {}

  async add(host: Host, current: () => Host): Promise<void> {
    const id = await this.journal.will(host, `uploaded ${this.dir}`, ['rm', '-rf', this.dir]);
    this.markers.add(id);
    if (!this.byHost.has(host.name)) {
      this.teardown.add(`${host.name} work folder`, async () => {
        await current().exec(['rm', '-rf', this.dir]);
        await this.journal.done(current(), this.byHost.get(host.name)!);
      });
    }
    this.byHost.set(host.name, id);
  }
}

/** The helpers a sweep uploads to both hosts: the delay relay, the link probe, the QMP client (again whenever a host's guard is replaced). */
async function provisionHelpers(pair: readonly LibvirtHost[], guards: HostGuards, work: WorkDirs, want: { relay: boolean; link: boolean; qmp: boolean }) {
  const relayScripts = new Map<string, string>();
  const linkScripts = new Map<string, string>();
  const qmpScripts = new Map<string, string>();
  if (!want.relay && !want.link && !want.qmp) return { relayScripts, linkScripts, qmpScripts };
  for (const h of pair) {
    const provision = async (host: Host) => {
      await work.add(host, () => h.remote);
      if (want.relay) relayScripts.set(h.spec.name, await uploadAsset(host, work.dir, 'delay/delay-relay.py'));
      if (want.link) linkScripts.set(h.spec.name, await uploadAsset(host, work.dir, 'link/link-probe.py'));
      if (want.qmp) qmpScripts.set(h.spec.name, await uploadAsset(host, work.dir, 'libvirt/qmp-socket.py'));
    };
    guards.provisions.set(h.spec.name, provision);
    await provision(h.remote);
  }
  return { relayScripts, linkScripts, qmpScripts };
}

/** The domain's own QMP socket, when post-copy blocktime is to be measured and the domain XML adds one; else why not. */
async function blocktimeSocket(on: LibvirtHost, domain: string, experiment: Experiment, facts: Record<string, unknown>, log: Logger): Promise<string | undefined> {
  if (!wantsBlocktime(experiment.qmp, experiment.strategies)) return undefined;
  const socket = ownQmpSocket(await on.virsh.run(['dumpxml', `--domain=${domain}`]));
  if (socket) facts.qmpSocket = socket;
  else {
    facts.blocktime = `postcopy_blocktime_ms stays empty: the domain XML has no QMP socket of migbench's own; ${QMP_SOCKET_FIX}`;
    log.warn({ fix: QMP_SOCKET_FIX }, 'post-copy blocktime not measured: the domain has no QMP socket of its own');
  }
  return socket;
}

interface ProvisionedGuest {
  access: GuestAccess;
  readonly cleaned: string[];
}

/** The guest: connected, guarded, a dead sweep's leftovers undone, memwriter ready (again after a new guard). */
async function provisionGuest(hosts: Hosts, claimed: ClaimedPair, work: WorkDirs, teardown: Teardown, log: Logger): Promise<ProvisionedGuest> {
  const host = await connectGuest(hosts, claimed.pair, teardown);
  const g: ProvisionedGuest = { access: { host, writer: undefined }, cleaned: [] };
  await claimed.guards.guard(host);
  g.cleaned.push(...(await claimed.journal.replay(host)).undone);
  const provision = async (h: Host) => {
    await work.add(h, () => g.access.host);
    const writer = await prepareWriter(h, work.dir, hosts.guest!.memwriter);
    g.access = { host: h, writer };
    log.info({ impl: writer.impl }, 'memwriter ready in the guest');
  };
  claimed.guards.provisions.set(host.name, provision);
  await provision(host);
  return g;
}

/** Each host's clock offset from the controller's (for event times), measured again after a reconnect. */
class ClockOffsets {
  readonly offsetMs = new Map<string, number>();
  readonly details: Record<string, unknown> = {};

  async measure(h: LibvirtHost): Promise<void> {
    const o = await measureClockOffset(h.remote);
    this.offsetMs.set(h.spec.name, o.offsetMs);
    this.details[h.spec.name] = o;
  }
}

interface Upkeep {
  readonly guards: HostGuards;
  readonly events: ReadonlyMap<string, EventStream>;
  readonly clocks: ClockOffsets;
  readonly journal: Journal;
  readonly sweepLong: ReadonlySet<string>;
}

/** Between trials: lost connections reconnected (with backoff), guards and event streams renewed, leftovers undone. */
async function keepHealthy(pair: readonly LibvirtHost[], u: Upkeep, log: Logger): Promise<string[]> {
  const done: string[] = [];
  for (const h of pair) {
    if (!h.connected) {
      await h.reconnect(log);
      await u.guards.guard(h.remote);
      u.events.get(h.spec.name)!.start();
      await u.clocks.measure(h);
      done.push(`${h.spec.name}: reconnected`);
    } else if (!u.guards.alive(h.spec.name)) {
      // its guard ended (it took a silent link for a dead controller and undid the changes): a new one
      await u.guards.guard(h.remote);
      done.push(`${h.spec.name}: guard restarted`);
    }
    // libvirtd restarted (or is restarting): wait for it, then a new event stream
    const waited = await h.waitForLibvirt(log);
    const stream = u.events.get(h.spec.name)!;
    if (waited || !stream.running) {
      stream.start();
      done.push(`${h.spec.name}: libvirt reconnected, event stream restarted`);
    }
    // anything a trial could not undo (e.g. its connection broke) is undone now
    const r = await u.journal.replay(h.remote, u.sweepLong);
    done.push(...r.undone);
    if (r.failed.length) throw new RuntimeError(`could not undo on ${h.spec.name}: ${r.failed.join('; ')}`, `fix it by hand`);
  }
  return done;
}

export function trialContext(s: Session, base: Pick<TrialContext, 'sweepId' | 'experiment' | 'log' | 'signal' | 'onPhase'>): TrialContext {
  return {
    ...base,
    domain: s.hosts.domain,
    hosts: s.pair,
    ramBytes: s.ramBytes,
    delayMethod: s.delayMethod,
    relayScripts: s.relayScripts,
    linkScripts: s.linkScripts,
    qmpSocket: s.qmpSocket,
    links: s.links,
    get guest() {
      return s.guest;
    },
    guestAddress: s.hosts.guest?.address,
    events: s.events,
    clockOffsetMs: s.clockOffsetMs,
    undo: s.journal,
  };
}
