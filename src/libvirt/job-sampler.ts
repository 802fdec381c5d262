// Samples the running migration job several times a second: `domjobinfo` in one interactive virsh on the source.
import { shellQuote } from '../remote/quote.js';
import { parseJobInfo, type JobType } from './jobinfo.js';
import type { LibvirtHost } from './libvirt-host.js';
import { startVirshPoller } from './virsh-poller.js';

export interface JobSample {
  /** Controller wall clock (epoch ms) when the sample's output was complete. */
  readonly at: number;
  readonly type: JobType;
  readonly stats: Readonly<Record<string, number>>;
}

export interface JobSampler {
  /** Stops sampling; returns the samples taken while a job ran. */
  stop(): Promise<JobSample[]>;
}

export function startJobSampler(host: LibvirtHost, domain: string, hz: number, onSample?: (s: JobSample) => void): JobSampler {
  const samples: JobSample[] = [];
  const command = `domjobinfo ${host.jobInfo.rawstats ? '--rawstats ' : ''}--domain=${shellQuote(domain)}`;
  const poller = startVirshPoller(host, [command], hz, (lines) => {
    if (!lines.some((l) => l.startsWith('Job type:'))) return;
    try {
      const info = parseJobInfo(lines.join('\n'));
      if (info.type === 'none') return;
      const sample: JobSample = { at: Date.now(), type: info.type, stats: info.stats };
      samples.push(sample);
      onSample?.(sample);
    } catch {
      /* a garbled sample is skipped */
    }
  });
  return {
    async stop() {
      await poller.stop();
      return samples;
    },
  };
}
