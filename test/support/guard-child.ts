// A stand-in controller for the guard tests: connects to the lab guest, starts its guard, applies a netem delay
// on IFACE through the undo journal, prints "applied" and waits to be killed. Run: node guard-child.js HOSTS IFACE
// (MIGBENCH_STATE_DIR should name a folder of the test's own).
import { applyNetem } from '../../src/delay/netem.js';
import { guardHost } from '../../src/guard/host-guard.js';
import { Journal } from '../../src/guard/journal.js';
import { pairKey, SweepLock } from '../../src/guard/sweep-lock.js';
import { loadHosts } from '../../src/config/hosts.js';
import { SshHost } from '../../src/remote/ssh.js';

const [hostsFile, iface] = process.argv.slice(2);
const spec = loadHosts(hostsFile!).guest!;
const host = await SshHost.connect(spec);
await guardHost(host, 'guard-child', { lock: false });
const lock = SweepLock.acquire(pairKey(spec, spec), { sweepId: 'guard-child', resultsDir: undefined, hostsFile: hostsFile! });
await applyNetem(host, iface!, { delayMs: 30, jitterMs: 0, lossPct: 0 }, new Journal(lock, 'guard-child'));
process.stdout.write('applied\n');
setInterval(() => undefined, 1000);
