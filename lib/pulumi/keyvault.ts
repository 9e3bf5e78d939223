/**
 * Reading Key Vault secrets for `keyvault:<vault>/<name>` references in the Pulumi path. azure-native cannot read
 * secret values (ARM never returns them), so the value is read from the vault's data plane with the deploying
 * identity (`DefaultAzureCredential`, needs "Key Vault Secrets User") and kept as a Pulumi secret.
 */
import { request } from 'node:https';
import type { TokenCredential } from '@azure/identity';
import { AmlcdkError } from '../core/errors.js';

/** Reads one secret value. */
export type KeyVaultReader = (vaultName: string, secretName: string) => Promise<string>;

export interface KeyVaultReaderOptions {
  /** @default DefaultAzureCredential from @azure/identity */
  readonly credential?: TokenCredential;
  /** Base URL of a vault. @default (vault) => `https://${vault}.vault.azure.net` */
  readonly vaultUrl?: (vaultName: string) => string;
  /** Extra trusted CA certificates (PEM). @default - the system CAs */
  readonly caCertPem?: string;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

const SCOPE = 'https://vault.azure.net/.default';

/** A reader that calls `GET {vault}/secrets/{name}?api-version=7.4`. Errors name the secret, never a value. */
export function keyVaultReader(options: KeyVaultReaderOptions = {}): KeyVaultReader {
  let credential: Promise<TokenCredential> | undefined = options.credential
    ? Promise.resolve(options.credential)
    : undefined;
  const vaultUrl = options.vaultUrl ?? ((v: string) => `https://${v}.vault.azure.net`);
  return async (vaultName, secretName) => {
    const fail = (why: string): AmlcdkError =>
      new AmlcdkError(
        'KeyVaultSecretUnavailable',
        `KeyVaultSecretUnavailable: cannot read secret "${secretName}" from Key Vault "${vaultName}": ${why}. ` +
          'Fix: grant the identity that runs `pulumi up` the "Key Vault Secrets User" role on the vault (and network access to it), or use an env:NAME reference.',
      );
    credential ??= import('@azure/identity').then((m) => new m.DefaultAzureCredential() as TokenCredential);
    let token: string;
    try {
      const t = await (await credential).getToken(SCOPE);
      if (!t) throw new Error('no token');
      token = t.token;
    } catch (e) {
      throw fail(`no Entra ID token for Key Vault (${(e as Error).message.split('\n')[0]})`);
    }
    const url = new URL(
      `${vaultUrl(vaultName).replace(/\/$/, '')}/secrets/${encodeURIComponent(secretName)}?api-version=7.4`,
    );
    return new Promise<string>((resolve, reject) => {
      const r = request(
        url,
        {
          method: 'GET',
          headers: { authorization: `Bearer ${token}` },
          ...(options.caCertPem ? { ca: options.caCertPem } : {}),
          timeout: options.timeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(fail(`HTTP ${res.statusCode}`));
              return;
            }
            try {
              const value = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value?: unknown }).value;
              if (typeof value !== 'string') reject(fail('the answer has no value'));
              else resolve(value);
            } catch {
              reject(fail('the answer is not JSON'));
            }
          });
        },
      );
      r.on('timeout', () => r.destroy(new Error('timed out')));
      r.on('error', (e) => reject(fail(e.message)));
      r.end();
    });
  };
}
