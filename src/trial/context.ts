// Everything a trial needs from its sweep: connected hosts, the guest, event streams, clock offsets.
import type { Experiment } from '../config/experiment.js';
import type { Undo } from '../guard/journal.js';
import type { EventStream } from '../libvirt/events.js';
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import type { LinkMeasure } from '../link/link.js';
import type { Logger } from '../log/logger.js';
import type { OnPhase } from '../progress/phase.js';
import type { Host } from '../remote/host.js';
import type { PreparedWriter } from '../workload/writer.js';

export interface GuestAccess {
  readonly host: Host;
  /** How memwriter runs there; undefined when the experiment has no writer load. */
  readonly writer: PreparedWriter | undefined;
}

/** A QMP socket of migbench's own in the domain (its path on every host) and each host's client for it. */
export interface QmpSocket {
  readonly path: string;
  readonly scripts: ReadonlyMap<string, string>;
}

export interface TrialContext {
  readonly sweepId: string;
  readonly domain: string;
  readonly hosts: readonly [LibvirtHost, LibvirtHost];
  readonly experiment: Experiment;
  readonly ramBytes: number | undefined;
  /** How delays are made on these hosts (chosen once per sweep). */
  readonly delayMethod: 'netem' | 'proxy';
  /** Host name → path of the uploaded delay relay (proxy method). */
  readonly relayScripts: ReadonlyMap<string, string>;
  /** Host name → path of the uploaded link probe (experiment `link_probe`). */
  readonly linkScripts: ReadonlyMap<string, string>;
  /** Post-copy blocktime through the domain's own QMP socket; undefined when not measured. */
  readonly qmpSocket: QmpSocket | undefined;
  /** The links measured in this sweep, by source, destination and delay: a measure, or why it failed. */
  readonly links: Map<string, LinkMeasure | string>;
  readonly guest: GuestAccess | undefined;
  /** The guest's address, for the service probe. */
  readonly guestAddress: string | undefined;
  /** Host name → its libvirt event stream. */
  readonly events: ReadonlyMap<string, EventStream>;
  /** Host name → host clock minus controller clock, ms. */
  readonly clockOffsetMs: ReadonlyMap<string, number>;
  readonly log: Logger;
  /** Where changes that must be undone even if migbench dies are journaled. */
  readonly undo: Undo;
  /** Aborted by SIGINT/SIGTERM: the running job is aborted and the trial is reported as interrupted. */
  readonly signal?: AbortSignal;
  /** Told each step of the trial, for the live progress. */
  readonly onPhase?: OnPhase;
}
