// `migbench doctor`: everything that would make a sweep fail or measure wrong, checked on both hosts (and the
// guest) before anything is touched. Read-only: the only things it runs are a netem trial in a throwaway
// network namespace and QEMU with `-machine none` to ask its capabilities.
import type { Experiment } from '../config/experiment.js';
import type { Hosts } from '../config/hosts.js';
import { STRATEGY_NAMES, STRATEGIES, type Knobs, type Strategy } from '../config/strategy.js';
import { decideDelayMethod, findDelaySupport } from '../delay/method.js';
import { wantsBlocktime } from '../libvirt/blocktime.js';
import { measureClockOffset } from '../libvirt/clock.js';
import { Teardown } from '../guard/teardown.js';
import { connectGuest, LibvirtHost } from '../libvirt/libvirt-host.js';
import { migrateArgs, requiredOptions } from '../libvirt/migrate-args.js';
import { hasProgram, type Host } from '../remote/host.js';
import type { SshHost } from '../remote/ssh.js';
import { fail, failOf, pass, warn, type Check } from './check.js';
import { emulatorOf, qemuMigrationCapabilities } from './qemu-caps.js';
import { blocktimeCheck, measurementChecks } from './measurement-checks.js';
import { knobRequirements, strategyRequirements, unknownRelease, unmet, upgradeFix } from './requirements.js';
import { tlsCheck, zerocopyCheck } from './feature-checks.js';

/** QEMU migration capability each feature needs. */
function qemuNeeds(s: Strategy): string[] {
  const caps: string[] = [];
  if (s.postcopy !== 'none') caps.push('postcopy-ram');
  if (s.autoConverge) caps.push('auto-converge');
  if (s.xbzrle) caps.push('xbzrle');
  if (s.parallel) caps.push('multifd');
  if (s.parallel?.zerocopy) caps.push('zero-copy-send');
  return caps;
}

async function sh(host: Host, script: string, ...args: string[]): Promise<string> {
  const res = await host.exec(['sh', '-c', script, 'doctor', ...args]);
  return res.stdout.trim();
}

export interface DoctorOptions {
  /** Hosts already connected (migbench run); otherwise the doctor connects and closes itself. */
  readonly pair?: readonly [LibvirtHost, LibvirtHost];
  readonly experiment?: Experiment;
}

export interface DoctorResult {
  readonly checks: Check[];
  /** How delays would be applied (when a delay is asked for and possible). */
  readonly delayMethod: 'netem' | 'proxy' | undefined;
}

export async function runDoctor(hosts: Hosts, opts: DoctorOptions = {}): Promise<DoctorResult> {
  const checks: Check[] = [];
  const teardown = new Teardown();
  let delayMethod: DoctorResult['delayMethod'];
  let pair = opts.pair;
  if (!pair) {
    const connected: Array<LibvirtHost | undefined> = [];
    for (const spec of [hosts.a, hosts.b]) {
      try {
        const h = await LibvirtHost.open(spec);
        teardown.add(`${spec.name} connection`, () => h.remote.close());
        connected.push(h);
        checks.push(pass(spec.name, 'ssh', `${spec.ssh.user}@${spec.address}:${spec.ssh.port}, host key known, key accepted`));
      } catch (err) {
        connected.push(undefined);
        checks.push(failOf(spec.name, 'ssh', err));
      }
    }
    if (connected[0] && connected[1]) pair = [connected[0], connected[1]];
  } else {
    for (const h of pair) checks.push(pass(h.spec.name, 'ssh', `${h.spec.ssh.user}@${h.spec.address}:${h.spec.ssh.port}, host key known, key accepted`));
  }
  try {
    if (pair) {
      const strategies = opts.experiment?.strategies ?? STRATEGY_NAMES.map((n) => STRATEGIES[n]);
      const ram = await ramOf(pair, hosts.domain);
      for (const [h, peer] of [[pair[0], pair[1]], [pair[1], pair[0]]] as const) {
        checks.push(...(await hostChecks(h, peer, hosts, strategies, ram, opts.experiment?.timeout.action ?? 'abort')));
        checks.push(...knobChecks(h, opts.experiment?.knobs ?? []));
        checks.push(...measurementChecks(h.spec.name, h.versions, measuredBeside(opts.experiment)));
      }
      const delay = await delayChecks(pair, opts.experiment);
      checks.push(...delay.rows);
      delayMethod = delay.method;
      checks.push(...(await pairChecks(pair, hosts.domain)));
      if (wantsBlocktime(opts.experiment?.qmp ?? true, strategies)) checks.push(await domainBlocktimeCheck(pair, hosts.domain));
    }
    if (hosts.guest && (opts.experiment === undefined || opts.experiment.loads.some((l) => l.kind === 'writer'))) {
      checks.push(...(await guestChecks(hosts, pair)));
    }
  } finally {
    await teardown.run();
  }
  return { checks, delayMethod };
}

