// The migration capabilities of a host's QEMU, asked from the binary itself over QMP (`-machine none`: no guest,
// no KVM needed) rather than guessed from its version.
import type { Host } from '../remote/host.js';

const QMP = '{"execute":"qmp_capabilities"}\n{"execute":"query-migrate-capabilities"}\n{"execute":"quit"}\n';

export async function qemuMigrationCapabilities(host: Host, emulator: string): Promise<string[] | undefined> {
  const res = await host.exec(['timeout', '30', emulator, '-machine', 'none', '-nodefaults', '-nographic', '-display', 'none', '-qmp', 'stdio'], { stdin: QMP, timeoutMs: 40_000 });
  for (const line of res.stdout.split('\n')) {
    try {
      const msg = JSON.parse(line) as { return?: unknown };
      if (Array.isArray(msg.return)) return (msg.return as Array<{ capability: string }>).map((c) => c.capability);
    } catch {
      /* greeting and other lines */
    }
  }
  return undefined;
}

/** The emulator of the domain (from its XML), or the usual binary when the domain is not known there. */
export async function emulatorOf(host: Host, virshArgv: (args: string[]) => string[], domain: string): Promise<string> {
  const res = await host.exec(virshArgv(['dumpxml', `--domain=${domain}`]));
  return /<emulator>([^<]+)<\/emulator>/.exec(res.stdout)?.[1] ?? '/usr/bin/qemu-system-x86_64';
}
