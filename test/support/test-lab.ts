// The end-to-end tests' own lab, beside any lab a user has up. Every e2e file calls useTestLab() (lab up is
// idempotent); 99-lab-down.test removes it. Overridable so that two test runs can share a machine.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { loadHosts } from '../../src/config/hosts.js';
import { commandOf } from '../../src/lab/processes.js';
import { run } from '../../src/remote/host.js';
import { SshHost } from '../../src/remote/ssh.js';
import { type CliResult, migbench } from './cli.js';

export const LAB_DIR = process.env.MIGBENCH_E2E_DIR ?? '/tmp/migbench-e2e-lab';
export const PREFIX = process.env.MIGBENCH_E2E_PREFIX ?? 'mbt';
export const SUBNET = process.env.MIGBENCH_E2E_SUBNET ?? '10.77.9';
export const LAB = ['--dir', LAB_DIR];
export const HOSTS = join(LAB_DIR, 'hosts.yaml');
export const GUEST_RAM = 256 * 2 ** 20;
export const HOST_A = `${PREFIX}A`;
export const HOST_B = `${PREFIX}B`;

/** `migbench lab up` of the test lab (idempotent: "already up" when it is). */
export function labUp(): Promise<CliResult> {
  return migbench(['lab', 'up', ...LAB, '--prefix', PREFIX, '--subnet', SUBNET]);
}

export async function useTestLab(): Promise<void> {
  let up = await labUp();
  if (up.code !== 0 && /is partly up/.test(up.stderr)) {
    // an earlier test run that was killed half-way: its lab is of no use, start from a new one
    const down = await migbench(['lab', 'down', ...LAB]);
    assert.equal(down.code, 0, `lab down of a broken test lab failed:\n${down.stderr}`);
    up = await labUp();
  }
  assert.equal(up.code, 0, `lab up failed:\n${up.stderr}`);
  // a test that failed half-way may have left the guest down: every file starts from a running guest
  if (!runningOnExactlyOne()) await restartGuest();
}

