// Reads OpenSSH known_hosts files: plain, wildcard, negated and hashed (|1|salt|hash) host patterns.
import { createHash, createHmac } from 'node:crypto';

export interface KnownKey {
  readonly type: string;
  /** The public key blob in SSH wire format (what the server presents). */
  readonly blob: Buffer;
  readonly line: number;
}

export interface KnownHostKeys {
  readonly keys: KnownKey[];
  readonly revoked: KnownKey[];
}

/** The name a host is recorded under in known_hosts: "host", or "[host]:port" for other ports. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function findHostKeys(text: string, address: string, port: number): KnownHostKeys {
  const name = knownHostsName(address, port);
  const keys: KnownKey[] = [];
  const revoked: KnownKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]?.startsWith('@')) marker = fields.shift();
    const [patterns, type, b64] = fields;
    if (!patterns || !type || !b64) return;
    if (marker === '@cert-authority') return; // certificates are not supported; such lines never match
    if (!matchesPatterns(patterns, name)) return;
    const key = { type, blob: Buffer.from(b64, 'base64'), line: i + 1 };
    (marker === '@revoked' ? revoked : keys).push(key);
  });
  return { keys, revoked };
}

function matchesPatterns(patterns: string, name: string): boolean {
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('|1|')) {
      if (matchesHashed(p, name)) matched = true;
    } else if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) {
      matched = true;
    }
  }
  return matched;
}

function matchesHashed(pattern: string, name: string): boolean {
  const [, , salt, hash] = pattern.split('|');
  if (!salt || !hash) return false;
  const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return mac === hash;
}

function globMatch(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/** ssh2 host key algorithms to offer, so that the server presents a key type we know. */
export function hostKeyAlgorithms(keys: readonly KnownKey[]): string[] {
  const algos = new Set<string>();
  for (const k of keys) {
    if (k.type === 'ssh-rsa') for (const a of ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']) algos.add(a);
    else algos.add(k.type);
  }
  return [...algos];
}
