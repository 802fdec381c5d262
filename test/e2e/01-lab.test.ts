// End to end on a real lab: lab up/status, and bad input that must stop before anything is touched.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migbench, oneLineError } from '../support/cli.js';
import { e2eSkipReason } from '../support/e2e-env.js';
import { experiment } from '../support/experiment.js';
import { HOSTS, hostsVariant, LAB, LAB_DIR, labUp, PREFIX, SUBNET, useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();
const work = mkdtempSync(join(tmpdir(), 'migbench-e2e-'));

function file(name: string, text: string): string {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
}

describe('lab and bad input', { skip }, () => {
  before(useTestLab);
  after(() => rmSync(work, { recursive: true, force: true }));

  test('lab up is idempotent and lab status shows both hosts and the guest', async () => {
    const again = await labUp();
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already up/);
    const status = await migbench(['lab', 'status', ...LAB]);
    assert.equal(status.code, 0, status.stdout);
    const ip = (n: number) => `${SUBNET}.${n}`.replace(/\./g, '\\.');
    assert.match(status.stdout, new RegExp(`${PREFIX}A\\s+${ip(1)}\\s+9\\s+yes\\s+\\d+\\s+\\d+\\s+\\d+`));
    assert.match(status.stdout, new RegExp(`${PREFIX}B\\s+${ip(2)}\\s+9\\s+yes\\s+\\d+\\s+\\d+\\s+\\d+`));
    assert.equal(status.stdout.match(/mbvm: running/g)?.length, 1, 'the guest runs on exactly one host');
  });

  test('CI use: --quiet prints nothing, --sla exits 3 naming the cells, --junit writes the cells; resume of a complete sweep re-checks', async () => {
    const exp = experiment(work, 'ci', 'strategies: [precopy]\ndirections: both\nsettle_s: 0\n');
    const out = join(work, 'ci');
    const junit = join(work, 'ci.xml');
    const r = await migbench(['run', exp, '--hosts', HOSTS, '--out', out, '--quiet', '--sla', 'max:downtime_ms<=1,total_time_ms<=600000', '--junit', junit]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '', '--quiet prints nothing on stdout');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    for (const l of lines) assert.match(l, /^migbench: SLA violated: precopy idle 0ms (a-to-b|b-to-a): max downtime_ms = \d+, needs max:downtime_ms<=1 \(1 of 1 trials completed\)$/);
    const xml = readFileSync(junit, 'utf8');
    assert.equal(xml.match(/<testcase /g)?.length, 2);
    assert.equal(xml.match(/<failure /g)?.length, 2);
    assert.match(xml, /total_time_ms&lt;=600000: \d+\.\d ok/);
    const again = await migbench(['run', '--resume', out, '--sla', 'max:downtime_ms<=100000']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /all 2 trials of ci-\d{8}-\d{6} are already recorded/);
    assert.match(again.stdout, /SLA met: max:downtime_ms<=100000 in all 2 cells/);
  });

  test('bad input: one line naming the problem, exit 2 for config, 1 for runtime; nothing written', async () => {
    const ok = experiment(work, 'ok', 'strategies: [precopy]\n');
    const cases: Array<{ name: string; args: string[]; code: number; match: RegExp }> = [
      { name: 'missing hosts file', args: ['run', ok, '--hosts', join(work, 'nope.yaml')], code: 2, match: /hosts file not found: .*nope\.yaml — / },
      { name: 'YAML syntax error', args: ['run', file('syntax.yaml', 'name: x\nstrategies: [precopy\nrepetitions: 1\n'), '--hosts', HOSTS], code: 2, match: /syntax\.yaml:3:1: YAML syntax error/ },
      { name: 'unknown strategy', args: ['run', file('strat.yaml', 'name: x\nstrategies: [precopy, warp-drive]\n'), '--hosts', HOSTS], code: 2, match: /strat\.yaml:2: strategies\[1\]: unknown strategy "warp-drive" — use one of: / },
      { name: 'unknown option', args: ['run', ok, '--hots', HOSTS], code: 2, match: /unknown option '--hots'/ },
      { name: 'bad SLA rule', args: ['run', ok, '--hosts', HOSTS, '--sla', 'downtime<300'], code: 2, match: /--sla: "downtime" is not a numeric trials\.csv column/ },
      { name: 'resume of a folder that is no sweep', args: ['run', '--resume', work], code: 2, match: /is not a migbench results folder/ },
      {
        name: 'misspelt load field',
        args: ['run', file('load.yaml', 'name: x\nstrategies: [precopy]\nloads:\n  - {name: w, size: "60%", rate_mb_s: 10}\n'), '--hosts', HOSTS],
        code: 2,
        match: /load\.yaml:4: loads\[0\]: unknown field "rate_mb_s"/,
      },
      {
        name: 'bad load size',
        args: ['run', file('size.yaml', 'name: x\nstrategies: [precopy]\nloads:\n  - {name: w, size: 60 percent}\n'), '--hosts', HOSTS],
        code: 2,
        match: /size\.yaml:4: loads\[0\]\.size: size must be MiB/,
      },
      {
        name: 'unknown delay method',
        args: ['run', file('delay.yaml', 'name: x\nstrategies: [precopy]\ndelays_ms: [0, 10]\ndelay: {method: netm}\n'), '--hosts', HOSTS],
        code: 2,
        match: /delay\.yaml:4: delay\.method: delay\.method must be one of: auto, netem, proxy/,
      },
      {
        name: 'writer load without a guest in the hosts file',
        args: ['run', file('writer.yaml', 'name: x\nstrategies: [precopy]\nloads:\n  - {name: w, size: 16}\n'), '--hosts', hostsVariant(work, 'h-noguest.yaml', (d) => delete d.guest)],
        code: 2,
        match: /memwriter loads but .*h-noguest\.yaml has no guest: section/,
      },
      {
        name: 'unreachable host (port closed)',
        args: ['run', ok, '--hosts', hostsVariant(work, 'h-port.yaml', (d) => (d.hosts[1].ssh = { port: 2 }))],
        code: 1,
        match: new RegExp(`${PREFIX}B .*unreachable: connection refused`),
      },
      {
        name: 'unreachable host (no such address)',
        args: ['run', ok, '--hosts', hostsVariant(work, 'h-addr.yaml', (d) => {
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
        args: ['run', ok, '--hosts', hostsVariant(work, 'h-key.yaml', (d) => {
          const key = join(work, 'stranger_key');
          if (!existsSync(key)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
          d.ssh.key = key;
        })],
        code: 1,
        match: /authentication refused for user root with key .*stranger_key/,
      },
      {
        name: 'host key mismatch',
        args: ['run', ok, '--hosts', hostsVariant(work, 'h-hostkey.yaml', (d) => {
          const lines = readFileSync(d.ssh.known_hosts, 'utf8').trim().split('\n');
          const keyOfB = lines[1]!.split(' ').slice(1).join(' ');
          d.ssh.known_hosts = file('kh-swapped', `${lines[0]!.split(' ')[0]} ${keyOfB}\n${lines[1]}\n`);
        })],
        code: 1,
        match: new RegExp(`${PREFIX}A .*HOST KEY MISMATCH: the host presented SHA256:\\S+, .* expects SHA256:\\S+ — `),
      },
      {
        name: 'domain not found',
        args: ['run', ok, '--hosts', hostsVariant(work, 'h-dom.yaml', (d) => (d.domain = 'nosuchvm'))],
        code: 1,
        match: new RegExp(`^migbench: not ready: ${PREFIX}A\\+${PREFIX}B: domain: nosuchvm is not defined on either host — check "domain" in the hosts file`),
      },
      {
        name: 'hostile domain name reaches virsh quoted, not the shell',
        args: ['run', ok, '--hosts', hostsVariant(work, 'h-evil.yaml', (d) => (d.domain = `x'; touch migbench-pwned; $(touch migbench-pwned2) "`))],
        code: 1,
        match: /is not defined on either host/,
      },
    ];
    for (const c of cases) {
      const out = join(work, `out-${c.name.replace(/\W+/g, '-')}`);
      const r = await migbench(c.args.includes('--resume') ? c.args : [...c.args, '--out', out]);
      assert.equal(r.code, c.code, `${c.name}: exit ${r.code}\n${r.stderr}`);
      assert.match(oneLineError(r), c.match, c.name);
      assert.equal(existsSync(out), false, `${c.name}: a results folder was created`);
    }
    // the lab hosts' shells start in their root's home
    for (const h of ['A', 'B']) {
      for (const f of ['migbench-pwned', 'migbench-pwned2']) assert.equal(existsSync(join(LAB_DIR, 'hosts', h, 'root', f)), false, 'a domain name was executed by a shell');
    }
  });

});
