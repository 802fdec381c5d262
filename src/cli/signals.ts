// Every signal that ends a session — SIGHUP (the terminal or SSH session went away), SIGINT, SIGQUIT, SIGTERM —
// asks the sweep to stop cleanly: abort the running job, undo every change, keep the results. The exit code then
// says which signal it was (128 + its number, as shells report it). A second signal exits at once.
import { EXIT } from '../errors.js';

export const STOP_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export function exitCodeOf(signal: StopSignal): number {
  return EXIT.signals[signal];
}

export interface SignalStop {
  readonly controller: AbortController;
  /** The first signal received, if any. */
  readonly received: StopSignal | undefined;
  /** Exit code for an interrupted run: the received signal's, else SIGINT's. */
  readonly exitCode: number;
}

export function stopOnSignals(onFirst?: (signal: StopSignal) => void): SignalStop {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handler = (signal: StopSignal) => {
    if (controller.signal.aborted) {
      process.stderr.write(`migbench: second ${signal}, exiting now without cleanup\n`);
      process.exit(exitCodeOf(received ?? signal));
    }
    received = signal;
    onFirst?.(signal);
    controller.abort(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return {
    controller,
    get received() {
      return received;
    },
    get exitCode() {
      return exitCodeOf(received ?? 'SIGINT');
    },
  };
}
