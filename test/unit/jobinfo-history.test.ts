// The human `domjobinfo` table of every libvirt era since 1.2.0, as each release's virsh prints it
// (test/fixtures/domjobinfo/libvirt-history: built from libvirt's own source history, see its README).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJobInfo } from '../../src/libvirt/jobinfo.js';
import { FIXTURES } from '../support/paths.js';

const DIR = join(FIXTURES, 'domjobinfo', 'libvirt-history');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  { type: string; operation: string | null; stats: Record<string, number>; errmsg?: string }
>;

test('every era parses by label to the exact values, with no unknown line', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.txt'));
  assert.ok(files.length >= 12, `only ${files.length} era fixtures`);
  assert.deepEqual(files.sort(), Object.keys(expected).sort(), 'expected.json covers every fixture');
  for (const f of files) {
    const info = parseJobInfo(readFileSync(join(DIR, f), 'utf8'));
    const want = expected[f]!;
    assert.equal(info.format, 'human', f);
    assert.equal(info.type, want.type, `${f}: job type`);
    assert.equal(info.operation ?? null, want.operation, `${f}: operation`);
    assert.deepEqual(info.unknown, [], `${f}: unknown labels`);
    assert.deepEqual(info.stats, want.stats, `${f}: statistics`);
    if (want.errmsg) assert.equal(info.fields['Error message'], want.errmsg, `${f}: error message`);
  }
});
