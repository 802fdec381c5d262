// Reads node:test TAP output on stdin and prints, for each failed test, its name and error (no cancellations).
// .ci/run prints this last, so that the end of a CI log says why it failed.
import { readFileSync } from 'node:fs';

const lines = readFileSync(0, 'utf8').split('\n');
const indent = (l) => l.length - l.trimStart().length;
const out = [];
for (let i = 0; i < lines.length; i++) {
  const m = /^\s*not ok \d+ - (.*)$/.exec(lines[i]);
  if (!m) continue;
  const block = [];
  for (let j = i + 1; j < lines.length && !/^\s*\.\.\.$/.test(lines[j]); j++) block.push(lines[j]);
  const type = (block.find((l) => l.trim().startsWith('failureType:')) ?? '').trim().replace('failureType: ', '');
  // a cancelled test, or a suite failing because a test in it did, says nothing the failed test does not
  if (/cancelledByParent|subtestsFailed/.test(type)) continue;
  const e = block.findIndex((l) => l.trim().startsWith('error:'));
  const error = [];
  for (let k = e; e >= 0 && k < block.length && (k === e || indent(block[k]) > indent(block[e])); k++) error.push(block[k].trim());
  out.push(`* ${m[1]} (${type || 'failed'})`, ...error.slice(0, 20).map((l) => `    ${l}`));
}
if (out.length > 0) console.log(['', '==== failed tests and their errors ====', ...out].join('\n'));
