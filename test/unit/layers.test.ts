// The folders of src/ are layers: each imports only the ones below it, so a change low down is read without the
// rest, and no import closes a cycle. README's architecture section lists the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../support/paths.js';

/** Lowest first. "." is src/'s own files (errors.ts, assets.ts). */
export const LAYERS = ['.', 'config', 'log', 'remote', 'libvirt', 'plan', 'progress', 'workload', 'probe', 'guard', 'delay', 'link', 'placement', 'results', 'trial', 'model', 'report', 'doctor', 'sweep', 'sla', 'export', 'import', 'lab', 'cli'];

const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The relative imports (and re-exports) of a file, as source paths. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm)) {
    out.push(resolve(dirname(file), (m[1] ?? m[2])!).replace(/\.js$/, '.ts'));
  }
  return out;
}

function layerOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0]! : '.';
}

const files = sources(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(f, 'utf8'))]));

test('every folder of src/ has its place in the layer order', () => {
  const folders = new Set(files.map(layerOf));
  for (const f of folders) assert.ok(LAYERS.includes(f), `src/${f}/ is in no layer: add it to LAYERS (test/unit/layers.test.ts) and README's architecture`);
  for (const l of LAYERS) assert.ok(folders.has(l), `layer ${l} has no folder in src/: drop it from LAYERS and README`);
});

test('a folder imports only the folders below it', () => {
  const upward: string[] = [];
  for (const [file, imports] of graph) {
    for (const target of imports) {
      const from = LAYERS.indexOf(layerOf(file));
      const to = LAYERS.indexOf(layerOf(target));
      if (to > from) upward.push(`src/${relative(SRC, file)} imports src/${relative(SRC, target)} (${layerOf(target)} is above ${layerOf(file)})`);
    }
  }
  assert.deepEqual(upward, []);
});

test('no import closes a cycle, between files of one folder either', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of files) visit(f, []);
  assert.deepEqual(cycles, []);
});

test("README's architecture section gives the same layer order", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const line = /^Layers, lowest first: (.+)$/m.exec(readme)?.[1];
  assert.ok(line, 'README has no "Layers, lowest first: …" line');
  const named = [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/^src\/|\/$/g, '').replace(/^$/, '.'));
  assert.deepEqual(named, LAYERS.map((l) => (l === '.' ? '.' : l)));
});

test('the import reader sees static imports, re-exports and side-effect imports', () => {
  const f = join(SRC, 'x', 'a.ts');
  assert.deepEqual(
    importsOf(f, "import { a } from '../b/c.js';\nexport { d } from './e.js';\nimport type { T } from '../../f.js';\nimport './g.js';\nconst s = \"import x from './no.js'\";\n"),
    [join(SRC, 'b', 'c.ts'), join(SRC, 'x', 'e.ts'), join(ROOT, 'f.ts'), join(SRC, 'x', 'g.ts')],
  );
});
