// pino: every event as JSON in the sweep's log file; readable lines on stderr for people.
import { pino, type Logger, type StreamEntry } from 'pino';
import { Writable } from 'node:stream';

export type { Logger };

export interface LoggerOptions {
  /** JSON log file (all levels from debug). */
  readonly file?: string;
  /** Level shown on stderr: 'info' normally, 'error' with --quiet, 'debug' with --verbose. */
  readonly consoleLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/** Turns pino's JSON lines into "12:00:01.234 INFO  message key=value". */
export function prettyLine(json: string): string {
  const o = JSON.parse(json) as Record<string, unknown>;
  const t = new Date(Number(o.time)).toISOString().slice(11, 23);
  const level = (LEVEL_NAMES[Number(o.level)] ?? String(o.level)).padEnd(5);
  const extra = Object.entries(o)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${t} ${level} ${String(o.msg ?? '')}${extra ? ` ${extra}` : ''}\n`;
}

function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) out.write(prettyLine(line));
      done();
    },
  });
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const consoleLevel = opts.consoleLevel ?? 'info';
  const streams: StreamEntry[] = [];
  if (consoleLevel !== 'silent') streams.push({ level: consoleLevel, stream: prettyStream(process.stderr) });
  if (opts.file) streams.push({ level: 'debug', stream: pino.destination({ dest: opts.file, sync: true, mkdir: true }) });
  return pino({ level: 'debug', base: undefined }, pino.multistream(streams));
}