/** Delays: netem where it is asked for (or auto), the interface carrying the route to the peer, python3 for the relay. */
async function delayChecks(pair: readonly [LibvirtHost, LibvirtHost], e: Experiment | undefined): Promise<{ rows: Check[]; method: 'netem' | 'proxy' | undefined }> {
  const delayed = e === undefined || e.delays_ms.some((d) => d > 0);
  if (!delayed) return { rows: [], method: undefined };
  const findings = await Promise.all(pair.map((h, i) => findDelaySupport(h.remote, h.spec.netemInterface, pair[1 - i]!.spec.address)));
  const { method, rows } = decideDelayMethod(e?.delay.method ?? 'auto', findings);
  return { rows, method };
}

async function domainBlocktimeCheck(pair: readonly LibvirtHost[], domain: string): Promise<Check> {
  for (const h of pair) {
    const xml = await h.virsh.run(['dumpxml', `--domain=${domain}`]).catch(() => undefined);
    if (xml) return blocktimeCheck(h.spec.name, xml);
  }
  return blocktimeCheck(pair[0]!.spec.name, undefined);
}

async function ramOf(pair: readonly LibvirtHost[], domain: string): Promise<number | undefined> {
  for (const h of pair) {
    const bytes = await h.virsh.memoryBytes(domain).catch(() => undefined);
    if (bytes) return bytes;
  }
  return undefined;
}

async function hostChecks(h: LibvirtHost, peer: LibvirtHost, hosts: Hosts, strategies: readonly Strategy[], ram: number | undefined, timeoutAction: string): Promise<Check[]> {
  const name = h.spec.name;
  const r = h.remote;
  const out: Check[] = [privilegesCheck(h, await sh(r, 'id -u')), ...statsChecks(h)];
  out.push(...(await strategyChecks(h, hosts.domain, strategies, timeoutAction)));
  if (strategies.some((s) => s.parallel?.zerocopy)) out.push(await zerocopyCheck(h.remote, name));
  if (strategies.some((s) => s.tls)) out.push(await tlsCheck(h.remote, name));
  if (strategies.some((s) => s.postcopy !== 'none')) {
    // the destination's QEMU is the one libvirt will start with qemu.conf's user
    const configured = await sh(r, 'sed -n "s/^[[:space:]]*user[[:space:]]*=[[:space:]]*\\"\\(.*\\)\\".*/\\1/p" /etc/libvirt/qemu.conf 2>/dev/null | tail -1');
    const running = await sh(r, 'p=$(cat "/run/libvirt/qemu/$1.pid" 2>/dev/null) && stat -c %U "/proc/$p" 2>/dev/null', hosts.domain);
    const unprivileged = await sh(r, 'sysctl -n vm.unprivileged_userfaultfd 2>/dev/null || cat /proc/sys/vm/unprivileged_userfaultfd 2>/dev/null');
    out.push(userfaultfdCheck(name, configured || running || 'libvirt-qemu', unprivileged));
  }
  // As a destination: the source's QEMU connects to this host's name unless migrate_uri says otherwise
  const hostname = await sh(r, 'hostname');
  const resolve = async (on: Host) => (await sh(on, 'getent hosts "$1" | head -1 | cut -d" " -f1', hostname)) || 'nothing';
  out.push(migrationAddressCheck(h.spec, peer.spec.name, { hostname, here: await resolve(r), fromPeer: await resolve(peer.remote) }));
  // As a destination: room for the guest
  if (ram) out.push(freeMemoryCheck(name, Number(await sh(r, 'awk "/^MemAvailable:/{print \\$2 * 1024}" /proc/meminfo')), ram));
  return out;
}

