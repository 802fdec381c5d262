// hosts.yaml: the two hosts, how to reach them over SSH, and the domain that migrates between them.
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { domainName, hostAddress, hostLabel, interfaceName, libvirtUri, localPath, migrateUri, userName } from './names.js';
import { loadYamlFile, parseYamlText } from './yaml-file.js';

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

/** The fields of one pair: the domain, the two hosts, the guest (a one-pair file, or an entry of `pairs:`). */
const pairFields = {
  domain: domainName,
  ssh: SshSchema.optional(),
  hosts: z
    .array(HostSchema, { error: 'expected a list of two hosts' })
    .length(2, 'list exactly two hosts: the VM migrates between them')
    .refine((h) => h[0]?.name !== h[1]?.name, 'the two hosts need different names'),
  guest: GuestSchema.optional(),
};
const viaIsAHost: [(f: { guest?: { via?: string | undefined } | undefined; hosts: Array<{ name: string }> }) => boolean, { error: string; path: string[] }] = [
  (f) => f.guest?.via === undefined || f.hosts.some((h) => h.name === f.guest?.via),
  { error: 'guest.via must be the name of one of the hosts', path: ['guest', 'via'] },
];

export const HostsFileSchema = z.strictObject(pairFields).refine(...viaIsAHost);
export type HostsFile = z.infer<typeof HostsFileSchema>;

/** Several host pairs in one file: `pairs:`, each with the fields of a one-pair file and a name. */
const PairSchema = z.strictObject({ name: hostLabel, ...pairFields }).refine(...viaIsAHost);

export const PairsFileSchema = z.strictObject({
  ssh: SshSchema.optional(),
  pairs: z
    .array(PairSchema, { error: 'expected a list of host pairs' })
    .min(1, 'list at least one pair')
    .refine((p) => new Set(p.map((x) => x.name)).size === p.length, 'two pairs have the same name')
    .refine((p) => new Set(p.flatMap((x) => x.hosts.map((h) => h.name))).size === p.length * 2, 'a host is in two pairs — each pair needs hosts of its own (one migration at a time per host)'),
});

export interface SshSettings {
  readonly user: string;
  readonly port: number;
  /** Absolute path of a private key; undefined means: use the SSH agent. */
  readonly key: string | undefined;
  readonly agent: boolean;
  readonly knownHosts: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /**
   * SSH keepalive interval; three unanswered mean the connection is lost. Hosts 2 s (in step with their guards);
   * the guest 5 s, because a guest stalls for seconds by itself during a post-copy page pull.
   */
  readonly keepaliveMs: number;
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
  /** The pair's name in a `pairs:` file; undefined in a one-pair file. */
  readonly pair?: string;
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

export function resolveHosts(file: string, parsed: HostsFile, pair?: string): Hosts {
  const base = dirname(resolve(file));
  const ssh = (own: z.infer<typeof SshSchema> | undefined, keepaliveMs = 2000): SshSettings => {
    const s = { ...parsed.ssh, ...own };
    return {
      user: s.user ?? 'root',
      port: s.port ?? 22,
      key: s.key === undefined ? undefined : expandPath(s.key, base),
      agent: s.agent ?? s.key === undefined,
      knownHosts: expandPath(s.known_hosts ?? '~/.ssh/known_hosts', base),
      connectTimeoutMs: (s.connect_timeout_s ?? 10) * 1000,
      commandTimeoutMs: (s.command_timeout_s ?? 60) * 1000,
      keepaliveMs,
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
    ssh: ssh(g.ssh, 5000),
    libvirtUri: '',
    migrateUri: undefined,
    netemInterface: undefined,
    proxyAddress: g.address,
    via: g.via,
    memwriter: g.memwriter,
  };
  return { file, pair, domain: parsed.domain, a: spec(parsed.hosts[0]!), b: spec(parsed.hosts[1]!), guest };
}

/** A pair's name in rows and messages: its name in a `pairs:` file, else "HOSTA-HOSTB". */
export function pairName(hosts: Hosts): string {
  return hosts.pair ?? `${hosts.a.name}-${hosts.b.name}`;
}

const HINT = 'copy hosts.example.yaml to hosts.yaml and fill it in, pass --hosts FILE, or run `migbench lab up`';

/** Every host pair of a hosts file: one for a plain file, several for a `pairs:` file. */
export function loadHostPairs(file: string): Hosts[] {
  const { text, value } = loadYamlFile(file, z.unknown(), 'hosts file', HINT);
  if (value !== null && typeof value === 'object' && 'pairs' in value) {
    const parsed = parseYamlText(text, file, PairsFileSchema);
    return parsed.pairs.map((p) => resolveHosts(file, { domain: p.domain, ssh: { ...parsed.ssh, ...p.ssh }, hosts: p.hosts, guest: p.guest }, p.name));
  }
  return [resolveHosts(file, parseYamlText(text, file, HostsFileSchema))];
}

/** The one host pair of a hosts file (commands that work on one pair: lab, cleanup, doctor --pair). */
export function loadHosts(file: string, pair?: string): Hosts {
  const pairs = loadHostPairs(file);
  if (pair !== undefined) {
    const found = pairs.find((p) => p.pair === pair);
    if (!found) throw new InputError(`${file} has no pair named "${pair}"`, `its pairs: ${pairs.map((p) => p.pair ?? '(one pair, unnamed)').join(', ')}`);
    return found;
  }
  if (pairs.length > 1) throw new InputError(`${file} lists ${pairs.length} host pairs`, `name one with --pair (${pairs.map((p) => p.pair).join(', ')})`);
  return pairs[0]!;
}
