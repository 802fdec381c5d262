// The delay relay (delay-relay.py) for hosts without sch_netem: it runs on the destination host, in the
// migration stream only — the source's QEMU connects to the relay (--migrateuri), the relay to the
// destination's QEMU listening on loopback (--listen-address 127.0.0.1).
import { RuntimeError } from '../errors.js';
import { untilReady, type Host, type RemoteProcess } from '../remote/host.js';

export interface RelaySettings {
  readonly listenHost: string;
  readonly port: number;
  readonly delayMs: number;
  readonly windowBytes: number;
}

export interface RelayConnection {
  readonly up: number;
  readonly down: number;
  readonly secs: number;
}

export interface RelayReport {
  readonly connections: RelayConnection[];
  readonly errors: string[];
}

export interface RunningRelay {
  /** Stops the relay and returns what it carried. */
  stop(): Promise<RelayReport>;
}

export async function startRelay(host: Host, script: string, s: RelaySettings, readyTimeoutMs = 15_000): Promise<RunningRelay> {
  let listening = false;
  const report: RelayReport = { connections: [], errors: [] };
  const proc: RemoteProcess = host.start(
    ['python3', script, s.listenHost, String(s.port), '127.0.0.1', String(s.port), String(s.delayMs), String(s.windowBytes)],
    {
      onLine: (line) => {
        if (line.startsWith('listening ')) listening = true;
        const m = /^closed \d+ up=(\d+) down=(\d+) secs=([\d.]+)/.exec(line);
        if (m) report.connections.push({ up: Number(m[1]), down: Number(m[2]), secs: Number(m[3]) });
        if (line.startsWith('error ')) report.errors.push(line);
      },
    },
  );
  const started = await untilReady(proc, () => listening, readyTimeoutMs);
  if (started === 'timeout') {
    await proc.stop().catch(() => undefined);
    throw new RuntimeError(`${host.name}: the delay relay did not start within ${readyTimeoutMs / 1000} s`, 'check that the host is not overloaded and python3 runs there');
  }
  if (started !== 'ready') throw new RuntimeError(`${host.name}: the delay relay did not start on ${s.listenHost}:${s.port}: ${started.ended}`, 'free that port on the host, or check its python3');
  return {
    async stop() {
      await proc.stop().catch(() => undefined);
      return report;
    },
  };
}
