// Local commands the lab runs as root (ip, unshare, nsenter, ssh-keygen). Failures become one-line errors.
import { execa } from 'execa';
import { firstLine, RuntimeError } from '../errors.js';

export interface LocalResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
}

export async function sh(file: string, args: readonly string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<string> {
  const res = await shTry(file, args, opts);
  if (res.exitCode !== 0) {
    throw new RuntimeError(`\`${file} ${args.join(' ')}\` failed: ${firstLine(res.stderr) || firstLine(res.stdout) || `exit status ${res.exitCode}`}`, 'see docs/lab.md for what the lab needs on this machine');
  }
  return res.stdout;
}

export async function shTry(file: string, args: readonly string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<LocalResult> {
  const res = await execa(file, args, {
    reject: false,
    timeout: opts.timeoutMs ?? 60_000,
    input: opts.input,
    stdin: opts.input === undefined ? 'ignore' : 'pipe',
    env: { LC_ALL: 'C' },
  });
  return { stdout: String(res.stdout), stderr: String(res.stderr), exitCode: res.exitCode };
}

/** Runs a command inside the namespaces (mount, net, UTS) of a lab host's process. */
export function inHost(pid: number, file: string, args: readonly string[], opts?: { timeoutMs?: number }): Promise<LocalResult> {
  return shTry('nsenter', ['-t', String(pid), '-m', '-n', '-u', '--', file, ...args], opts);
}

/** Runs a command and returns its stdout as bytes (decompressors). */
export async function shBytes(file: string, args: readonly string[]): Promise<Buffer> {
  const res = await execa(file, args, { reject: false, encoding: 'buffer', stdin: 'ignore', timeout: 60_000 });
  if (res.exitCode !== 0) throw new RuntimeError(`\`${file} ${args.join(' ')}\` failed: ${firstLine(Buffer.from(res.stderr).toString())}`, 'see docs/lab.md for what the lab needs on this machine');
  return Buffer.from(res.stdout);
}
