// Synthetic trials.csv rows for report tests and benchmarks: every column present, plausible values from a
// seeded generator, a few failed and timed-out trials. Not measurements: nothing here claims to be one.
import { stringify } from 'csv-stringify/sync';
import { COLUMNS } from '../../src/results/columns.js';

/** Mulberry32: small, seeded, good enough for test data. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRATEGIES = ['precopy', 'postcopy', 'hybrid', 'auto-converge'];
const LOADS = ['idle', 'w100'];
const DELAYS = [0, 20, 50];
const GiB = 2 ** 30;

export function syntheticRow(i: number, rnd: () => number, sweep = 'synthetic-20260101-000000'): Record<string, string> {
  const strategy = STRATEGIES[i % STRATEGIES.length]!;
  const load = LOADS[Math.floor(i / STRATEGIES.length) % LOADS.length]!;
  const delay = DELAYS[Math.floor(i / (STRATEGIES.length * LOADS.length)) % DELAYS.length]!;
  const status = rnd() < 0.03 ? 'failed' : rnd() < 0.03 ? 'timeout' : 'completed';
  const post = strategy !== 'precopy' && strategy !== 'auto-converge';
  const busy = load === 'idle' ? 0 : 1;
  const total = 900 + delay * 40 + busy * (post ? 1500 : 6000) + rnd() * 400;
  const row: Record<string, string> = Object.fromEntries(COLUMNS.map((c) => [c.name, '']));
  const ok = status === 'completed';
  const v = (x: number) => (ok ? String(Math.round(x)) : '');
  Object.assign(row, {
    sweep_id: sweep,
    trial_index: String(i),
    repetition: String(Math.floor(i / 24) + 1),
    strategy,
    load,
    delay_ms: String(delay),
    direction: i % 2 ? 'b-to-a' : 'a-to-b',
    source: i % 2 ? 'hostB' : 'hostA',
    destination: i % 2 ? 'hostA' : 'hostB',
    started_at: new Date(Date.UTC(2026, 0, 1) + i * 10_000).toISOString(),
    status,
    error: ok ? '' : status === 'failed' ? 'synthetic failure' : 'timed out after 60 s',
    downtime_ms: v(post ? 5 + rnd() * 20 : 30 + busy * 250 + rnd() * 60),
    total_time_ms: v(total),
    setup_time_ms: v(20 + rnd() * 10),
    switchover_ms: v(post ? 300 + rnd() * 200 : total - 20),
    event_downtime_ms: v(post ? 40 + rnd() * 30 : 60 + busy * 250),
    postcopy_used: ok ? (post && busy ? 'yes' : 'no') : '',
    data_processed_bytes: v((0.2 + busy * 0.6 + rnd() * 0.1) * GiB),
    ram_bytes: String(GiB),
    normal_bytes: v((0.18 + busy * 0.6) * GiB),
    constant_pages: v(((0.8 - busy * 0.6) * GiB) / 4096),
    iterations: v(post ? 2 : 3 + busy * 20),
    probe_outage_ms: v(post ? 60 + rnd() * 40 : 80 + busy * 300),
    probe_during_p99_ms: v(post ? 20 + busy * 200 : 2 + rnd()),
    wall_time_ms: String(Math.round(total + 300)),
  });
  return row;
}

export function syntheticCsv(n: number, seed = 1): string {
  const rnd = seeded(seed);
  const rows = [COLUMNS.map((c) => c.name)];
  for (let i = 0; i < n; i++) {
    const r = syntheticRow(i, rnd);
    rows.push(COLUMNS.map((c) => r[c.name]!));
  }
  return stringify(rows);
}
