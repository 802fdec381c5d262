// Last: lab down removes a lab even when part of it is broken, and leaves nothing behind.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migbench } from '../support/cli.js';
import { e2eSkipReason } from '../support/e2e-env.js';
import { LAB, LAB_DIR, labUp, PREFIX, useTestLab } from '../support/test-lab.js';

const skip = e2eSkipReason();

function leftovers(): string[] {
  const found: string[] = [];
  const netns = existsSync('/run/netns') ? execFileSync('ls', ['/run/netns'], { encoding: 'utf8' }).split('\n') : [];
  for (const ns of [`${PREFIX}A`, `${PREFIX}B`]) if (netns.includes(ns)) found.push(`netns ${ns}`);
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

describe('lab down', { skip }, () => {
  /** lab.json of the lab the first test takes down: the second rebuilds its state as a reboot would leave it. */
  let state: Record<string, unknown> = {};

  test('works on a partly broken lab and leaves nothing behind', async () => {
    await useTestLab();
    state = JSON.parse(readFileSync(join(LAB_DIR, 'lab.json'), 'utf8')) as Record<string, unknown>;
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

  test('a lab left from before a reboot (or on a copied disk): status says so, up rebuilds it, no PID of it is trusted', async () => {
    assert.equal(typeof state.bootId, 'string', 'lab.json records the boot id');
    // what such a disk holds: lab.json of another boot, namespace files that are no mounts, and pid files whose
    // numbers now belong to someone else (here: this test process, which must survive)
    mkdirSync(join(LAB_DIR, 'hosts', 'A', 'run'), { recursive: true });
    writeFileSync(join(LAB_DIR, 'lab.json'), JSON.stringify({ ...state, bootId: '00000000-0000-0000-0000-000000000000' }));
    for (const d of ['sshd', 'libvirtd', 'virtlogd']) writeFileSync(join(LAB_DIR, 'hosts', 'A', 'run', `${d}.pid`), `${process.pid}\n`);
    mkdirSync('/run/netns', { recursive: true });
    for (const ns of [`${PREFIX}A`, `${PREFIX}B`]) writeFileSync(join('/run/netns', ns), '');
    const status = await migbench(['lab', 'status', ...LAB]);
    assert.equal(status.code, 1);
    assert.match(status.stdout, /made before this machine last booted/);
    const up = await labUp();
    assert.equal(up.code, 0, up.stderr);
    assert.equal(JSON.parse(readFileSync(join(LAB_DIR, 'lab.json'), 'utf8')).phase, 'up');
    const down = await migbench(['lab', 'down', ...LAB]);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(leftovers(), []);
  });
});
