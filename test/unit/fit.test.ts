// Fitting on trials whose outcomes a known set of constants produced: the fit must find constants that predict
// them again; a row becomes the model's inputs from the columns measured before the migration only; folders
// without what the model needs are refused with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { accuracy } from '../../src/model/accuracy.js';
import { fitConstants } from '../../src/model/fit.js';
import { fitFolders } from '../../src/model/fit-folders.js';
import { DEFAULT_CONSTANTS, type PairConstants } from '../../src/model/inputs.js';
import { readModelFile } from '../../src/model/model-file.js';
import { idleNonZeroBytes, samplesOf } from '../../src/model/samples.js';
import { predict, strategyOf } from '../../src/model/strategy.js';
import { InputError } from '../../src/errors.js';
import { predictedCells, predictedTable } from '../../src/report/predicted.js';

const MiB = 2 ** 20;
const TRUE: PairConstants = { ...DEFAULT_CONSTANTS, efficiency: 0.7, pullEfficiency: 1.1, maxStreamMiBs: 300, maxPullMiBs: 600, setupMs: 400, switchMs: 40, switchRtts: 2.5, postcopyDowntimeMs: 6, postcopySwitchMs: 50, postcopySwitchRtts: 6, switchWaitMs: 300, faultShare: 0.02, faultServiceMs: 2, multifdGain: 1.6, xbzrleRatio: 0.3, throttleHeadroom: 3 };
const STRATEGIES: Array<[string, string]> = [['precopy', ''], ['postcopy', ''], ['hybrid', ''], ['auto-converge', ''], ['xbzrle(cache_mib=64)', 'cache_mib=64'], ['multifd(connections=4)', 'connections=4']];
const LOADS = [{ name: 'idle', size: 0, rate: 0 }, { name: 'w96-40', size: 96, rate: 40 }, { name: 'w64-120', size: 64, rate: 120 }];
const LINKS = [{ delay: 0, mibS: 2500, rtt: 0.06 }, { delay: 10, mibS: 180, rtt: 20.5 }, { delay: 25, mibS: 80, rtt: 50.4 }];
const BASE = 65 * MiB;

/** A trial row as migbench writes it, its outcome what `c` predicts. */
function row(strategy: [string, string], load: (typeof LOADS)[number], link: (typeof LINKS)[number], c: PairConstants): Record<string, string> {
  const s = strategyOf(strategy[0], strategy[1]);
  assert.ok(typeof s !== 'string');
  const ws = load.size * MiB;
  const p = predict(s, { ramBytes: 256 * MiB, nonZeroBytes: BASE + ws, dirtyBytesPerS: load.rate * MiB, workingSetBytes: ws, linkBytesPerS: link.mibS * MiB, rttMs: link.rtt, maxDowntimeMs: 300 }, c);
  const post = p.stallMs !== undefined && p.converges && (s.name !== 'hybrid' || p.rounds === 1);
  return {
    strategy: strategy[0], strategy_params: strategy[1], load: load.name, delay_ms: String(link.delay), status: p.converges ? 'completed' : 'timeout',
    ram_bytes: String(256 * MiB), link_mib_s: String(link.mibS), link_rtt_ms: String(link.rtt), dirty_rate_calc_mib_s: load.rate ? String(load.rate) : '',
    load_size_mib: load.size ? String(load.size) : '', bandwidth_mib_s: s.name === 'postcopy' ? '1' : '', max_downtime_ms: '',
    total_time_ms: p.converges ? String(p.totalMs) : '', downtime_ms: p.converges ? String(p.downtimeMs) : '', event_downtime_ms: '',
    data_processed_bytes: String(p.bytes), normal_bytes: load.name === 'idle' ? String(BASE) : '', postcopy_used: post ? 'yes' : 'no',
    postcopy_blocktime_ms: post ? String(p.stallMs) : '',
  };
}

const rows = STRATEGIES.flatMap((s) => LOADS.flatMap((l) => LINKS.map((k) => row(s, l, k, TRUE))));

test('a row becomes the inputs measured before the migration: RAM, link, QEMU dirty rate, the load; post-copy hold is no cap', () => {
  assert.equal(idleNonZeroBytes(rows), BASE);
  const { samples, skipped } = samplesOf(rows, BASE);
  assert.equal(samples.length, rows.length);
  assert.equal(skipped.size, 0);
  const w = samples.find((s) => s.row.load === 'w96-40' && s.row.delay_ms === '25' && s.strategy.name === 'postcopy')!;
  assert.deepEqual(w.inputs, { ramBytes: 256 * MiB, nonZeroBytes: BASE + 96 * MiB, dirtyBytesPerS: 40 * MiB, workingSetBytes: 96 * MiB, linkBytesPerS: 80 * MiB, rttMs: 50.4, maxDowntimeMs: 300 });
  const missing = samplesOf([{ ...rows[0]!, link_mib_s: '' }, { ...rows[4]!, status: 'failed' }, { ...rows[40]!, dirty_rate_calc_mib_s: '' }], BASE);
  assert.equal(missing.samples.length, 0);
  assert.deepEqual([...missing.skipped.keys()].sort(), ['no dirty_rate_calc_mib_s for a load (experiment dirty_rate_calc)', 'no link_mib_s / link_rtt_ms (experiment link_probe)', 'status failed']);
});

