// When did the migration start, when did the guest start running on the destination, when did post-copy end?
// From the job samples (time_elapsed against arrival time) and the libvirt lifecycle events of both hosts.
// All times are controller wall clock (epoch ms); host-stamped events are shifted by the host's clock offset
// before they get here.
import type { DomainEvent } from './events.js';
import type { JobSample } from './job-sampler.js';

export interface TimingInput {
  readonly samples: readonly JobSample[];
  readonly sourceEvents: readonly DomainEvent[];
  readonly destinationEvents: readonly DomainEvent[];
  /** When `virsh migrate` was started (controller clock). */
  readonly commandStartedAt: number;
  /** libvirt's time_elapsed of the completed job. */
  readonly totalTimeMs: number | undefined;
}

export interface TrialTiming {
  /** Start of libvirt's migration job. */
  readonly jobStartAt: number;
  /** 'samples': from time_elapsed of the running job; 'command': when virsh migrate started (less exact). */
  readonly jobStartBasis: 'samples' | 'command';
  /** The guest first ran on the destination (first "Resumed" event there). */
  readonly resumedAt: number | undefined;
  readonly switchoverMs: number | undefined;
  /** The source paused the guest (stop-and-copy or the switch to post-copy). */
  readonly pausedAt: number | undefined;
  /** pausedAt → resumedAt: the downtime as the two hosts' events show it. */
  readonly eventDowntimeMs: number | undefined;
  readonly postcopy: boolean;
  /** Switch-over → the destination had every page ("Resumed Migrated" after "Resumed Post-copy"). */
  readonly postcopyMs: number | undefined;
  /** The source got "Suspended Paused": virsh --timeout-suspend paused the guest. */
  readonly suspendedByTimeout: boolean;
  /** When the source switched to post-copy ("Suspended Post-copy"). */
  readonly postcopySwitchAt: number | undefined;
}

const lifecycle = (events: readonly DomainEvent[], detail: string) => events.find((e) => e.type === 'lifecycle' && e.detail === detail);

export function deriveTiming(i: TimingInput): TrialTiming {
  // A sample taken at controller time `at` shows time_elapsed; the sample fastest to arrive bounds the start.
  const fromSamples = i.samples
    .filter((s) => s.stats.time_elapsed !== undefined && (s.type === 'unbounded' || s.type === 'bounded'))
    .map((s) => s.at - s.stats.time_elapsed!);
  const jobStartAt = fromSamples.length > 0 ? Math.min(...fromSamples) : i.commandStartedAt;
  const after = (events: readonly DomainEvent[]) => events.filter((e) => e.at >= jobStartAt - 50);
  const src = after(i.sourceEvents);
  const dst = after(i.destinationEvents);

  const resumed = dst.find((e) => e.type === 'lifecycle' && e.detail.startsWith('Resumed'));
  const postcopyResume = lifecycle(dst, 'Resumed Post-copy');
  const postcopyEnd = postcopyResume && dst.find((e) => e.type === 'lifecycle' && e.detail === 'Resumed Migrated' && e.at >= postcopyResume.at);
  const switchEvent = lifecycle(src, 'Suspended Post-copy');
  const paused = src.find((e) => e.type === 'lifecycle' && (e.detail === 'Suspended Migrated' || e.detail === 'Suspended Post-copy'));
  const postcopy = postcopyResume !== undefined || switchEvent !== undefined;

  let postcopyMs: number | undefined;
  if (postcopyResume && postcopyEnd) postcopyMs = postcopyEnd.at - postcopyResume.at;
  else if (postcopy && resumed && i.totalTimeMs !== undefined) postcopyMs = jobStartAt + i.totalTimeMs - resumed.at;

  return {
    jobStartAt,
    jobStartBasis: fromSamples.length > 0 ? 'samples' : 'command',
    resumedAt: resumed?.at,
    switchoverMs: resumed ? resumed.at - jobStartAt : undefined,
    pausedAt: paused?.at,
    eventDowntimeMs: paused && resumed && resumed.at >= paused.at ? resumed.at - paused.at : undefined,
    postcopy,
    postcopyMs,
    suspendedByTimeout: lifecycle(src, 'Suspended Paused') !== undefined,
    postcopySwitchAt: switchEvent?.at,
  };
}

/** Moves host-stamped events onto the controller's clock. */
export function toControllerClock(events: readonly DomainEvent[], hostOffsetMs: number): DomainEvent[] {
  return events.map((e) => ({ ...e, at: e.at - hostOffsetMs }));
}
