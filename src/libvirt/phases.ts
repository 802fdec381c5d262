// Where the time of one `virsh migrate` went, cut at instants migbench measured (controller clock):
//   command start → job start (samples) → + setup_time → source paused (event) → destination resumed (event)
//   → destination had every page (post-copy; event) → command returned.
// Consecutive intervals, each clamped to start where the one before ended, so they sum to the wall time.
import type { TrialTiming } from './timing.js';

export interface Phases {
  /** virsh start → libvirt's job start: connecting, starting the destination's QEMU. */
  readonly prepareMs: number;
  /** QEMU's setup (libvirt's setup_time). */
  readonly setupMs: number;
  /** Pre-copy passes over RAM until the source paused the guest. */
  readonly precopyMs: number;
  /** The guest paused on both hosts: the final copy (pre-copy) or the switch to post-copy. */
  readonly stopCopyMs: number;
  /** Post-copy only: the guest ran on the destination while it pulled the pages it still lacked. */
  readonly postcopyMs: number;
  /** Everything until virsh returned (libvirt's finish and confirm steps). */
  readonly finishMs: number;
}

export interface PhaseInput {
  readonly commandStartedAt: number;
  readonly commandEndedAt: number;
  readonly timing: TrialTiming;
  /** libvirt's setup_time of the completed job. */
  readonly setupTimeMs: number | undefined;
}

/** The phases of a migration that ran to its end; undefined when an instant it needs was not seen. */
export function phasesOf(i: PhaseInput): Phases | undefined {
  const t = i.timing;
  if (t.jobStartBasis !== 'samples' || i.setupTimeMs === undefined || t.pausedAt === undefined || t.resumedAt === undefined) return undefined;
  if (t.postcopy && t.postcopyMs === undefined) return undefined;
  const end = i.commandEndedAt;
  const cuts = [i.commandStartedAt, t.jobStartAt, t.jobStartAt + i.setupTimeMs, t.pausedAt, t.resumedAt, t.resumedAt + (t.postcopy ? t.postcopyMs! : 0), end];
  for (let k = 1; k < cuts.length; k++) cuts[k] = Math.min(Math.max(cuts[k]!, cuts[k - 1]!), end);
  const d = (k: number) => cuts[k + 1]! - cuts[k]!;
  return { prepareMs: d(0), setupMs: d(1), precopyMs: d(2), stopCopyMs: d(3), postcopyMs: d(4), finishMs: d(5) };
}
