// What the source's QEMU was really told for this migration: its capabilities and parameters, asked while the
// migration is under way (libvirt sets them just before `migrate` and resets them after the job). The row's proof
// that a knob took effect — or that libvirt turned something on by itself, as 10.0 and newer do with
// postcopy-preempt between two hosts that both have it.

export interface MigrationSettings {
  readonly postcopyPreempt: boolean | undefined;
  readonly zeroCopy: boolean | undefined;
  /** multifd-compression: none, zstd, zlib, … */
  readonly multifdCompression: string | undefined;
  readonly multifdCompressionLevel: number | undefined;
  /** tls-creds set: the stream is TLS. */
  readonly tls: boolean | undefined;
  readonly downtimeLimitMs: number | undefined;
  /** avail-switchover-bandwidth, bytes/s (0: QEMU's own estimate). */
  readonly switchoverBandwidth: number | undefined;
}

function returned(stdout: string): unknown {
  try {
    return (JSON.parse(stdout.trim()) as { return?: unknown }).return;
  } catch {
    return undefined;
  }
}

/** The two answers (query-migrate-capabilities, query-migrate-parameters) → settings; undefined when neither parses. */
export function parseMigrationSettings(capsOut: string, paramsOut: string): MigrationSettings | undefined {
  const caps = returned(capsOut);
  const params = returned(paramsOut) as Record<string, unknown> | undefined;
  if (!Array.isArray(caps) && (params === undefined || typeof params !== 'object')) return undefined;
  const cap = (name: string) => (Array.isArray(caps) ? (caps as Array<{ capability?: string; state?: boolean }>).find((c) => c.capability === name)?.state : undefined);
  const num = (k: string) => (typeof params?.[k] === 'number' ? (params[k] as number) : undefined);
  const compression = typeof params?.['multifd-compression'] === 'string' ? (params['multifd-compression'] as string) : undefined;
  return {
    postcopyPreempt: cap('postcopy-preempt'),
    zeroCopy: cap('zero-copy-send'),
    multifdCompression: compression,
    multifdCompressionLevel: compression === 'zstd' || compression === 'zlib' ? num(`multifd-${compression}-level`) : undefined,
    tls: typeof params?.['tls-creds'] === 'string' ? params['tls-creds'] !== '' : undefined,
    downtimeLimitMs: num('downtime-limit'),
    switchoverBandwidth: num('avail-switchover-bandwidth'),
  };
}

/** Statuses of a migration still under way: libvirt resets capabilities and TLS once the job is over. */
const UNDER_WAY = new Set(['setup', 'wait-unplug', 'active', 'pre-switchover', 'device', 'postcopy-active', 'postcopy-device', 'postcopy-paused', 'postcopy-recover-setup', 'postcopy-recover']);

/** Whether an answer of query-migrate says a migration is under way. */
export function underWay(answer: string): boolean {
  const status = (returned(answer) as { status?: unknown } | undefined)?.status;
  return typeof status === 'string' && UNDER_WAY.has(status);
}

/** The QMP commands of one read, in order: the settings between two answers of query-migrate. */
export const SETTINGS_READ = ['query-migrate', 'query-migrate-capabilities', 'query-migrate-parameters', 'query-migrate'] as const;

/**
 * The settings from the answers to SETTINGS_READ (one line each, in order), or undefined when they cannot be
 * trusted: both query-migrate answers must say the migration is under way (before it, libvirt may not have set
 * them yet; after it, it may have reset them).
 */
export function settingsFromRead(answers: readonly string[]): MigrationSettings | undefined {
  if (answers.length !== SETTINGS_READ.length) return undefined;
  const [before, caps, params, after] = answers as [string, string, string, string];
  return underWay(before) && underWay(after) ? parseMigrationSettings(caps, params) : undefined;
}
