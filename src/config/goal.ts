// What a user asks `recommend` and `advise` to minimise, and the downtime bound both take.
import { InputError } from '../errors.js';

export const GOALS = ['downtime', 'total-time', 'bytes', 'service-latency'] as const;
export type Goal = (typeof GOALS)[number];

export function parseGoal(given: string | undefined): Goal {
  if (!given || !(GOALS as readonly string[]).includes(given)) throw new InputError(`--goal must be one of: ${GOALS.join(', ')}`, 'e.g. --goal downtime');
  return given as Goal;
}

export function parseMaxDowntimeMs(given: string | undefined): number | undefined {
  if (given === undefined) return undefined;
  const max = Number(given);
  if (!Number.isFinite(max) || max <= 0) throw new InputError(`--max-downtime-ms "${given}" is not a positive number of ms`, 'e.g. --max-downtime-ms 300');
  return max;
}
