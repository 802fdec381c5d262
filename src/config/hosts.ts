// hosts.yaml: the two hosts, how to reach them over SSH, and the domain that migrates between them.
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { domainName, hostAddress, hostLabel, libvirtUri, localPath, migrateUri, userName } from './names.js';
import { loadYamlFile } from './yaml-file.js';

const sshFields = {
  user: userName,
  port: z.number().int().min(1).max(65535),
  key: localPath,
  agent: z.boolean(),
  known_hosts: localPath,
  connect_timeout_s: z.number().positive().max(300),
  command_timeout_s: z.number().positive().max(86400),
};
const SshSchema = z.strictObject(sshFields).partial();

const HostSchema = z.strictObject({
  name: hostLabel,
  address: hostAddress,
  ssh: SshSchema.optional(),
  sudo: z.boolean().optional(),
  libvirt_uri: libvirtUri.optional(),
  migrate_uri: migrateUri.optional(),
});

export const HostsFileSchema = z.strictObject({
  domain: domainName,
  ssh: SshSchema.optional(),
  hosts: z
    .array(HostSchema, { error: 'expected a list of two hosts' })
    .length(2, 'list exactly two hosts: the VM migrates between them')
    .refine((h) => h[0]?.name !== h[1]?.name, 'the two hosts need different names'),
});
export type HostsFile = z.infer<typeof HostsFileSchema>;

export interface SshSettings {
  readonly user: string;
  readonly port: number;
  /** Absolute path of a private key; undefined means: use the SSH agent. */
  readonly key: string | undefined;
  readonly agent: boolean;
  readonly knownHosts: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
}

export interface HostSpec {
  readonly name: string;
  readonly address: string;
  readonly ssh: SshSettings;
  readonly sudo: boolean;
  /** How the other host's virsh reaches this host's libvirtd when this host is the destination. */
  readonly libvirtUri: string;
  readonly migrateUri: string | undefined;
}

export interface Hosts {
  readonly file: string;
  readonly domain: string;
  readonly a: HostSpec;
  readonly b: HostSpec;
}

export function expandPath(p: string, baseDir: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

export function resolveHosts(file: string, parsed: HostsFile): Hosts {
  const base = dirname(resolve(file));
  const spec = (h: HostsFile['hosts'][number]): HostSpec => {
    const s = { ...parsed.ssh, ...h.ssh };
    const user = s.user ?? 'root';
    return {
      name: h.name,
      address: h.address,
      sudo: h.sudo ?? false,
      ssh: {
        user,
        port: s.port ?? 22,
        key: s.key === undefined ? undefined : expandPath(s.key, base),
        agent: s.agent ?? s.key === undefined,
        knownHosts: expandPath(s.known_hosts ?? '~/.ssh/known_hosts', base),
        connectTimeoutMs: (s.connect_timeout_s ?? 10) * 1000,
        commandTimeoutMs: (s.command_timeout_s ?? 60) * 1000,
      },
      libvirtUri: h.libvirt_uri ?? `qemu+ssh://${user}@${h.address.includes(':') ? `[${h.address}]` : h.address}/system`,
      migrateUri: h.migrate_uri,
    };
  };
  return { file, domain: parsed.domain, a: spec(parsed.hosts[0]!), b: spec(parsed.hosts[1]!) };
}

export function loadHosts(file: string): Hosts {
  const { value } = loadYamlFile(file, HostsFileSchema, 'hosts file', 'copy hosts.example.yaml to hosts.yaml and fill it in, pass --hosts FILE, or run `migbench lab up`');
  return resolveHosts(file, value);
}
