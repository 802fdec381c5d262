// The doctor's table, and the one line `migbench run` stops with.
import { formatTable } from '../report/table.js';
import type { Check } from './check.js';

export function doctorTable(checks: readonly Check[]): string {
  const rows = checks.map((c) => [c.host, c.check, c.status.toUpperCase(), c.detail, c.fix ?? '']);
  return formatTable(['host', 'check', 'status', 'found', 'fix'], rows, 5);
}

export function firstFailure(checks: readonly Check[]): string | undefined {
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length === 0) return undefined;
  const c = failed[0]!;
  const more = failed.length > 1 ? ` (${failed.length - 1} more problem${failed.length > 2 ? 's' : ''}: run \`migbench doctor\`)` : '';
  return `${c.host}: ${c.check}: ${c.detail} — ${c.fix}${more}`;
}
