// lab.json records what `lab up` created, step by step, so that `lab down` removes exactly that (and works
// from any partial state).
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { LabSettings } from './layout.js';

export interface LabState {
  readonly settings: LabSettings;
  phase: 'building' | 'up';
  createdAt: string;
  /** The kernel's boot id when the lab was made: after a reboot its PIDs, namespaces and bridge are gone. */
  bootId?: string;
  bridge: boolean;
  netns: string[];
  /** Host keys ('A', 'B') whose daemons were started. */
  started: string[];
}

export function readLabState(file: string): LabState | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LabState;
}

export function writeLabState(file: string, state: LabState): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function currentBootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

function bootTimeMs(): number {
  const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
  return btime ? Number(btime[1]) * 1000 : 0;
}

/**
 * True when the lab was made before this machine last booted (or on another machine whose disk this is): none
 * of its processes, namespaces or bridge exist any more, and its PIDs may now belong to unrelated processes.
 */
export function fromEarlierBoot(file: string, state: LabState): boolean {
  if (state.bootId !== undefined) return state.bootId !== currentBootId();
  return statSync(file).mtimeMs < bootTimeMs();
}
