/** Unsigned JWTs (`alg: none`) the emulator accepts as bearer tokens; the principal is the `oid` claim. */

export interface UnsignedTokenClaims {
  /** Object id of the caller: the throttling and `createdBy` principal. */
  readonly oid: string;
  /** @default a fixed tenant id */
  readonly tid?: string;
  /** `app` for a service principal. */
  readonly idtyp?: string;
  readonly upn?: string;
  /** Expiry, seconds since epoch. @default none */
  readonly exp?: number;
  readonly [claim: string]: unknown;
}

/**
 * @example
 * const token = unsignedToken({ oid: '00000000-0000-0000-0000-000000000001' });
 * fetch(url, { headers: { Authorization: `Bearer ${token}` } });
 */
export function unsignedToken(claims: UnsignedTokenClaims): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ aud: 'https://management.azure.com/', iss: 'https://sts.windows.net/amlcdk-emulator/', ...claims })}.`;
}
