// The lab guest runs the machine's Debian kernel, whose virtio drivers are modules: find them and their
// dependencies (modules.dep) in load order, uncompressed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { shBytes } from './local.js';

export interface KernelModule {
  readonly name: string;
  readonly data: Buffer;
}

/** Parses modules.dep into module path → dependency paths. */
export function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const [mod, rest] = line.split(':');
    if (mod && rest !== undefined) deps.set(mod.trim(), rest.trim().split(/\s+/).filter(Boolean));
  }
  return deps;
}

const moduleName = (path: string) => path.split('/').at(-1)!.replace(/\.ko(\.(xz|zst|gz))?$/, '');

/** Module paths for `wanted`, each after its dependencies. */
export function loadOrder(deps: Map<string, string[]>, wanted: readonly string[]): string[] {
  const byName = new Map([...deps.keys()].map((p) => [moduleName(p), p]));
  const order: string[] = [];
  const visit = (path: string) => {
    if (order.includes(path)) return;
    for (const d of deps.get(path) ?? []) visit(d);
    order.push(path);
  };
  for (const name of wanted) {
    const path = byName.get(name);
    if (!path) throw new InputError(`kernel module ${name} not found in modules.dep`, `the guest kernel needs it as a module`);
    visit(path);
  }
  return order;
}

export async function guestModules(kernelVersion: string, wanted: readonly string[]): Promise<KernelModule[]> {
  const dir = join('/lib/modules', kernelVersion);
  if (!existsSync(join(dir, 'modules.dep'))) {
    throw new InputError(`no ${dir}/modules.dep: the guest kernel's modules are missing`, `install its package (apt-get install linux-image-amd64)`);
  }
  const order = loadOrder(parseModulesDep(readFileSync(join(dir, 'modules.dep'), 'utf8')), wanted);
  const modules: KernelModule[] = [];
  for (const rel of order) {
    const file = join(dir, rel);
    let data: Buffer;
    if (rel.endsWith('.ko')) data = readFileSync(file);
    else if (rel.endsWith('.ko.xz')) data = await shBytes('xz', ['-dc', file]);
    else if (rel.endsWith('.ko.zst')) data = await shBytes('zstd', ['-dc', file]);
    else throw new InputError(`kernel module ${file} has a compression migbench does not unpack`, 'install the kernel package whose modules are .ko, .ko.xz or .ko.zst');
    modules.push({ name: moduleName(rel), data });
  }
  return modules;
}
