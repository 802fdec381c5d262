// The guest-load axis of an experiment: `idle`, or a memwriter with a size and a rate.
import { z } from 'zod';
import { RuntimeError } from '../errors.js';

export interface IdleLoad {
  readonly kind: 'idle';
  readonly name: string;
}

export interface WriterLoad {
  readonly kind: 'writer';
  readonly name: string;
  /** Absolute size, or a fraction of the guest's RAM (e.g. 0.6 for "60%"). */
  readonly size: { readonly mib: number } | { readonly fraction: number };
  /** Rate in `unit` per second; 0 = as fast as it can. */
  readonly rate: number;
  readonly unit: 'mib' | 'pages';
  readonly chunkKiB: number;
  readonly reportMs: number;
}

export type Load = IdleLoad | WriterLoad;

export const IDLE: IdleLoad = { kind: 'idle', name: 'idle' };

const size = z.union([
  z.number().positive().max(1 << 20),
  z
    .string()
    .regex(/^\d+(\.\d+)?\s*(%|MiB)$/, 'size must be MiB (a number or "614MiB") or a share of guest RAM ("60%")'),
]);

const WriterSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'load name must be 1-32 letters, digits, ".", "_" or "-"'),
    size,
    rate_mib_s: z.number().min(0).optional(),
    rate_pages_s: z.number().min(0).optional(),
    chunk_kib: z.number().int().min(4).max(1 << 20).default(1024),
    report_ms: z.number().min(0).max(1000).default(1),
  })
  .refine((w) => !(w.rate_mib_s !== undefined && w.rate_pages_s !== undefined), 'give rate_mib_s or rate_pages_s, not both');

export const LoadSchema = z.union([z.literal('idle'), WriterSchema], {
  error: 'a load is `idle` or {name, size, rate_mib_s | rate_pages_s}',
});

export function toLoad(input: z.infer<typeof LoadSchema>): Load {
  if (input === 'idle') return IDLE;
  const s = typeof input.size === 'number' ? { mib: input.size } : input.size.trim().endsWith('%') ? { fraction: parseFloat(input.size) / 100 } : { mib: parseFloat(input.size) };
  return {
    kind: 'writer',
    name: input.name,
    size: s,
    rate: input.rate_pages_s ?? input.rate_mib_s ?? 0,
    unit: input.rate_pages_s !== undefined ? 'pages' : 'mib',
    chunkKiB: input.chunk_kib,
    reportMs: input.report_ms,
  };
}

/** The writer's size in MiB for a guest with `ramBytes` of RAM. */
export function writerSizeMiB(load: WriterLoad, ramBytes: number | undefined): number {
  if ('mib' in load.size) return Math.round(load.size.mib);
  if (ramBytes === undefined) throw new RuntimeError('the guest RAM is unknown, so a size in % cannot be resolved', 'give the load size in MiB (size: 512)');
  return Math.max(1, Math.round((load.size.fraction * ramBytes) / 2 ** 20));
}
