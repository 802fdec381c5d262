// `migbench lab up | down | status`.
import { createLogger } from '../log/logger.js';
import { labDown } from '../lab/down.js';
import { inspectLab } from '../lab/inspect.js';
import { defaultLabSettings, LabLayout, type LabSettings } from '../lab/layout.js';
import { parseLibvirtChoice } from '../lab/libvirt-release.js';
import { labUp } from '../lab/up.js';
import { formatTable } from '../report/table.js';
import { InputError } from '../errors.js';

export interface LabOptions {
  readonly dir?: string;
  readonly prefix?: string;
  readonly subnet?: string;
  readonly guestMemory?: string;
  readonly keepOnFailure?: boolean;
  readonly libvirt?: string;
}

function settings(opts: LabOptions): LabSettings {
  const d = defaultLabSettings();
  let guestMemoryMiB = d.guestMemoryMiB;
  if (opts.guestMemory !== undefined) {
    guestMemoryMiB = Number(opts.guestMemory);
    if (!Number.isInteger(guestMemoryMiB)) throw new InputError(`--guest-memory "${opts.guestMemory}" is not a whole number of MiB`, `e.g. --guest-memory 256`);
  }
  return { dir: opts.dir ?? d.dir, prefix: opts.prefix ?? d.prefix, subnet: opts.subnet ?? d.subnet, guestMemoryMiB, libvirt: parseLibvirtChoice(opts.libvirt) };
}

export async function labUpCommand(opts: LabOptions): Promise<number> {
  const s = settings(opts);
  const log = createLogger({ consoleLevel: 'info' });
  const result = await labUp(s, log, { keepOnFailure: opts.keepOnFailure });
  if (result === 'already-up') process.stdout.write(`lab in ${s.dir} is already up\n`);
  else process.stdout.write(`lab up: hosts file ${s.dir}/hosts.yaml — try: migbench run experiments/smoke.yaml\n`);
  return 0;
}

export async function labDownCommand(opts: LabOptions): Promise<number> {
  const s = settings(opts);
  const log = createLogger({ consoleLevel: 'info' });
  const result = await labDown(s.dir, log);
  process.stdout.write(result === 'not-up' ? `no lab in ${s.dir}; nothing to do\n` : `lab in ${s.dir} removed\n`);
  return 0;
}

export async function labStatusCommand(opts: LabOptions): Promise<number> {
  const s = settings(opts);
  const st = await inspectLab(s.dir);
  if (!st.state) {
    process.stdout.write(`no lab in ${s.dir}\n`);
    return 1;
  }
  const body = st.hosts.map((h) => [
    h.name,
    h.address,
    new LabLayout(st.state!.settings).libvirt(h.key),
    h.netns ? 'yes' : 'no',
    ...(['sshd', 'libvirtd', 'virtlogd'] as const).map((d) => (h.daemons[d] ? String(h.daemons[d]) : '-')),
    Object.entries(h.domains).map(([n, state]) => `${n}: ${state}`).join(', ') || '-',
  ]);
  process.stdout.write(`lab ${s.dir}: ${st.healthy ? 'up' : `NOT HEALTHY (${st.problems.join('; ')})`}\n`);
  process.stdout.write(`bridge ${st.state.settings.prefix}br0: ${st.bridge ? 'present' : 'missing'}; hosts file ${s.dir}/hosts.yaml\n\n`);
  process.stdout.write(`${formatTable(['host', 'address', 'libvirt', 'netns', 'sshd', 'libvirtd', 'virtlogd', 'domains'], body)}\n`);
  return st.healthy ? 0 : 1;
}
