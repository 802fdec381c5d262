#!/usr/bin/env node
// The compiled CLI lives in dist/ (npm ci and npm run build create it).
import('../dist/src/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli/main.js')) {
    process.stderr.write('migbench: not built yet — run `npm ci` (or `npm run build`) in the migbench folder\n');
    process.exit(2);
  }
  throw err;
});
