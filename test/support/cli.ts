// Runs the real migbench command line, as a user would.
import { execa } from 'execa';
import { BIN, ROOT } from './paths.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function migbench(args: readonly string[], opts: { timeoutMs?: number; cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const res = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    cwd: opts.cwd ?? ROOT,
    timeout: opts.timeoutMs ?? 600_000,
    env: { MIGBENCH_DEBUG: '', ...opts.env },
  });
  return { code: res.exitCode ?? -1, stdout: String(res.stdout), stderr: String(res.stderr) };
}

/** A user mistake must give exactly one line on stderr, no stack trace. */
export function oneLineError(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1 || /^\s+at /m.test(r.stderr)) {
    throw new Error(`expected one error line, got:\n${r.stderr}`);
  }
  return lines[0]!;
}
