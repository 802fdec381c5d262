// Process helpers for tearing the lab down: by PID only, never by name.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Alive and not a zombie. */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export function pidFromFile(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 1 ? n : undefined;
  } catch {
    return undefined;
  }
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL whoever is left. Returns the PIDs that needed SIGKILL. */
export async function terminate(pids: readonly number[], graceMs = 10_000): Promise<number[]> {
  const targets = [...new Set(pids)].filter(alive);
  for (const p of targets) signal(p, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (Date.now() < until && targets.some(alive)) await sleep(100);
  const stubborn = targets.filter(alive);
  for (const p of stubborn) signal(p, 'SIGKILL');
  const killUntil = Date.now() + 5000;
  while (Date.now() < killUntil && stubborn.some(alive)) await sleep(50);
  return stubborn;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}
