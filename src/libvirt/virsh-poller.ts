// One interactive virsh on a host (one libvirt connection, one SSH channel) that runs the same commands several
// times a second: each round is the commands typed in, then an `echo` marker that tells where their output ends.
import type { LibvirtHost } from './libvirt-host.js';

const MARK = '@@migbench-sample';

export interface VirshPoller {
  stop(): Promise<void>;
}

/**
 * `commands`: lines for virsh's own parser, which splits words like a POSIX shell (quote like one); a function is
 * asked again before every round.
 */
export function startVirshPoller(host: LibvirtHost, commands: readonly string[] | (() => readonly string[]), hz: number, onRound: (lines: string[]) => void): VirshPoller {
  let pending = '';
  let inFlight = false;
  // virsh's interactive `echo` prints the marker without a newline, so the stream is cut at markers, not lines.
  const proc = host.remote.start(['virsh', '-q', '-c', host.virsh.uri], {
    interactive: true,
    onData: (text) => {
      pending += text;
      for (let at = pending.indexOf(MARK); at >= 0; at = pending.indexOf(MARK)) {
        const block = pending.slice(0, at);
        pending = pending.slice(at + MARK.length);
        inFlight = false;
        onRound(block.split('\n').filter((l) => !l.startsWith('virsh # ')));
      }
    },
  });
  const round = () => `${(typeof commands === 'function' ? commands() : commands).join('\n')}\necho ${MARK}\n`;
  const tick = () => {
    if (inFlight) return; // the previous round has not come back yet: skip rather than queue
    inFlight = true;
    proc.write(round());
  };
  tick();
  const timer = setInterval(tick, Math.max(10, Math.round(1000 / hz)));
  return {
    async stop() {
      clearInterval(timer);
      await proc.stop().catch(() => undefined);
    },
  };
}
