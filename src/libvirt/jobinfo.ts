// Parses `virsh domjobinfo` output: the `--rawstats` form (typed parameter names and exact integers) and the
// human table (labels, values rounded to 3 decimals with units). Both become one JobInfo keyed by the
// rawstats parameter names (libvirt's VIR_DOMAIN_JOB_* names), so the rest of migbench never sees the format.
import { RuntimeError } from '../errors.js';

export type JobType = 'none' | 'bounded' | 'unbounded' | 'completed' | 'failed' | 'cancelled' | 'unknown';

export interface JobInfo {
  /** 'sample': partial statistics of a job that never completed (the last sample before it was aborted). */
  readonly format: 'rawstats' | 'human' | 'sample';
  readonly type: JobType;
  /** e.g. "outgoing migration", "incoming migration". */
  readonly operation: string | undefined;
  /** Numeric statistics by rawstats name (ms, bytes, pages, bytes/s, pages/s, %). */
  readonly stats: Readonly<Record<string, number>>;
  /** Every line as printed, by its label or key, including ones migbench does not know. */
  readonly fields: Readonly<Record<string, string>>;
  /** Labels or keys that had no mapping (kept in `fields`, reported in the raw log). */
  readonly unknown: readonly string[];
}

const JOB_TYPES: readonly JobType[] = ['none', 'bounded', 'unbounded', 'completed', 'failed', 'cancelled'];
const OPERATIONS = [
  'unknown', 'start', 'save', 'restore', 'incoming migration', 'outgoing migration',
  'snapshot', 'snapshot revert', 'dump', 'backup', 'snapshot delete',
];

/** Human label → rawstats name. */
export const LABELS: Readonly<Record<string, string>> = {
  'Time elapsed': 'time_elapsed',
  'Time elapsed w/o network': 'time_elapsed_net',
  'Time remaining': 'time_remaining',
  'Data processed': 'data_processed',
  'Data remaining': 'data_remaining',
  'Data total': 'data_total',
  'Memory processed': 'memory_processed',
  'Memory remaining': 'memory_remaining',
  'Memory total': 'memory_total',
  'Memory bandwidth': 'memory_bps',
  'Dirty rate': 'memory_dirty_rate',
  'Page size': 'memory_page_size',
  Iteration: 'memory_iteration',
  'Postcopy requests': 'memory_postcopy_requests',
  'Constant pages': 'memory_constant',
  'Normal pages': 'memory_normal',
  'Normal data': 'memory_normal_bytes',
  'Expected downtime': 'downtime',
  'Total downtime': 'downtime',
  'Downtime w/o network': 'downtime_net',
  'Setup time': 'setup_time',
  'File processed': 'disk_processed',
  'File remaining': 'disk_remaining',
  'File total': 'disk_total',
  'File bandwidth': 'disk_bps',
  'Temporary disk space use': 'disk_temp_used',
  'Temporary disk space total': 'disk_temp_total',
  'Compression cache': 'compression_cache',
  'Compressed data': 'compression_bytes',
  'Compressed pages': 'compression_pages',
  'Compression cache misses': 'compression_cache_misses',
  'Compression overflows': 'compression_overflow',
  'Auto converge throttle': 'auto_converge_throttle',
  'Error message': 'errmsg',
};

const RAW_TEXT_KEYS = new Set(['errmsg']);

const UNIT_FACTORS: Readonly<Record<string, number>> = {
  B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, PiB: 2 ** 50, EiB: 2 ** 60,
};

/** A host (or a file) gave text that is no `virsh domjobinfo` table: a user or host problem, exit 1. */
export class JobInfoParseError extends RuntimeError {}

export function parseJobInfo(text: string): JobInfo {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const typeLine = lines.find((l) => l.startsWith('Job type:'));
  if (!typeLine) throw new JobInfoParseError('no "Job type:" line: this is not virsh domjobinfo output', 'check that `virsh domjobinfo` works on the host (docs/old-hosts-and-import.md)');
  const typeValue = typeLine.slice('Job type:'.length).trim();
  return /^\d+$/.test(typeValue) ? parseRaw(lines, Number(typeValue)) : parseHuman(lines, typeValue);
}

function parseRaw(lines: string[], typeNumber: number): JobInfo {
  const stats: Record<string, number> = {};
  const fields: Record<string, string> = { 'Job type': String(typeNumber) };
  const unknown: string[] = [];
  let operation: string | undefined;
  for (const line of lines) {
    const m = /^([a-z][a-z0-9_.]*): (.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    fields[key] = value;
    if (key === 'operation') operation = OPERATIONS[Number(value)] ?? `operation ${value}`;
    else if (RAW_TEXT_KEYS.has(key)) continue;
    else if (/^-?\d+(\.\d+)?$/.test(value)) stats[key] = Number(value);
    else unknown.push(key);
  }
  return { format: 'rawstats', type: JOB_TYPES[typeNumber] ?? 'unknown', operation, stats, fields, unknown };
}

function parseHuman(lines: string[], typeValue: string): JobInfo {
  const stats: Record<string, number> = {};
  const fields: Record<string, string> = {};
  const unknown: string[] = [];
  let operation: string | undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[A-Z]/.test(line)) continue;
    const label = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    fields[label] = value;
    if (label === 'Job type') continue;
    if (label === 'Operation') {
      operation = value.toLowerCase();
      continue;
    }
    const key = LABELS[label];
    if (key === undefined) {
      unknown.push(label);
      continue;
    }
    if (RAW_TEXT_KEYS.has(key)) continue;
    const n = humanNumber(value);
    if (n === undefined) unknown.push(label);
    else stats[key] = n;
  }
  const type = (JOB_TYPES as readonly string[]).includes(typeValue.toLowerCase()) ? (typeValue.toLowerCase() as JobType) : 'unknown';
  return { format: 'human', type, operation, stats, fields, unknown };
}

/** "4952 ms" → 4952, "230.744 MiB" → bytes, "271.783 MiB/s" → bytes/s, "0 pages/s" → 0, "20 %" → 20. */
export function humanNumber(value: string): number | undefined {
  const m = /^(-?\d+(?:\.\d+)?)\s*([A-Za-z%]*)(\/s)?$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const factor = UNIT_FACTORS[unit];
  if (factor !== undefined) return Math.round(n * factor);
  if (['', 'ms', 'pages', 'bytes', '%'].includes(unit)) return n;
  return undefined;
}