/** tc, virsh on qemu:///system, ss -p and reading QEMU's pid files need root. */
function privilegesCheck(h: LibvirtHost, uid: string): Check {
  if (uid === '0') return pass(h.spec.name, 'privileges', h.spec.sudo ? 'root through sudo' : 'root');
  return warn(h.spec.name, 'privileges', `user ${h.spec.ssh.user} (uid ${uid}) without sudo`, 'set sudo: true for this host (passwordless sudo), or connect as root: tc, virsh and ss -p need root');
}

function statsChecks(h: LibvirtHost): Check[] {
  const name = h.spec.name;
  const v = h.versions;
  const versions = pass(name, 'versions', `libvirt ${v.daemon ?? v.library ?? '?'}, ${v.hypervisor ?? 'hypervisor ?'}`);
  if (!h.jobInfo.completed) return [versions, fail(name, 'completed stats', 'virsh domjobinfo has no --completed', 'upgrade libvirt to 1.2.9 or newer')];
  if (!h.jobInfo.rawstats) return [versions, warn(name, 'completed stats', 'no --rawstats: the human table is parsed, sizes rounded to 0.001 of their unit', 'libvirt 6.0 or newer gives exact integers')];
  return [versions, pass(name, 'completed stats', 'domjobinfo --completed --keep-completed --rawstats')];
}

/** Each strategy: the virsh options it needs, and the QEMU capabilities. */
async function strategyChecks(h: LibvirtHost, domain: string, strategies: readonly Strategy[], timeoutAction: string): Promise<Check[]> {
  const name = h.spec.name;
  const out: Check[] = [];
  const help = (await h.virsh.exec(['help', 'migrate'])).stdout;
  const emulator = await emulatorOf(h.remote, (a) => h.virsh.argv(a), domain);
  const caps = await qemuMigrationCapabilities(h.remote, emulator).catch(() => undefined);
  if (!caps) out.push(warn(name, 'QEMU capabilities', `could not ask ${emulator} for its migration capabilities`, 'check that the emulator of the domain exists on this host'));
  for (const s of strategies) {
    const options = requiredOptions(migrateArgs({ domain: 'x', strategy: s, knobs: {}, destinationUri: 'x' })).filter((o) => !['--domain', '--desturi'].includes(o));
    const missing = options.filter((o) => !new RegExp(`\\[?${o}[\\] ]`).test(help));
    const missingCaps = caps ? qemuNeeds(s).filter((c) => !caps.includes(c)) : [];
    const needs = strategyRequirements(s, timeoutAction);
    const unmetNeeds = needs.filter((r) => unmet(r, h.versions));
    const unknown = needs.map((r) => unknownRelease(r, h.versions)).filter(Boolean);
    if (unmetNeeds.length) out.push(fail(name, `strategy ${s.label}`, unmetNeeds.map((r) => unmet(r, h.versions)).join('; '), unmetNeeds.map((r) => upgradeFix(r, name)).join('; ')));
    else if (unknown.length) out.push(warn(name, `strategy ${s.label}`, unknown.join('; '), 'check the releases by hand (docs/strategies.md lists what each knob needs)'));
    else if (missing.length) out.push(fail(name, `strategy ${s.label}`, `virsh migrate has no ${missing.join(', ')}`, 'upgrade libvirt to a release whose `virsh migrate --help` lists it, or drop this strategy'));
    else if (missingCaps.length) out.push(fail(name, `strategy ${s.label}`, `${emulator} lacks the migration capability ${missingCaps.join(', ')}`, 'upgrade QEMU, or drop this strategy'));
    else out.push(pass(name, `strategy ${s.label}`, options.join(' ')));
  }
  return out;
}

/** Knobs that need a release: a failure naming it, before any migration. */
function knobChecks(h: LibvirtHost, knobs: readonly Knobs[]): Check[] {
  const out: Check[] = [];
  const seen = new Set<string>();
  for (const r of knobs.flatMap(knobRequirements)) {
    if (seen.has(r.feature)) continue;
    seen.add(r.feature);
    const why = unmet(r, h.versions);
    const unknown = unknownRelease(r, h.versions);
    if (!why && unknown) out.push(warn(h.spec.name, `knob ${r.feature}`, unknown, 'check the releases by hand (docs/strategies.md lists what each knob needs)'));
    else out.push(why ? fail(h.spec.name, `knob ${r.feature}`, why, upgradeFix(r, h.spec.name)) : pass(h.spec.name, `knob ${r.feature}`, `libvirt ${h.versions.daemon ?? h.versions.library}, ${h.versions.hypervisor}`));
  }
  return out;
}

