# memwriter in Python, for guests without a C compiler: same arguments and output as memwriter.c.
# Runs on Python 2.7 (CentOS 7) and Python 3.
import os
import signal
import sys
import time

try:
    now = time.monotonic
except AttributeError:  # Python 2: wall clock, the best it has
    now = time.time

stopping = [False]


def on_signal(signum, frame):
    stopping[0] = True


def ms():
    return now() * 1000.0


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: memwriter SIZE_MIB RATE [mib|pages [CHUNK_KIB [REPORT_MS]]]\n")
        return 2
    size_mib = int(argv[1])
    rate = float(argv[2])
    unit = argv[3] if len(argv) > 3 else "mib"
    chunk_kib = int(argv[4]) if len(argv) > 4 else 1024
    report_ms = float(argv[5]) if len(argv) > 5 else 1.0
    page = os.sysconf("SC_PAGESIZE")
    if size_mib <= 0 or rate < 0 or chunk_kib <= 0 or report_ms < 0 or unit not in ("mib", "pages"):
        sys.stderr.write("memwriter: bad arguments\n")
        return 2
    size = size_mib << 20
    chunk = min(chunk_kib << 10, size)
    bytes_per_ms = rate * page / 1e3 if unit == "pages" else rate * 1048576.0 / 1e3
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    out = sys.stdout

    def say(line):
        out.write(line + "\n")
        out.flush()

    t0 = ms()
    buf = bytearray(size)
    say("start %.3f size_mib=%d rate=%g unit=%s chunk_kib=%d report_ms=%g page=%d pid=%d" % (t0, size_mib, rate, unit, chunk_kib, report_ms, page, os.getpid()))
    for i in range(0, size, page):
        buf[i] = 1
    ready = ms()
    say("ready %.3f touch_ms=%.1f" % (ready, ready - t0))
    written = 0
    value = 2  # the touch wrote 1: every pass, the first too, changes what every page holds
    off = 0
    last_report = -1e18
    while not stopping[0]:
        end = min(off + chunk, size)
        for i in range(off, end, page):
            buf[i] = value
        written += end - off
        off = end
        if off >= size:
            off = 0
            value = value % 255 + 1
        t = ms()
        if t - last_report >= report_ms:
            say("chunk %.3f %d" % (t, written))
            last_report = t
        if bytes_per_ms > 0:
            while not stopping[0]:
                left = ready + written / bytes_per_ms - ms()
                if left <= 0:
                    break
                time.sleep(left / 1000.0)
    say("stop %.3f %d" % (ms(), written))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
