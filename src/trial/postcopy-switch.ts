// The `postcopy` strategy switches to post-copy as soon as the outgoing job exists. A small loop on the source
// host retries `virsh migrate-postcopy` every few ms until libvirt accepts it: one SSH round trip per try would
// often be too slow for a guest that migrates in half a second.
import type { LibvirtHost } from '../libvirt/libvirt-host.js';
import type { RemoteProcess } from '../remote/host.js';

/** $1 libvirt URI, $2 domain, $3 tries. Prints "switched" when accepted; gives up when the domain stops running here. */
const SWITCH_LOOP = `i=0
while :; do
  if out=$(virsh -q -c "$1" migrate-postcopy --domain="$2" 2>&1); then echo switched; exit 0; fi
  case $out in *"not running"*) echo "$out" >&2; exit 3;; esac
  i=$((i + 1))
  if [ "$i" -ge "$3" ]; then echo "$out" >&2; exit 2; fi
  sleep 0.005
done`;

/** One try: a virsh call (~15 ms) and the pause between tries. */
const TRY_INTERVAL_MS = 20;

export interface PostcopySwitch {
  /** Stops the loop if it still runs; returns when the switch was accepted (ms after t0), if it was. */
  finish(): Promise<{ switchMs: number | undefined; detail: string }>;
}

/** Starts once `after` settles (the destination armed for blocktime, or gave up), so the switch never races it. */
export function startPostcopySwitch(source: LibvirtHost, domain: string, t0: number, giveUpAfterMs: number, after?: Promise<unknown>): PostcopySwitch {
  let switchMs: number | undefined;
  let stopped = false;
  const tries = Math.max(1, Math.ceil(giveUpAfterMs / TRY_INTERVAL_MS));
  const loop: Promise<RemoteProcess | undefined> = (after ?? Promise.resolve()).then(() =>
    stopped
      ? undefined
      : source.remote.start(['sh', '-c', SWITCH_LOOP, 'migbench-postcopy-switch', source.virsh.uri, domain, String(tries)], {
          onLine: (line) => {
            if (line === 'switched') switchMs = performance.now() - t0;
          },
        }),
  );
  return {
    async finish() {
      stopped = true;
      const proc = await loop;
      if (!proc) return { switchMs, detail: 'not started: the job ended first' };
      const res = await proc.stop().catch((err: unknown) => ({ stderr: String(err), code: null }));
      return { switchMs, detail: `exit ${res.code}: ${res.stderr.trim()}` };
    },
  };
}