/** Post-copy needs userfaultfd in the destination's QEMU: QEMU as root, or unprivileged userfaultfd allowed. */
export function userfaultfdCheck(name: string, user: string, unprivileged: string): Check {
  if (user === 'root' || user === '+0' || user === '0') return pass(name, 'post-copy (userfaultfd)', 'QEMU runs as root');
  if (unprivileged === '1') return pass(name, 'post-copy (userfaultfd)', `QEMU runs as ${user}; vm.unprivileged_userfaultfd = 1`);
  return fail(name, 'post-copy (userfaultfd)', `QEMU runs as ${user} and vm.unprivileged_userfaultfd = ${unprivileged || '?'}: QEMU cannot use userfaultfd ("Postcopy is not supported")`, 'sysctl -w vm.unprivileged_userfaultfd=1 (and in /etc/sysctl.d), or user = "root" in /etc/libvirt/qemu.conf');
}

/** The address the source's QEMU will connect to: the host's name as both hosts resolve it, unless migrate_uri is set. */
export function migrationAddressCheck(spec: Pick<LibvirtHost['spec'], 'name' | 'address' | 'migrateUri'>, peer: string, r: { hostname: string; here: string; fromPeer: string }): Check {
  const loopback = (a: string) => /^127\.|^::1$/.test(a);
  if (spec.migrateUri) return pass(spec.name, 'migration address', `migrate_uri ${spec.migrateUri}`);
  if (loopback(r.here) || loopback(r.fromPeer) || r.fromPeer === 'nothing') {
    return fail(spec.name, 'migration address', `its host name ${r.hostname} resolves to ${r.here} here and to ${r.fromPeer} on ${peer}: the migration stream would go to the wrong host (or libvirt refuses it)`, `map ${r.hostname} to its real address in /etc/hosts on both hosts, or set migrate_uri: tcp://${spec.address} for ${spec.name}`);
  }
  return pass(spec.name, 'migration address', `${r.hostname} → ${r.fromPeer} from ${peer}`);
}

/** Room for the guest on this host as a destination (its RAM + 10 % + 64 MiB for QEMU). */
export function freeMemoryCheck(name: string, availBytes: number, ramBytes: number): Check {
  const need = ramBytes * 1.1 + 64 * 2 ** 20;
  const mib = (b: number) => Math.round(b / 2 ** 20);
  if (!availBytes) return warn(name, 'free memory', 'MemAvailable unknown', 'check /proc/meminfo');
  if (availBytes < need) return fail(name, 'free memory', `${mib(availBytes)} MiB available, the guest needs ${mib(need)} MiB here`, 'free memory on this host or use a smaller guest');
  return pass(name, 'free memory', `${mib(availBytes)} MiB available for a ${mib(ramBytes)} MiB guest`);
}

