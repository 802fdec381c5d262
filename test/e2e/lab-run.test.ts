// End to end on a real lab: two libvirt hosts in namespaces, a TCG guest, real virsh migrations over SSH.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readTrials, num } from '../../src/results/read-trials.js';
import { migbench, oneLineError } from '../support/cli.js';
import { e2eSkipReason } from '../support/e2e-env.js';

const skip = e2eSkipReason();
// Its own lab, beside any lab a user has up; overridable so that two test runs can share a machine.
const LAB_DIR = process.env.MIGBENCH_E2E_DIR ?? '/tmp/migbench-e2e-lab';
const LAB = ['--dir', LAB_DIR];
const PREFIX = process.env.MIGBENCH_E2E_PREFIX ?? 'mbt';
const SUBNET = process.env.MIGBENCH_E2E_SUBNET ?? '10.77.9';
const HOSTS = join(LAB_DIR, 'hosts.yaml');
const GUEST_RAM = 256 * 2 ** 20;

const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-'));

function file(name: string, text: string): string {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
}

/** The lab's hosts.yaml with some fields changed, as another file. */
function hostsVariant(name: string, edit: (doc: Record<string, any>) => void): string {
  const doc = parse(readFileSync(HOSTS, 'utf8')) as Record<string, any>;
  edit(doc);
  return file(name, JSON.stringify(doc));
}

function heartbeats(): number {
  return (readFileSync(join(LAB_DIR, 'serial', 'mbvm.log'), 'utf8').match(/^heartbeat \d+/gm) ?? []).length;
}

function leftovers(): string[] {
  const found: string[] = [];
  const netns = existsSync('/run/netns') ? execFileSync('ls', ['/run/netns'], { encoding: 'utf8' }) : '';
  for (const ns of [`${PREFIX}A`, `${PREFIX}B`]) if (netns.split('\n').includes(ns)) found.push(`netns ${ns}`);
  try {
    execFileSync('ip', ['link', 'show', 'dev', `${PREFIX}br0`], { stdio: 'ignore' });
    found.push(`bridge ${PREFIX}br0`);
  } catch {
    /* gone, good */
  }
  if (existsSync(LAB_DIR)) found.push(`folder ${LAB_DIR}`);
  const procs = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(LAB_DIR) && !l.includes('ps -eo'));
  found.push(...procs.map((p) => `process ${p.trim()}`));
  return found;
}

