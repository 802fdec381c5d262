// Reads a YAML config file and validates it, turning every problem into one line:
//   FILE:LINE: FIELD: what is wrong — how to fix it
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.js';

export interface LoadedYaml<T> {
  readonly file: string;
  readonly value: T;
  readonly text: string;
}

export function loadYamlFile<T>(file: string, schema: z.ZodType<T>, what: string, hint: string): LoadedYaml<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${what} not found: ${file}`, `${hint}`);
    if (code === 'EISDIR') throw new InputError(`${what} ${file} is a directory`, `give the path of a YAML file`);
    throw new InputError(`cannot read ${what} ${file}: ${code ?? String(err)}`, `check the path and its permissions`);
  }
  return { file, text, value: parseYamlText(text, file, schema) };
}

export function parseYamlText<T>(text: string, file: string, schema: z.ZodType<T>): T {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const pos = syntax.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    throw new InputError(`${where}: YAML syntax error: ${oneLine(syntax.message)}`, `fix the file's indentation or quoting there`);
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) throw new InputError(`${file}: the file is empty`, `see docs/experiment-file.md or docs/hosts-file.md for its fields`);
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  // A misspelt field also makes the real one "missing": name the misspelling first.
  const issues = [...result.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const first = issues[0]!;
  const path = first.code === 'unrecognized_keys' ? [...first.path, first.keys[0]!] : first.path;
  const line = lineOf(doc, lines, path);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new InputError(`${file}${line ? `:${line}` : ''}: ${describeIssue(first, data)}${more}`, 'correct that field (docs/experiment-file.md and docs/hosts-file.md list them)');
}

/** yaml's pretty messages end with " at line L, column C:" and a code frame; keep the sentence. */
function oneLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** Line of the deepest node on `path` that exists in the document. */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

export function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const field = fieldName(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `${issue.path.length ? `${field}: ` : ''}unknown field ${keys} — remove it or check its spelling (docs/experiment-file.md and docs/hosts-file.md list the fields)`;
    }
    case 'invalid_type': {
      const got = valueAt(data, issue.path);
      if (got === undefined) return `${field}: missing — add it (expected ${issue.expected})`;
      return `${field}: expected ${issue.expected}, got ${JSON.stringify(got)} — change the value`;
    }
    default:
      return `${field}: ${issue.message}`;
  }
}
