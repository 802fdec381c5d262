// Live progress of a sweep on stderr: redrawn in place on a terminal (log-update), a plain line per phase
// otherwise, nothing with --quiet. The finished-trial lines (stdout) print above the live ones.
import { createLogUpdate } from 'log-update';
import type { Trial } from '../plan/trial.js';
import { cellLabel } from '../plan/trial.js';
import { jobDetail, runningLine, sweepHead, type Running, type SweepState } from './format.js';
import type { PhaseUpdate } from './phase.js';

export interface SweepProgress {
  trialStarted(pair: string, trial: Trial): void;
  phase(pair: string, update: PhaseUpdate): void;
  /** `last`: the sweep has nothing more for this pair. */
  trialEnded(pair: string, last: boolean): void;
  /** The pair's worker stopped (its last trial, an error, an interruption): its line goes. */
  pairDone(pair: string): void;
  /** A line that stays (stdout), written above the live lines. */
  print(write: () => void): void;
  stop(): void;
}

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  write(text: string): boolean;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  readonly quiet: boolean;
  readonly total: number;
  readonly done: number;
  readonly pairs: number;
  /** The experiment's pause between trials, counted in the ETA. */
  readonly settleMs: number;
  readonly now?: () => number;
}

/** Redraws on a terminal this often, so that elapsed times move between samples. */
const REDRAW_MS = 250;
/** Off a terminal, a running job's figures at most this often. */
const PLAIN_JOB_MS = 10_000;

export function createProgress(o: ProgressOptions): SweepProgress {
  if (o.quiet) return { trialStarted() {}, phase() {}, trialEnded() {}, pairDone() {}, print: (w) => w(), stop() {} };
  const now = o.now ?? Date.now;
  const state: SweepState = { done: o.done, total: o.total, trialMs: [], pairs: o.pairs };
  const running = new Map<string, Running>();
  const lastJobLine = new Map<string, number>();
  const withPair = o.pairs > 1;
  const tty = o.stream.isTTY === true;
  // showCursor: log-update would hide the cursor through process.stderr itself, past this stream
  const live = tty ? createLogUpdate(o.stream as NodeJS.WriteStream, { showCursor: true }) : undefined;
  const render = () => {
    if (!live) return;
    if (running.size === 0) return live.clear();
    const t = now();
    const lines = [...running.values()].map((r) => runningLine(r, t, withPair));
    live(withPair ? [sweepHead(state), ...lines].join('\n') : `${sweepHead(state)} ${lines[0] ?? ''}`);
  };
  let printing = false;
  const timer = live ? setInterval(render, REDRAW_MS) : undefined;
  timer?.unref();
  const plain = (r: Running, detail: string) => {
    o.stream.write(`${sweepHead(state)} ${withPair ? `${r.pair}: ` : ''}${r.label}: ${r.phase}${detail ? ` (${detail})` : ''}\n`);
  };
  return {
    trialStarted(pair, trial) {
      const t = now();
      const label = `${cellLabel(trial)} ${trial.direction} #${trial.repetition}`;
      running.set(pair, { pair, label, startedAt: t, phase: 'checking hosts', phaseAt: t, job: undefined });
      if (!live) plain(running.get(pair)!, '');
      render();
    },
    phase(pair, u) {
      const r = running.get(pair);
      if (!r) return;
      const t = now();
      const changed = u.phase !== r.phase;
      if (changed) {
        r.phase = u.phase;
        r.phaseAt = t;
      }
      r.job = u.job ?? (changed ? undefined : r.job);
      if (live) return render();
      if (changed) {
        lastJobLine.set(pair, t);
        plain(r, '');
      } else if (u.job && t - (lastJobLine.get(pair) ?? 0) >= PLAIN_JOB_MS) {
        lastJobLine.set(pair, t);
        plain(r, jobDetail(u.job));
      }
    },
    trialEnded(pair, last) {
      const r = running.get(pair);
      if (r) state.trialMs.push(now() - r.startedAt + o.settleMs);
      state.done++;
      running.delete(pair);
      // the pause before the pair's next trial
      if (!r || o.settleMs <= 0 || last) return render();
      const settling: Running = { ...r, phase: 'settling', startedAt: now(), phaseAt: now(), job: undefined };
      running.set(pair, settling);
      if (live) render();
      else plain(settling, '');
    },
    pairDone(pair) {
      if (running.delete(pair)) render();
    },
    print(write) {
      // a write that comes from inside a redraw (nothing of ours does; a patched stderr might) goes straight out
      if (printing) return write();
      printing = true;
      try {
        live?.clear();
        write();
      } finally {
        printing = false;
      }
      render();
    },
    stop() {
      if (timer) clearInterval(timer);
      live?.clear();
      running.clear();
    },
  };
}
