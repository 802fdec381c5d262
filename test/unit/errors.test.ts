// Errors a user sees: a problem and a fix, one line, a documented exit code; the undo stack never stops halfway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportError } from '../../src/cli/exit.js';
import { failOf } from '../../src/doctor/check.js';
import { EXIT, InputError, LockedError, MigbenchError, RuntimeError } from '../../src/errors.js';
import { Teardown } from '../../src/guard/teardown.js';
import { JobInfoParseError, parseJobInfo } from '../../src/libvirt/jobinfo.js';

function stderrOf(fn: () => number): { code: number; text: string } {
  const write = process.stderr.write;
  let text = '';
  process.stderr.write = ((chunk: string) => {
    text += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: fn(), text };
  } finally {
    process.stderr.write = write;
  }
}

test('the exit path prints "problem — fix" on one line with the exit code of the kind', () => {
  const e = new InputError('--shard "0/4" must be i/n', 'e.g. --shard 2/4');
  assert.equal(e.problem, '--shard "0/4" must be i/n');
  assert.equal(e.fix, 'e.g. --shard 2/4');
  assert.deepEqual(stderrOf(() => reportError(e)), { code: EXIT.badInput, text: 'migbench: --shard "0/4" must be i/n — e.g. --shard 2/4\n' });
  assert.equal(stderrOf(() => reportError(new RuntimeError('a', 'b'))).code, EXIT.runtime);
  assert.equal(stderrOf(() => reportError(new LockedError('in use', 'wait'))).code, EXIT.locked);
});

test('text that is no domjobinfo table is a user/host error (exit 1 with a fix), not an internal error', () => {
  assert.throws(() => parseJobInfo('error: failed to get domain'), (err: unknown) => err instanceof JobInfoParseError && err instanceof MigbenchError && err.exitCode === EXIT.runtime && /virsh domjobinfo/.test(err.fix));
  let caught: unknown;
  try {
    parseJobInfo('nothing');
  } catch (err) {
    caught = err;
  }
  assert.doesNotMatch(stderrOf(() => reportError(caught)).text, /internal error/);
});

test('the doctor takes problem and fix from the error itself', () => {
  const c = failOf('A', 'ssh', new RuntimeError('A: unreachable: no SSH handshake within 10 s', 'check the address, routing and firewall'));
  assert.deepEqual(c, { host: 'A', check: 'ssh', status: 'fail', detail: 'A: unreachable: no SSH handshake within 10 s', fix: 'check the address, routing and firewall' });
});

test('teardown runs every step last-first, reports each failure, and runs only once', async () => {
  const order: string[] = [];
  const t = new Teardown();
  t.add('lock', () => order.push('lock'));
  t.add('A connection', () => {
    throw new Error('already closed');
  });
  t.add('B connection', async () => order.push('B'));
  assert.deepEqual(await t.run(), ['A connection: already closed']);
  assert.deepEqual(order, ['B', 'lock']);
  assert.deepEqual(await t.run(), []);
  assert.deepEqual(order, ['B', 'lock']);
});

test('every signal exit code is 128 + the signal number', () => {
  assert.deepEqual(EXIT.signals, { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 });
});
