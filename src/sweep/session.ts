// Everything a sweep sets up before its first trial and takes down after its last: SSH connections to both
// hosts (and the guest), the checks, the delay method, uploaded helpers, event streams and clock offsets.
import type { Experiment } from '../config/experiment.js';
import type { Hosts } from '../config/hosts.js';
import { errorMessage, InputError, RuntimeError } from '../errors.js';
import { hasNetem } from '../delay/netem.js';
import { uploadRelay } from '../delay/proxy.js';
import { measureClockOffset } from '../libvirt/clock.js';
import { EventStream } from '../libvirt/events.js';
import { openLibvirtHost, type LibvirtHost } from '../libvirt/libvirt-host.js';
import type { Logger } from '../log/logger.js';
import type { Host } from '../remote/host.js';
import { SshHost } from '../remote/ssh.js';
import type { GuestAccess, TrialContext } from '../trial/context.js';
import { prepareWriter } from '../workload/writer.js';
import { preflight, type PreflightResult } from './preflight.js';

export interface Session {
  readonly hosts: Hosts;
  readonly pair: readonly [LibvirtHost, LibvirtHost];
  readonly checked: PreflightResult;
  readonly delayMethod: 'netem' | 'proxy';
  readonly relayScripts: ReadonlyMap<string, string>;
  readonly guest: GuestAccess | undefined;
  readonly events: ReadonlyMap<string, EventStream>;
  readonly clockOffsetMs: ReadonlyMap<string, number>;
  /** What the setup found, for raw.jsonl. */
  readonly facts: Record<string, unknown>;
  /** Stops event streams, removes uploaded files, closes connections. Never throws. */
  close(): Promise<void>;
}

export function workDir(sweepId: string): string {
  return `/tmp/migbench-${sweepId}`;
}

export async function openSession(hosts: Hosts, experiment: Experiment, sweepId: string, log: Logger): Promise<Session> {
  const needsGuest = experiment.loads.some((l) => l.kind === 'writer');
  if (needsGuest && !hosts.guest) {
    throw new InputError(`the experiment has memwriter loads but ${hosts.file} has no guest: section — give the guest's address and SSH access (README "hosts.yaml")`);
  }
  const undo: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'cleanup step failed'));
  };
  try {
    const [a, b] = await Promise.allSettled([openLibvirtHost(hosts.a), openLibvirtHost(hosts.b)]);
    for (const r of [a, b]) if (r.status === 'fulfilled') undo.push(() => r.value.remote.close());
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
    const pair = [a.value, b.value] as const;
    const checked = await preflight(pair, hosts.domain, log);
    const dir = workDir(sweepId);

    const delayed = experiment.delays_ms.some((d) => d > 0);
    const delayMethod = delayed ? await chooseDelayMethod(pair, experiment, log) : 'proxy';
    const relayScripts = new Map<string, string>();
    if (delayed && delayMethod === 'proxy') {
      for (const h of pair) {
        undo.push(() => h.remote.exec(['rm', '-rf', dir]));
        relayScripts.set(h.spec.name, await uploadRelay(h.remote, dir));
      }
    }

    let guest: GuestAccess | undefined;
    const guestSpec = hosts.guest;
    if (needsGuest && guestSpec) {
      const via = guestSpec.via === undefined ? undefined : pair.find((h) => h.spec.name === guestSpec.via);
      const host: Host = await SshHost.connect(guestSpec, via?.remote as SshHost | undefined);
      undo.push(() => host.close());
      undo.push(() => host.exec(['rm', '-rf', dir]));
      const writer = await prepareWriter(host, dir, guestSpec.memwriter);
      log.info({ impl: writer.impl }, 'memwriter ready in the guest');
      guest = { host, writer };
    }

    const clockOffsetMs = new Map<string, number>();
    const events = new Map<string, EventStream>();
    const offsets: Record<string, unknown> = {};
    for (const h of pair) {
      const o = await measureClockOffset(h.remote);
      clockOffsetMs.set(h.spec.name, o.offsetMs);
      offsets[h.spec.name] = o;
      const stream = new EventStream(h);
      stream.start();
      undo.push(() => stream.stop());
      events.set(h.spec.name, stream);
    }
    return {
      hosts,
      pair,
      checked,
      delayMethod,
      relayScripts,
      guest,
      events,
      clockOffsetMs,
      facts: { delayMethod: delayed ? delayMethod : 'none', clockOffsets: offsets, memwriter: guest?.writer?.impl },
      close,
    };
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
        throw new RuntimeError(`${missing.map((p) => p.h.spec.name).join(', ')}: tc netem is not available (${missing[0]!.detail}): the kernel lacks sch_netem — install its module (linux-modules-extra on Ubuntu) or use delay.method proxy`);
      }
      throw new RuntimeError(`${noIface.map((h) => h.spec.name).join(', ')}: no netem_interface in the hosts file — name the interface that carries the migration stream`);
    }
    log.info({ why: missing.length > 0 ? `no sch_netem on ${missing.map((p) => p.h.spec.name).join(', ')}` : 'no netem_interface' }, 'delay method auto: using the delay relay');
  }
  for (const h of pair) {
    if ((await h.remote.exec(['sh', '-c', 'command -v python3'])).code !== 0) {
      throw new RuntimeError(`${h.spec.name}: the delay relay needs python3 on the hosts — install it (apt-get install python3-minimal) or use delay.method netem`);
    }
  }
  return 'proxy';
}

export function trialContext(s: Session, base: Pick<TrialContext, 'sweepId' | 'experiment' | 'log' | 'signal'>): TrialContext {
  return {
    ...base,
    domain: s.hosts.domain,
    hosts: s.pair,
    ramBytes: s.checked.ramBytes,
    delayMethod: s.delayMethod,
    relayScripts: s.relayScripts,
    guest: s.guest,
    events: s.events,
    clockOffsetMs: s.clockOffsetMs,
  };
}
