// Whether the end-to-end lab tests can run here. In CI (CI is set) they must run: a missing prerequisite fails
// the suite. Elsewhere they are skipped with a loud notice.
import { findBinary } from '../../src/lab/prerequisites.js';

const NEEDED = ['ip', 'unshare', 'nsenter', 'sshd', 'libvirtd', 'virtlogd', 'virsh', 'qemu-system-x86_64', 'busybox', 'ssh-keygen', 'chromium', 'script'];

/** Debian's Chromium, for the report test (playwright-core drives it; no browser download). */
export const CHROMIUM = '/usr/bin/chromium';

export function e2eBlocker(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  const missing = NEEDED.filter((b) => !findBinary(b));
  if (missing.length > 0) return `missing ${missing.join(', ')} (run .ci/install-deps)`;
  return undefined;
}

/** Returns a skip reason, or throws in CI. */
export function e2eSkipReason(): string | undefined {
  const blocker = e2eBlocker();
  if (!blocker) return undefined;
  if (process.env.CI) throw new Error(`end-to-end lab tests cannot run in CI: ${blocker}`);
  process.stderr.write(`\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! END-TO-END LAB TESTS SKIPPED: ${blocker}\n!!! They run real migrations; run \`sudo npm test\` after .ci/install-deps.\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n`);
  return `END-TO-END LAB TESTS SKIPPED: ${blocker}`;
}

/**
 * A part a test needs is missing (`why`, undefined when it is there): a failure in CI, where every test must run,
 * and a loud skip elsewhere. Returns the skip reason.
 */
export function missingPart(test: string, why: string | undefined): string | undefined {
  if (why === undefined) return undefined;
  if (process.env.CI) throw new Error(`the ${test} cannot run in CI: ${why}`);
  const loud = `${test.toUpperCase()} SKIPPED: ${why}`;
  process.stderr.write(`\n!!! ${loud}\n\n`);
  return loud;
}
