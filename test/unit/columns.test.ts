import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLUMNS, columnsMarkdown } from '../../src/results/columns.js';
import { ROOT } from '../support/paths.js';

test('docs/results.md documents every CSV column exactly as columns.ts declares it (npm run columns)', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'results.md'), 'utf8');
  assert.ok(doc.includes(columnsMarkdown()), 'the column table in docs/results.md is stale: paste the output of `npm run columns` into it');
});

test('every column has a unit or is a label, a source and a description', () => {
  const names = new Set<string>();
  for (const c of COLUMNS) {
    assert.match(c.name, /^[a-z][a-z0-9_]*$/);
    assert.ok(!names.has(c.name), `duplicate column ${c.name}`);
    names.add(c.name);
    assert.ok(c.source.length > 0 && c.description.length > 0, c.name);
    if (/_(ms|bytes|pages_s|bps)$/.test(c.name)) assert.ok(c.unit.length > 0, `${c.name} needs a unit`);
  }
});
