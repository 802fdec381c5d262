// A process is identified by its PID and its start time, so that a recycled PID is not taken for the holder.
import { readFileSync } from 'node:fs';

export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may contain spaces and parentheses: fields are counted after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22 of stat: starttime
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number, startTime: string | undefined): boolean {
  const now = startTimeOf(pid);
  return now !== undefined && (startTime === undefined || now === startTime);
}
