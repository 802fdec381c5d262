// Non-TypeScript files shipped in src/ (C and Python sources uploaded to hosts and guests).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this file is dist/src/assets.js once built. */
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export function assetPath(relative: string): string {
  return resolve(ROOT, 'src', relative);
}

export function readAsset(relative: string): string {
  return readFileSync(assetPath(relative), 'utf8');
}
