// The rules that make a trial completed, failed or timed out, from what it observed. Pure: unit-tested without a lab.
import type { Strategy } from '../config/strategy.js';
import type { TrialStatus } from '../results/record.js';

export interface Observed {
  /** Why the trial failed so far (virsh migrate, statistics, cleanup), if it did. */
  readonly failure: string | undefined;
  readonly postcopy: Strategy['postcopy'];
  /** When the harness's switch to post-copy was accepted (ms after the start), if it was. */
  readonly postcopySwitchMs: number | undefined;
  /** From the events: when the guest resumed, and whether it resumed in post-copy. */
  readonly resumedAt: number | undefined;
  readonly resumedInPostcopy: boolean | undefined;
  /** The relay delayed the stream: bytes it carried; undefined when no relay was used. */
  readonly relayBytes: number | undefined;
  readonly abortReason: 'timeout' | 'interrupted' | undefined;
  readonly timeoutSeconds: number;
}

export interface Verdict {
  readonly status: TrialStatus;
  readonly failure: string | undefined;
}

export function trialVerdict(o: Observed): Verdict {
  let failure = o.failure;
  if (failure === undefined && o.postcopy === 'immediate') {
    // Accepted is not enough: QEMU may already have been completing in pre-copy. The events tell.
    if (o.postcopySwitchMs === undefined || (o.resumedAt !== undefined && !o.resumedInPostcopy)) {
      failure = 'the migration completed in pre-copy before the switch to post-copy took effect';
    }
  }
  if (failure === undefined && o.relayBytes === 0) failure = 'the migration stream did not pass through the delay relay';
  if (failure === undefined) return { status: 'completed', failure };
  if (o.abortReason === 'timeout') return { status: 'timeout', failure: `no completion within ${o.timeoutSeconds} s; job aborted (${failure})` };
  return { status: 'failed', failure };
}

/** A completed migration must leave the VM running on the destination. */
export function placementVerdict(v: Verdict, runningOnDestination: boolean, destination: string, states: string): Verdict {
  if (v.status !== 'completed' || runningOnDestination) return v;
  return { status: 'failed', failure: `virsh migrate succeeded but the domain is not running on ${destination} afterwards (${states})` };
}

/** Whether the experiment's timeout action took effect in this trial. */
export function timeoutFired(
  t: { readonly seconds: number; readonly action: string },
  abortReason: Observed['abortReason'],
  timing: { readonly suspendedByTimeout?: boolean; readonly postcopySwitchAt?: number | undefined; readonly jobStartAt: number } | undefined,
): boolean {
  return (
    (t.action === 'abort' && abortReason === 'timeout') ||
    (t.action === 'suspend' && timing?.suspendedByTimeout === true) ||
    (t.action === 'postcopy' && timing?.postcopySwitchAt !== undefined && timing.postcopySwitchAt - timing.jobStartAt >= t.seconds * 1000 - 1000)
  );
}

/** What to tell the user when a post-copy could not be resumed: the VM is split between the hosts. */
export function unresumedPostcopyAdvice(domain: string, source: string, destination: string, destinationUri: string, states: string): string {
  return `the post-copy migration of ${domain} from ${source} to ${destination} stays paused (${states}), the guest stalled: once the migration path is back, resume it on ${source} with virsh migrate --live --postcopy --postcopy-resume --domain=${domain} --desturi=${destinationUri} (migbench cleanup tries that); if it cannot be resumed, the guest's memory is split and lost: virsh destroy ${domain} on both hosts, virsh start it on one, then migbench run --resume`;
}
