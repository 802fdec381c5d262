// The doctor's table, and the one line `migbench run` stops with.
import { formatTable } from '../report/table.js';
import type { Check } from './check.js';

export function doctorTable(checks: readonly Check[]): string {
  const rows = checks.map((c) => [c.host, c.check, c.status.toUpperCase(), c.detail, c.fix ?? '']);
  return formatTable(['host', 'check', 'status', 'found', 'fix'], rows, 5);
}

/** The first failed check as a problem and its fix (with how many more failed). */
export function firstFailure(checks: readonly Check[]): { problem: string; fix: string } | undefined {
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length === 0) return undefined;
  const c = failed[0]!;
  const more = failed.length > 1 ? ` (${failed.length - 1} more problem${failed.length > 2 ? 's' : ''}: run \`migbench doctor\`)` : '';
  return { problem: `${c.host}: ${c.check}: ${c.detail}`, fix: `${c.fix ?? ''}${more}` };
}