/** The lab's hosts.yaml with some fields changed, written as DIR/NAME (in JSON, which is YAML); returns its path. */
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML of our own file, edited field by field
export function hostsVariant(dir: string, name: string, edit: (doc: Record<string, any>) => void): string {
  // biome-ignore lint/suspicious/noExplicitAny: parsed YAML of our own file, edited field by field
  const doc = parse(readFileSync(HOSTS, 'utf8')) as Record<string, any>;
  edit(doc);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

function netnsPids(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const SWEEP_PROCESSES = [/delay-relay/, /virsh .*event --loop/, /virsh -q -c/, /migbench-postcopy-switch/, /migbench-watchdog/, /migbench-guard/, /virsh .*migrate/, /link-probe/, /qmp-socket/];

/** What a sweep may have left on one lab host (seen from outside, no network needed). Empty when clean. */
export function hostLeftovers(h: 'A' | 'B', opts: { ignore?: RegExp } = {}): string[] {
  const found: string[] = [];
  const ns = `${PREFIX}${h}`;
  for (const pid of netnsPids(ns)) {
    const cmd = commandOf(pid);
    if (SWEEP_PROCESSES.some((p) => p.test(cmd)) && !opts.ignore?.test(cmd)) found.push(`${ns}: process ${pid} ${cmd}`);
  }
  // br0 is the lab hosts' netem_interface; eth0 is checked too
  for (const dev of ['br0', 'eth0']) {
    const qdisc = execFileSync('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'show', 'dev', dev], { encoding: 'utf8' });
    if (/netem|tbf/.test(qdisc)) found.push(`${ns}: a qdisc still on ${dev}: ${qdisc.trim()}`);
  }
  const dir = join('/var/tmp/migbench', `host-${ns}`);
  if (existsSync(join(dir, 'holder.json'))) found.push(`${dir}/holder.json: a host lock holder note`);
  if (existsSync(join(dir, 'undo'))) for (const m of readdirSync(join(dir, 'undo'))) found.push(`${dir}/undo/${m}: an undo marker`);
  return found;
}

/** What a sweep may have left in the guest (memwriter, uploaded folders). */
export async function guestLeftovers(): Promise<string[]> {
  const found: string[] = [];
  const hosts = loadHosts(HOSTS);
  const guest = await SshHost.connect(hosts.guest!);
  try {
    const ps = await run(guest, ['ps']);
    for (const line of ps.split('\n')) if (/memwriter|migbench-guard/.test(line)) found.push(`guest: ${line.trim()}`);
    const tmp = await run(guest, ['ls', '/tmp']);
    for (const f of tmp.split('\n')) if (f.startsWith('migbench-')) found.push(`guest: /tmp/${f}`);
    const undo = await guest.exec(['sh', '-c', 'ls /var/tmp/migbench/*/undo/ /var/tmp/migbench/*/holder.json 2>/dev/null']);
    for (const f of undo.stdout.split('\n')) if (f.trim() !== '' && !f.endsWith(':')) found.push(`guest: marker or lock note ${f.trim()}`);
  } finally {
    await guest.close();
  }
  return found;
}

/** Anything a sweep may have left on the lab's hosts or in its guest. Empty when clean. */
export async function sweepLeftovers(opts: { guest?: boolean } = {}): Promise<string[]> {
  const found = [...hostLeftovers('A'), ...hostLeftovers('B')];
  for (const f of readdirSync('/tmp')) if (f.startsWith('migbench-') && /^migbench-[^/]+-\d{8}-\d{6}$/.test(f)) found.push(`/tmp/${f} left on the hosts`);
  if (opts.guest === false) return found;
  return [...found, ...(await guestLeftovers())];
}

/** virsh domstate of the lab guest on each host, through the hosts' own libvirtd. */
export function guestStates(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of ['A', 'B']) {
    const pid = Number(readFileSync(join(LAB_DIR, 'hosts', h, 'run', 'libvirtd.pid'), 'utf8'));
    try {
      out[`${PREFIX}${h}`] = execFileSync('nsenter', ['-t', String(pid), '-m', '-n', '-u', 'virsh', '-c', 'qemu:///system', 'domstate', 'mbvm'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      out[`${PREFIX}${h}`] = 'not defined';
    }
  }
  return out;
}

export function runningOnExactlyOne(): boolean {
  return Object.values(guestStates()).filter((s) => s === 'running').length === 1;
}

export function labExists(): boolean {
  return existsSync(join(LAB_DIR, 'lab.json'));
}

/** virsh through a lab host's own libvirtd (not over SSH): for tests that break things. */
export function virshOn(h: 'A' | 'B', args: readonly string[]): { code: number; out: string } {
  const pid = Number(readFileSync(join(LAB_DIR, 'hosts', h, 'run', 'libvirtd.pid'), 'utf8'));
  try {
    const out = execFileSync('nsenter', ['-t', String(pid), '-m', '-n', '-u', 'virsh', '-c', 'qemu:///system', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, out };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Waits until `virsh ARGS` on a lab host prints something matching `pattern`; fails with `message` after `timeoutMs`. */
export async function waitForVirsh(h: 'A' | 'B', args: readonly string[], pattern: RegExp, message: string, opts: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
  const until = Date.now() + (opts.timeoutMs ?? 60_000);
  while (!pattern.test(virshOn(h, args).out)) {
    assert.ok(Date.now() < until, message);
    await sleep(opts.pollMs ?? 50);
  }
}

/** PID of the guest's QEMU on a lab host, if it runs there. */
export function qemuPid(h: 'A' | 'B'): number | undefined {
  try {
    return Number(readFileSync(join(LAB_DIR, 'hosts', h, 'run', 'libvirt', 'qemu', 'mbvm.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** The VM back on host A after a test lost it: started there, reachable over SSH. */
export async function restartGuest(): Promise<void> {
  for (const h of ['A', 'B'] as const) if (/paused|running/.test(virshOn(h, ['domstate', 'mbvm']).out)) virshOn(h, ['destroy', 'mbvm']);
  const started = virshOn('A', ['start', 'mbvm']);
  assert.equal(started.code, 0, started.out);
  const hosts = loadHosts(HOSTS);
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      const g = await SshHost.connect(hosts.guest!);
      await g.close();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Processes serving SSH sessions on a lab host ("sshd: root@notty"): killing them drops the controller's link. */
export function sshSessionPids(h: 'A' | 'B'): number[] {
  return netnsPids(`${PREFIX}${h}`).filter((p) => /^sshd: \S+@notty/.test(commandOf(p)));
}

/** Restarts a lab host's libvirtd inside its namespaces (after its config changed); the guest keeps running. */
export async function restartLibvirtd(h: 'A' | 'B'): Promise<void> {
  const run = join(LAB_DIR, 'hosts', h, 'run');
  const old = Number(readFileSync(join(run, 'libvirtd.pid'), 'utf8'));
  const sshd = Number(readFileSync(join(run, 'sshd.pid'), 'utf8'));
  process.kill(old, 'SIGTERM');
  for (let i = 0; i < 100 && existsSync(`/proc/${old}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${old}/status`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 100));
  execFileSync('nsenter', ['-t', String(sshd), '-m', '-n', '-u', '--', '/usr/sbin/libvirtd', '-d']);
  for (let i = 0; i < 100; i++) {
    if (virshOn(h, ['uri']).code === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`libvirtd of ${PREFIX}${h} did not come back`);
}

/**
 * The path between the two lab hosts down for `seconds`, as a real cut would be once TCP gives up: each host's route
 * to the other unreachable (the controller still reaches both), and the migration connections through the delay
 * relay on `relayOn` reset on both ends (a cut that short would only stall TCP; QEMU pauses post-copy on an error).
 */
export async function cutBetweenHosts(relayOn: 'A' | 'B', seconds: number): Promise<{ port: number }> {
  const ns = (h: 'A' | 'B') => `${PREFIX}${h}`;
  const other = { A: 'B', B: 'A' } as const;
  const listening = execFileSync('ip', ['netns', 'exec', ns(relayOn), 'ss', '-Htlnp'], { encoding: 'utf8' }).split('\n').find((l) => /delay-relay|python3/.test(l));
  assert.ok(listening, `no delay relay listening on ${ns(relayOn)}`);
  const port = Number(/:(\d+)\s/.exec(listening)![1]);
  const ip = (h: 'A' | 'B') => `${SUBNET}.${h === 'A' ? 1 : 2}`;
  for (const h of ['A', 'B'] as const) execFileSync('ip', ['netns', 'exec', ns(h), 'ip', 'route', 'add', 'unreachable', `${ip(other[h])}/32`]);
  try {
    for (const h of ['A', 'B'] as const) execFileSync('ip', ['netns', 'exec', ns(h), 'ss', '-K', `( sport = :${port} or dport = :${port} )`], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, seconds * 1000));
  } finally {
    for (const h of ['A', 'B'] as const) execFileSync('ip', ['netns', 'exec', ns(h), 'ip', 'route', 'del', 'unreachable', `${ip(other[h])}/32`]);
  }
  return { port };
}
