// What the hosts' libvirt and QEMU can measure beside the job statistics: a warning names the columns that will
// stay empty, never a failure (the migrations still run).
import { ownQmpSocket, QMP_SOCKET_FIX } from '../libvirt/blocktime.js';
import type { VirshVersions } from '../libvirt/virsh.js';
import { pass, warn, type Check } from './check.js';

/** "9.0.0", "QEMU 10.0.2" → [9, 0, 0] / [10, 0, 2]; undefined when there is no version in it. */
export function versionOf(text: string | undefined): number[] | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Whether version `v` is at least major.minor; undefined when it is not known. */
export function atLeast(v: number[] | undefined, major: number, minor: number): boolean | undefined {
  if (!v) return undefined;
  return v[0]! > major || (v[0] === major && v[1]! >= minor);
}

export interface Wanted {
  /** Experiment `qmp`: QEMU's byte counters per phase. */
  readonly qmp: boolean;
  /** A load with `dirty_rate_calc` on. */
  readonly dirtyRate: boolean;
}

export function measurementChecks(host: string, versions: VirshVersions, want: Wanted): Check[] {
  const libvirt = versionOf(versions.daemon ?? versions.library);
  const qemu = /qemu/i.test(versions.hypervisor ?? '') ? versionOf(versions.hypervisor) : undefined;
  const out: Check[] = [];
  if (want.qmp) {
    const ok = atLeast(qemu, 7, 0);
    if (ok) out.push(pass(host, 'QEMU counters', 'query-migrate has precopy, downtime and postcopy bytes (QEMU ≥ 7.0)'));
    else out.push(warn(host, 'QEMU counters', ok === false ? `${versions.hypervisor} has no per-phase byte counters: precopy_bytes, downtime_bytes, postcopy_bytes stay empty` : `hypervisor version unknown (${versions.hypervisor ?? 'none'}): the per-phase byte columns may stay empty`, 'QEMU 7.0 or newer fills them; `qmp: false` in the experiment stops asking'));
  }
  if (want.dirtyRate) {
    const ok = atLeast(libvirt, 7, 2) && atLeast(qemu, 5, 2);
    if (ok) out.push(pass(host, 'dirty rate', 'virsh domdirtyrate-calc (libvirt ≥ 7.2, QEMU ≥ 5.2)'));
    else out.push(warn(host, 'dirty rate', `libvirt ${versions.daemon ?? versions.library ?? '?'}, ${versions.hypervisor ?? 'hypervisor ?'}: dirty_rate_calc_mib_s stays empty`, 'libvirt 7.2 and QEMU 5.2 or newer measure it; `dirty_rate_calc: false` skips it'));
  }
  return out;
}

/** Post-copy blocktime needs a QMP socket of migbench's own in the domain XML (libvirt holds the destination's monitor). */
export function blocktimeCheck(host: string, domainXml: string | undefined): Check {
  const socket = domainXml === undefined ? undefined : ownQmpSocket(domainXml);
  if (socket) return pass(host, 'post-copy blocktime', `the domain's own QMP socket ${socket}: postcopy_blocktime_ms is measured`);
  return warn(host, 'post-copy blocktime', domainXml === undefined ? "the domain's XML could not be read: postcopy_blocktime_ms may stay empty" : "the domain XML has no QMP socket of migbench's own: postcopy_blocktime_ms stays empty", QMP_SOCKET_FIX);
}
