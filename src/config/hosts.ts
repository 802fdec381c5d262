// hosts.yaml: the two hosts, how to reach them over SSH, and the domain that migrates between them.
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { domainName, hostAddress, hostLabel, interfaceName, libvirtUri, localPath, migrateUri, userName } from './names.js';
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
  netem_interface: interfaceName.optional(),
  proxy_address: hostAddress.optional(),
});

const GuestSchema = z.strictObject({
  address: hostAddress,
  ssh: SshSchema.optional(),
  via: hostLabel.optional(),
  memwriter: localPath.optional(),
});

export const HostsFileSchema = z.strictObject({
  domain: domainName,
  ssh: SshSchema.optional(),
  hosts: z
    .array(HostSchema, { error: 'expected a list of two hosts' })
    .length(2, 'list exactly two hosts: the VM migrates between them')
    .refine((h) => h[0]?.name !== h[1]?.name, 'the two hosts need different names'),
  guest: GuestSchema.optional(),
}).refine((f) => f.guest?.via === undefined || f.hosts.some((h) => h.name === f.guest?.via), {
  error: 'guest.via must be the name of one of the hosts',
  path: ['guest', 'via'],
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
  /** Interface that carries the migration stream, for tc netem. */
  readonly netemInterface: string | undefined;
  /** Address the delay relay listens on when this host is the destination (default: address). */
  readonly proxyAddress: string;
}

export interface GuestSpec extends HostSpec {
  /** Name of the host to reach the guest through, if not directly. */
  readonly via: string | undefined;
  /** A memwriter binary already in the guest. */
  readonly memwriter: string | undefined;
}

export interface Hosts {
  readonly file: string;
  readonly domain: string;
  readonly a: HostSpec;
  readonly b: HostSpec;
  readonly guest: GuestSpec | undefined;
}

export function expandPath(p: string, baseDir: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

export function resolveHosts(file: string, parsed: HostsFile): Hosts {
  const base = dirname(resolve(file));
  const ssh = (own: z.infer<typeof SshSchema> | undefined): SshSettings => {
    const s = { ...parsed.ssh, ...own };
    return {
      user: s.user ?? 'root',
      port: s.port ?? 22,
      key: s.key === undefined ? undefined : expandPath(s.key, base),
      agent: s.agent ?? s.key === undefined,
      knownHosts: expandPath(s.known_hosts ?? '~/.ssh/known_hosts', base),
      connectTimeoutMs: (s.connect_timeout_s ?? 10) * 1000,
      commandTimeoutMs: (s.command_timeout_s ?? 60) * 1000,
    };
  };
  const spec = (h: HostsFile['hosts'][number]): HostSpec => {
    const settings = ssh(h.ssh);
    return {
      name: h.name,
      address: h.address,
      sudo: h.sudo ?? false,
      ssh: settings,
      libvirtUri: h.libvirt_uri ?? `qemu+ssh://${settings.user}@${h.address.includes(':') ? `[${h.address}]` : h.address}/system`,
      migrateUri: h.migrate_uri,
      netemInterface: h.netem_interface,
      proxyAddress: h.proxy_address ?? h.address,
    };
  };
  const g = parsed.guest;
  const guest: GuestSpec | undefined = g && {
    name: 'guest',
    address: g.address,
    sudo: false,
    ssh: ssh(g.ssh),
    libvirtUri: '',
    migrateUri: undefined,
    netemInterface: undefined,
    proxyAddress: g.address,
    via: g.via,
    memwriter: g.memwriter,
  };
  return { file, domain: parsed.domain, a: spec(parsed.hosts[0]!), b: spec(parsed.hosts[1]!), guest };
}

export function loadHosts(file: string): Hosts {
  const { value } = loadYamlFile(file, HostsFileSchema, 'hosts file', 'copy hosts.example.yaml to hosts.yaml and fill it in, pass --hosts FILE, or run `migbench lab up`');
  return resolveHosts(file, value);
}
