// /init of the lab guest (dash as PID 1, busybox for the rest). It brings up the network, an SSH server and the small services
// the probe talks to (UDP echo, HTTP), and runs no workload: migbench starts loads over SSH, as in any guest. Knob on the kernel command line:
//   migbench.ip=ADDRESS/PREFIX   the guest's fixed address (the same on either host)

export const GUEST_READY_LINE = 'MIGBENCH GUEST READY';

export function guestInit(modules: readonly string[]): string {
  return `#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/bin:/sbin
busybox mount -t proc proc /proc
busybox mount -t sysfs sys /sys
busybox mount -t devtmpfs dev /dev 2>/dev/null
busybox --install -s /bin
# iproute2's ip and tc in place of busybox's (which know no netem); /bin/sh is dash, which runs what PATH finds
for p in /usr/sbin/ip /usr/sbin/tc /usr/bin/unshare; do ln -sf "$p" "/bin/\${p##*/}"; done
mkdir -p /dev/pts /tmp /run && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /run
for m in ${modules.join(' ')}; do insmod /lib/modules/$m.ko || echo "insmod $m failed"; done
ip=
for a in $(cat /proc/cmdline); do case $a in migbench.ip=*) ip=\${a#migbench.ip=};; esac; done
ip link set lo up
if [ -n "$ip" ]; then
  ip link set eth0 up
  ip addr add "$ip" dev eth0
  # eth1: the two-queue test NIC, silent (no address, no IPv6)
  echo 1 2>/dev/null > /proc/sys/net/ipv6/conf/eth1/disable_ipv6
  ethtool -L eth1 combined 2 2>/dev/null
  ip link set eth1 up 2>/dev/null
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
