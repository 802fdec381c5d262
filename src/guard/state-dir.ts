// Where migbench keeps its own state on the controller: locks and the undo journal of running sweeps.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function stateDir(): string {
  if (process.env.MIGBENCH_STATE_DIR) return process.env.MIGBENCH_STATE_DIR;
  if (process.getuid?.() === 0) return '/var/lib/migbench';
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'migbench');
}
