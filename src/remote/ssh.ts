// One ssh2 connection per host, reused for every command of a sweep. Each command is its own exec channel.
import { readFileSync } from 'node:fs';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { HostSpec } from '../config/hosts.js';
import { InputError, RuntimeError } from '../errors.js';
import { watchdogArgv, type ExecOptions, type ExecResult, type Host, type RemoteProcess, type StartOptions } from './host.js';
import { findHostKeys, fingerprint, hostKeyAlgorithms, knownHostsName } from './known-hosts.js';
import { commandLine } from './quote.js';

export type SshFailure = 'unreachable' | 'auth' | 'host-key' | 'lost' | 'timeout';

export class SshError extends RuntimeError {
  constructor(
    readonly kind: SshFailure,
    problem: string,
    fix: string,
    options?: { cause?: unknown },
  ) {
    super(problem, fix, options);
  }
}

interface OpenChannel {
  readonly channel: ClientChannel;
  /** Settles when the channel closed: the command exited, or the connection dropped. */
  readonly closed: Promise<ExecResult>;
}

export class SshHost implements Host {
  private closed = false;
  private lostReason: string | undefined;
  private readonly channels = new Set<ClientChannel>();

  private constructor(
    readonly spec: HostSpec,
    private readonly client: Client,
  ) {
    client.on('error', (err) => (this.lostReason ??= err.message));
    client.on('close', () => {
      this.lostReason ??= 'connection closed';
      for (const ch of this.channels) ch.destroy();
    });
  }

  get name(): string {
    return this.spec.name;
  }

  /** False once the connection dropped; commands then fail with SshError('lost'). */
  get connected(): boolean {
    return !this.closed && this.lostReason === undefined;
  }

