// Benchmarks on a lab (or any two hosts): (1) migbench's per-trial cost against a bare shell loop of
// `ssh SRC virsh migrate … && ssh SRC virsh domjobinfo --completed`, alternated A/B; (2) the job sampler's rate
// and its CPU on the source host, read from /proc of the remote virsh process. Prints figures; asserts nothing.
import { readFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { median } from 'simple-statistics';
import { loadHosts, type HostSpec } from '../../src/config/hosts.js';
import { commandOf } from '../../src/lab/processes.js';
import { BIN } from '../support/paths.js';


// biome-ignore lint/suspicious/noExplicitAny: parsed JSON/YAML of our own files, read field by field
function rawTrials(dir: string): Array<Record<string, any>> {
  return readFileSync(join(dir, 'raw.jsonl'), 'utf8').split('\n').filter((l) => l.startsWith('{"event":"trial"')).map((l) => JSON.parse(l));
}

async function migbenchSweep(work: string, name: string, yaml: string, hostsFile: string): Promise<{ dir: string; wallMs: number }> {
  const exp = join(work, `${name}.yaml`);
  writeFileSync(exp, `name: ${name}\n${yaml}`);
  const dir = join(work, name);
  const t0 = performance.now();
  await execa(process.execPath, [BIN, 'run', exp, '--hosts', hostsFile, '--out', dir, '--quiet']);
  return { dir, wallMs: performance.now() - t0 };
}

/** The bare loop's one trial: what a person types, with OpenSSH, one connection per command. */
async function bareTrial(src: HostSpec, dst: HostSpec, domain: string): Promise<number> {
  const ssh = (h: HostSpec, cmd: string[]) => ['-i', h.ssh.key!, '-o', `UserKnownHostsFile=${h.ssh.knownHosts}`, '-o', 'BatchMode=yes', '-p', String(h.ssh.port), `${h.ssh.user}@${h.address}`, ...cmd];
  const t0 = performance.now();
  await execa('sh', ['-c', 'ssh "$@" virsh -c qemu:///system migrate --live --persistent --domain="$D" --desturi="$U" && ssh "$@" virsh -c qemu:///system domjobinfo --completed "$D" >/dev/null', 'bare', ...ssh(src, [])], {
    env: { D: domain, U: dst.libvirtUri },
  });
  return performance.now() - t0;
}

export async function benchOverhead(hostsFile: string, pairs = 10): Promise<void> {
  const hosts = loadHosts(hostsFile);
  const work = mkdtempSync(join(tmpdir(), 'migbench-bench-overhead-'));
  try {
    const mb: number[] = [];
    const bare: number[] = [];
    const setup: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < pairs; i++) {
      // A: migbench, one A→B and one B→A pre-copy of the idle guest (no warm-up, no settle, no probe)
      const { dir, wallMs } = await migbenchSweep(work, `ab${i}`, 'strategies: [precopy]\nwarmup_s: 0\nsettle_s: 0\n', hostsFile);
      const per = rawTrials(dir).map((t) => t.harnessMs as number);
      setup.push(wallMs - per.reduce((a, b) => a + b, 0));
      // B: the bare loop, the same two migrations
      const b = [await bareTrial(hosts.a, hosts.b, hosts.domain), await bareTrial(hosts.b, hosts.a, hosts.domain)];
      mb.push(...per);
      bare.push(...b);
      ratios.push(per.reduce((x, y) => x + y, 0) / b.reduce((x, y) => x + y, 0));
    }
    const f = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(`overhead: ${pairs} A/B pairs of 2 pre-copy migrations each (idle ${hosts.domain}, ${hosts.a.name} <-> ${hosts.b.name})`);
    console.log(`  migbench per trial (checks, positioning, migrate, statistics, events, row; no settle/warm-up): ${f(mb)}`);
    console.log(`  bare ssh loop per trial (ssh virsh migrate && ssh virsh domjobinfo --completed): ${f(bare)}`);
    console.log(`  ratio migbench/bare per pair: median ${median(ratios).toFixed(3)}, min ${sorted[0]!.toFixed(3)}, max ${sorted.at(-1)!.toFixed(3)} (target ≤ 1.02)`);
    console.log(`  per-sweep set-up, reported apart (process start, SSH, doctor, locks, event streams, clock offsets): ${f(setup)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** utime + stime (clock ticks) of a process, from /proc/PID/stat. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return undefined;
  }
}

/** PIDs (this machine's view) of the sampler: the interactive `virsh -q -c URI` a sweep keeps open on a host. */
function samplerPids(): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((p) => commandOf(p) === 'virsh -q -c qemu:///system');
}

export async function benchSampler(hostsFile: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'migbench-bench-sampler-'));
  const TICK = 100; // USER_HZ on Linux
  try {
    for (const hz of [10, 20]) {
      // a migration long enough to measure: 10 MiB/s cap on ~60 MiB of idle guest
      const seen = new Map<number, { first: number; last: number; t0: number; t1: number }>();
      let polling = true;
      const poll = (async () => {
        while (polling) {
          for (const p of samplerPids()) {
            const ticks = cpuTicks(p);
            if (ticks === undefined) continue;
            const s = seen.get(p) ?? { first: ticks, last: ticks, t0: performance.now(), t1: performance.now() };
            s.last = ticks;
            s.t1 = performance.now();
            seen.set(p, s);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const { dir } = await migbenchSweep(work, `s${hz}`, `strategies: [precopy]\nknobs: {bandwidth_mib_s: 10}\nwarmup_s: 0\nsettle_s: 0\nsample_hz: ${hz}\nrepetitions: 2\n`, hostsFile);
      polling = false;
      await poll;
      const trials = rawTrials(dir);
      const rates = trials.map((t) => {
        const s = (t.samples ?? []) as Array<{ at: number }>;
        return s.length > 1 ? (s.length - 1) / ((s.at(-1)!.at - s[0]!.at) / 1000) : 0;
      });
      const cpu = [...seen.values()].filter((s) => s.t1 - s.t0 > 1000).map((s) => ((s.last - s.first) / TICK) / ((s.t1 - s.t0) / 1000) * 100);
      console.log(`sampler at sample_hz ${hz}: ${trials.map((t) => (t.samples ?? []).length).join(', ')} samples per trial, achieved ${rates.map((r) => r.toFixed(1)).join(', ')} Hz; remote virsh CPU ${cpu.map((c) => `${c.toFixed(2)} %`).join(', ')} of a core over ${[...seen.values()].map((s) => ((s.t1 - s.t0) / 1000).toFixed(1)).join(', ')} s (target ≥ 10 Hz, < 1 %)`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
