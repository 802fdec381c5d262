// One interface over the two ways of delaying the migration stream: tc netem on the hosts' interfaces, or the
// delay relay on the destination. A trial turns the delay on before migrating and off afterwards.
import type { DelayOptions } from '../config/experiment.js';
import { RuntimeError } from '../errors.js';
import type { Undo } from '../guard/journal.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import { Teardown } from '../guard/teardown.js';
import { NO_INTERFACE_FIX } from './method.js';
import { applyNetem, type AppliedNetem } from './netem.js';
import { startRelay, type RelayReport } from './proxy.js';

export type DelayMethod = 'none' | 'netem' | 'proxy';

/** What a trial's CSV row says about the delay. */
/** The record of a trial without an added delay (asked for `oneWayMs`; nothing was applied when that is not 0). */
export function noDelay(oneWayMs: number): DelayRecord {
  return { method: 'none', oneWayMs, jitterMs: 0, lossPct: 0, where: '', windowKiB: undefined };
}

export interface DelayRecord {
  readonly method: DelayMethod;
  readonly oneWayMs: number;
  readonly jitterMs: number;
  readonly lossPct: number;
  /** netem: where it was applied; proxy: always both directions of the stream. */
  readonly where: string;
  readonly windowKiB: number | undefined;
}

export interface ActiveDelay {
  readonly record: DelayRecord;
  /** virsh migrate settings the method needs (the relay sits in the migration stream). */
  readonly migrateUri?: string;
  readonly listenAddress?: string;
  /** Turns the delay off; returns what it observed (relay traffic, qdiscs before/after). */
  remove(): Promise<Record<string, unknown>>;
}

export interface DelayEnd {
  readonly host: LibvirtHost;
  /** Where the relay script was uploaded on this host (proxy method). */
  readonly relayScript?: string | undefined;
}

export async function applyDelay(
  method: Exclude<DelayMethod, 'none'>,
  oneWayMs: number,
  o: DelayOptions,
  source: DelayEnd,
  destination: DelayEnd,
  undo: Undo,
): Promise<ActiveDelay> {
  if (oneWayMs === 0) {
    return { record: noDelay(0), remove: async () => ({}) };
  }
  return method === 'netem' ? applyNetemDelay(oneWayMs, o, source, destination, undo) : applyRelayDelay(oneWayMs, o, destination);
}

async function applyNetemDelay(oneWayMs: number, o: DelayOptions, source: DelayEnd, destination: DelayEnd, undo: Undo): Promise<ActiveDelay> {
  const ends = o.where === 'both' ? [source, destination] : o.where === 'source' ? [source] : [destination];
  const applied: AppliedNetem[] = [];
  const undoNetem = new Teardown();
  const removeAll = async () => {
    const errors = await undoNetem.run();
    if (errors.length) throw new RuntimeError(`netem removal failed: ${errors.join('; ')}`, 'remove it by hand (tc qdisc del dev IFACE root) or run `migbench cleanup`');
  };
  try {
    for (const end of ends) {
      const iface = end.host.spec.netemInterface;
      if (!iface) throw new RuntimeError(`${end.host.spec.name}: no netem_interface in the hosts file`, NO_INTERFACE_FIX);
      const a = await applyNetem(end.host.remote, iface, { delayMs: oneWayMs, jitterMs: o.jitter_ms, lossPct: o.loss_pct }, undo);
      applied.push(a);
      undoNetem.add(`netem on ${a.host} ${a.iface}`, () => a.remove());
    }
  } catch (err) {
    await removeAll().catch(() => undefined);
    throw err;
  }
  const report = applied.map((a) => ({ host: a.host, iface: a.iface, before: a.before, applied: a.applied }));
  return {
    record: { method: 'netem', oneWayMs, jitterMs: o.jitter_ms, lossPct: o.loss_pct, where: o.where, windowKiB: undefined },
    async remove() {
      await removeAll();
      return { netem: report };
    },
  };
}

async function applyRelayDelay(oneWayMs: number, o: DelayOptions, destination: DelayEnd): Promise<ActiveDelay> {
  if (!destination.relayScript) throw new RuntimeError(`${destination.host.spec.name}: the delay relay was not uploaded`, 'run again; if it repeats, report it with sweep.log');
  const addr = destination.host.spec.proxyAddress;
  const relay = await startRelay(destination.host.remote, destination.relayScript, {
    listenHost: addr,
    port: o.proxy_port,
    delayMs: oneWayMs,
    windowBytes: o.window_kib * 1024,
  });
  return {
    record: { method: 'proxy', oneWayMs, jitterMs: 0, lossPct: 0, where: 'both', windowKiB: o.window_kib },
    migrateUri: `tcp://${addr.includes(':') ? `[${addr}]` : addr}:${o.proxy_port}`,
    listenAddress: '127.0.0.1',
    async remove() {
      const report: RelayReport = await relay.stop();
      return { relay: report };
    },
  };
}

export function relayBytes(report: Record<string, unknown>): number | undefined {
  const relay = report.relay as RelayReport | undefined;
  return relay ? relay.connections.reduce((sum, c) => sum + c.up, 0) : undefined;
}
