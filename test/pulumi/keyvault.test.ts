import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { keyVaultReader } from '../../lib/pulumi/keyvault.js';
import { AmlcdkError } from '../../lib/core/errors.js';

describe('Key Vault reader (data plane, GET /secrets/{name}?api-version=7.4)', () => {
  let server: Server;
  let base = '';
  let ca = '';
  const seen: { url: string; auth: string | undefined }[] = [];
  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      days: 2,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    } as Parameters<typeof generate>[1]);
    ca = pems.cert;
    server = createServer({ cert: pems.cert, key: pems.private }, (req, res) => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization });
      if (req.headers.authorization !== 'Bearer kv-token') return void res.writeHead(401).end('{}');
      if (req.url === '/secrets/dsvm-ssh-key?api-version=7.4')
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ value: 'PRIVATE-KEY', id: 'x' }));
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'SecretNotFound' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  const credential = (token: string) => ({
    getToken: async (scope: string | string[]) =>
      String(scope).includes('vault.azure.net') ? { token, expiresOnTimestamp: Date.now() + 3600_000 } : null,
  });

  test('reads the value with a Key Vault-scoped bearer token', async () => {
    const read = keyVaultReader({ credential: credential('kv-token'), vaultUrl: () => base, caCertPem: ca });
    assert.equal(await read('kv-ml-shared', 'dsvm-ssh-key'), 'PRIVATE-KEY');
    assert.equal(seen.at(-1)!.url, '/secrets/dsvm-ssh-key?api-version=7.4');
  });

  test('a missing secret or a refused token fails with KeyVaultSecretUnavailable naming vault and secret, never a value', async () => {
    const read = keyVaultReader({ credential: credential('kv-token'), vaultUrl: () => base, caCertPem: ca });
    await assert.rejects(
      read('kv-ml-shared', 'nope'),
      (e: unknown) =>
        e instanceof AmlcdkError &&
        e.code === 'KeyVaultSecretUnavailable' &&
        /"nope"/.test(e.message) &&
        /kv-ml-shared/.test(e.message) &&
        /HTTP 404/.test(e.message),
    );
    const denied = keyVaultReader({ credential: credential('wrong'), vaultUrl: () => base, caCertPem: ca });
    await assert.rejects(
      denied('kv-ml-shared', 'dsvm-ssh-key'),
      (e: unknown) =>
        e instanceof AmlcdkError &&
        e.code === 'KeyVaultSecretUnavailable' &&
        /HTTP 401/.test(e.message) &&
        /Secrets User/.test(e.message) &&
        !e.message.includes('PRIVATE-KEY'),
    );
  });

  test('no token at all fails with KeyVaultSecretUnavailable', async () => {
    const read = keyVaultReader({
      credential: {
        getToken: async () => {
          throw new Error('no login');
        },
      },
      vaultUrl: () => base,
      caCertPem: ca,
    });
    await assert.rejects(
      read('kv', 's'),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'KeyVaultSecretUnavailable' && /no login/.test(e.message),
    );
  });
});