describe('migbench on a two-host lab', { skip }, () => {
  before(async () => {
    await migbench(['lab', 'down', ...LAB]);
    const up = await migbench(['lab', 'up', ...LAB, '--prefix', PREFIX, '--subnet', SUBNET]);
    assert.equal(up.code, 0, `lab up failed:\n${up.stderr}`);
  });

  after(async () => {
    await migbench(['lab', 'down', ...LAB]);
    rmSync(work, { recursive: true, force: true });
  });

  test('lab up is idempotent and lab status shows both hosts and the guest', async () => {
    const again = await migbench(['lab', 'up', ...LAB, '--prefix', PREFIX, '--subnet', SUBNET]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already up/);
    const status = await migbench(['lab', 'status', ...LAB]);
    assert.equal(status.code, 0, status.stdout);
    const ip = (n: number) => `${SUBNET}.${n}`.replace(/\./g, '\\.');
    assert.match(status.stdout, new RegExp(`${PREFIX}A\\s+${ip(1)}\\s+yes\\s+\\d+\\s+\\d+\\s+\\d+\\s+mbvm: running`));
    assert.match(status.stdout, new RegExp(`${PREFIX}B\\s+${ip(2)}\\s+yes\\s+\\d+\\s+\\d+\\s+\\d+`));
  });

  test('real pre-copy and post-copy migrations in both directions fill trials.csv', async () => {
    const before = heartbeats();
    const experiment = file('e2e.yaml', 'name: e2e\nstrategies: [precopy, postcopy]\nrepetitions: 2\ndirections: both\nsettle_s: 0.5\nmigration_timeout_s: 120\n');
    const out = join(work, 'results');
    const r = await migbench(['run', experiment, '--hosts', HOSTS, '--out', out]);
    assert.equal(r.code, 0, `run failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /8 of 8 trials recorded/);

    const rows = readTrials(join(out, 'trials.csv'));
    assert.equal(rows.length, 8);
    assert.deepEqual(rows.map((x) => Number(x.trial_index)), [0, 1, 2, 3, 4, 5, 6, 7]);
    for (const row of rows) {
      const what = `trial ${row.trial_index} (${row.strategy} ${row.direction})`;
      assert.equal(row.status, 'completed', `${what}: ${row.error}`);
      assert.equal(row.error, '');
      for (const c of ['downtime_ms', 'total_time_ms', 'setup_time_ms', 'data_processed_bytes', 'memory_total_bytes', 'memory_processed_bytes', 'constant_pages', 'normal_pages', 'normal_bytes', 'iterations', 'postcopy_requests', 'memory_bps', 'libvirt_version', 'started_at']) {
        assert.notEqual(row[c], '', `${what}: ${c} is empty`);
      }
      assert.equal(row.source, `${PREFIX}${row.direction === 'a-to-b' ? 'A' : 'B'}`);
      assert.equal(row.destination, `${PREFIX}${row.direction === 'a-to-b' ? 'B' : 'A'}`);
      assert.equal(num(row, 'ram_bytes'), GUEST_RAM);
      // memory_total is the guest's RAM plus QEMU's small ROM/firmware blocks
      const total = num(row, 'memory_total_bytes')!;
      assert.ok(total >= GUEST_RAM && total <= GUEST_RAM + 16 * 2 ** 20, `${what}: memory_total ${total}`);
      assert.ok(num(row, 'data_processed_bytes')! > 0);
      assert.equal(num(row, 'constant_pages')! + num(row, 'normal_pages')! > 0, true);
      assert.ok(num(row, 'total_time_ms')! > 0);
      if (row.strategy === 'precopy') {
        assert.ok(num(row, 'iterations')! >= 1, `${what}: iterations ${row.iterations}`);
        assert.equal(num(row, 'postcopy_requests'), 0);
        assert.equal(row.postcopy_switch_ms, '');
      } else {
        assert.ok(num(row, 'postcopy_requests')! >= 0);
        assert.notEqual(row.postcopy_switch_ms, '', `${what}: the switch to post-copy was not recorded`);
        assert.ok(num(row, 'downtime_ms')! * 5 < num(row, 'total_time_ms')!, `${what}: downtime ${row.downtime_ms} ms is not much smaller than total ${row.total_time_ms} ms`);
      }
    }
    // raw.jsonl keeps the verbatim virsh output behind every row
    const raw = readFileSync(join(out, 'raw.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const trialsRaw = raw.filter((e) => e.event === 'trial');
    assert.equal(trialsRaw.length, 8);
    for (const t of trialsRaw) assert.match(t.sourceJob.text, /^Job type: 3/);
    assert.ok(existsSync(join(out, 'sweep.log')));
    // the guest kept running through 8 migrations
    await new Promise((res) => setTimeout(res, 5500));
    assert.ok(heartbeats() > before, 'the guest stopped printing heartbeats');
  });

  test('bad input: one line naming the problem, exit 2 for config, 1 for runtime; nothing written', async () => {
    const ok = file('ok.yaml', 'name: ok\nstrategies: [precopy]\n');
    const cases: Array<{ name: string; args: string[]; code: number; match: RegExp }> = [
      { name: 'missing hosts file', args: ['run', ok, '--hosts', join(work, 'nope.yaml')], code: 2, match: /hosts file not found: .*nope\.yaml — / },
      { name: 'YAML syntax error', args: ['run', file('syntax.yaml', 'name: x\nstrategies: [precopy\nrepetitions: 1\n'), '--hosts', HOSTS], code: 2, match: /syntax\.yaml:3:1: YAML syntax error/ },
      { name: 'unknown strategy', args: ['run', file('strat.yaml', 'name: x\nstrategies: [precopy, warp-drive]\n'), '--hosts', HOSTS], code: 2, match: /strat\.yaml:2: strategies\[1\]: unknown strategy "warp-drive" — use one of: / },
      { name: 'unknown option', args: ['run', ok, '--hots', HOSTS], code: 2, match: /unknown option '--hots'/ },
      {
        name: 'unreachable host (port closed)',
        args: ['run', ok, '--hosts', hostsVariant('h-port.yaml', (d) => (d.hosts[1].ssh = { port: 2 }))],
        code: 1,
        match: new RegExp(`${PREFIX}B .*unreachable: connection refused`),
      },
      {
        name: 'unreachable host (no such address)',
        args: ['run', ok, '--hosts', hostsVariant('h-addr.yaml', (d) => {
          d.hosts[1].address = `${SUBNET}.99`;
          d.ssh.connect_timeout_s = 3;
          const kh = readFileSync(d.ssh.known_hosts, 'utf8').replace(`${SUBNET}.2,`, `${SUBNET}.99,`);
          d.ssh.known_hosts = file('kh-addr', kh);
        })],
        code: 1,
        match: new RegExp(`${PREFIX}B .*${SUBNET.replace(/\./g, '\\.')}\\.99.*unreachable`),
      },
      {
        name: 'wrong key',
        args: ['run', ok, '--hosts', hostsVariant('h-key.yaml', (d) => {
          const key = join(work, 'stranger_key');
          if (!existsSync(key)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
          d.ssh.key = key;
        })],
        code: 1,
        match: /authentication refused for user root with key .*stranger_key/,
      },
      {
        name: 'host key mismatch',
        args: ['run', ok, '--hosts', hostsVariant('h-hostkey.yaml', (d) => {
          const lines = readFileSync(d.ssh.known_hosts, 'utf8').trim().split('\n');
          const keyOfB = lines[1]!.split(' ').slice(1).join(' ');
          d.ssh.known_hosts = file('kh-swapped', `${lines[0]!.split(' ')[0]} ${keyOfB}\n${lines[1]}\n`);
        })],
        code: 1,
        match: new RegExp(`${PREFIX}A .*HOST KEY MISMATCH: the host presented SHA256:\\S+, .* expects SHA256:\\S+ — `),
      },
      {
        name: 'domain not found',
        args: ['run', ok, '--hosts', hostsVariant('h-dom.yaml', (d) => (d.domain = 'nosuchvm'))],
        code: 1,
        match: new RegExp(`domain nosuchvm not found on any host \\(${PREFIX}A: not defined, ${PREFIX}B: not defined\\)`),
      },
      {
        name: 'hostile domain name reaches virsh quoted, not the shell',
        args: ['run', ok, '--hosts', hostsVariant('h-evil.yaml', (d) => (d.domain = `x'; touch migbench-pwned; $(touch migbench-pwned2) "`))],
        code: 1,
        match: /not found on any host/,
      },
    ];
    for (const c of cases) {
      const out = join(work, `out-${c.name.replace(/\W+/g, '-')}`);
      const r = await migbench([...c.args, '--out', out]);
      assert.equal(r.code, c.code, `${c.name}: exit ${r.code}\n${r.stderr}`);
      assert.match(oneLineError(r), c.match, c.name);
      assert.equal(existsSync(out), false, `${c.name}: a results folder was created`);
    }
    // the lab hosts' shells start in root's home, which they share with this machine
    assert.equal(existsSync('/root/migbench-pwned') || existsSync('/root/migbench-pwned2'), false, 'a domain name was executed by a shell');
  });

  test('lab down works on a partly broken lab and leaves nothing behind', async () => {
    const sshdPid = Number(readFileSync(join(LAB_DIR, 'hosts', 'B', 'run', 'sshd.pid'), 'utf8'));
    process.kill(sshdPid, 'SIGKILL');
    const status = await migbench(['lab', 'status', ...LAB]);
    assert.equal(status.code, 1);
    assert.match(status.stdout, new RegExp(`NOT HEALTHY \\(.*sshd of ${PREFIX}B not running`));
    const down = await migbench(['lab', 'down', ...LAB]);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(leftovers(), []);
    const again = await migbench(['lab', 'down', ...LAB]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /nothing to do/);
  });
});
