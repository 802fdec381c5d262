// CPU time of a domain's QEMU process on one host while a migration runs: /proc/PID/stat of the PID libvirt
// records (/run/libvirt/qemu/DOMAIN.pid), read every 100 ms by a shell loop in one SSH channel. The source's QEMU
// exits when the migration ends, so its last reading is at most one period before that.
import type { LibvirtHost } from './libvirt-host.js';

export interface QemuCpu {
  readonly pid: number;
  /** CPU time (user + system, all threads) at the first and the last reading, ms. */
  readonly firstMs: number;
  readonly lastMs: number;
  readonly readings: number;
}

// $1 is the domain name (validated by config/names.ts); it reaches the script as an argument, never as text.
// Shell built-ins only (read, no $(cat …)): one fork per reading, for sleep, on hosts whose cores the guest needs.
const LOOP = `f="/run/libvirt/qemu/$1.pid"; echo "tck $(getconf CLK_TCK)"
while :; do p=; s=; { read -r p < "$f"; } 2>/dev/null; if [ -n "$p" ] && { read -r s < "/proc/$p/stat"; } 2>/dev/null; then echo "$p \${s##*) }"; fi; sleep 0.1; done`;

/** utime + stime (clock ticks) of a /proc/PID/stat line with "PID (comm) " cut off: fields 14 and 15 of stat(5). */
export function cpuTicks(afterComm: string): number | undefined {
  const f = afterComm.trim().split(/\s+/);
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** Reads `tck N` then `PID <stat after comm>` lines; the process for CPU time is the last PID seen. */
export class CpuReadings {
  private tickMs = 10;
  private pid: number | undefined;
  private first: number | undefined;
  private last: number | undefined;
  private n = 0;

  line(text: string): void {
    const tck = /^tck (\d+)$/.exec(text);
    if (tck) {
      this.tickMs = 1000 / Number(tck[1]);
      return;
    }
    const m = /^(\d+) (.*)$/.exec(text);
    const ticks = m ? cpuTicks(m[2]!) : undefined;
    if (!m || ticks === undefined) return;
    const pid = Number(m[1]);
    // a new QEMU (the destination's, restarted): its readings start over
    if (pid !== this.pid) [this.pid, this.first, this.n] = [pid, ticks, 0];
    this.last = ticks;
    this.n++;
  }

  result(): QemuCpu | undefined {
    if (this.pid === undefined || this.first === undefined || this.last === undefined) return undefined;
    return { pid: this.pid, firstMs: this.first * this.tickMs, lastMs: this.last * this.tickMs, readings: this.n };
  }
}

export interface QemuCpuSampler {
  /** Settles at the first reading, or after `ms` without one (no QEMU yet: the destination's). */
  firstReading(ms: number): Promise<void>;
  stop(): Promise<QemuCpu | undefined>;
}

export function startQemuCpuSampler(host: LibvirtHost, domain: string): QemuCpuSampler {
  const readings = new CpuReadings();
  let seen: (() => void) | undefined;
  const first = new Promise<void>((resolve) => (seen = resolve));
  const proc = host.remote.start(['sh', '-c', LOOP, 'migbench-qemu-cpu', domain], {
    onLine: (l) => {
      readings.line(l);
      if (readings.result()) seen?.();
    },
  });
  return {
    async firstReading(ms) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([first, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
      clearTimeout(timer);
    },
    async stop() {
      await proc.stop().catch(() => undefined);
      return readings.result();
    },
  };
}
