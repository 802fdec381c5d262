// Post-copy's vCPU stall as QEMU measures it: the postcopy-blocktime capability, which libvirt never sets. libvirt
// holds the destination's monitor for the whole incoming job, so migbench talks to a QMP socket of its own that the
// domain XML adds (qmp-socket.py): it turns the capability on in the destination's incoming QEMU before the switch
// (QEMU starts counting when post-copy starts listening, migration/postcopy-ram.c), and reads query-migrate there
// after the migration, the only time QEMU reports blocktime (fill_destination_postcopy_migration_info).
import type { Strategy } from '../config/strategy.js';
import { errorMessage } from '../errors.js';
import { run, type Host, type RemoteProcess } from '../remote/host.js';

/** What the domain XML needs for this, in the fix of every message that misses it. */
export const QMP_SOCKET_FIX =
  "add <qemu:commandline><qemu:arg value='-qmp'/><qemu:arg value='unix:/run/migbench-qmp-DOMAIN.sock,server=on,wait=off'/></qemu:commandline> to the domain XML (docs/measuring.md, post-copy blocktime)";

/** Blocktime is asked for: QMP on (the experiment's `qmp`), and a strategy that switches to post-copy. */
export function wantsBlocktime(qmp: boolean, strategies: readonly Strategy[]): boolean {
  return qmp && strategies.some((s) => s.postcopy !== 'none');
}

const SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/;

function unescapeXml(s: string): string {
  return s
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The PATH of a `-qmp unix:PATH,server=on,wait=off` among the domain XML's qemu:commandline arguments, if any. */
export function ownQmpSocket(domainXml: string): string | undefined {
  const args = [...domainXml.matchAll(/<qemu:arg\s+value=(?:'([^']*)'|"([^"]*)")\s*\/>/g)].map((m) => unescapeXml(m[1] ?? m[2] ?? ''));
  for (let i = 0; i + 1 < args.length; i++) {
    if (args[i] !== '-qmp') continue;
    const [target, ...opts] = args[i + 1]!.split(',');
    const path = target?.startsWith('unix:') ? target.slice('unix:'.length) : undefined;
    const server = opts.includes('server=on') || opts.includes('server');
    const noWait = opts.includes('wait=off') || opts.includes('nowait');
    if (path && server && noWait && SAFE_PATH.test(path)) return path;
  }
  return undefined;
}

export interface Blocktime {
  /** QEMU's postcopy-blocktime: time with every vCPU blocked on a page not yet there, ms. */
  readonly totalMs: number;
  readonly perVcpuMs: readonly number[];
}

/** query-migrate's answer on the destination: the blocktime, or why there is none. */
export function parseBlocktime(answer: string): Blocktime | string {
  let info: Record<string, unknown>;
  try {
    info = JSON.parse(answer) as Record<string, unknown>;
  } catch {
    return `query-migrate answered no JSON: ${answer.trim().slice(0, 120)}`;
  }
  const total = info['postcopy-blocktime'];
  const perVcpu = info['postcopy-vcpu-blocktime'];
  if (typeof total !== 'number') return `the destination's QEMU reported no postcopy-blocktime (status ${String(info.status)}): the capability was not on when post-copy started`;
  return { totalMs: total, perVcpuMs: Array.isArray(perVcpu) ? perVcpu.filter((x): x is number => typeof x === 'number') : [] };
}

export interface BlocktimeArm {
  /** Settles when the capability is on (ms after t0) or the helper gave up (why). */
  readonly settled: Promise<{ armedMs: number } | { error: string }>;
  /** Ends the helper if it still waits; the outcome. */
  stop(): Promise<{ armedMs: number } | { error: string }>;
  /** After the migration: the blocktime the armed destination counted, or why there is none. */
  read(): Promise<Blocktime | string>;
}

/** Waits (up to withinS) for the destination's incoming QEMU behind the socket and turns the capability on there. */
export function armBlocktime(destination: Host, script: string, socket: string, t0: number, withinS: number): BlocktimeArm {
  let armedMs: number | undefined;
  const proc: RemoteProcess = destination.start(['python3', script, 'arm', socket, String(withinS)], {
    onLine: (line) => {
      if (line === 'armed') armedMs = performance.now() - t0;
    },
  });
  const settled = proc.done.then(
    (r) => (armedMs !== undefined ? { armedMs } : { error: r.stderr.trim().split('\n').at(-1) || `the arming helper exited with status ${r.code}` }),
    (err: unknown) => ({ error: errorMessage(err) }),
  );
  return {
    settled,
    async stop() {
      await proc.stop().catch(() => undefined);
      return settled;
    },
    async read() {
      const outcome = await settled;
      if ('error' in outcome) return `not armed: ${outcome.error}`;
      try {
        // query-migrate once the destination's incoming migration completed
        return parseBlocktime(await run(destination, ['python3', script, 'read', socket, '10'], { timeoutMs: 20_000 }));
      } catch (err) {
        return errorMessage(err);
      }
    },
  };
}
