// The private state of one lab host: copies of /etc/libvirt and friends, bind-mounted over the real paths
// inside the host's mount namespace by init.sh.
import { chmodSync, copyFileSync, cpSync, mkdirSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellQuote } from '../remote/quote.js';
import { HOST_KEYS, type HostKey, type LabLayout } from './layout.js';
import { hostKeyFile } from './keys.js';
import { libvirt11Mounts, libvirtEtc } from './libvirt-release.js';
import { tlsDir } from './tls.js';

/** Private copy (outside) → path it is mounted over (inside the host). */
function bindMounts(layout: LabLayout, h: HostKey): Array<[string, string]> {
  const d = layout.hostDir(h);
  return [
    [join(d, 'run'), '/run'],
    [join(d, 'etc-libvirt'), '/etc/libvirt'],
    [join(d, 'var-lib-libvirt'), '/var/lib/libvirt'],
    [join(d, 'var-cache-libvirt'), '/var/cache/libvirt'],
    [join(d, 'var-log-libvirt'), '/var/log/libvirt'],
    // root's own home: its .ssh, and none of the machine's shell start-up files (a lab host is another machine)
    [join(d, 'root'), '/root'],
    [join(d, 'hosts'), '/etc/hosts'],
    ...(layout.libvirt(h) === '11' ? libvirt11Mounts() : []),
  ];
}

export function initScript(layout: LabLayout, h: HostKey): string {
  return join(layout.hostDir(h), 'init.sh');
}

export function writeHostFiles(layout: LabLayout, h: HostKey): void {
  const d = layout.hostDir(h);
  for (const sub of ['run', 'var-lib-libvirt/qemu', 'var-lib-libvirt/images', 'var-cache-libvirt', 'var-log-libvirt', 'root/.ssh', 'sshd']) {
    mkdirSync(join(d, sub), { recursive: true });
  }
  chmodSync(join(d, 'var-lib-libvirt', 'qemu'), 0o751);

  writeLibvirtConfig(layout, h);
  // Name resolution inside the host: the peer is reached by name, and the name is not loopback.
  const hostsLines = ['127.0.0.1 localhost', ...HOST_KEYS.map((k) => `${layout.hostIp(k)} ${layout.hostName(k)}`)];
  writeFileSync(join(d, 'hosts'), `${hostsLines.join('\n')}\n`);

  writeRootSsh(layout, h);
  writeSshdConfig(layout, h);

  const q = shellQuote;
  const lines = [
    '#!/bin/sh',
    `# migbench lab host ${layout.hostName(h)}: runs inside \`ip netns exec ${layout.netns(h)} unshare --mount --uts --propagation private\`.`,
    'set -e',
    ...bindMounts(layout, h).map(([from, to]) => `mount --bind ${q(from)} ${q(to)}`),
    'mkdir -p /run/sshd /run/libvirt && chmod 755 /run/sshd',
    `hostname ${q(layout.hostName(h))}`,
    '/usr/sbin/virtlogd -d',
    '/usr/sbin/libvirtd -d',
    `/usr/sbin/sshd -f ${q(join(d, 'sshd', 'sshd_config'))} -E ${q(join(layout.logDir, `sshd-${h}.log`))}`,
    '',
  ];
  writeFileSync(initScript(layout, h), lines.join('\n'), { mode: 0o755 });
}

/** /etc/libvirt: the configuration of the host's libvirt, minus domains and autostarted networks, plus lab settings. */
function writeLibvirtConfig(layout: LabLayout, h: HostKey): void {
  const d = layout.hostDir(h);
  cpSync(libvirtEtc(layout.libvirt(h)), join(d, 'etc-libvirt'), { recursive: true });
  rmSync(join(d, 'etc-libvirt', 'qemu', 'networks', 'autostart'), { recursive: true, force: true });
  for (const f of readdirSync(join(d, 'etc-libvirt', 'qemu'))) {
    if (f.endsWith('.xml')) rmSync(join(d, 'etc-libvirt', 'qemu', f));
  }
  appendFileSync(
    join(d, 'etc-libvirt', 'libvirtd.conf'),
    `\n# ---- migbench lab host ${layout.hostName(h)} ----\n` +
      `# Two libvirtds on one machine would read the same DMI UUID and refuse to migrate to "the same host".\n` +
      `host_uuid = "${layout.hostUuid(h)}"\n` +
      `log_outputs = "3:file:/var/log/libvirt/libvirtd.log"\n`,
  );
  appendFileSync(
    join(d, 'etc-libvirt', 'qemu.conf'),
    `\n# ---- migbench lab host ${layout.hostName(h)} ----\n` +
      `# QEMU as root: post-copy needs userfaultfd, and both "hosts" share the guest's kernel and serial files.\n` +
      `user = "root"\ngroup = "root"\ndynamic_ownership = 0\nremember_owner = 0\n` +
      `# Both libvirtds share one cgroup tree; equal domain ids would collide.\n` +
      `cgroup_controllers = [ ]\n` +
      `# The lab's CA and this host's certificate, for tls: true (lab/tls.ts).\n` +
      `migrate_tls_x509_cert_dir = "${tlsDir(layout, h)}"\n`,
  );
}

/** root's ~/.ssh inside the host: lab key, authorized_keys, known_hosts, strict client config (for qemu+ssh). */
function writeRootSsh(layout: LabLayout, h: HostKey): void {
  const d = layout.hostDir(h);
  chmodSync(join(d, 'root'), 0o700);
  const ssh = join(d, 'root', '.ssh');
  copyFileSync(layout.key, join(ssh, 'id_ed25519'));
  copyFileSync(`${layout.key}.pub`, join(ssh, 'id_ed25519.pub'));
  copyFileSync(`${layout.key}.pub`, join(ssh, 'authorized_keys'));
  copyFileSync(layout.knownHosts, join(ssh, 'known_hosts'));
  writeFileSync(
    join(ssh, 'config'),
    'Host *\n  User root\n  IdentityFile /root/.ssh/id_ed25519\n  IdentitiesOnly yes\n  StrictHostKeyChecking yes\n  BatchMode yes\n  ConnectTimeout 5\n  LogLevel ERROR\n',
  );
  chmodSync(ssh, 0o700);
  for (const f of readdirSync(ssh)) chmodSync(join(ssh, f), 0o600);
}

/** The host's own sshd: key-only root login, many sessions (one per channel the sweep opens). */
function writeSshdConfig(layout: LabLayout, h: HostKey): void {
  const d = layout.hostDir(h);
  writeFileSync(
    join(d, 'sshd', 'sshd_config'),
    [
      'Port 22',
      'ListenAddress 0.0.0.0',
      `HostKey ${hostKeyFile(layout, h)}`,
      'PidFile /run/sshd.pid',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'AuthorizedKeysFile /root/.ssh/authorized_keys',
      'UseDNS no',
      'PrintMotd no',
      'MaxStartups 100:30:200',
      'MaxSessions 64',
      'Subsystem sftp internal-sftp',
      '',
    ].join('\n'),
  );
}
