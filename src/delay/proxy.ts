// The delay relay (delay-relay.py) for hosts without sch_netem: it runs on the destination host, in the
// migration stream only — the source's QEMU connects to the relay (--migrateuri), the relay to the
// destination's QEMU listening on loopback (--listen-address 127.0.0.1).
import { setTimeout as sleep } from 'node:timers/promises';
import { readAsset } from '../assets.js';
import { RuntimeError } from '../errors.js';
import { run, upload, type Host, type RemoteProcess } from '../remote/host.js';

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

export async function uploadRelay(host: Host, workDir: string): Promise<string> {
  const path = `${workDir}/delay-relay.py`;
  await run(host, ['mkdir', '-p', workDir]);
  await upload(host, path, readAsset('delay/delay-relay.py'));
  return path;
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
  let ended: string | undefined;
  proc.done.then(
    (r) => {
      ended = r.stderr.trim().split('\n').at(-1) || `exit ${r.code}`;
    },
    (err: unknown) => {
      ended = String(err);
    },
  );
  const until = Date.now() + readyTimeoutMs;
  while (!listening) {
    if (ended !== undefined) throw new RuntimeError(`${host.name}: the delay relay did not start on ${s.listenHost}:${s.port}: ${ended}`, 'free that port on the host, or check its python3');
    if (Date.now() > until) {
      await proc.stop().catch(() => undefined);
      throw new RuntimeError(`${host.name}: the delay relay did not start within ${readyTimeoutMs / 1000} s`, 'check that the host is not overloaded and python3 runs there');
    }
    await sleep(20);
  }
  return {
    async stop() {
      await proc.stop().catch(() => undefined);
      return report;
    },
  };
}
