/**
 * The emulator's TLS certificate: a self-signed *leaf* for `localhost` and `127.0.0.1`, generated on first start
 * into `<dataDir>/cert.pem` + `key.pem` and reused afterwards (clients that trust it once keep trusting it).
 *
 * It is deliberately not a CA (basicConstraints `cA: false`, no `keyCertSign`): trusting it — as `ca`, or through
 * NODE_EXTRA_CA_CERTS as docs/emulator.md suggests — vouches for these two names only. A CA certificate would let
 * anyone holding `key.pem` (any process that can read the data dir) sign a certificate for management.azure.com
 * that the trusting process would accept. A certificate from an older amlcdk that is still a CA is replaced.
 */
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import selfsigned from 'selfsigned';

export interface EmulatorCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certPath: string;
}

function stillValid(pem: string): boolean {
  try {
    const c = new X509Certificate(pem);
    // Regenerate a few days before expiry so a long-lived data dir never serves an expired certificate.
    return (
      new Date(c.validTo).getTime() - Date.now() > 3 * 24 * 3600 * 1000 && c.checkIP('127.0.0.1') !== undefined && !c.ca
    );
  } catch {
    return false;
  }
}

export async function loadOrCreateCertificate(dataDir: string): Promise<EmulatorCertificate> {
  const certPath = join(dataDir, 'cert.pem');
  const keyPath = join(dataDir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const certPem = readFileSync(certPath, 'utf8');
    const keyPem = readFileSync(keyPath, 'utf8');
    if (stillValid(certPem)) return { certPem, keyPem, certPath };
  }
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 825 * 24 * 3600 * 1000);
  const pems = await selfsigned.generate(
    [
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'amlcdk local ARM emulator' },
    ],
    {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: notBefore,
      notAfterDate: notAfter,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    },
  );
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  writeFileSync(certPath, pems.cert);
  return { certPem: pems.cert, keyPem: pems.private, certPath };
}
