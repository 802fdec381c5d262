// libvirt domain events from `virsh event --loop --all --timestamp`, one long-lived stream per host for the
// whole sweep. Lines look like:
//   2026-11-27 07:17:56.387+0000: event 'lifecycle' for domain 'mbvm': Resumed Post-copy
//   2026-11-27 07:17:56.277+0000: event 'migration-iteration' for domain 'mbvm': iteration: '1'
import type { RemoteProcess } from '../remote/host.js';
import type { LibvirtHost } from './libvirt-host.js';

export interface DomainEvent {
  readonly host: string;
  /** Host wall clock (epoch ms) from --timestamp; the arrival time when virsh cannot print one. */
  readonly at: number;
  /** Controller wall clock (epoch ms) when the line arrived. */
  readonly receivedAt: number;
  /** 'lifecycle', 'migration-iteration', 'job-completed', … */
  readonly type: string;
  readonly domain: string;
  /** e.g. "Resumed Post-copy", "iteration: '1'". */
  readonly detail: string;
}

const LINE = /^(?:(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(\d\d): )?event '([^']+)' for domain '(.*)':\s?(.*)$/;

export function parseEventLine(line: string, host: string, receivedAt: number): DomainEvent | undefined {
  const m = LINE.exec(line.trimEnd());
  if (!m) return undefined;
  const [, date, time, tzh, tzm, type, domain, detail] = m;
  const at = date ? Date.parse(`${date}T${time}${tzh}:${tzm}`) : receivedAt;
  return { host, at: Number.isFinite(at) ? at : receivedAt, receivedAt, type: type!, domain: domain!, detail: detail!.trim() };
}

/** Every event seen on a host since the stream started; trials take the slice they need. */
export class EventStream {
  readonly events: DomainEvent[] = [];
  private proc: RemoteProcess | undefined;
  private ended = false;

  constructor(readonly host: LibvirtHost) {}

  /** (Re)starts the stream on the host's current connection. */
  start(): void {
    void this.proc?.stop().catch(() => undefined);
    const args = ['event', '--loop', '--all'];
    if (this.host.eventTimestamps) args.push('--timestamp');
    const proc = this.host.remote.start(this.host.virsh.argv(args), {
      onLine: (line) => {
        const e = parseEventLine(line, this.host.spec.name, Date.now());
        if (e) this.events.push(e);
      },
    });
    this.proc = proc;
    this.ended = false;
    // virsh ends the loop when its libvirt connection closes (libvirtd restarted, or the SSH link went)
    void proc.done.catch(() => undefined).finally(() => {
      if (this.proc === proc) this.ended = true;
    });
  }

  /** False once the stream ended by itself: start() it again. */
  get running(): boolean {
    return this.proc !== undefined && !this.ended;
  }

  /** Events of `domain` that arrived in [from, to] (controller clock). */
  between(domain: string, from: number, to: number): DomainEvent[] {
    return this.events.filter((e) => e.domain === domain && e.receivedAt >= from && e.receivedAt <= to);
  }

  /** Drops events that arrived before `t`, so a long sweep does not keep them all. */
  forget(before: number): void {
    const keep = this.events.filter((e) => e.receivedAt >= before);
    this.events.splice(0, this.events.length, ...keep);
  }

  async stop(): Promise<void> {
    await this.proc?.stop().catch(() => undefined);
  }
}