  /** Connects directly, or through `via` (a jump host) when given. */
  static async connect(spec: HostSpec, via?: SshHost): Promise<SshHost> {
    const config = connectConfig(spec);
    if (via) config.ssh.sock = (await via.forward(spec.address, spec.ssh.port)) as unknown as ConnectConfig['sock'];
    const client = new Client();
    let rejectedKey: Buffer | undefined;
    const known = config.known;
    // 'on', not 'once': a failing handshake can emit more than one error (a timeout, then the socket's close), and
    // an ssh2 error without a listener is an uncaught exception
    const onError = (err: Error & { level?: string; code?: string }) => failed(describeConnectError(spec, err, rejectedKey, known));
    let failed: (err: Error) => void = () => undefined;
    client.on('error', onError);
    await new Promise<void>((resolve, reject) => {
      failed = (err) => {
        failed = () => undefined;
        client.destroy();
        reject(err);
      };
      client.once('ready', () => resolve());
      client.connect({
        ...config.ssh,
        hostVerifier: (key: Buffer) => {
          if (known.keys.some((k) => k.blob.equals(key)) && !known.revoked.some((k) => k.blob.equals(key))) return true;
          rejectedKey = key;
          return false;
        },
      });
    });
    client.off('error', onError);
    // Small request/response exchanges (every exec, every sample) must not wait for delayed ACKs.
    client.setNoDelay(true);
    return new SshHost(spec, client);
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? this.spec.ssh.commandTimeoutMs;
    const { channel, closed } = await this.open(argv);
    channel.end(opts.stdin);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        channel.close();
        reject(new SshError('timeout', `${this.name}: \`${argv.slice(0, 3).join(' ')}\` did not finish within ${Math.round(timeoutMs / 1000)} s`, 'check that the host is not overloaded; a longer timeout in the experiment gives it more time'));
      }, timeoutMs);
    });
    try {
      return await Promise.race([closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  start(argv: readonly string[], opts: StartOptions = {}): RemoteProcess {
    const opened = this.open(opts.interactive ? argv : watchdogArgv(argv), opts.onLine, opts.onData);
    opened.catch(() => undefined);
    const done = opened.then((o) => o.closed);
    done.catch(() => undefined);
    let channel: ClientChannel | undefined;
    const pending: string[] = [];
    void opened.then((o) => {
      channel = o.channel;
      for (const text of pending.splice(0)) channel.write(text);
    }, () => undefined);
    return {
      done,
      write: (text) => {
        if (!opts.interactive) throw new Error('write() needs an interactive command');
        if (channel) {
          if (channel.writable) channel.write(text);
        } else pending.push(text);
      },
      stop: async () => {
        const o = await opened;
        if (o.channel.writable) o.channel.end();
        return o.closed;
      },
    };
  }

  /** A TCP stream to address:port opened from this host (for reaching a guest through it). */
  forward(address: string, port: number): Promise<NodeJS.ReadableStream & NodeJS.WritableStream> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, address, port, (err, stream) => {
        if (err) reject(new SshError('unreachable', `${this.name} cannot open a connection to ${address}:${port}: ${err.message}`, 'check that sshd allows TCP forwarding (AllowTcpForwarding) on the host it goes through'));
        else resolve(stream);
      });
    });
  }

  private open(argv: readonly string[], onLine?: (line: string) => void, onData?: (text: string) => void): Promise<OpenChannel> {
    const full = this.spec.sudo ? ['sudo', '-n', '--', ...argv] : [...argv];
    const line = commandLine(full);
    const started = performance.now();
    if (!this.connected) return Promise.reject(this.lostError());
    return new Promise<OpenChannel>((resolveOpen, rejectOpen) => {
      this.client.exec(line, (err, ch) => {
        if (err) {
          rejectOpen(this.connected ? new SshError('lost', `${this.name}: cannot open a channel: ${err.message}`, 'raise MaxSessions in the host\'s sshd_config, or check the host') : this.lostError());
          return;
        }
        this.channels.add(ch);
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let partial = '';
        let code: number | null = null;
        let signal: string | undefined;
        ch.on('data', (d: Buffer) => {
          out.push(d);
          onData?.(d.toString('utf8'));
          if (onLine) {
            const lines = (partial + d.toString('utf8')).split('\n');
            partial = lines.pop() ?? '';
            for (const l of lines) onLine(l);
          }
        });
        ch.stderr.on('data', (d: Buffer) => errOut.push(d));
        ch.on('exit', (c: number | null, sig?: string) => {
          code = c;
          signal = sig ?? undefined;
        });
        const closed = new Promise<ExecResult>((resolve, reject) => {
          ch.on('close', () => {
            this.channels.delete(ch);
            if (onLine && partial) onLine(partial);
            if (code === null && signal === undefined && !this.connected) {
              reject(this.lostError());
              return;
            }
            resolve({
              stdout: Buffer.concat(out).toString('utf8'),
              stderr: Buffer.concat(errOut).toString('utf8'),
              code,
              signal,
              durationMs: performance.now() - started,
            });
          });
        });
        closed.catch(() => undefined);
        resolveOpen({ channel: ch, closed });
      });
    });
  }

  private lostError(): SshError {
    return new SshError('lost', `${this.name}: SSH connection lost (${this.lostReason ?? 'closed'})`, `check the host and the network, then run again`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      this.client.once('close', () => resolve());
      this.client.end();
      setTimeout(resolve, 2000).unref();
    });
  }
}

function connectConfig(spec: HostSpec): { ssh: ConnectConfig; known: ReturnType<typeof findHostKeys> } {
  const s = spec.ssh;
  let knownText: string;
  try {
    knownText = readFileSync(s.knownHosts, 'utf8');
  } catch {
    throw new InputError(`${spec.name}: known_hosts file ${s.knownHosts} cannot be read`, `set ssh.known_hosts in the hosts file, or create it with ssh-keyscan after checking the fingerprint`);
  }
  const known = findHostKeys(knownText, spec.address, s.port);
  const ssh: ConnectConfig = {
    host: spec.address,
    port: s.port,
    username: s.user,
    readyTimeout: s.connectTimeoutMs,
    // a silent host link is declared lost after ~6-8 s, in step with the hosts' guards (guard/host-guard.ts)
    keepaliveInterval: s.keepaliveMs,
    keepaliveCountMax: 3,
  };
  if (known.keys.length > 0) {
    ssh.algorithms = { serverHostKey: hostKeyAlgorithms(known.keys) as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] };
  }
  if (s.key !== undefined) {
    try {
      ssh.privateKey = readFileSync(s.key);
    } catch {
      throw new InputError(`${spec.name}: SSH key ${s.key} cannot be read`, `set ssh.key in the hosts file to your private key file`);
    }
  }
  if (s.agent) {
    if (!process.env.SSH_AUTH_SOCK && s.key === undefined) {
      throw new InputError(`${spec.name}: no SSH key given and no agent running (SSH_AUTH_SOCK is unset)`, `set ssh.key in the hosts file or start ssh-agent`);
    }
    if (process.env.SSH_AUTH_SOCK) ssh.agent = process.env.SSH_AUTH_SOCK;
  }
  return { ssh, known };
}

