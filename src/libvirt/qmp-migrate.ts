// QEMU's own migration counters: `query-migrate` through `virsh qemu-monitor-command` on the source, several times
// a second in a virsh of its own (a slow monitor never delays the job samples), and what they say once it is over.
import { shellQuote } from '../remote/quote.js';
import type { LibvirtHost } from './libvirt-host.js';
import { SETTINGS_READ, settingsFromRead, underWay, type MigrationSettings } from './migration-settings.js';
import { startVirshPoller } from './virsh-poller.js';

export interface QmpMigrateSample {
  /** Controller wall clock (epoch ms). */
  readonly at: number;
  /** active, postcopy-active, completed, … (QEMU's MigrationStatus). */
  readonly status: string;
  readonly precopyBytes?: number;
  readonly downtimeBytes?: number;
  readonly postcopyBytes?: number;
  readonly multifdBytes?: number;
  readonly pagesPerSecond?: number;
  readonly transferred?: number;
  readonly missedZeroCopy?: number;
}

const RAM_FIELDS = {
  precopyBytes: 'precopy-bytes',
  downtimeBytes: 'downtime-bytes',
  postcopyBytes: 'postcopy-bytes',
  multifdBytes: 'multifd-bytes',
  pagesPerSecond: 'pages-per-second',
  transferred: 'transferred',
  missedZeroCopy: 'dirty-sync-missed-zero-copy',
} as const;

/** One line of qemu-monitor-command output, `{"return":{"status":…,"ram":{…}},"id":…}`; undefined for anything else. */
export function parseQueryMigrate(line: string, at: number): QmpMigrateSample | undefined {
  if (!line.startsWith('{"return"')) return undefined;
  let ret: { status?: unknown; ram?: Record<string, unknown> };
  try {
    ret = (JSON.parse(line) as { return: typeof ret }).return;
  } catch {
    return undefined;
  }
  if (typeof ret?.status !== 'string') return undefined;
  const sample: Record<string, unknown> = { at, status: ret.status };
  for (const [key, field] of Object.entries(RAM_FIELDS)) {
    const v = ret.ram?.[field];
    if (typeof v === 'number' && Number.isFinite(v)) sample[key] = v;
  }
  return sample as unknown as QmpMigrateSample;
}

const statusOf = (answer: string) => parseQueryMigrate(answer, 0)?.status ?? (answer.startsWith('{"return":{}') ? 'none' : 'no answer');

export interface QmpSampler {
  /** Stops asking; returns every answer (the source's QEMU reports `completed` after libvirt's job stats end). */
  stop(): Promise<QmpMigrateSample[]>;
  /** The migration's settings, from the first round that read them while it was under way. */
  settings(): MigrationSettings | undefined;
  /** The statuses each read of the settings came between ("active/completed"), for raw.jsonl when none was trusted. */
  settingsTrace(): string[];
}

/** Rounds under way that also read the settings before they are given up on (a read adds three answers). */
const SETTINGS_ROUNDS = 100;
/** Rounds into post-copy that may still read the settings. */
const POSTCOPY_READS = 3;

/** What the sampler asks in each round, and what a round's answers say: the virsh left out, for the tests. */
export interface QmpRounds {
  /** The next round's commands: query-migrate, or the settings read (SETTINGS_READ) until the settings are known. */
  commands(): string[];
  /** A round's output lines: its query-migrate sample (the round's last), and whether sampling can stop. */
  take(lines: readonly string[], at: number): { sample: QmpMigrateSample | undefined; stop: boolean };
  settings(): MigrationSettings | undefined;
  trace(): string[];
}

export function qmpRounds(domain: string): QmpRounds {
  let settings: MigrationSettings | undefined;
  let rounds = 0;
  let postcopyRounds = 0;
  let asked: 'read' | 'sample' = 'sample';
  const trace: string[] = [];
  const monitor = (execute: string) => `qemu-monitor-command --domain=${shellQuote(domain)} ${shellQuote(JSON.stringify({ execute }))}`;
  const reading = () => settings === undefined && rounds < SETTINGS_ROUNDS;
  return {
    commands() {
      asked = reading() ? 'read' : 'sample';
      return asked === 'read' ? SETTINGS_READ.map(monitor) : [monitor('query-migrate')];
    },
    take(lines, at) {
      const answers = lines.map((l) => l.trim()).filter((l) => l.startsWith('{'));
      if (asked === 'read' && settings === undefined) {
        const whole = answers.length === SETTINGS_READ.length;
        settings = whole ? settingsFromRead(answers) : undefined;
        // the rounds before libvirt starts QEMU's migration (`none`, or the last incoming one's `completed`) spend none
        // of the budget; a round an answer is missing from does
        if (!whole || underWay(answers[0]!) || underWay(answers[3]!)) {
          const statuses = whole ? `${statusOf(answers[0]!)}/${statusOf(answers[3]!)}` : `${answers.length} answers`;
          rounds++;
          if (trace.length < 20) trace.push(statuses);
        }
      }
      const sample = parseQueryMigrate(answers.at(-1) ?? '', at);
      // the settings first (a few rounds at most): an immediate post-copy can pass from `none` to
      // `postcopy-active` within one read
      const stop = sample?.status === 'postcopy-active' && sample.transferred !== undefined && (!reading() || ++postcopyRounds > POSTCOPY_READS);
      return { sample, stop };
    },
    settings: () => settings,
    trace: () => trace,
  };
}

