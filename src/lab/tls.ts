// The lab's TLS for migrations (strategy `tls: true`): a CA of its own and, per host, one certificate for both ends
// of a migration (QEMU is the server on the destination, the client on the source), named after the host and its
// address. QEMU reads them from migrate_tls_x509_cert_dir (host-files.ts points each host's qemu.conf there).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_KEYS, type HostKey, type LabLayout } from './layout.js';
import { sh } from './local.js';

export function tlsDir(layout: LabLayout, h: HostKey): string {
  return join(layout.hostDir(h), 'pki-qemu');
}

export async function createTlsCertificates(layout: LabLayout): Promise<void> {
  const ca = join(layout.dir, 'tls-ca');
  mkdirSync(ca, { recursive: true, mode: 0o700 });
  const caKey = join(ca, 'ca-key.pem');
  const caCert = join(ca, 'ca-cert.pem');
  await sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650', '-subj', `/CN=migbench lab ${layout.bridge} CA`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', caKey, '-out', caCert]);
  for (const h of HOST_KEYS) {
    const d = tlsDir(layout, h);
    mkdirSync(d, { recursive: true, mode: 0o700 });
    const key = join(d, 'server-key.pem');
    const csr = join(d, 'server.csr');
    const ext = join(d, 'server.ext');
    writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:${layout.hostName(h)},IP:${layout.hostIp(h)}\n`);
    await sh('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${layout.hostName(h)}`, '-keyout', key, '-out', csr]);
    await sh('openssl', ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-days', '3650', '-extfile', ext, '-out', join(d, 'server-cert.pem')]);
    // one certificate serves both roles
    await sh('cp', [caCert, join(d, 'ca-cert.pem')]);
    await sh('cp', [join(d, 'server-cert.pem'), join(d, 'client-cert.pem')]);
    await sh('cp', [key, join(d, 'client-key.pem')]);
  }
}
