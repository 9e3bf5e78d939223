/**
 * Trust in the local target (issue 14 findings 3 and 4).
 *
 * - The marker `<dataDir>/emulator.json` is a file in the working directory: a planted one must not redirect the
 *   local target (and the secrets an apply resolves) anywhere. It is trusted only for `https://127.0.0.1` or
 *   `https://localhost`, with its certificate inside the data dir, when a live process answers the health check
 *   for the same data dir.
 * - The emulator's certificate is a self-signed leaf, not a CA: a certificate for management.azure.com signed with
 *   its key is refused by a client that trusts the emulator certificate (as `ca`, or as NODE_EXTRA_CA_CERTS does).
 */
import { test, describe, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import selfsigned from 'selfsigned';
import { loadOrCreateCertificate } from '../../lib/emulator/cert.js';
import { startEmulator, type RunningEmulator } from '../../lib/emulator/index.js';
import { ensureLocalEmulator, markerProblem } from '../../lib/emulator/local.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'amlcdk-trust-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the emulator marker', () => {
  test('only a loopback https URL with the certificate inside the data dir passes the marker check', () => {
    const dir = tempDir();
    const ok = { pid: 4242, url: 'https://127.0.0.1:8443', port: 8443, certPath: join(dir, 'cert.pem') };
    assert.equal(markerProblem(ok, dir), undefined);
    assert.equal(markerProblem({ ...ok, url: 'https://localhost:8443', certPath: 'cert.pem' }, dir), undefined);
    const bad: [string, unknown][] = [
      ['plain http', { ...ok, url: 'http://127.0.0.1:8443' }],
      ['a remote host', { ...ok, url: 'https://attacker.example:443' }],
      ['another loopback address', { ...ok, url: 'https://127.0.0.2:8443' }],
      ['an IPv6 address', { ...ok, url: 'https://[::1]:8443' }],
      ['a look-alike name', { ...ok, url: 'https://localhost.attacker.example:8443' }],
      ['credentials', { ...ok, url: 'https://u:p@127.0.0.1:8443' }],
      ['a path', { ...ok, url: 'https://127.0.0.1:8443/proxy' }],
      ['no port', { ...ok, url: 'https://127.0.0.1' }],
      ['a certificate elsewhere', { ...ok, certPath: join(tempDir(), 'cert.pem') }],
      ['a certificate reached through ..', { ...ok, certPath: join(dir, '..', 'cert.pem') }],
      ['the data dir itself as certificate', { ...ok, certPath: dir }],
      ['pid 1', { ...ok, pid: 1 }],
      ['a pid that is not a number', { ...ok, pid: '4242' }],
      ['not an object', 'https://127.0.0.1:8443'],
    ];
    for (const [what, m] of bad) assert.notEqual(markerProblem(m, dir), undefined, what);
  });

  test('a planted marker pointing at another emulator is ignored: the local target starts its own', async () => {
    const rogueDir = tempDir();
    const rogue = await startEmulator({ dataDir: rogueDir });
    const started: { close(): Promise<void> }[] = [];
    try {
      const cases: [string, (dataDir: string) => object][] = [
        // The shape of the finding: pid 1 always counts as alive; the certificate is the rogue's own.
        ['pid 1, certificate outside', () => ({ pid: 1, url: rogue.url, port: rogue.port, certPath: rogue.certPath })],
        // A live pid and the rogue's certificate copied into the data dir: the health check names another data dir.
        [
          'another data dir',
          (dataDir) => {
            copyFileSync(rogue.certPath, join(dataDir, 'planted.pem'));
            return { pid: process.pid, url: rogue.url, port: rogue.port, certPath: join(dataDir, 'planted.pem') };
          },
        ],
      ];
      for (const [what, marker] of cases) {
        const dataDir = join(tempDir(), 'emulator');
        mkdirSync(dataDir, { recursive: true });
        writeFileSync(join(dataDir, 'emulator.json'), JSON.stringify(marker(dataDir)));
        const notices: string[] = [];
        const seen = rogue.log().at(-1)?.seq ?? 0;
        const local = await ensureLocalEmulator({ dataDir, onNotice: (m) => notices.push(m) });
        started.push(local);
        assert.equal(local.reused, false, `${what}: the planted marker was trusted`);
        assert.notEqual(local.url, rogue.url, what);
        assert.equal(notices.length, 1, `${what}: ${notices.join('; ')}`);
        assert.match(notices[0], /ignoring .*emulator\.json/);
        // The rogue saw at most the health check, never an ARM request.
        assert.deepEqual(
          rogue
            .log(seen)
            .filter((e) => e.kind !== 'admin')
            .map((e) => `${e.method} ${e.path}`),
          [],
          what,
        );
        // The marker now names the emulator this call started, which the next call reuses.
        const again = await ensureLocalEmulator({ dataDir });
        assert.equal(again.reused, true, `${what}: the fresh marker is trusted`);
        assert.equal(again.url, local.url);
      }
    } finally {
      for (const s of started) await s.close();
      await rogue.close();
    }
  }, 60_000);
});

/** Start a TLS server on 127.0.0.1 with this key and certificate chain; resolves its port. */
async function serve(key: string, cert: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = https.createServer({ key, cert }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Connect as a client trusting `ca` (plus the public roots, as NODE_EXTRA_CA_CERTS adds them) for `servername`. */
function handshake(port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca: [...tls.rootCertificates, ca] }, () => {
      socket.end();
      resolve('accepted');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('the emulator certificate', () => {
  test('is a self-signed leaf for localhost and 127.0.0.1, not a CA; an older CA certificate is replaced', async () => {
    const dir = tempDir();
    const c = await loadOrCreateCertificate(dir);
    const x = new X509Certificate(c.certPem);
    assert.equal(x.ca, false);
    assert.equal(x.checkHost('localhost'), 'localhost');
    assert.equal(x.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x.checkHost('management.azure.com'), undefined);
    // A data dir from before (a CA certificate) gets a new leaf.
    const old = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      ],
    });
    const oldDir = tempDir();
    writeFileSync(join(oldDir, 'cert.pem'), old.cert);
    writeFileSync(join(oldDir, 'key.pem'), old.private);
    const renewed = await loadOrCreateCertificate(oldDir);
    assert.notEqual(renewed.certPem, old.cert);
    assert.equal(new X509Certificate(renewed.certPem).ca, false);
  });

  test('a certificate for management.azure.com signed with its key is refused; the emulator itself is accepted', async () => {
    let emu: RunningEmulator | undefined;
    const servers: { close(): Promise<void> }[] = [];
    try {
      emu = await startEmulator({ dataDir: tempDir() });
      const key = (await loadOrCreateCertificate(emu.dataDir)).keyPem;
      const forged = await selfsigned.generate([{ name: 'commonName', value: 'management.azure.com' }], {
        keySize: 2048,
        algorithm: 'sha256',
        ca: { key, cert: emu.caCertPem },
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'extKeyUsage', serverAuth: true },
          { name: 'subjectAltName', altNames: [{ type: 2, value: 'management.azure.com' }] },
        ],
      });
      const impostor = await serve(forged.private, `${forged.cert.trimEnd()}\n${emu.caCertPem}`);
      servers.push(impostor);
      const verdict = await handshake(impostor.port, 'management.azure.com', emu.caCertPem);
      assert.notEqual(verdict, 'accepted', 'a client trusting the emulator certificate accepted management.azure.com');
      // The emulator's own certificate still works for its names.
      assert.equal(await handshake(emu.port, 'localhost', emu.caCertPem), 'accepted');
    } finally {
      for (const s of servers) await s.close();
      await emu?.close();
    }
  }, 60_000);
});