async function pairChecks(pair: readonly [LibvirtHost, LibvirtHost], domain: string): Promise<Check[]> {
  const out: Check[] = [];
  const both = `${pair[0].spec.name}+${pair[1].spec.name}`;
  const [ua, ub] = await Promise.all(pair.map((h) => h.virsh.hostUuid()));
  if (ua && ua === ub) out.push(fail(both, 'host UUIDs', `both libvirtds report ${ua}: libvirt refuses to migrate to "the same host"`, `set a distinct host_uuid in /etc/libvirt/libvirtd.conf on ${pair[1].spec.name} and restart libvirtd`));
  else out.push(pass(both, 'host UUIDs', 'distinct'));

  const states = await Promise.all(pair.map(async (h) => ({ h, s: await h.virsh.domState(domain).catch(() => undefined) })));
  const defined = states.filter((x) => x.s);
  const running = states.filter((x) => x.s?.state === 'running');
  const paused = states.filter((x) => x.s?.state === 'paused');
  if (defined.length === 0) {
    out.push(fail(both, 'domain', `${domain} is not defined on either host`, 'check "domain" in the hosts file against `virsh list --all`'));
    return out;
  }
  if (running.length === 1 && paused.length === 0) out.push(pass(both, 'domain', `${domain} runs on ${running[0]!.h.spec.name}`));
  else if (running.length + paused.length > 0) out.push(warn(both, 'domain', `${domain}: ${states.map((x) => `${x.h.spec.name} ${x.s ? x.s.state : 'not defined'}`).join(', ')}`, 'migbench run settles this first (resume / destroy a stale copy); `migbench cleanup` does it alone'));
  else out.push(fail(both, 'domain', `${domain} is not running on either host`, `start it on one host: virsh start ${domain}`));

  const home = running[0]?.h ?? paused[0]?.h ?? defined[0]!.h;
  const other = home === pair[0] ? pair[1] : pair[0];
  const info = await home.virsh.exec(['dominfo', `--domain=${domain}`]);
  if (/Persistent:\s+yes/.test(info.stdout)) out.push(pass(home.spec.name, 'domain persistent', 'yes: completed statistics survive on the source'));
  else out.push(warn(home.spec.name, 'domain persistent', 'transient: its completed statistics vanish when it leaves', `virsh dumpxml ${domain} > ${domain}.xml; virsh define ${domain}.xml (migbench migrates with --persistent, so this fixes itself after the first trial)`));

  // local disks the destination cannot see would need --copy-storage-all
  const blk = await home.virsh.exec(['domblklist', '--details', `--domain=${domain}`]);
  const disks = blk.stdout.split('\n').slice(2).map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 4 && (f[0] === 'file' || f[0] === 'block') && f[1] === 'disk' && f[3] !== '-');
  const missing: string[] = [];
  for (const d of disks) if ((await other.remote.exec(['test', '-e', d[3]!])).code !== 0) missing.push(d[3]!);
  if (missing.length) out.push(fail(other.spec.name, 'domain disks', `${missing.join(', ')} not present here`, 'put the disks on storage both hosts share (migbench does not copy storage)'));
  else out.push(pass(other.spec.name, 'domain disks', disks.length ? `${disks.length} disk(s), visible from both hosts` : 'no disks'));

  for (const h of pair) {
    const o = await measureClockOffset(h.remote);
    const off = Math.round(o.offsetMs);
    if (Math.abs(off) > 100) out.push(warn(h.spec.name, 'clock', `${off} ms from the controller's clock (±${Math.ceil(o.rttMs / 2)} ms)`, 'run NTP/chrony on hosts and controller: event timings are shifted by the offset migbench measures, more exactly when it is small'));
    else out.push(pass(h.spec.name, 'clock', `${off} ms from the controller's clock (±${Math.ceil(o.rttMs / 2)} ms)`));
  }
  return out;
}

async function guestChecks(hosts: Hosts, pair: readonly LibvirtHost[] | undefined): Promise<Check[]> {
  const g = hosts.guest!;
  let guest: SshHost | undefined;
  try {
    guest = await connectGuest(g, pair);
  } catch (err) {
    return [failOf('guest', 'ssh', err)];
  }
  try {
    const out: Check[] = [pass('guest', 'ssh', `${g.ssh.user}@${g.address}${g.via ? ` through ${g.via}` : ''}`)];
    const has = (p: string) => hasProgram(guest!, p);
    if (g.memwriter) {
      if ((await guest.exec(['test', '-x', g.memwriter])).code === 0) out.push(pass('guest', 'memwriter', `prebuilt ${g.memwriter}`));
      else out.push(fail('guest', 'memwriter', `${g.memwriter} is not an executable in the guest`, 'fix guest.memwriter or remove it'));
    } else if ((await has('gcc')) || (await has('cc'))) out.push(pass('guest', 'memwriter', 'C compiler found: memwriter.c is built there'));
    else if ((await has('python3')) || (await has('python'))) out.push(pass('guest', 'memwriter', 'no compiler; the Python version runs'));
    else out.push(fail('guest', 'memwriter', 'no gcc/cc and no python3/python', 'install one in the guest, or set guest.memwriter to a prebuilt static binary'));
    return out;
  } finally {
    await guest.close();
  }
}

/** Which measurements beside libvirt's the experiment asks for (all, without one). */
function measuredBeside(e: Experiment | undefined): { qmp: boolean; dirtyRate: boolean } {
  if (!e) return { qmp: true, dirtyRate: true };
  return { qmp: e.qmp, dirtyRate: e.dirty_rate_calc !== false && e.loads.some((l) => l.kind === 'writer') };
}
