#!/usr/bin/env python3
# migbench's client for the domain's own QMP socket (a second monitor beside libvirt's, added in the domain XML).
#   arm PATH SECONDS   wait for the incoming QEMU behind PATH, turn on postcopy-blocktime there, print "armed"
#   read PATH SECONDS  wait until that QEMU's incoming migration completed, print query-migrate's answer (one line)
# libvirt holds the destination's own monitor for the whole incoming job, hence a socket of migbench's own.
import json
import socket
import sys
import time


def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(2)


class Qmp:
    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.file = self.sock.makefile("rb")
        self.answer()  # the greeting
        self.execute("qmp_capabilities")

    def answer(self):
        while True:
            line = self.file.readline()
            if not line:
                raise OSError("QMP socket closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def execute(self, command, arguments=None):
        req = {"execute": command}
        if arguments is not None:
            req["arguments"] = arguments
        self.sock.sendall((json.dumps(req) + "\n").encode())
        msg = self.answer()
        if "error" in msg:
            raise RuntimeError(f"{command}: {msg['error'].get('desc', msg['error'])}")
        return msg.get("return")

    def close(self):
        self.sock.close()


def until(deadline, path, step):
    """Calls step(qmp) on fresh connections until it returns a value; a missing or stale socket is retried."""
    last = "no QEMU listens there"
    while time.monotonic() < deadline:
        try:
            qmp = Qmp(path, max(0.2, deadline - time.monotonic()))
            try:
                value = step(qmp)
            finally:
                qmp.close()
            if value is not None:
                return value
        except (OSError, ValueError) as err:
            last = str(err)
        time.sleep(0.005)
    fail(f"QMP socket {path}: {last}")


def arm(qmp):
    status = qmp.execute("query-status").get("status")
    if status != "inmigrate":
        return None  # the QEMU that ran here before, or not started yet
    qmp.execute("migrate-set-capabilities", {"capabilities": [{"capability": "postcopy-blocktime", "state": True}]})
    return "armed"


def read(qmp):
    info = qmp.execute("query-migrate")
    return json.dumps(info) if info.get("status") in ("completed", "failed", "cancelled") else None


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("arm", "read"):
        fail("usage: qmp-socket.py arm|read PATH SECONDS")
    mode, path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    deadline = time.monotonic() + seconds
    try:
        print(until(deadline, path, arm if mode == "arm" else read), flush=True)
    except RuntimeError as err:
        fail(str(err))


main()
