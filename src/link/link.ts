// The link along the migration path, as the migration would use it: round trip and throughput from the source to
// the destination's migration address, through the delay in force (link-probe.py on both hosts).
import type { HostSpec } from '../config/hosts.js';
import type { ActiveDelay } from '../delay/delay.js';
import { errorMessage, RuntimeError } from '../errors.js';
import { run, untilReady, type Host } from '../remote/host.js';

export interface LinkMeasure {
  /** Median of the one-byte round trips, ms. */
  readonly rttMs: number;
  /** Bulk throughput as the receiver counted it, MiB/s. */
  readonly mibS: number;
  readonly bytes: number;
  readonly secs: number;
}

/** Where the sink listens and where the sender connects: the same address, unless a relay stands in between. */
export interface LinkPath {
  readonly sinkHost: string;
  readonly connectHost: string;
  readonly port: number;
}

export function parseLinkResult(stdout: string): LinkMeasure {
  const m = /^result rtt_ms=([\d.]+) rtt_min_ms=[\d.]+ bytes=(\d+) secs=([\d.]+)$/m.exec(stdout);
  if (!m) throw new RuntimeError(`the link probe printed no result: ${stdout.trim().slice(0, 200) || '(nothing)'}`, 'check python3 on both hosts; set link_probe: false to go without');
  const bytes = Number(m[2]);
  const secs = Number(m[3]);
  if (!(secs > 0)) throw new RuntimeError(`the link probe's bulk phase took ${secs} s`, 'give link_probe.seconds at least 1');
  return { rttMs: Number(m[1]), mibS: bytes / 2 ** 20 / secs, bytes, secs };
}

export async function measureLink(source: Host, sourceScript: string, destination: Host, destinationScript: string, path: LinkPath, seconds: number): Promise<LinkMeasure> {
  let listening = false;
  const sink = destination.start(['python3', destinationScript, 'sink', path.sinkHost, String(path.port)], {
    onLine: (l) => {
      if (l.startsWith('listening ')) listening = true;
    },
  });
  try {
    const started = await untilReady(sink, () => listening, 10_000);
    if (started === 'timeout') throw new RuntimeError(`${destination.name}: the link probe did not listen on ${path.sinkHost}:${path.port} within 10 s`, 'free that port (delay.proxy_port) on the host');
    if (started !== 'ready') throw new RuntimeError(`${destination.name}: the link probe could not listen on ${path.sinkHost}:${path.port}: ${started.ended}`, 'free that port (delay.proxy_port) on the host, or check its python3');
    const out = await run(source, ['python3', sourceScript, 'send', path.connectHost, String(path.port), String(seconds), '10'], { timeoutMs: (seconds + 60) * 1000 });
    return parseLinkResult(out);
  } catch (err) {
    if (err instanceof RuntimeError) throw err;
    throw new RuntimeError(`measuring the link ${source.name} → ${path.connectHost}:${path.port} failed: ${errorMessage(err)}`, 'check python3 on both hosts and that the port is free; set link_probe: false to go without');
  } finally {
    await sink.stop().catch(() => undefined);
  }
}

/** The host of a migration URI: "tcp://10.0.0.2:49152" → 10.0.0.2, "tcp://[fd00::2]" → fd00::2. */
export function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:\[([^\]]+)\]|([^:/[\]]+))/i.exec(uri);
  return m?.[1] ?? m?.[2];
}

/** Through the relay when one is in front of the destination; else straight to the destination's migration address. */
export function linkPath(destination: Pick<HostSpec, 'migrateUri' | 'proxyAddress'>, delay: Pick<ActiveDelay, 'migrateUri' | 'listenAddress'>, port: number): LinkPath {
  const relayed = delay.listenAddress !== undefined && delay.migrateUri !== undefined ? uriHost(delay.migrateUri) : undefined;
  if (relayed) return { sinkHost: delay.listenAddress!, connectHost: relayed, port };
  const target = (destination.migrateUri && uriHost(destination.migrateUri)) || destination.proxyAddress;
  return { sinkHost: target, connectHost: target, port };
}
