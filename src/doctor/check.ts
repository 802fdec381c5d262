// A doctor's finding: one row per check per host, with the fix when it is not a pass.
import { problemAndFix } from '../errors.js';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface Check {
  readonly host: string;
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  /** What to do about it (warn and fail). */
  readonly fix?: string;
}

export const pass = (host: string, check: string, detail: string): Check => ({ host, check, status: 'pass', detail });
export const warn = (host: string, check: string, detail: string, fix: string): Check => ({ host, check, status: 'warn', detail, fix });
export const fail = (host: string, check: string, detail: string, fix: string): Check => ({ host, check, status: 'fail', detail, fix });

/** A failed check from an error: its problem as what was found, its fix as the fix. */
export function failOf(host: string, check: string, err: unknown): Check {
  const { problem, fix } = problemAndFix(err);
  return fail(host, check, problem, fix || 'see the message above');
}
