// A connected host as migbench uses it: the SSH connection, virsh on it, and what its virsh can do.
import type { HostSpec } from '../config/hosts.js';
import type { Host } from '../remote/host.js';
import { SshHost } from '../remote/ssh.js';
import { Virsh, type JobInfoSupport, type VirshVersions } from './virsh.js';

export interface LibvirtHost {
  readonly spec: HostSpec;
  readonly remote: Host;
  readonly virsh: Virsh;
  readonly versions: VirshVersions;
  readonly jobInfo: JobInfoSupport;
  /** Whether this virsh can stamp events with the host time (`virsh event --timestamp`). */
  readonly eventTimestamps: boolean;
}

export async function openLibvirtHost(spec: HostSpec): Promise<LibvirtHost> {
  const remote = await SshHost.connect(spec);
  try {
    const virsh = new Virsh(remote);
    const [versions, jobInfo, eventHelp] = await Promise.all([virsh.versions(), virsh.jobInfoSupport(), virsh.exec(['help', 'event'])]);
    return { spec, remote, virsh, versions, jobInfo, eventTimestamps: eventHelp.stdout.includes('--timestamp') };
  } catch (err) {
    await remote.close();
    throw err;
  }
}

