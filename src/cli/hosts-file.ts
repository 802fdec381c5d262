// Which hosts file a command uses: --hosts, else ./hosts.yaml, else the lab's when a lab is up.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { defaultLabSettings } from '../lab/layout.js';
import { readLabState } from '../lab/state.js';

export function resolveHostsFile(given: string | undefined): string {
  if (given !== undefined) return given;
  if (existsSync('hosts.yaml')) return 'hosts.yaml';
  const labDir = defaultLabSettings().dir;
  if (readLabState(join(labDir, 'lab.json'))?.phase === 'up') return join(labDir, 'hosts.yaml');
  throw new InputError('no hosts file: ./hosts.yaml does not exist and no lab is up', 'pass --hosts FILE, copy hosts.example.yaml to hosts.yaml, or run `migbench lab up`');
}
