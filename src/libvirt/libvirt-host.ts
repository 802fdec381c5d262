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
}

export async function openLibvirtHost(spec: HostSpec): Promise<LibvirtHost> {
  const remote = await SshHost.connect(spec);
  try {
    const virsh = new Virsh(remote);
    const [versions, jobInfo] = await Promise.all([virsh.versions(), virsh.jobInfoSupport()]);
    return { spec, remote, virsh, versions, jobInfo };
  } catch (err) {
    await remote.close();
    throw err;
  }
}

