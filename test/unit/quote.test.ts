import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { commandLine, shellQuote } from '../../src/remote/quote.js';

const HOSTILE = [
  'plain',
  'with space',
  "it's",
  '"double"',
  'semi;colon',
  '$(touch /tmp/migbench-pwned)',
  '`touch /tmp/migbench-pwned`',
  'new\nline',
  'tab\there',
  '-starts-with-dash',
  '*glob?[x]',
  '~root',
  'back\\slash',
  '',
  'ünïcödé ✓',
  'x'.repeat(10_000),
];

test('every argument reaches the remote command unchanged, whatever it contains', () => {
  for (const arg of HOSTILE) {
    // sh plays the remote shell: it receives the command line exactly as sshd would pass it.
    const out = execFileSync('sh', ['-c', commandLine(['printf', '%s', arg])], { encoding: 'utf8' });
    assert.equal(out, arg, `argument ${JSON.stringify(arg.slice(0, 40))} changed on the way`);
  }
});

test('safe words stay readable; everything else is single-quoted', () => {
  assert.equal(shellQuote('virsh'), 'virsh');
  assert.equal(shellQuote('--domain=mbvm'), '--domain=mbvm');
  assert.equal(shellQuote('qemu+ssh://root@mbB/system'), 'qemu+ssh://root@mbB/system');
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote(''), "''");
});

test('NUL bytes and empty commands are refused', () => {
  assert.throws(() => shellQuote('a\0b'), /NUL/);
  assert.throws(() => commandLine([]), /empty/);
});
