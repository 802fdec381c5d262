// Runs memwriter in the guest over SSH: a prebuilt binary if the guest has one, else the C source compiled
// there, else the Python version. Its output streams back live; it dies with the SSH channel (watchdog).
import { setTimeout as sleep } from 'node:timers/promises';
import { readAsset } from '../assets.js';
import { RuntimeError } from '../errors.js';
import { hasProgram, run, upload, type Host, type RemoteProcess } from '../remote/host.js';
import { addLine, emptyLog, type WriterLog } from './progress.js';

export type WriterImpl = 'binary' | 'c' | 'python3' | 'python';

export interface PreparedWriter {
  readonly impl: WriterImpl;
  /** Command that runs memwriter; its arguments follow. */
  readonly argv: readonly string[];
}

export interface WriterSettings {
  readonly sizeMiB: number;
  /** 0 = as fast as it can. */
  readonly rate: number;
  readonly unit: 'mib' | 'pages';
  readonly chunkKiB: number;
  readonly reportMs: number;
}

/** Chooses how memwriter runs in this guest, uploading (and compiling) it into workDir. */
export async function prepareWriter(guest: Host, workDir: string, binary?: string): Promise<PreparedWriter> {
  if (binary !== undefined) {
    if ((await guest.exec(['test', '-x', binary])).code !== 0) {
      throw new RuntimeError(`guest: memwriter binary ${binary} (guest.memwriter in the hosts file) is not an executable there`, `fix the path or remove it`);
    }
    return { impl: 'binary', argv: [binary] };
  }
  await run(guest, ['mkdir', '-p', workDir]);
  for (const cc of ['gcc', 'cc']) {
    if (!(await hasProgram(guest, cc))) continue;
    const src = `${workDir}/memwriter.c`;
    const bin = `${workDir}/memwriter`;
    await upload(guest, src, readAsset('workload/memwriter.c'));
    // -lrt: clock_gettime lived in librt before glibc 2.17
    for (const extra of [['-lrt'], []]) {
      if ((await guest.exec([cc, '-O2', '-std=gnu99', '-o', bin, src, ...extra], { timeoutMs: 120_000 })).code === 0) {
        return { impl: 'c', argv: [bin] };
      }
    }
  }
  for (const py of ['python3', 'python'] as const) {
    if (!(await hasProgram(guest, py))) continue;
    const file = `${workDir}/memwriter.py`;
    await upload(guest, file, readAsset('workload/memwriter.py'));
    return { impl: py, argv: [py, file] };
  }
  throw new RuntimeError('guest: no way to run memwriter', 'the guest has no gcc/cc and no python3/python; install one, or set guest.memwriter to a prebuilt binary');
}

export interface RunningWriter {
  readonly log: () => WriterLog;
  /** Resolves once the buffer is allocated and touched. */
  waitReady(timeoutMs: number): Promise<void>;
  /** SIGTERM (through the watchdog) and wait for it to end. */
  stop(): Promise<WriterLog>;
}

export function startWriter(guest: Host, prepared: PreparedWriter, s: WriterSettings): RunningWriter {
  let log = emptyLog();
  const proc: RemoteProcess = guest.start(
    [...prepared.argv, String(s.sizeMiB), String(s.rate), s.unit, String(s.chunkKiB), String(s.reportMs)],
    {
      onLine: (line) => {
        log = addLine(log, line, Date.now());
      },
    },
  );
  let exited: string | undefined;
  proc.done.then(
    (r) => {
      exited = `exit status ${r.code ?? r.signal}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n')[0]}` : ''}`;
    },
    (err: unknown) => {
      exited = String(err);
    },
  );
  return {
    log: () => log,
    async waitReady(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (log.readyAt === undefined) {
        if (exited) throw new RuntimeError(`guest: memwriter ended before it was ready (${exited})`, 'give the guest more free memory than the load size');
        if (Date.now() > until) throw new RuntimeError(`guest: memwriter did not finish touching its ${s.sizeMiB} MiB within ${timeoutMs / 1000} s`, `lower the load size`);
        await sleep(50);
      }
    },
    async stop() {
      await proc.stop().catch(() => undefined);
      return log;
    },
  };
}
