import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.js';
import { importCaptures } from '../../src/import/import.js';
import { COLUMN_NAMES } from '../../src/results/columns.js';
import { num, readTrials } from '../../src/results/read-trials.js';
import { FIXTURES } from '../support/paths.js';

const REAL = join(FIXTURES, 'domjobinfo', 'libvirt-9.0_qemu-10.0.2');
const HISTORY = join(FIXTURES, 'domjobinfo', 'libvirt-history');

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'mb-import-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('saved captures become rows with the sweep columns; one row per job, its --rawstats copy preferred', () => {
  withDir((dir) => {
    const out = join(dir, 'out');
    const file = join(REAL, '01-precopy-A-to-B.completed.src.txt');
    const s = importCaptures([file], out);
    assert.equal(s.rows, 1, 'the three prints of one job are one row');
    const [row] = readTrials(join(out, 'trials.csv'));
    assert.deepEqual(Object.keys(row!), COLUMN_NAMES);
    assert.equal(row!.stats_format, 'rawstats');
    assert.equal(num(row!, 'total_time_ms'), 4952);
    assert.equal(num(row!, 'data_processed_bytes'), 241952698);
    assert.equal(row!.source, '01-precopy-A-to-B.completed.src.txt:50');
    assert.equal(row!.strategy, 'imported');
    assert.equal(row!.delay_ms, '', 'what only a sweep knows stays empty');
    assert.equal(row!.load, '');
  });
});

test('every era of the human table imports with its exact values', () => {
  withDir((dir) => {
    const expected = JSON.parse(readFileSync(join(HISTORY, 'expected.json'), 'utf8')) as Record<string, { type: string; stats: Record<string, number> }>;
    const files = readdirSync(HISTORY).filter((f) => f.endsWith('.txt')).sort();
    const s = importCaptures(files.map((f) => join(HISTORY, f)), join(dir, 'out'));
    const completed = files.filter((f) => expected[f]!.type === 'completed');
    assert.equal(s.rows, completed.length);
    const rows = readTrials(join(dir, 'out', 'trials.csv'));
    for (const [i, f] of completed.entries()) {
      const row = rows[i]!;
      assert.equal(row.source, `${f}:1`);
      assert.equal(row.stats_format, 'human');
      const want = expected[f]!.stats;
      assert.equal(num(row, 'total_time_ms'), want.time_elapsed, f);
      assert.equal(num(row, 'data_processed_bytes'), want.data_processed, f);
      if (want.downtime !== undefined) assert.equal(num(row, 'downtime_ms'), want.downtime, f);
      if (want.memory_postcopy_requests !== undefined) assert.equal(num(row, 'postcopy_requests'), want.memory_postcopy_requests, f);
    }
  });
});

test('a whole folder of real captures: completed jobs in, running polls and errors skipped', () => {
  withDir((dir) => {
    const files = readdirSync(REAL).filter((f) => f.endsWith('.txt')).map((f) => join(REAL, f));
    const s = importCaptures(files, join(dir, 'out'));
    const rows = readTrials(join(dir, 'out', 'trials.csv'));
    assert.equal(rows.length, s.rows);
    assert.ok(s.rows >= 20, `${s.rows} jobs`);
    assert.ok(s.emptyFiles > 0, 'files with errors or running polls only');
    assert.ok(rows.every((r) => r.status === 'completed' && num(r, 'total_time_ms')! > 0));
  });
});

test('unreadable input: one line naming file and line', () => {
  withDir((dir) => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'some notes\nJob type:         Completed\nTime elapsed:     soon ms\n');
    assert.throws(() => importCaptures([bad], join(dir, 'o1')), (e: unknown) => e instanceof InputError && e.message.startsWith(`${bad}:3: cannot read the value of "Time elapsed": "soon ms"`));
    const raw = join(dir, 'raw.txt');
    writeFileSync(raw, 'Job type: 3\n\noperation: 5\ntime_elapsed: 12x\n');
    assert.throws(() => importCaptures([raw], join(dir, 'o2')), (e: unknown) => e instanceof InputError && e.message.startsWith(`${raw}:4: cannot read the value of time_elapsed`));
    const other = join(dir, 'other.txt');
    writeFileSync(other, 'hello\n');
    assert.throws(() => importCaptures([other], join(dir, 'o3')), (e: unknown) => e instanceof InputError && e.message.startsWith(`${other}:1: no "Job type:" line`));
    assert.throws(() => importCaptures([join(dir, 'missing.txt')], join(dir, 'o4')), /cannot be read/);
  });
});

test("completed jobs that are not migrations (libvirt kbase's backup tables) are skipped and counted, never rows", () => {
  withDir((dir) => {
    const backups = ['live_full_disk_backup.rst.txt', 'live_full_disk_backup.md.txt'].map((f) => join(FIXTURES, 'domjobinfo', 'kbase-backup', f));
    // only backups: refused, naming what was found
    assert.throws(() => importCaptures(backups, join(dir, 'none')), (e: unknown) => e instanceof InputError && /no migration among the completed jobs \(2 backup\)/.test(e.message));
    // beside a migration: the migration is the only row, the backup is counted by kind
    const migration = join(REAL, '01-precopy-A-to-B.completed.src.txt');
    const s = importCaptures([backups[0]!, migration, backups[1]!], join(dir, 'mixed'));
    assert.equal(s.rows, 1);
    assert.deepEqual(s.notMigrations, { backup: 2 }, 'one backup table per file');
    const rows = readTrials(join(dir, 'mixed', 'trials.csv'));
    assert.equal(rows.length, 1);
    assert.equal(num(rows[0]!, 'total_time_ms'), 4952);
  });
});

test('a table pasted with an indent or "> " quotes on every line still parses, to the same values', () => {
  withDir((dir) => {
    const text = readFileSync(join(REAL, '01-precopy-A-to-B.completed.src.txt'), 'utf8');
    const plain = importCaptures([join(REAL, '01-precopy-A-to-B.completed.src.txt')], join(dir, 'plain'));
    assert.equal(plain.rows, 1);
    const want = readTrials(join(dir, 'plain', 'trials.csv'))[0]!;
    for (const [name, prefix] of [['spaces', '    '], ['quoted', '> '], ['nested', '> > ']] as const) {
      const file = join(dir, `${name}.txt`);
      writeFileSync(file, `Someone wrote:\n${text.split('\n').map((l) => (l === '' ? prefix.trimEnd() : `${prefix}${l}`)).join('\n')}\nThanks.\n`);
      const s = importCaptures([file], join(dir, name));
      assert.equal(s.rows, 1, name);
      const got = readTrials(join(dir, name, 'trials.csv'))[0]!;
      for (const col of ['total_time_ms', 'downtime_ms', 'data_processed_bytes', 'constant_bytes', 'stats_format']) assert.equal(got[col], want[col], `${name}: ${col}`);
    }
  });
});
