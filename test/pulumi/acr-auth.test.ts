import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { exchangeAcrRefreshToken } from '../../lib/pulumi/acr-auth.js';
import { AmlcdkError } from '../../lib/core/errors.js';
import { startFakeAcr, type FakeAcr } from './fake-acr.js';

describe('ACR refresh-token exchange with an Entra ID token', () => {
  let acr: FakeAcr;
  beforeAll(async () => {
    acr = await startFakeAcr();
  });
  afterAll(async () => {
    await acr?.close();
  });

  test('posts the ARM token with service and tenant and returns the refresh token', async () => {
    acr.mode = { kind: 'ok', refreshToken: 'rt-123' };
    const token = await exchangeAcrRefreshToken({
      loginServer: acr.loginServer,
      accessToken: 'arm-token',
      tenantId: 'tenant-1',
      caCertPem: acr.caCertPem,
    });
    assert.equal(token, 'rt-123');
    assert.deepEqual(acr.calls.at(-1), {
      grant_type: 'access_token',
      service: '127.0.0.1',
      tenant: 'tenant-1',
      access_token: 'arm-token',
    });
  });

  test('a refusal (401) fails with RegistryAuthFailed naming the registry and the fix, never the token', async () => {
    acr.mode = { kind: 'status', status: 401 };
    await assert.rejects(
      exchangeAcrRefreshToken({
        loginServer: acr.loginServer,
        accessToken: 'very-secret-arm-token',
        tenantId: 't',
        caCertPem: acr.caCertPem,
      }),
      (e: unknown) =>
        e instanceof AmlcdkError &&
        e.code === 'RegistryAuthFailed' &&
        e.message.includes(acr.loginServer) &&
        /AcrPush/.test(e.message) &&
        /HTTP 401/.test(e.message) &&
        !e.message.includes('very-secret-arm-token'),
    );
  });

  test('a non-JSON answer (e.g. a proxy page) fails with RegistryAuthFailed', async () => {
    acr.mode = { kind: 'garbage' };
    await assert.rejects(
      exchangeAcrRefreshToken({
        loginServer: acr.loginServer,
        accessToken: 'x',
        tenantId: 't',
        caCertPem: acr.caCertPem,
      }),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'RegistryAuthFailed' && /not JSON/.test(e.message),
    );
  });

  test('an untrusted certificate fails with RegistryAuthFailed (TLS is verified)', async () => {
    acr.mode = { kind: 'ok', refreshToken: 'rt' };
    await assert.rejects(
      exchangeAcrRefreshToken({ loginServer: acr.loginServer, accessToken: 'x', tenantId: 't' }),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'RegistryAuthFailed',
    );
  });
});
