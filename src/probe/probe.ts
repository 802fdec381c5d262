// The service probe: from the controller, small requests to services in the guest at a set rate, before,
// during and after a migration. A UDP echo with a short per-request timeout measures the guest's outage (no TCP
// retransmission timer in between); HTTP GETs on fresh connections show what an application would feel.
import { createSocket } from 'node:dgram';
import { request } from 'node:http';

export interface ProbeSettings {
  readonly address: string;
  readonly udpPort: number;
  readonly rateHz: number;
  /** A UDP request without a reply within this long counts as lost. */
  readonly timeoutMs: number;
  readonly httpUrl: string | undefined;
}

export interface ProbeSample {
  /** Controller wall clock (epoch ms) when the request was sent. */
  readonly at: number;
  readonly kind: 'udp' | 'http';
  /** Round trip, ms; undefined when lost (UDP: no reply within the timeout; HTTP: error or 5 s). */
  readonly ms: number | undefined;
}

export interface RunningProbe {
  stop(): Promise<ProbeSample[]>;
}

const HTTP_TIMEOUT_MS = 5000;

export function startProbe(s: ProbeSettings): RunningProbe {
  const samples: ProbeSample[] = [];
  const pending = new Map<number, { at: number; t0: number; timer: NodeJS.Timeout }>();
  const sock = createSocket('udp4');
  let seq = 0;
  sock.on('message', (msg) => {
    const n = msg.readUInt32BE(0);
    const p = pending.get(n);
    if (!p) return; // a reply after its timeout: already counted as lost
    clearTimeout(p.timer);
    pending.delete(n);
    samples.push({ at: p.at, kind: 'udp', ms: performance.now() - p.t0 });
  });
  sock.on('error', () => undefined);
  const sendUdp = () => {
    const n = seq++;
    const buf = Buffer.alloc(16);
    buf.writeUInt32BE(n, 0);
    const p = { at: Date.now(), t0: performance.now(), timer: setTimeout(() => {
      pending.delete(n);
      samples.push({ at: p.at, kind: 'udp', ms: undefined });
    }, s.timeoutMs) };
    pending.set(n, p);
    sock.send(buf, s.udpPort, s.address);
  };
  let httpInFlight = 0;
  const sendHttp = () => {
    if (!s.httpUrl || httpInFlight >= 20) return;
    httpInFlight++;
    const at = Date.now();
    const t0 = performance.now();
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      httpInFlight--;
      samples.push({ at, kind: 'http', ms: ok ? performance.now() - t0 : undefined });
    };
    const req = request(s.httpUrl, { agent: false, timeout: HTTP_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => finish((res.statusCode ?? 500) < 400));
      res.on('error', () => finish(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => finish(false));
    req.end();
  };
  const timer = setInterval(() => {
    sendUdp();
    sendHttp();
  }, 1000 / s.rateHz);
  return {
    async stop() {
      clearInterval(timer);
      // let the last requests answer or time out
      await new Promise((r) => setTimeout(r, Math.max(s.timeoutMs, 50) + 20));
      for (const [n, p] of pending) {
        clearTimeout(p.timer);
        pending.delete(n);
        samples.push({ at: p.at, kind: 'udp', ms: undefined });
      }
      const until = Date.now() + HTTP_TIMEOUT_MS + 500;
      while (httpInFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      sock.close();
      return samples.sort((a, b) => a.at - b.at);
    },
  };
}
