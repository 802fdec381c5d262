// A sweep runs every trial of the plan against one host pair and appends each result as soon as it exists.
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { Experiment } from '../config/experiment.js';
import type { Hosts } from '../config/hosts.js';
import { errorMessage } from '../errors.js';
import { openLibvirtHost, type LibvirtHost } from '../libvirt/libvirt-host.js';
import type { Logger } from '../log/logger.js';
import { planTrials } from '../plan/plan.js';
import type { TrialRecord } from '../results/record.js';
import { RawJsonl } from '../results/raw-jsonl.js';
import { TrialsCsv } from '../results/trials-csv.js';
import { positionDomain } from '../trial/position.js';
import { runTrial } from '../trial/run-trial.js';
import { preflight, type PreflightResult } from './preflight.js';

/** Both hosts connected and checked; nothing on them has been changed yet. */
export interface HostPair {
  readonly hosts: Hosts;
  readonly pair: readonly [LibvirtHost, LibvirtHost];
  readonly checked: PreflightResult;
  close(): Promise<void>;
}

export async function openHostPair(hosts: Hosts, log: Logger): Promise<HostPair> {
  const [a, b] = await Promise.allSettled([openLibvirtHost(hosts.a), openLibvirtHost(hosts.b)]);
  const opened = [a, b].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const close = async () => void (await Promise.all(opened.map((h) => h.remote.close())));
  if (a.status === 'rejected' || b.status === 'rejected') {
    await close();
    const reason: unknown = a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason;
    throw reason instanceof Error ? reason : new Error(errorMessage(reason));
  }
  const pair = [a.value, b.value] as const;
  try {
    return { hosts, pair, checked: await preflight(pair, hosts.domain, log), close };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface SweepOptions {
  readonly sweepId: string;
  readonly experiment: Experiment;
  /** Results folder; trials.csv and raw.jsonl are appended there. */
  readonly outDir: string;
  readonly log: Logger;
  /** Aborted on SIGINT/SIGTERM: the running job is aborted and the sweep stops. */
  readonly signal: AbortSignal;
  readonly onTrial?: (record: TrialRecord, done: number, total: number) => void;
}

export interface SweepSummary {
  readonly planned: number;
  readonly recorded: number;
  readonly failed: number;
  readonly interrupted: boolean;
}

export async function runSweep(hp: HostPair, opts: SweepOptions): Promise<SweepSummary> {
  const { experiment, log, signal } = opts;
  const { pair, hosts } = hp;
  const trials = planTrials(experiment);
  const csv = new TrialsCsv(join(opts.outDir, 'trials.csv'));
  const raw = new RawJsonl(join(opts.outDir, 'raw.jsonl'));
  let recorded = 0;
  let failed = 0;
  let interrupted = false;
  try {
    raw.append('sweep-start', {
      sweepId: opts.sweepId,
      planned: trials.length,
      hosts: pair.map((h) => ({ name: h.spec.name, address: h.spec.address, versions: h.versions, jobInfo: h.jobInfo })),
      domain: hosts.domain,
      ramBytes: hp.checked.ramBytes,
    });
    const timeoutMs = experiment.migration_timeout_s * 1000;
    for (const trial of trials) {
      if (signal.aborted) {
        interrupted = true;
        break;
      }
      const [source, destination] = trial.direction === 'a-to-b' ? pair : [pair[1], pair[0]];
      if ((await positionDomain(pair, hosts.domain, source, timeoutMs, log)) === 'moved') {
        raw.append('positioned', { trial: trial.index, on: source.spec.name });
      }
      const outcome = await runTrial(
        { sweepId: opts.sweepId, domain: hosts.domain, hosts: pair, migrationTimeoutMs: timeoutMs, ramBytes: hp.checked.ramBytes, log, signal },
        trial,
        source,
        destination,
      );
      raw.append(outcome.interrupted ? 'trial-interrupted' : 'trial', { trial: trial.index, record: outcome.record, ...outcome.raw });
      if (outcome.interrupted) {
        interrupted = true;
        break;
      }
      csv.append(outcome.record);
      recorded++;
      if (outcome.record.status !== 'completed') failed++;
      opts.onTrial?.(outcome.record, recorded, trials.length);
      if (experiment.settle_s > 0 && recorded < trials.length) {
        await sleep(experiment.settle_s * 1000, undefined, { signal }).catch(() => undefined);
      }
    }
    raw.append('sweep-end', { recorded, failed, interrupted });
  } finally {
    csv.close();
    raw.close();
  }
  return { planned: trials.length, recorded, failed, interrupted };
}
