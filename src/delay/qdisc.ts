// Reading `tc qdisc show dev IFACE` (text output: iproute2 of every age prints it; -j is newer).

export interface Qdisc {
  readonly kind: string;
  /** "0" for the qdisc the kernel attaches by default; "8001" etc. for configured ones. */
  readonly handle: string;
  /** "root", or the parent handle such as ":1" or "ffff:fff1". */
  readonly parent: string;
  /** Everything after the parent (and refcnt), as printed. */
  readonly params: string;
}

export function parseQdiscs(text: string): Qdisc[] {
  const out: Qdisc[] = [];
  for (const line of text.split('\n')) {
    const m = /^qdisc (\S+) ([0-9a-f]+): (root|parent \S+)(?: refcnt \d+)?\s*(.*?)\s*$/.exec(line.trim());
    if (!m) continue;
    out.push({ kind: m[1]!, handle: m[2]!, parent: m[3] === 'root' ? 'root' : m[3]!.slice(7), params: m[4]! });
  }
  return out;
}

export function rootQdisc(qdiscs: readonly Qdisc[]): Qdisc | undefined {
  return qdiscs.find((q) => q.parent === 'root');
}

/** Normalized for comparing before/after: kind, handle and parameters with single spaces. */
export function describeQdisc(q: Qdisc | undefined): string {
  return q ? `${q.kind} ${q.handle}: ${q.params.replace(/\s+/g, ' ')}`.trim() : 'none';
}
