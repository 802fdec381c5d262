// stdout and stderr may go away under a running command: `migbench plan | head` closes the pipe (EPIPE), a closed
// terminal or SSH session makes writes fail (EIO). Most commands then exit; a sweep goes on (it logs to sweep.log).
const goneListeners: Array<(code: string) => void> = [];
let keepRunning = false;
let gone = false;

/** For `run`: a lost terminal does not end the process; `onGone` hears of it once. */
export function keepRunningWithoutTerminal(onGone: (code: string) => void): void {
  keepRunning = true;
  goneListeners.push(onGone);
}

export function watchTerminal(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'EIO') throw err;
      if (!keepRunning) process.exit(process.exitCode ?? 0);
      if (gone) return;
      gone = true;
      for (const l of goneListeners) l(err.code);
    });
  }
}

/** Whether the terminal (or pipe) is still there to write to. */
export function terminalGone(): boolean {
  return gone;
}
