// Exit codes are part of the CLI contract (README "Exit codes").
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

/** An error meant for the user: one line that names the problem and the fix. */
export class MigbenchError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad config file, CLI flag or other input the user can fix before running again (exit 2). */
export class InputError extends MigbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.badInput, options);
  }
}

/** Something went wrong while talking to hosts or running trials (exit 1). */
export class RuntimeError extends MigbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.runtime, options);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** First non-empty line of a text, for one-line error reports. */
export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}
