// memwriter's output, read back: its rate, and the longest gap between two progress lines (a guest pause).
// Times are the guest's CLOCK_MONOTONIC in ms.

export interface Progress {
  /** Guest monotonic time of the line, ms. */
  readonly t: number;
  /** Bytes written since the writer started. */
  readonly bytes: number;
  /** Controller wall clock (epoch ms) when the line arrived. */
  readonly receivedAt: number;
}

export interface WriterLog {
  readonly started?: { t: number; pid: number };
  readonly readyAt?: number;
  readonly progress: Progress[];
  readonly stoppedAt?: number;
  readonly errors: string[];
}

export function emptyLog(): WriterLog {
  return { progress: [], errors: [] };
}

/** Adds one line of memwriter output (C or Python, same format) to the log. */
export function addLine(log: WriterLog, line: string, receivedAt: number): WriterLog {
  const parts = line.trim().split(/\s+/);
  const t = Number(parts[1]);
  switch (parts[0]) {
    case 'chunk':
      log.progress.push({ t, bytes: Number(parts[2]), receivedAt });
      return log;
    case 'start': {
      const pid = Number(/pid=(\d+)/.exec(line)?.[1]);
      return { ...log, started: { t, pid } };
    }
    case 'ready':
      return { ...log, readyAt: t };
    case 'stop':
      return { ...log, stoppedAt: t };
    default:
      if (line.trim()) log.errors.push(line.trim());
      return log;
  }
}

/** Average write rate in bytes/s over progress lines with guest time in [from, to]. */
export function rateBetween(progress: readonly Progress[], from: number, to: number): number | undefined {
  const inside = progress.filter((p) => p.t >= from && p.t <= to);
  if (inside.length < 2) return undefined;
  const first = inside[0]!;
  const last = inside.at(-1)!;
  return last.t > first.t ? ((last.bytes - first.bytes) / (last.t - first.t)) * 1000 : undefined;
}

/** Offset to add to a guest time to get controller wall-clock time: the line that arrived fastest bounds it. */
export function guestToControllerOffset(progress: readonly Progress[]): number | undefined {
  let best: number | undefined;
  for (const p of progress) {
    const o = p.receivedAt - p.t;
    if (best === undefined || o < best) best = o;
  }
  return best;
}

export interface Gap {
  /** Longest interval between consecutive progress lines overlapping the window, ms. */
  readonly maxGapMs: number;
  /** Guest time at which that interval began. */
  readonly at: number;
  /** Median interval between progress lines (the resolution of the measurement), ms. */
  readonly periodMs: number;
}

/** The longest stall the writer saw while [from, to] was going on, by the guest's clock (or by `time`'s). */
export function longestGap(progress: readonly Progress[], from: number, to: number, time: (p: Progress) => number = (p) => p.t): Gap | undefined {
  const intervals: number[] = [];
  let best: { ms: number; at: number } | undefined;
  for (let i = 1; i < progress.length; i++) {
    const a = time(progress[i - 1]!);
    const b = time(progress[i]!);
    intervals.push(b - a);
    if (b < from || a > to) continue;
    if (!best || b - a > best.ms) best = { ms: b - a, at: a };
  }
  if (!best || intervals.length === 0) return undefined;
  const sorted = [...intervals].sort((x, y) => x - y);
  return { maxGapMs: best.ms, at: best.at, periodMs: sorted[Math.floor(sorted.length / 2)]! };
}
