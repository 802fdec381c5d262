// Hostile or malformed values are refused by the config schemas, or — where Linux and libvirt allow them —
// reach remote commands only as single quoted arguments (remote/quote.ts; checked in quote.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainName, hostAddress, hostLabel, interfaceName, libvirtUri, localPath, migrateUri, slug, userName } from '../../src/config/names.js';
import { migrateArgs } from '../../src/libvirt/migrate-args.js';
import { STRATEGIES } from '../../src/config/strategy.js';
import { commandLine } from '../../src/remote/quote.js';
import { execFileSync } from 'node:child_process';

const HOSTILE = {
  space: 'a b',
  quote: "a'b",
  dquote: 'a"b',
  semicolon: 'a;reboot',
  subst: '$(reboot)',
  backtick: '`reboot`',
  newline: 'a\nreboot',
  long: 'x'.repeat(10_000),
  dash: '-rf',
  slash: 'a/b',
  empty: '',
};

/** Which hostile values each field accepts; everything else must be refused. */
const ACCEPTS: Record<string, { schema: { safeParse: (v: unknown) => { success: boolean } }; ok: Array<keyof typeof HOSTILE> }> = {
  // libvirt domain names may hold spaces, quotes and shell characters — they are quoted, never interpreted
  domain: { schema: domainName, ok: ['space', 'quote', 'dquote', 'semicolon', 'subst', 'backtick', 'dash'] },
  'host name': { schema: hostLabel, ok: [] },
  address: { schema: hostAddress, ok: [] },
  'user name': { schema: userName, ok: [] },
  interface: { schema: interfaceName, ok: ['dash'] },
  'libvirt URI': { schema: libvirtUri, ok: [] },
  'migrate URI': { schema: migrateUri, ok: [] },
  'experiment name': { schema: slug, ok: [] },
  // local paths are only ever opened by the controller, never sent to a shell
  path: { schema: localPath, ok: ['space', 'quote', 'dquote', 'semicolon', 'subst', 'backtick', 'dash', 'slash'] },
};

test('every field refuses newlines, 10 000-character values and what its kind does not allow', () => {
  for (const [field, { schema, ok }] of Object.entries(ACCEPTS)) {
    for (const [kind, value] of Object.entries(HOSTILE)) {
      const accepted = schema.safeParse(value).success;
      assert.equal(accepted, ok.includes(kind as keyof typeof HOSTILE), `${field} with ${kind} value: ${accepted ? 'accepted' : 'refused'}`);
    }
  }
});

test('good values pass', () => {
  assert.ok(domainName.safeParse('centos7-1g').success);
  assert.ok(hostAddress.safeParse('10.0.0.1').success);
  assert.ok(hostAddress.safeParse('fe80::1').success);
  assert.ok(hostAddress.safeParse('host-b.lab.example').success);
  assert.ok(userName.safeParse('migbench').success);
  assert.ok(interfaceName.safeParse('enp3s0f1').success);
  assert.ok(libvirtUri.safeParse('qemu+ssh://root@hostB/system?keyfile=/root/.ssh/id').success);
  assert.ok(migrateUri.safeParse('tcp://10.0.0.2:49152').success);
});

test('an accepted hostile domain name arrives at virsh as one --domain= argument', () => {
  for (const name of [HOSTILE.space, HOSTILE.quote, HOSTILE.semicolon, HOSTILE.subst, HOSTILE.backtick, HOSTILE.dash]) {
    const argv = migrateArgs({ domain: name, strategy: STRATEGIES.precopy, destinationUri: 'qemu+ssh://root@b/system' });
    // the remote shell sees this line; printf shows the arguments it gets
    const seen = execFileSync('sh', ['-c', commandLine(['printf', '%s\\n', ...argv])], { encoding: 'utf8' }).trimEnd().split('\n');
    assert.deepEqual(seen, argv);
    assert.ok(seen.includes(`--domain=${name}`));
  }
});
