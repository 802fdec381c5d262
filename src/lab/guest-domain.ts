// The lab guest's libvirt domain: TCG, no disk, one NIC on the host's br0 with a fixed MAC and address, and a
// second, two-queue NIC without an address: a multi-queue interface (root mq) for the tests of migbench's netem code;
// and a QMP socket of migbench's own.
import { GUEST_NAME, type LabLayout } from './layout.js';

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

export function guestDomainXml(layout: LabLayout, kernel: string, initrd: string): string {
  const serial = xml(layout.serialLog);
  return `<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>${GUEST_NAME}</name>
  <memory unit='MiB'>${layout.settings.guestMemoryMiB}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${xml(kernel)}</kernel>
    <initrd>${xml(initrd)}</initrd>
    <!-- init_on_free=1: memory a load frees goes back to zero pages, so a trial's volume does not depend on the trials before it -->
    <cmdline>console=ttyS0 panic=1 init_on_free=1 migbench.ip=${layout.guestIp}/24</cmdline>
  </os>
  <!-- acpi: libvirt 9.0 would otherwise pass -no-acpi, which QEMU 10 rejects -->
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <!-- append='on': both hosts write the same file; without it each incoming migration truncates it -->
    <serial type='file'><source path='${serial}' append='on'/></serial>
    <console type='file'><source path='${serial}' append='on'/></console>
    <interface type='bridge'>
      <mac address='${layout.guestMac}'/>
      <source bridge='br0'/>
      <model type='virtio'/>
      <!-- no option ROM: the guest boots its kernel directly -->
      <rom bar='off'/>
    </interface>
    <interface type='bridge'>
      <mac address='${layout.guestTestNicMac}'/>
      <source bridge='br0'/>
      <model type='virtio'/>
      <driver queues='2'/>
      <!-- no ROM at all: a second virtio ROM would clash with the first in fw_cfg -->
      <rom enabled='no'/>
    </interface>
    <memballoon model='none'/>
  </devices>
  <!-- a QMP monitor of migbench's own beside libvirt's: post-copy blocktime on the destination (docs/measuring.md) -->
  <qemu:commandline>
    <qemu:arg value='-qmp'/>
    <qemu:arg value='unix:/run/migbench-qmp-${GUEST_NAME}.sock,server=on,wait=off'/>
  </qemu:commandline>
</domain>
`;
}
