// Paths of the project, from the compiled test files in dist/test/….
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const FIXTURES = resolve(ROOT, 'test', 'fixtures');
export const BIN = resolve(ROOT, 'bin', 'migbench.js');
