import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { findHostKeys, fingerprint, hostKeyAlgorithms, knownHostsName } from '../../src/remote/known-hosts.js';

const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIJ3Jn5tGlIR1Hpn3DzlIWk9bMTL9ng0HEtmdc1I6mxTx';
const K2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIAx2FR6p4tQGRmvU9xBw4DLeydf1+vP/8lzuSxc7DyQz';

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

test('plain, aliased, hashed and port-qualified entries match their host only', () => {
  const text = [
    '# comment',
    `10.0.0.1,hostA ssh-ed25519 ${K1}`,
    `${hashed('10.0.0.2')} ssh-ed25519 ${K2}`,
    `[10.0.0.3]:2222 ssh-ed25519 ${K1}`,
    `*.lab.example,!bad.lab.example ssh-ed25519 ${K2}`,
    '',
  ].join('\n');
  assert.equal(findHostKeys(text, '10.0.0.1', 22).keys[0]?.blob.toString('base64'), K1);
  assert.equal(findHostKeys(text, 'hosta', 22).keys.length, 1, 'host names match case-insensitively');
  assert.equal(findHostKeys(text, '10.0.0.2', 22).keys[0]?.blob.toString('base64'), K2);
  assert.equal(findHostKeys(text, '10.0.0.3', 22).keys.length, 0, 'port 22 does not match a [host]:2222 entry');
  assert.equal(findHostKeys(text, '10.0.0.3', 2222).keys.length, 1);
  assert.equal(findHostKeys(text, 'x.lab.example', 22).keys.length, 1);
  assert.equal(findHostKeys(text, 'bad.lab.example', 22).keys.length, 0, 'negated pattern');
  assert.equal(findHostKeys(text, '10.0.0.9', 22).keys.length, 0);
});

test('@revoked keys are reported apart; @cert-authority lines are ignored', () => {
  const text = `@revoked 10.0.0.1 ssh-ed25519 ${K2}\n@cert-authority 10.0.0.1 ssh-ed25519 ${K2}\n10.0.0.1 ssh-ed25519 ${K1}\n`;
  const found = findHostKeys(text, '10.0.0.1', 22);
  assert.equal(found.keys.length, 1);
  assert.equal(found.revoked.length, 1);
  assert.equal(found.keys[0]?.line, 3);
});

test('fingerprints look like OpenSSH\'s; RSA keys offer the SHA-2 signature algorithms', () => {
  assert.match(fingerprint(Buffer.from(K1, 'base64')), /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.deepEqual(hostKeyAlgorithms([{ type: 'ssh-rsa', blob: Buffer.alloc(1), line: 1 }]), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.equal(knownHostsName('h', 22), 'h');
  assert.equal(knownHostsName('h', 2222), '[h]:2222');
});
