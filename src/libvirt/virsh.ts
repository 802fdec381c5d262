// virsh on one host, always against the system libvirtd (qemu:///system), whoever the SSH user is.
import { RemoteCommandError, run, type ExecOptions, type ExecResult, type Host } from '../remote/host.js';
import { parseDomState, type DomainState } from './domstate.js';
import { parseJobInfo, type JobInfo } from './jobinfo.js';

export const LOCAL_URI = 'qemu:///system';

export interface VirshVersions {
  readonly library: string | undefined;
  readonly daemon: string | undefined;
  readonly hypervisor: string | undefined;
}

export interface JobInfoSupport {
  readonly completed: boolean;
  readonly keepCompleted: boolean;
  readonly rawstats: boolean;
}

export class Virsh {
  constructor(
    readonly host: Host,
    readonly uri: string = LOCAL_URI,
  ) {}

  argv(args: readonly string[]): string[] {
    return ['virsh', '-c', this.uri, ...args];
  }

  exec(args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    return this.host.exec(this.argv(args), opts);
  }

  run(args: readonly string[], opts?: ExecOptions): Promise<string> {
    return run(this.host, this.argv(args), opts);
  }

  async versions(): Promise<VirshVersions> {
    return parseVersions(await this.run(['version', '--daemon']));
  }

  async jobInfoSupport(): Promise<JobInfoSupport> {
    const help = await this.run(['help', 'domjobinfo']);
    return {
      completed: help.includes('--completed'),
      keepCompleted: help.includes('--keep-completed'),
      rawstats: help.includes('--rawstats'),
    };
  }

  /** The domain's state on this host, or undefined when the host does not know the domain. */
  async domState(domain: string): Promise<DomainState | undefined> {
    const args = ['domstate', '--reason', `--domain=${domain}`];
    const res = await this.exec(args);
    if (res.code === 0) return parseDomState(res.stdout);
    if (/failed to get domain|Domain not found|no domain with matching name/i.test(res.stderr)) return undefined;
    throw new RemoteCommandError(this.host.name, this.argv(args), res);
  }

  /** Statistics of the job running now (source host only while migrating). */
  async jobInfo(domain: string, support: JobInfoSupport): Promise<{ text: string; info: JobInfo }> {
    const args = ['domjobinfo', `--domain=${domain}`];
    if (support.rawstats) args.push('--rawstats');
    const text = await this.run(args);
    return { text, info: parseJobInfo(text) };
  }

  /** Statistics of the last completed job, left in place for later reads where virsh can. */
  async completedJobInfo(domain: string, support: JobInfoSupport): Promise<{ text: string; info: JobInfo }> {
    const args = ['domjobinfo', '--completed', `--domain=${domain}`];
    if (support.keepCompleted) args.push('--keep-completed');
    if (support.rawstats) args.push('--rawstats');
    const text = await this.run(args);
    return { text, info: parseJobInfo(text) };
  }

  /** Guest RAM in bytes (current allocation from `virsh dominfo`). */
  async memoryBytes(domain: string): Promise<number | undefined> {
    const out = await this.run(['dominfo', `--domain=${domain}`]);
    const m = /^Max memory:\s+(\d+)\s*KiB/m.exec(out);
    return m ? Number(m[1]) * 1024 : undefined;
  }

  async hostUuid(): Promise<string | undefined> {
    const caps = await this.run(['capabilities']);
    return /<uuid>([^<]+)<\/uuid>/.exec(caps)?.[1];
  }
}

export function parseVersions(text: string): VirshVersions {
  const pick = (re: RegExp) => re.exec(text)?.[1];
  return {
    library: pick(/^Using library: libvirt (\S+)/m),
    daemon: pick(/^Running against daemon: (\S+)/m),
    hypervisor: pick(/^Running hypervisor: (.+)$/m)?.trim(),
  };
}

/** "error: operation failed: domain is no longer running" → "operation failed: domain is no longer running". */
export function virshError(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('error:'))
    .map((l) => l.replace(/^error:\s*/, ''))
    .filter((l) => l !== '')
    .join('; ');
}
