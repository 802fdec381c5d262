// `migbench cleanup`: what `migbench run` does first, on its own — take the locks, undo what a dead sweep left
// (the markers on the hosts and guest), and settle the VM on exactly one host.
import { loadHostPairs, type Hosts } from '../config/hosts.js';
import { errorMessage, RuntimeError } from '../errors.js';
import { Teardown } from '../guard/teardown.js';
import type { Logger } from '../log/logger.js';
import { createLogger } from '../log/logger.js';
import { timeStamp } from '../results/sweep-meta.js';
import { claimPair, connectGuest } from '../sweep/claim.js';
import { resolveHostsFile } from './hosts-file.js';

export async function cleanupCommand(opts: { hosts?: string; verbose?: boolean }): Promise<number> {
  const pairs = loadHostPairs(resolveHostsFile(opts.hosts));
  const log = createLogger({ consoleLevel: opts.verbose ? 'debug' : 'warn' });
  for (const hosts of pairs) {
    if (pairs.length > 1) process.stdout.write(`pair ${hosts.pair}:\n`);
    await cleanupPair(hosts, log);
  }
  return 0;
}

async function cleanupPair(hosts: Hosts, log: Logger): Promise<void> {
  const teardown = new Teardown();
  try {
    const claimed = await claimPair(hosts, { sweepId: `cleanup-${timeStamp()}`, resultsDir: undefined, onUndoFailure: 'report' }, teardown, log);
    const done = [...claimed.cleaned];
    const failed = [...claimed.failed];
    if (hosts.guest) {
      try {
        const r = await claimed.journal.replay(await connectGuest(hosts, claimed.pair, teardown));
        done.push(...r.undone);
        failed.push(...r.failed);
      } catch (err) {
        log.warn({ err: errorMessage(err) }, 'the guest is not reachable; its leftovers (uploaded files) stay');
      }
    }
    for (const line of done) process.stdout.write(`undone: ${line}\n`);
    process.stdout.write(`${done.length ? '' : 'nothing to undo; '}domain ${hosts.domain} runs on ${claimed.runningOn.spec.name}\n`);
    if (failed.length) throw new RuntimeError(`could not undo: ${failed.join('; ')}`, 'fix it by hand');
  } finally {
    for (const failed of await teardown.run()) log.warn({ err: failed }, 'cleanup step failed');
  }
}