test('the fit finds constants that predict the trials again (within 5 % on every metric), from defaults 2-5× off', () => {
  const { samples } = samplesOf(rows, BASE);
  const timeouts = samples.filter((s) => s.measured.status === 'timeout').length;
  assert.ok(timeouts > 0 && timeouts < samples.length / 2, `some pre-copies do not converge (${timeouts})`);
  const fit = fitConstants(samples);
  assert.deepEqual(fit.unfitted, []);
  assert.ok(fit.after < fit.before / 100, `cost ${fit.before} → ${fit.after}`);
  const a = accuracy(samples, fit.constants);
  for (const e of a.errors) assert.ok(e.mapePct < 5, `${e.strategy} ${e.metric}: ${e.mapePct.toFixed(1)} %`);
  for (const cv of a.convergence) assert.equal(cv.agree, cv.n, `${cv.strategy} converges as measured`);
  // the constants every trial informs come back close
  assert.ok(Math.abs(fit.constants.setupMs - 400) < 20, `setup ${fit.constants.setupMs}`);
  assert.ok(Math.abs(fit.constants.efficiency - 0.7) < 0.03, `efficiency ${fit.constants.efficiency}`);
  assert.ok(Math.abs(fit.constants.maxStreamMiBs - 300) < 15, `stream cap ${fit.constants.maxStreamMiBs}`);
  // and the ones nothing informs stay at their defaults
  const noMultifd = fitConstants(samples.filter((s) => s.strategy.name !== 'multifd'));
  assert.deepEqual(noMultifd.unfitted, ['multifdGain']);
  assert.equal(noMultifd.constants.multifdGain, DEFAULT_CONSTANTS.multifdGain);
});

test('fit refuses a folder without idle trials, and one whose trials lack the inputs, naming what to turn on', (t) => {
  const made: string[] = [];
  t.after(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  const temp = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
  const dir = (rs: Record<string, string>[]) => {
    const d = temp('migbench-fit-');
    writeFileSync(join(d, 'trials.csv'), stringify(rs, { header: true, columns: Object.keys(rs[0]!) }));
    return d;
  };
  assert.throws(() => fitFolders([dir(rows.filter((r) => r.load !== 'idle'))]), (e: unknown) => e instanceof InputError && /no completed idle trial .* non-zero RAM at rest/.test(e.problem) && /loads include idle/.test(e.fix));
  const noLink = dir(rows.map((r) => ({ ...r, link_mib_s: '', link_rtt_ms: '' })));
  assert.throws(() => fitFolders([dir(rows), noLink]), (e: unknown) => e instanceof InputError && e.problem.startsWith(`${noLink}: none of its ${rows.length} trials`) && /link_probe/.test(e.problem));
  const good = fitFolders([dir(rows)]);
  assert.equal(good.model.trials, rows.length);
  // report --model: predicted beside measured per cell; an idle post-copy's measured 0 ms stall gets no error figure
  const idlePost = rows.map((r) => (r.load === 'idle' && r.strategy === 'postcopy' ? { ...r, postcopy_blocktime_ms: '0' } : r));
  const { cells } = predictedCells(idlePost, good.model);
  assert.equal(cells.length, rows.length, 'one trial per cell here');
  const idle = cells.find((c) => c.cell === 'postcopy · idle 0ms')!;
  assert.equal(idle.metrics.find((m) => m.metric === 'stallMs')?.errorPct, undefined);
  const table = predictedTable(cells);
  assert.doesNotMatch(table, /NaN|Infinity/);
  assert.match(table, /^precopy · w96-40 10ms +1\/1 +\d+ \/ \d+ \([+-]\d+ %\)/m);
  const file = join(temp('migbench-model-'), 'model.json');
  writeFileSync(file, JSON.stringify(good.model));
  assert.deepEqual(readModelFile(file).constants, good.model.constants);
  writeFileSync(file, JSON.stringify({ ...good.model, constants: { ...good.model.constants, setupMs: 'x' } }));
  assert.throws(() => readModelFile(file), /constant setupMs is missing, not a number, or out of range \("x"\)/);
  writeFileSync(file, JSON.stringify({ ...good.model, constants: { ...good.model.constants, efficiency: 0 } }));
  assert.throws(() => readModelFile(file), /constant efficiency .* out of range \(0\)/);
  writeFileSync(file, JSON.stringify({ ...good.model, accuracy: {} }));
  assert.throws(() => readModelFile(file), /idleNonZeroBytes, trials, from or accuracy is missing/);
  writeFileSync(file, '{"format": "other"}');
  assert.throws(() => readModelFile(file), /is not a migbench model/);
});
