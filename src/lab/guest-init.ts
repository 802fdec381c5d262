// /init of the lab guest (busybox sh as PID 1). It brings up the network, an SSH server and the small services
// the probe talks to (UDP echo, HTTP), and runs no workload: migbench starts loads over SSH, as in any guest. Knob on the kernel command line:
//   migbench.ip=ADDRESS/PREFIX   the guest's fixed address (the same on either host)

export const GUEST_READY_LINE = 'MIGBENCH GUEST READY';

export function guestInit(modules: readonly string[]): string {
  return `#!/bin/sh
export PATH=/bin:/sbin
busybox mount -t proc proc /proc
busybox mount -t sysfs sys /sys
busybox mount -t devtmpfs dev /dev 2>/dev/null
busybox --install -s /bin
mkdir -p /dev/pts /tmp /run && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /run
for m in ${modules.join(' ')}; do insmod /lib/modules/$m.ko || echo "insmod $m failed"; done
ip=
for a in $(cat /proc/cmdline); do case $a in migbench.ip=*) ip=\${a#migbench.ip=};; esac; done
ip link set lo up
if [ -n "$ip" ]; then
  ip link set eth0 up
  ip addr add "$ip" dev eth0
  dropbear -s -g -p 22 -r /etc/dropbear/host_key -P /run/dropbear.pid
  # services for migbench's probe: a UDP echo (outage) and a web page (what an application feels)
  setsid udpecho 7 </dev/null >/dev/null 2>&1 &
  httpd -p 80 -h /www
fi
echo "${GUEST_READY_LINE} $ip"
n=0
while true; do
  n=$((n + 1))
  echo "heartbeat $n uptime $(cut -d' ' -f1 /proc/uptime)"
  sleep 5
done
`;
}
