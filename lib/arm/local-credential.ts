/**
 * A credential for the local ARM emulator: an unsigned JWT (`alg: none`) whose `oid` the emulator takes as the
 * calling principal. It is never accepted by real Azure and carries no secret.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

export interface LocalCredentialOptions {
  /** Principal object id the emulator sees. @default '00000000-0000-0000-0000-00000000a11c' */
  readonly oid?: string;
  /** Tenant id. @default '00000000-0000-0000-0000-000000000000' */
  readonly tid?: string;
  /** Token lifetime. @default 3600000 (1 h) */
  readonly lifetimeMs?: number;
}

function b64url(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

/**
 * @example
 * const client = new HttpArmClient({ endpoint: emulator.url, credential: new LocalCredential({ oid: 'alice' }), caCertPem: emulator.caCertPem });
 */
export class LocalCredential implements TokenCredential {
  public readonly oid: string;
  public readonly tid: string;
  private readonly lifetimeMs: number;

  constructor(options: LocalCredentialOptions = {}) {
    this.oid = options.oid ?? '00000000-0000-0000-0000-00000000a11c';
    this.tid = options.tid ?? '00000000-0000-0000-0000-000000000000';
    this.lifetimeMs = options.lifetimeMs ?? 3_600_000;
  }

  public async getToken(_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const now = Date.now();
    const expiresOnTimestamp = now + this.lifetimeMs;
    const payload = {
      aud: 'https://management.azure.com/',
      oid: this.oid,
      tid: this.tid,
      iat: Math.floor(now / 1000),
      exp: Math.floor(expiresOnTimestamp / 1000),
      iss: 'amlcdk-local',
    };
    return { token: `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`, expiresOnTimestamp };
  }
}

/** Decode the payload of a LocalCredential token (or any JWT) without verifying it. Undefined when malformed. */
export function decodeUnsignedJwt(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length < 2) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
