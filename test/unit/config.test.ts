import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExperimentSchema } from '../../src/config/experiment.js';
import { HostsFileSchema, resolveHosts } from '../../src/config/hosts.js';
import { parseYamlText } from '../../src/config/yaml-file.js';
import { InputError } from '../../src/errors.js';

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), `message is not one line: ${err.message}`);
    return err;
  }
  assert.fail('no error');
}

const HOSTS = `domain: mbvm
ssh:
  user: root
  key: keys/id
hosts:
  - name: hostA
    address: 10.0.0.1
  - name: hostB
    address: 10.0.0.2
    migrate_uri: tcp://10.0.1.2
`;

test('a valid hosts file resolves defaults, relative paths and the destination URI', () => {
  const h = resolveHosts('/etc/mb/hosts.yaml', parseYamlText(HOSTS, 'hosts.yaml', HostsFileSchema));
  assert.equal(h.domain, 'mbvm');
  assert.equal(h.a.ssh.key, '/etc/mb/keys/id');
  assert.equal(h.a.ssh.port, 22);
  assert.equal(h.a.libvirtUri, 'qemu+ssh://root@10.0.0.1/system');
  assert.equal(h.b.migrateUri, 'tcp://10.0.1.2');
  assert.equal(h.b.ssh.agent, false);
});

test('hosts file errors name file, line and field', () => {
  const cases: Array<[string, RegExp]> = [
    [HOSTS.replace('address: 10.0.0.2', 'address: "10.0.0.2; rm -rf /"'), /^hosts\.yaml:9: hosts\[1\]\.address: address must be/],
    [HOSTS.replace('domain: mbvm', 'domain: "a\\nb"'), /^hosts\.yaml:1: domain: domain name contains a control character/],
    [HOSTS.replace('domain: mbvm', `domain: ${'x'.repeat(10_000)}`), /^hosts\.yaml:1: domain: domain name is longer than 200/],
    [HOSTS.replace('user: root', 'user: "root; id"'), /^hosts\.yaml:3: ssh\.user: user must be a POSIX user name/],
    [HOSTS.replace('  - name: hostB\n    address: 10.0.0.2\n    migrate_uri: tcp://10.0.1.2\n', ''), /^hosts\.yaml:6: hosts: list exactly two hosts/],
    [HOSTS.replace('migrate_uri: tcp://10.0.1.2', "migrate_uri: \"tcp://x' y\""), /^hosts\.yaml:10: hosts\[1\]\.migrate_uri: migrate_uri must look like/],
    [HOSTS.replace('    address: 10.0.0.1\n', '    adress: 10.0.0.1\n'), /^hosts\.yaml:7: hosts\[0\]: unknown field "adress"/],
    [HOSTS.replace('domain: mbvm\n', ''), /^hosts\.yaml:1: domain: missing — add it/],
  ];
  for (const [text, re] of cases) {
    const err = errorOf(() => parseYamlText(text, 'hosts.yaml', HostsFileSchema));
    assert.match(err.message, re);
  }
});

test('experiment: defaults, unknown strategies, syntax errors', () => {
  const e = parseYamlText('name: smoke\nstrategies: [precopy, postcopy]\n', 'e.yaml', ExperimentSchema);
  assert.equal(e.repetitions, 1);
  assert.equal(e.directions, 'both');
  assert.match(errorOf(() => parseYamlText('name: x\nstrategies: [precopy, warp]\n', 'e.yaml', ExperimentSchema)).message, /^e\.yaml:2: strategies\[1\]: unknown strategy "warp" — use one of: precopy, postcopy, hybrid/);
  assert.match(errorOf(() => parseYamlText('name: x\nstrategies: [precopy\nrepetitions: 2\n', 'e.yaml', ExperimentSchema)).message, /^e\.yaml:3:1: YAML syntax error: /);
  assert.match(errorOf(() => parseYamlText('name: x\nstrategies: [precopy]\nrepetitions: two\n', 'e.yaml', ExperimentSchema)).message, /^e\.yaml:3: repetitions: expected number, got "two"/);
  assert.match(errorOf(() => parseYamlText('name: x\nstrategies: [precopy, precopy]\n', 'e.yaml', ExperimentSchema)).message, /two strategies have the same label/);
  assert.match(errorOf(() => parseYamlText('', 'e.yaml', ExperimentSchema)).message, /empty/);
  assert.match(errorOf(() => parseYamlText('name: "../../etc"\nstrategies: [precopy]\n', 'e.yaml', ExperimentSchema)).message, /^e\.yaml:1: name: name must be/);
});
