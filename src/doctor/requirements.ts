// Which libvirt and QEMU releases a strategy's features and the knobs need, and whether a host's versions meet them.
// Pure: the doctor applies it to the versions it read on each host (both: each is source in one direction and
// destination in the other). Sources: libvirt's NEWS and virsh 9.0 / 11.3 `help migrate`, QEMU's qapi/migration.json.
import type { Knobs, Strategy } from '../config/strategy.js';
import type { VirshVersions } from '../libvirt/virsh.js';
import { atLeast, versionOf } from './measurement-checks.js';

export interface Requirement {
  /** What needs it, as the experiment writes it, e.g. "compression: zstd". */
  readonly feature: string;
  readonly libvirt?: readonly [number, number];
  readonly qemu?: readonly [number, number];
}

/** `timeoutAction` postcopy adds --postcopy to every migration (virsh --timeout-postcopy). */
export function strategyRequirements(s: Strategy, timeoutAction = 'abort'): Requirement[] {
  const out: Requirement[] = [];
  const c = s.parallel?.compression;
  if (c) out.push({ feature: `compression: ${c.method}${c.level === undefined ? '' : ` (level ${c.level})`}`, libvirt: [9, 4], qemu: [5, 0] });
  if (s.parallel?.zerocopy) out.push({ feature: 'zerocopy', libvirt: [8, 0], qemu: [7, 1] });
  if (s.tls) out.push({ feature: 'tls', libvirt: [3, 2], qemu: [2, 9] });
  if (s.parallel && (s.postcopy !== 'none' || timeoutAction === 'postcopy')) out.push({ feature: 'multifd with post-copy', qemu: [10, 1] });
  return out;
}

export function knobRequirements(k: Knobs): Requirement[] {
  return k.switchoverBandwidthMiBs === undefined ? [] : [{ feature: 'switchover_bandwidth_mib_s', libvirt: [11, 1], qemu: [8, 2] }];
}

const text = (v: readonly [number, number]) => `${v[0]}.${v[1]}`;

const below = (version: number[] | undefined, need: readonly [number, number]) => atLeast(version, need[0], need[1]) === false;

function releases(v: VirshVersions): { libvirt: string | undefined; qemu: string | undefined } {
  return { libvirt: v.daemon ?? v.library, qemu: /qemu/i.test(v.hypervisor ?? '') ? v.hypervisor : undefined };
}

/** Why this host cannot give it ("compression: zstd needs libvirt ≥ 9.4; this host runs 9.0.0"), or undefined. */
export function unmet(r: Requirement, v: VirshVersions): string | undefined {
  const { libvirt, qemu } = releases(v);
  const missing: string[] = [];
  if (r.libvirt && below(versionOf(libvirt), r.libvirt)) missing.push(`libvirt ≥ ${text(r.libvirt)}; this host runs ${libvirt}`);
  if (r.qemu && below(versionOf(qemu), r.qemu)) missing.push(`QEMU ≥ ${text(r.qemu)}; this host runs ${qemu?.replace(/^QEMU /i, '')}`);
  return missing.length ? `${r.feature} needs ${missing.join(', and ')}` : undefined;
}

/** The releases it needs that this host does not report (a warning: it may work). */
export function unknownRelease(r: Requirement, v: VirshVersions): string | undefined {
  const { libvirt, qemu } = releases(v);
  const unknown = [r.libvirt && !versionOf(libvirt) && `libvirt ≥ ${text(r.libvirt)}`, r.qemu && !versionOf(qemu) && `QEMU ≥ ${text(r.qemu)}`].filter(Boolean);
  return unknown.length ? `${r.feature} needs ${unknown.join(' and ')}; this host's release is unknown (${libvirt ?? 'libvirt ?'}, ${v.hypervisor ?? 'hypervisor ?'})` : undefined;
}

/** The upgrade that would give it. */
export function upgradeFix(r: Requirement, host: string): string {
  const what = [r.libvirt && `libvirt ${text(r.libvirt)}`, r.qemu && `QEMU ${text(r.qemu)}`].filter(Boolean).join(' and ');
  return `upgrade ${host} to ${what} or newer (both hosts of the pair need it), or drop ${r.feature.replace(/ \(.*\)$/, '')} from the experiment`;
}
