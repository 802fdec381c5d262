// lab.json records what `lab up` created, step by step, so that `lab down` removes exactly that (and works
// from any partial state).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { LabSettings } from './layout.js';

export interface LabState {
  readonly settings: LabSettings;
  phase: 'building' | 'up';
  createdAt: string;
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
