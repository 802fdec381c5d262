// Which trials.csv columns are measurements (summarised, charted, compared), with their units.
import { COLUMNS } from '../results/columns.js';

/** Columns that describe the trial's set-up rather than what was measured. */
const SETUP = new Set([
  'trial_index', 'repetition', 'delay_ms', 'delay_jitter_ms', 'delay_loss_pct', 'delay_window_kib', 'load_size_mib', 'load_rate',
  'timeout_s', 'bandwidth_mib_s', 'postcopy_bandwidth_mib_s', 'max_downtime_ms', 'switchover_bandwidth_mib_s', 'ram_bytes', 'page_size_bytes', 'xbzrle_cache_bytes',
]);

export interface Metric {
  readonly name: string;
  readonly unit: string;
}

/** Columns that hold numbers: those with a unit (but times of day), and a few unitless counts and ratios. */
export const NUMERIC_COLUMNS = COLUMNS.filter((c) => (c.unit !== '' && !c.unit.startsWith('ISO')) || ['iterations', 'transferred_ram_ratio'].includes(c.name));

export const METRICS: readonly Metric[] = COLUMNS.filter((c) => (NUMERIC_COLUMNS.includes(c) && !SETUP.has(c.name)) || c.name === 'migration_connections').map((c) => ({
  name: c.name,
  unit: c.unit,
}));

