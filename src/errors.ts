// Every error migbench shows a user: what went wrong (problem) and what to do about it (fix), and the exit code
// it ends the command with. The one exit path (cli/exit.ts) prints "problem — fix".

/** Exit codes are part of the CLI contract (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  runtime: 1,
  badInput: 2,
  sla: 3,
  locked: 4,
  /** A sweep stopped by a signal: 128 + the signal's number. */
  signals: { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 },
} as const;
export type ExitCode = 0 | 1 | 2 | 3 | 4;

/** An error meant for the user: the problem, the fix, and the exit code. */
export class MigbenchError extends Error {
  constructor(
    readonly problem: string,
    readonly fix: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(fix ? `${problem} — ${fix}` : problem, options);
    this.name = new.target.name;
  }
}

/** Bad config file, CLI flag or other input the user can fix before running again (exit 2). */
export class InputError extends MigbenchError {
  constructor(problem: string, fix: string, options?: { cause?: unknown }) {
    super(problem, fix, EXIT.badInput, options);
  }
}

/** Something went wrong while talking to hosts or running trials (exit 1). */
export class RuntimeError extends MigbenchError {
  constructor(problem: string, fix: string, options?: { cause?: unknown }) {
    super(problem, fix, EXIT.runtime, options);
  }
}

/** Another sweep holds these hosts (exit 4). */
export class LockedError extends MigbenchError {
  constructor(problem: string, fix: string) {
    super(problem, fix, EXIT.locked);
  }
}

/** The problem and the fix of any error: a MigbenchError's own, otherwise its message and no fix. */
export function problemAndFix(err: unknown): { problem: string; fix: string } {
  if (err instanceof MigbenchError) return { problem: err.problem, fix: err.fix };
  return { problem: errorMessage(err), fix: '' };
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** First non-empty line of a text, for one-line error reports. */
export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}
