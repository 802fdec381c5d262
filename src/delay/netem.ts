// tc netem on real hosts: build the command, apply it on an interface, verify it by reading it back, and put
// back exactly what was there before.
import { InputError, RuntimeError } from '../errors.js';
import type { Undo } from '../guard/journal.js';
import { run, type Host } from '../remote/host.js';
import { describeQdisc, parseQdiscs, rootQdisc, type Qdisc } from './qdisc.js';

export interface NetemSettings {
  /** Added one-way delay on the interface's egress. */
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly lossPct: number;
}

/** Queue long enough for `delayMs` worth of packets at 10 Gbit/s (netem's default of 1000 drops at speed). */
export function netemLimit(delayMs: number): number {
  return Math.max(1000, Math.ceil(delayMs * 1000));
}

export function netemArgs(iface: string, s: NetemSettings): string[] {
  const args = ['tc', 'qdisc', 'replace', 'dev', iface, 'root', 'netem', 'limit', String(netemLimit(s.delayMs)), 'delay', `${s.delayMs}ms`];
  if (s.jitterMs > 0) args.push(`${s.jitterMs}ms`);
  if (s.lossPct > 0) args.push('loss', `${s.lossPct}%`);
  return args;
}

/** Kinds whose `tc qdisc show` parameters can be given back to `tc qdisc replace` as they are printed. */
const RESTORABLE = new Set(['netem', 'tbf']);

export type RestorePlan =
  | { readonly kind: 'delete-root'; readonly argv: string[] }
  | { readonly kind: 'replace'; readonly argv: string[] };

/**
 * How to put the interface back afterwards. A default root qdisc (handle 0) comes back by itself when the
 * root qdisc is deleted. A configured netem or tbf is re-created from its printed parameters. Anything else
 * (htb, prio… with classes and filters) cannot be rebuilt from `tc qdisc show`, so migbench refuses to replace it.
 */
export function restorePlan(host: string, iface: string, before: Qdisc | undefined): RestorePlan {
  if (!before || before.handle === '0') return { kind: 'delete-root', argv: ['tc', 'qdisc', 'del', 'dev', iface, 'root'] };
  if (RESTORABLE.has(before.kind)) {
    return { kind: 'replace', argv: ['tc', 'qdisc', 'replace', 'dev', iface, 'root', 'handle', `${before.handle}:`, before.kind, ...before.params.split(/\s+/).filter(Boolean)] };
  }
  throw new InputError(`${host}: ${iface} has a configured ${before.kind} root qdisc (${describeQdisc(before)}) that migbench could not restore after netem`, `delay another interface (netem_interface), remove that qdisc, or use delay method proxy`);
}

/** The root qdisc is our netem with the asked delay. */
export function isNetem(q: Qdisc | undefined, s: NetemSettings): boolean {
  if (q?.kind !== 'netem') return false;
  const m = /delay (\d+(?:\.\d+)?)(us|ms|s)/.exec(q.params);
  if (!m) return s.delayMs === 0;
  const ms = Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  return Math.abs(ms - s.delayMs) < 0.01 + s.delayMs * 0.001;
}

export async function showRoot(host: Host, iface: string): Promise<Qdisc | undefined> {
  const res = await host.exec(['tc', 'qdisc', 'show', 'dev', iface]);
  if (res.code !== 0) {
    throw new RuntimeError(`${host.name}: cannot read the qdiscs of ${iface}: ${res.stderr.trim()}`, `check netem_interface in the hosts file`);
  }
  return rootQdisc(parseQdiscs(res.stdout));
}

/** The command the undo journal keeps: safe to run again, and a no-op once the interface is back. */
export function crashUndoArgv(iface: string, plan: RestorePlan): string[] {
  if (plan.kind === 'replace') return plan.argv;
  return ['sh', '-c', 'if tc qdisc show dev "$1" | grep -q "^qdisc netem .* root"; then tc qdisc del dev "$1" root; fi', 'migbench-undo-netem', iface];
}

export interface AppliedNetem {
  readonly host: string;
  readonly iface: string;
  readonly before: string;
  readonly applied: string;
  /** Puts back what was there, and checks it by reading it back. */
  remove(): Promise<void>;
}

export async function applyNetem(host: Host, iface: string, s: NetemSettings, undo: Undo): Promise<AppliedNetem> {
  const before = await showRoot(host, iface);
  const plan = restorePlan(host.name, iface, before);
  const marker = await undo.will(host, `netem on ${iface} (before: ${describeQdisc(before)})`, crashUndoArgv(iface, plan));
  const restore = async () => {
    await run(host, plan.argv);
    const now = await showRoot(host, iface);
    const ok = plan.kind === 'delete-root' ? now?.kind !== 'netem' && (now?.handle ?? '0') === '0' : describeQdisc(now) === describeQdisc(before);
    if (!ok) throw new RuntimeError(`${host.name}: ${iface} still has ${describeQdisc(now)} after removing netem (before: ${describeQdisc(before)})`, `check it with tc qdisc show dev ${iface}`);
    await undo.done(host, marker);
  };
  await run(host, netemArgs(iface, s));
  const applied = await showRoot(host, iface);
  if (!isNetem(applied, s)) {
    await restore().catch(() => undefined);
    throw new RuntimeError(`${host.name}: netem on ${iface} reads back as ${describeQdisc(applied)}, not a ${s.delayMs} ms delay`, 'check that nothing else manages qdiscs on that interface (docs/faults-and-cron.md)');
  }
  return { host: host.name, iface, before: describeQdisc(before), applied: describeQdisc(applied), remove: restore };
}

/** Whether the host's kernel has sch_netem: tried on loopback in a throwaway network namespace. */
export async function hasNetem(host: Host): Promise<{ ok: boolean; detail: string }> {
  const res = await host.exec(['unshare', '--net', 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']);
  return { ok: res.code === 0, detail: res.stderr.trim() || `exit ${res.code}` };
}