function describeConnectError(
  spec: HostSpec,
  err: Error & { level?: string; code?: string },
  rejectedKey: Buffer | undefined,
  known: ReturnType<typeof findHostKeys>,
): Error {
  const where = `${spec.name} (${spec.ssh.user}@${spec.address}:${spec.ssh.port})`;
  if (err instanceof SshError) return err;
  if (rejectedKey && known.keys.length === 0) {
    return new SshError(
      'host-key',
      `${where}: unknown host: ${knownHostsName(spec.address, spec.ssh.port)} is not in ${spec.ssh.knownHosts}; it presented ${fingerprint(rejectedKey)}`,
      `check that fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then add it: ssh-keyscan -p ${spec.ssh.port} ${spec.address} >> ${spec.ssh.knownHosts}`,
    );
  }
  if (rejectedKey) {
    const revoked = known.revoked.some((k) => k.blob.equals(rejectedKey));
    const expected = known.keys.map((k) => fingerprint(k.blob)).join(' or ');
    return new SshError(
      'host-key',
      revoked
        ? `${where}: host key ${fingerprint(rejectedKey)} is marked @revoked in ${spec.ssh.knownHosts}`
        : `${where}: HOST KEY MISMATCH: the host presented ${fingerprint(rejectedKey)}, ${spec.ssh.knownHosts} expects ${expected}`,
      revoked
        ? 'do not connect; find out why the host has this key'
        : `if the host was reinstalled, remove its old line (ssh-keygen -R ${spec.address} -f ${spec.ssh.knownHosts}) and add the new key after checking it`,
    );
  }
  if (/encrypted private/i.test(err.message) || /passphrase/i.test(err.message)) {
    return new InputError(`${where}: SSH key ${spec.ssh.key} is encrypted`, `load it into ssh-agent and drop ssh.key, or use a key without passphrase`);
  }
  if (/privateKey|private key/i.test(err.message)) {
    return new InputError(`${where}: SSH key ${spec.ssh.key} is not a usable private key (${err.message})`, `point ssh.key at an OpenSSH private key`);
  }
  switch (err.level) {
    case 'client-authentication':
      return new SshError('auth', `${where}: authentication refused for user ${spec.ssh.user} with ${spec.ssh.key ? `key ${spec.ssh.key}` : "the agent's keys"}`, `add the public key to ~${spec.ssh.user}/.ssh/authorized_keys on the host, or fix ssh.user / ssh.key`);
    case 'client-timeout':
      return new SshError('unreachable', `${where}: unreachable: no SSH handshake within ${spec.ssh.connectTimeoutMs / 1000} s`, `check the address, routing and firewall`);
    case 'client-dns':
      return new SshError('unreachable', `${where}: cannot resolve ${spec.address}`, `fix the address in the hosts file`);
    case 'client-socket': {
      const reason = err.code === 'ECONNREFUSED' ? 'connection refused (is sshd running on that port?)' : (err.code ?? err.message);
      return new SshError('unreachable', `${where}: unreachable: ${reason}`, `check the address and port in the hosts file`);
    }
    default:
      return new SshError('unreachable', `${where}: SSH connection failed: ${err.message}`, `check the host's sshd and the hosts file`);
  }
}
