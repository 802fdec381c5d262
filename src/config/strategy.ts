// The strategy vocabulary of experiment files. How each maps to virsh flags is in libvirt/migrate-args.ts.

/** When a post-copy migration switches from pre-copy to post-copy. */
export type PostcopySwitch = 'none' | 'immediate' | 'after-precopy';

export interface Strategy {
  readonly name: StrategyName;
  readonly postcopy: PostcopySwitch;
  readonly summary: string;
}

export const STRATEGIES = {
  precopy: {
    name: 'precopy',
    postcopy: 'none',
    summary: 'pre-copy only: virsh migrate --live',
  },
  postcopy: {
    name: 'postcopy',
    postcopy: 'immediate',
    summary: 'post-copy, switched as soon as the job runs: --live --postcopy, then virsh migrate-postcopy',
  },
  hybrid: {
    name: 'hybrid',
    postcopy: 'after-precopy',
    summary: 'post-copy after the first pre-copy pass: --live --postcopy --postcopy-after-precopy',
  },
} as const satisfies Record<string, Omit<Strategy, 'name'> & { name: string }>;

export type StrategyName = keyof typeof STRATEGIES;

export const STRATEGY_NAMES = Object.keys(STRATEGIES) as StrategyName[];

export function isStrategyName(s: string): s is StrategyName {
  return Object.hasOwn(STRATEGIES, s);
}
