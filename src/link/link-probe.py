# link-probe: migbench's measure of the path a migration takes, round trip and throughput, through whatever delay
# is in force (netem on the interfaces, or the delay relay in front of the destination).
#
#   python3 link-probe.py sink LISTEN_HOST PORT
#       accepts one connection (30 s at most): echoes its pings, then counts its bulk bytes; prints "listening",
#       and to the sender "BYTES SECONDS" (receiver clock, first byte to end of stream)
#   python3 link-probe.py send HOST PORT SECONDS PINGS
#       PINGS one-byte round trips, then SECONDS of bulk data; prints
#       "result rtt_ms=MEDIAN rtt_min_ms=MIN bytes=N secs=S"
#
# Python 3.5 to 3.14, standard library only.
import socket
import sys
import time

BLOCK = 1 << 20


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def sink(host, port):
    server = socket.socket(family(host), socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, port))
    server.listen(1)
    server.settimeout(30)
    say("listening %s:%d" % (host, port))
    conn, _ = server.accept()
    conn.settimeout(30)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        b = conn.recv(1)
        if not b:
            return
        if b == b"p":
            conn.sendall(b"p")
        elif b == b"B":
            break
    buf = bytearray(BLOCK)
    n, first, last = 0, None, None
    while True:
        k = conn.recv_into(buf)
        if k == 0:
            break
        last = time.monotonic()
        if first is None:
            first = last
        n += k
    conn.sendall(("%d %.6f\n" % (n, (last - first) if first is not None else 0)).encode())
    conn.close()


def send(host, port, seconds, pings):
    conn = socket.create_connection((host, port), timeout=30)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    rtts = []
    for _ in range(pings):
        t = time.monotonic()
        conn.sendall(b"p")
        if conn.recv(1) != b"p":
            raise SystemExit("link-probe: the sink did not echo")
        rtts.append((time.monotonic() - t) * 1000)
    conn.sendall(b"B")
    data = b"\x5a" * BLOCK
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        conn.sendall(data)
    conn.shutdown(socket.SHUT_WR)
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = conn.recv(64)
        if not chunk:
            raise SystemExit("link-probe: the sink closed without its count")
        reply += chunk
    n, secs = reply.decode().split()
    rtts.sort()
    say("result rtt_ms=%.3f rtt_min_ms=%.3f bytes=%s secs=%s" % (rtts[len(rtts) // 2], rtts[0], n, secs))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "sink":
        sink(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 6 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))
    else:
        raise SystemExit(__doc__ or "usage: link-probe.py sink HOST PORT | send HOST PORT SECONDS PINGS")