/**
 * Asks until stopped, or until the first post-copy answer once the settings are read: its pre-copy and downtime
 * bytes are final, and the page-pull phase, where the guest's service is measured, gets no monitor traffic beyond
 * libvirt's own. Until it has them, each round also reads the settings, inside the same virsh so the read is quick
 * enough for a migration that lasts half a second.
 */
export function startQmpSampler(host: LibvirtHost, domain: string, hz: number): QmpSampler {
  const samples: QmpMigrateSample[] = [];
  let stopped: Promise<void> | undefined;
  const rounds = qmpRounds(domain);
  const poller = startVirshPoller(host, () => rounds.commands(), hz, (lines) => {
    const { sample, stop } = rounds.take(lines, Date.now());
    if (sample) samples.push(sample);
    if (stop) stopped ??= poller.stop();
  });
  return {
    async stop() {
      stopped ??= poller.stop();
      await stopped;
      return samples;
    },
    settings: () => rounds.settings(),
    settingsTrace: () => rounds.trace(),
  };
}

export interface QmpCounters {
  readonly precopyBytes: number | undefined;
  readonly downtimeBytes: number | undefined;
  readonly postcopyBytes: number | undefined;
  readonly multifdBytes: number | undefined;
  /** Dirty syncs that found zero-copy sends still in flight (QEMU ≥ 7.1; 0 without zero-copy). */
  readonly missedZeroCopy?: number | undefined;
  /** The highest pages-per-second QEMU reported over the job. */
  readonly peakPagesPerSecond: number | undefined;
  /**
   * `completed`: an answer after QEMU finished the RAM (`device` or `completed`), every figure QEMU's final one.
   * `derived`: the source's QEMU was gone before that; the last answer had the guest paused for the switch-over
   * (`pre-switchover`: pre-copy bytes final) or in post-copy (pre-copy and downtime bytes final), and the phase
   * still running is libvirt's final memory_processed less the others. `partial`: the job ended before either.
   */
  readonly from: 'completed' | 'derived' | 'partial';
}

/** Statuses in which QEMU has sent the whole RAM: its byte counters are final. */
const RAM_DONE = new Set(['device', 'completed', 'postcopy-device']);

/** The counters of a migration from its samples; `finalTransferred` is libvirt's completed memory_processed. */
export function qmpCounters(samples: readonly QmpMigrateSample[], finalTransferred: number | undefined): QmpCounters | undefined {
  // answers without RAM figures are the QEMU's state before this job (an incoming migration's `completed`)
  const withRam = samples.filter((s) => s.transferred !== undefined);
  const last = withRam.at(-1);
  if (!last) return undefined;
  const peaks = withRam.map((s) => s.pagesPerSecond).filter((v): v is number => v !== undefined);
  const common = {
    multifdBytes: last.multifdBytes,
    ...(last.missedZeroCopy !== undefined && { missedZeroCopy: last.missedZeroCopy }),
    peakPagesPerSecond: peaks.length ? Math.max(...peaks) : undefined,
  };
  const figures = { precopyBytes: last.precopyBytes, downtimeBytes: last.downtimeBytes, postcopyBytes: last.postcopyBytes };
  if (RAM_DONE.has(last.status)) return { ...common, ...figures, from: 'completed' };
  const rest = (...sent: (number | undefined)[]) => {
    if (finalTransferred === undefined || sent.some((v) => v === undefined)) return undefined;
    const r = finalTransferred - sent.reduce((a, b) => a! + b!, 0)!;
    return r >= 0 ? r : undefined;
  };
  if (last.status === 'pre-switchover') {
    const downtimeBytes = rest(last.precopyBytes);
    if (downtimeBytes !== undefined) return { ...common, precopyBytes: last.precopyBytes, downtimeBytes, postcopyBytes: 0, from: 'derived' };
  }
  if (last.status === 'postcopy-active') {
    const postcopyBytes = rest(last.precopyBytes, last.downtimeBytes);
    if (postcopyBytes !== undefined) return { ...common, ...figures, postcopyBytes, from: 'derived' };
  }
  return { ...common, precopyBytes: last.precopyBytes, downtimeBytes: undefined, postcopyBytes: undefined, from: 'partial' };
}
