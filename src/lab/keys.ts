// SSH keys of a lab: the controller's key pair (also root's key inside each host, for qemu+ssh between them),
// a host key per host, and the known_hosts that pins them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HOST_KEYS, type HostKey, type LabLayout } from './layout.js';
import { sh } from './local.js';

export function hostKeyFile(layout: LabLayout, h: HostKey): string {
  return join(layout.hostDir(h), 'sshd', 'ssh_host_ed25519_key');
}

export async function createKeys(layout: LabLayout): Promise<void> {
  await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'migbench-lab', '-f', layout.key]);
  const lines: string[] = [];
  for (const h of HOST_KEYS) {
    const file = hostKeyFile(layout, h);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', layout.hostName(h), '-f', file]);
    const [type, blob] = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/);
    lines.push(`${layout.hostIp(h)},${layout.hostName(h)} ${type} ${blob}`);
  }
  writeFileSync(layout.knownHosts, `${lines.join('\n')}\n`, { mode: 0o644 });
}
