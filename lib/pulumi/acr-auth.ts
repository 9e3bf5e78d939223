/**
 * Pushing to an Azure Container Registry whose admin user is off (the amlcdk default) with the deploying
 * principal's Entra ID identity: the ARM access token Pulumi already uses is exchanged for an ACR refresh token
 * (`POST https://<login server>/oauth2/exchange`), which docker accepts as the password of the fixed user
 * `00000000-0000-0000-0000-000000000000`. The principal needs the AcrPush role on the registry.
 */
import { request } from 'node:https';
import { AmlcdkError } from '../core/errors.js';

/** The docker user name ACR expects with a refresh token. */
export const ACR_TOKEN_USER = '00000000-0000-0000-0000-000000000000';

export interface AcrExchangeRequest {
  /** `myregistry.azurecr.io` (a `host:port` is accepted). */
  readonly loginServer: string;
  /** An Entra ID access token for Azure Resource Manager. */
  readonly accessToken: string;
  readonly tenantId: string;
  /** Extra trusted CA certificates (PEM), e.g. for a TLS-inspecting proxy. @default - the system CAs */
  readonly caCertPem?: string;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** Exchange an ARM access token for an ACR refresh token. The token never appears in errors. */
export function exchangeAcrRefreshToken(req: AcrExchangeRequest): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'access_token',
    service: req.loginServer.replace(/:\d+$/, ''),
    tenant: req.tenantId,
    access_token: req.accessToken,
  }).toString();
  const url = new URL(`https://${req.loginServer}/oauth2/exchange`);
  const fail = (why: string): AmlcdkError =>
    new AmlcdkError(
      'RegistryAuthFailed',
      `RegistryAuthFailed: cannot get push credentials for ${req.loginServer} with your Entra ID identity: ${why}. ` +
        'Fix: grant the deploying principal the AcrPush role on the registry, or pass `registryAuth: "admin"` (registry admin user enabled) or explicit `registryAuth: { username, password }` to AmlcdkComponent.',
    );
  return new Promise((resolve, reject) => {
    const r = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) },
        ...(req.caCertPem ? { ca: req.caCertPem } : {}),
        timeout: req.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            reject(fail(`HTTP ${res.statusCode}`));
            return;
          }
          try {
            const token = (JSON.parse(text) as { refresh_token?: unknown }).refresh_token;
            if (typeof token !== 'string' || token.length === 0)
              reject(fail('the registry answered without a refresh_token'));
            else resolve(token);
          } catch {
            reject(fail('the registry answered with something that is not JSON'));
          }
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error('timed out')));
    r.on('error', (e) => reject(fail(e.message)));
    r.end(form);
  });
}
