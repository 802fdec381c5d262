// SIGINT/SIGTERM: the first one asks the sweep to stop cleanly (abort the running job, clean up, keep results);
// a second one exits at once.
export function stopOnSignals(onFirst?: (signal: NodeJS.Signals) => void): AbortController {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`migbench: second ${signal}, exiting now without cleanup\n`);
      process.exit(130);
    }
    onFirst?.(signal);
    controller.abort(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return controller;
}
