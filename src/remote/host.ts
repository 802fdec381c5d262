// A Host runs commands given as argument lists. SshHost is the real one; commands never pass through
// string concatenation (quote.ts turns the list into a command line).
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readAsset } from '../assets.js';
import { errorMessage, firstLine, RuntimeError } from '../errors.js';

export interface ExecOptions {
  /** Reject after this long (default: the host's command timeout). The remote command is not waited for. */
  readonly timeoutMs?: number;
  /** Bytes written to the command's stdin. */
  readonly stdin?: string | Buffer;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit status; null when the command died from a signal or the channel closed without one. */
  readonly code: number | null;
  readonly signal: string | undefined;
  readonly durationMs: number;
}

export interface StartOptions {
  /** Called for every complete line the command prints on stdout. */
  readonly onLine?: (line: string) => void;
  /** Called for every chunk of stdout as it arrives (for output that does not end in newlines). */
  readonly onData?: (text: string) => void;
  /**
   * The command reads its own stdin (an interactive virsh): write() feeds it, stop() closes it, and the
   * command must end by itself on EOF. Without this, the command runs under WATCHDOG.
   */
  readonly interactive?: boolean;
}

/** A long-running remote command. It ends when stop() is called or when the connection drops. */
export interface RemoteProcess {
  /** Settles when the command has exited. */
  readonly done: Promise<ExecResult>;
  /** Writes to the command's stdin (interactive commands only). */
  write(text: string): void;
  /** Asks the command to end (EOF on stdin; SIGTERM through the watchdog) and waits for it. */
  stop(): Promise<ExecResult>;
}

export interface Host {
  readonly name: string;
  /** Runs a command; resolves whatever its exit status. */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Starts a long-running command whose lifetime is tied to the controller (see WATCHDOG). */
  start(argv: readonly string[], opts?: StartOptions): RemoteProcess;
  close(): Promise<void>;
}

/**
 * Wraps a long-running remote command so that it ends when its stdin reaches EOF: when the controller calls
 * stop(), or when the SSH connection drops because the controller died. sshd does not deliver signals to
 * commands without a terminal, so this is how a remote process is tied to its controller. The command runs in
 * its own process group (setsid) so that its children end with it. POSIX sh (dash, busybox ash); the command
 * arrives as "$@", never inside the script text.
 */
export const WATCHDOG = [
  'exec 3<&0',
  'setsid "$@" </dev/null 3<&- &',
  'child=$!',
  '{ cat >/dev/null; kill -s TERM -- "-$child" 2>/dev/null || kill -s TERM "$child" 2>/dev/null; } <&3 >/dev/null 2>&1 &',
  'exec 3<&-',
  'wait "$child"',
].join('\n');

export function watchdogArgv(argv: readonly string[]): string[] {
  return ['sh', '-c', WATCHDOG, 'migbench-watchdog', ...argv];
}

export class RemoteCommandError extends RuntimeError {
  constructor(
    readonly host: string,
    readonly argv: readonly string[],
    readonly result: ExecResult,
  ) {
    const why = firstLine(result.stderr) || firstLine(result.stdout) || `exit status ${result.code ?? result.signal}`;
    super(`${host}: \`${argv.slice(0, 3).join(' ')}\` failed: ${why}`, 'see sweep.log for the whole answer; `migbench doctor` checks the host');
  }
}

/** Runs a command and returns its stdout; rejects with the first line of stderr on a non-zero exit. */
export async function run(host: Host, argv: readonly string[], opts?: ExecOptions): Promise<string> {
  const res = await host.exec(argv, opts);
  if (res.code !== 0) throw new RemoteCommandError(host.name, argv, res);
  return res.stdout;
}

/** Whether `program` is on the host's PATH. */
export async function hasProgram(host: Host, program: string): Promise<boolean> {
  return (await host.exec(['sh', '-c', 'command -v "$1" >/dev/null 2>&1', 'has', program])).code === 0;
}

/** Writes `text` to `path` on the host (its folder must exist). */
export async function upload(host: Host, path: string, text: string): Promise<void> {
  await run(host, ['sh', '-c', 'cat > "$1"', 'upload', path], { stdin: text });
}

/** One of migbench's helper files (src/RELATIVE) written into `workDir` on the host; returns its path there. */
export async function uploadAsset(host: Host, workDir: string, relative: string): Promise<string> {
  const path = `${workDir}/${basename(relative)}`;
  await run(host, ['mkdir', '-p', workDir]);
  await upload(host, path, readAsset(relative));
  return path;
}

/**
 * Waits until `ready()` (a helper printed that it listens): `ready`, `timeout` after `timeoutMs`, or how the
 * process ended first (the last line of its stderr, or its exit code).
 */
export async function untilReady(proc: RemoteProcess, ready: () => boolean, timeoutMs: number): Promise<'ready' | 'timeout' | { ended: string }> {
  let ended: string | undefined;
  proc.done.then(
    (r) => (ended = r.stderr.trim().split('\n').at(-1) || `exit ${r.code}`),
    (err: unknown) => (ended = errorMessage(err)),
  );
  for (const until = Date.now() + timeoutMs; !ready(); await sleep(20)) {
    if (ended !== undefined) return { ended };
    if (Date.now() > until) return 'timeout';
  }
  return 'ready';
}
