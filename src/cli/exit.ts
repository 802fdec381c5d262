// One place that turns any error into one line on stderr and an exit code.
import { EXIT, MigbenchError } from '../errors.js';

export function reportError(err: unknown): number {
  if (err instanceof MigbenchError) {
    // its message is "problem — fix" (errors.ts builds it)
    process.stderr.write(`migbench: ${err.message}\n`);
    if (process.env.MIGBENCH_DEBUG && err.cause instanceof Error) process.stderr.write(`${err.cause.stack}\n`);
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`migbench: internal error: ${e.message} — please report it with the command you ran (MIGBENCH_DEBUG=1 shows the stack)\n`);
  if (process.env.MIGBENCH_DEBUG) process.stderr.write(`${e.stack}\n`);
  return EXIT.runtime;
}
