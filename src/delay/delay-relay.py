# delay-relay: migbench's user-space stand-in for `tc netem delay`, for kernels without sch_netem.
#
#   python3 delay-relay.py LISTEN_HOST LISTEN_PORT CONNECT_HOST CONNECT_PORT DELAY_MS WINDOW_BYTES
#
# Relays every TCP connection accepted on LISTEN to CONNECT and holds each chunk DELAY_MS before passing it on,
# in both directions, so the round trip grows by 2 x DELAY_MS. A chunk occupies the direction's window from
# the moment it is read until its "acknowledgement" would be back (2 x DELAY_MS later), and reading pauses
# while the window is full: throughput is then bounded by WINDOW_BYTES / round trip, as for a TCP connection
# with that window on a path with that delay. WINDOW_BYTES 0 = unbounded.
#
# Prints "listening HOST:PORT", then per connection "open N" and "closed N up=BYTES down=BYTES secs=S"
# (up = towards CONNECT). Runs until SIGTERM/SIGINT. Python 3.5 to 3.14, standard library only.
import asyncio
import collections
import signal
import sys
import time

CHUNK = 256 * 1024


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Direction(object):
    def __init__(self, loop, reader, writer, delay, window):
        self.loop, self.reader, self.writer = loop, reader, writer
        self.delay, self.window = delay, window
        self.queue = collections.deque()
        self.in_flight = 0
        self.changed = asyncio.Event()
        self.done_reading = False
        self.bytes = 0

    def _release(self, n):
        self.in_flight -= n
        self.changed.set()

    async def pump_in(self):
        try:
            while True:
                while self.window and self.in_flight >= self.window:
                    self.changed.clear()
                    await self.changed.wait()
                data = await self.reader.read(CHUNK)
                if not data:
                    break
                self.in_flight += len(data)
                self.queue.append((time.monotonic() + self.delay, data))
                self.changed.set()
        except (ConnectionError, OSError):
            pass
        self.done_reading = True
        self.changed.set()

    async def pump_out(self):
        try:
            while True:
                while not self.queue:
                    if self.done_reading:
                        if self.writer.can_write_eof():
                            self.writer.write_eof()
                        return
                    self.changed.clear()
                    await self.changed.wait()
                due, data = self.queue.popleft()
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self.writer.write(data)
                await self.writer.drain()
                self.bytes += len(data)
                # the window slot frees when the acknowledgement would arrive: one more delay later
                self.loop.call_later(self.delay, self._release, len(data))
        except (ConnectionError, OSError):
            self.done_reading = True


class Relay(object):
    def __init__(self, loop, target, delay, window):
        self.loop, self.target, self.delay, self.window = loop, target, delay, window
        self.count = 0

    async def handle(self, client_reader, client_writer):
        self.count += 1
        n = self.count
        started = time.monotonic()
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError as e:
            say("error %d connect %s:%d: %s" % (n, self.target[0], self.target[1], e))
            client_writer.close()
            return
        say("open %d" % n)
        up = Direction(self.loop, client_reader, server_writer, self.delay, self.window)
        down = Direction(self.loop, server_reader, client_writer, self.delay, self.window)
        await asyncio.gather(up.pump_in(), up.pump_out(), down.pump_in(), down.pump_out())
        for w in (client_writer, server_writer):
            try:
                w.close()
            except Exception:
                pass
        say("closed %d up=%d down=%d secs=%.3f" % (n, up.bytes, down.bytes, time.monotonic() - started))


def main(argv):
    if len(argv) != 7:
        sys.stderr.write("usage: delay-relay.py LISTEN_HOST LISTEN_PORT CONNECT_HOST CONNECT_PORT DELAY_MS WINDOW_BYTES\n")
        return 2
    listen = (argv[1], int(argv[2]))
    target = (argv[3], int(argv[4]))
    delay = float(argv[5]) / 1000.0
    window = int(argv[6])
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    relay = Relay(loop, target, delay, window)
    server = loop.run_until_complete(asyncio.start_server(relay.handle, listen[0], listen[1], reuse_address=True))
    say("listening %s:%d" % listen)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    try:
        loop.run_forever()
    finally:
        server.close()
    say("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
