// The hosts.yaml that `lab up` writes, so that `migbench run` needs nothing else.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { HOST_KEYS, GUEST_NAME, type LabLayout } from './layout.js';

export function writeLabHostsFile(layout: LabLayout): void {
  const doc = {
    domain: GUEST_NAME,
    ssh: { user: 'root', key: layout.key, known_hosts: layout.knownHosts },
    hosts: HOST_KEYS.map((h) => ({
      name: layout.hostName(h),
      address: layout.hostIp(h),
      libvirt_uri: `qemu+ssh://root@${layout.hostName(h)}/system`,
      netem_interface: 'br0',
    })),
    guest: { address: layout.guestIp, memwriter: '/bin/memwriter' },
  };
  writeFileSync(layout.hostsFile, `# Written by \`migbench lab up\` for the lab in ${layout.dir}.\n${stringify(doc)}`);
}
