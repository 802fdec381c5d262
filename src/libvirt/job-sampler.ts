// Samples the running migration job several times a second through ONE interactive virsh on the source
// (one libvirt connection, one SSH channel): each sample is a `domjobinfo` typed into it, followed by an
// `echo` marker that tells where its output ends. With `qmp`, QEMU's query-migrate rides along in the same command.
import { shellQuote } from '../remote/quote.js';
import { parseJobInfo, type JobType } from './jobinfo.js';
import type { LibvirtHost } from './libvirt-host.js';
import { parseQueryMigrate, QUERY_MIGRATE, type QmpMigrateSample } from './qmp-migrate.js';

export interface JobSample {
  /** Controller wall clock (epoch ms) when the sample's output was complete. */
  readonly at: number;
  readonly type: JobType;
  readonly stats: Readonly<Record<string, number>>;
}

const MARK = '@@migbench-sample';

export interface JobSampler {
  /** Stops sampling; returns the samples taken while a job ran. */
  stop(): Promise<JobSample[]>;
  /** QEMU's query-migrate answers, job or not (the source's QEMU reports `completed` after libvirt's job stats end). */
  readonly qmp: readonly QmpMigrateSample[];
}

export function startJobSampler(host: LibvirtHost, domain: string, hz: number, opts: { qmp: boolean }, onSample?: (s: JobSample) => void): JobSampler {
  const samples: JobSample[] = [];
  const qmp: QmpMigrateSample[] = [];
  let pending = '';
  let inFlight = false;
  // virsh's interactive `echo` prints the marker without a newline, so the stream is cut at markers, not lines.
  const proc = host.remote.start(['virsh', '-q', '-c', host.virsh.uri], {
    interactive: true,
    onData: (text) => {
      pending += text;
      for (let at = pending.indexOf(MARK); at >= 0; at = pending.indexOf(MARK)) {
        const block = pending.slice(0, at);
        pending = pending.slice(at + MARK.length);
        inFlight = false;
        const lines = block.split('\n').filter((l) => !l.startsWith('virsh # '));
        for (const l of lines) {
          const q = parseQueryMigrate(l.trim(), Date.now());
          if (q) qmp.push(q);
        }
        if (!lines.some((l) => l.startsWith('Job type:'))) continue;
        try {
          const info = parseJobInfo(lines.filter((l) => !l.startsWith('{')).join('\n'));
          if (info.type !== 'none') {
            const sample: JobSample = { at: Date.now(), type: info.type, stats: info.stats };
            samples.push(sample);
            onSample?.(sample);
          }
        } catch {
          /* a garbled sample is skipped */
        }
      }
    },
  });
  // virsh's own command parser reads this line; it splits words like a POSIX shell, so quote like one
  const query = opts.qmp ? `qemu-monitor-command --domain=${shellQuote(domain)} ${shellQuote(QUERY_MIGRATE)}\n` : '';
  const command = `domjobinfo ${host.jobInfo.rawstats ? '--rawstats ' : ''}--domain=${shellQuote(domain)}\n${query}echo ${MARK}\n`;
  const tick = () => {
    if (inFlight) return; // the previous sample has not come back yet: skip rather than queue
    inFlight = true;
    proc.write(command);
  };
  tick();
  const timer = setInterval(tick, Math.max(10, Math.round(1000 / hz)));
  return {
    qmp,
    async stop() {
      clearInterval(timer);
      await proc.stop().catch(() => undefined);
      return samples;
    },
  };
}
