// Finding `virsh domjobinfo` outputs in saved text: a terminal log, a file of many captures, with or without the
// commands that printed them. A capture starts at "Job type:" and runs over "Label: value" lines (and the blank
// line --rawstats prints after the job type); anything else ends it. A capture pasted into a document keeps the
// prefix of its "Job type:" line (indenting spaces, "> " quotes) on every line; it is taken off.
import { humanNumber, LABELS } from '../libvirt/jobinfo.js';

export interface Capture {
  /** 1-based line of its "Job type:" line. */
  readonly line: number;
  readonly text: string;
}

export interface CaptureProblem {
  readonly line: number;
  readonly message: string;
}

const FIELD = /^([A-Za-z][A-Za-z0-9 /._()-]*?):\s*(.*)$/;
/** "Job type:" after an optional paste prefix: spaces, or "> " quoting (possibly nested). */
const JOB_TYPE = /^((?:[ \t]*>[ \t]?)*[ \t]*)Job type:/;

export function findCaptures(text: string): { captures: Capture[]; problems: CaptureProblem[] } {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const captures: Capture[] = [];
  const problems: CaptureProblem[] = [];
  /** prefix: what every line of the capture starts with (a paste indented by spaces, or quoted with "> "). */
  let current: { line: number; lines: string[]; prefix: string } | undefined;
  const close = () => {
    if (current) captures.push({ line: current.line, text: current.lines.join('\n') });
    current = undefined;
  };
  lines.forEach((raw, i) => {
    const start = JOB_TYPE.exec(raw);
    if (start) {
      close();
      current = { line: i + 1, lines: [raw.slice(start[1]!.length).trimEnd()], prefix: start[1]! };
      return;
    }
    if (!current) return;
    const inside = raw.startsWith(current.prefix) || raw.trimEnd() === current.prefix.trimEnd();
    if (!inside) {
      close();
      return;
    }
    const line = raw.slice(current.prefix.length).trimEnd();
    if (line === '') {
      current.lines.push(line);
      return;
    }
    const m = FIELD.exec(line);
    if (!m) {
      close();
      return;
    }
    current.lines.push(line);
    // a known human label must carry a number with a unit migbench understands
    const key = LABELS[m[1]!.trim()];
    if (key && key !== 'errmsg' && humanNumber(m[2]!) === undefined) {
      problems.push({ line: i + 1, message: `cannot read the value of "${m[1]!.trim()}": "${m[2]}"` });
    }
    // a rawstats key must carry an integer (or a decimal)
    if (/^[a-z][a-z0-9_]*$/.test(m[1]!) && m[1] !== 'errmsg' && m[1] !== 'operation' && !/^-?\d+(\.\d+)?$/.test(m[2]!.trim())) {
      problems.push({ line: i + 1, message: `cannot read the value of ${m[1]}: "${m[2]}"` });
    }
  });
  close();
  return { captures, problems };
}
