// `virsh domstate --reason` → state and reason, e.g. "paused (post-copy)".

export type DomainStateName = 'running' | 'paused' | 'shut off' | 'shutdown' | 'crashed' | 'pmsuspended' | 'blocked' | 'idle' | 'in shutdown' | 'no state';

export interface DomainState {
  readonly state: string;
  readonly reason: string | undefined;
}

export function parseDomState(text: string): DomainState {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  const m = /^(.*?)\s*(?:\((.*)\))?$/.exec(line);
  return { state: (m?.[1] ?? line).trim(), reason: m?.[2]?.trim() || undefined };
}

export function formatDomState(s: DomainState): string {
  return s.reason ? `${s.state} (${s.reason})` : s.state;
}
