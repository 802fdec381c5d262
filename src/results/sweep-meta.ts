// sweep.json: what a results folder holds, so that `run --resume` and reports can find the rest.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { TrialRow } from './read-trials.js';

export interface SweepMeta {
  readonly sweepId: string;
  readonly hostsFile: string;
  readonly domain: string;
  readonly hosts: readonly string[];
  /** Every host pair the sweep ran on. */
  readonly pairs?: ReadonlyArray<{ name: string; hosts: readonly string[]; domain: string }>;
  /** `i/n` when this folder holds one shard of the sweep. */
  readonly shard?: string;
  readonly planned: number;
  readonly startedAt: string;
  /** Every (re)start of the sweep. */
  readonly runs: ReadonlyArray<{ startedAt: string; pid: number; resumed: boolean }>;
}

export function metaPath(dir: string): string {
  return join(dir, 'sweep.json');
}

export function readMeta(dir: string): SweepMeta {
  try {
    return JSON.parse(readFileSync(metaPath(dir), 'utf8')) as SweepMeta;
  } catch {
    throw new InputError(`${dir} is not a migbench results folder (no readable sweep.json)`, `give the folder a sweep wrote, e.g. results/<sweep-id>`);
  }
}

/** sweep.json of a folder that may have none (imported, or merged by `report A B --out M`). */
export function metaIfAny(dir: string): SweepMeta | undefined {
  return existsSync(metaPath(dir)) ? readMeta(dir) : undefined;
}

/** The folder's sweep: sweep.json's id, else the sweep ids its rows name (a merged folder: "a+b"), else its name. */
export function sweepIdOf(dir: string, rows: readonly TrialRow[], meta: SweepMeta | undefined): string {
  return meta?.sweepId || [...new Set(rows.map((r) => r.sweep_id).filter(Boolean))].join('+') || basename(resolve(dir));
}

export function writeMeta(dir: string, meta: SweepMeta): void {
  writeFileSync(metaPath(dir), `${JSON.stringify(meta, null, 2)}\n`);
}

/** YYYYMMDD-HHMMSS (UTC) of now: the time part of sweep ids and default results folders. */
export function timeStamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
