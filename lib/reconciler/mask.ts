/**
 * Secrets never reach plans, state, logs or errors. Values at a resource's secret paths and every `SecretRef`
 * become `(sensitive)`; so does any observed value under a key that names a credential (ARM should not echo
 * them, but a plan must stay safe if it does).
 */
import { joinPath } from '../catalog/field-tables.js';
import { isSecretRef } from './diff.js';
import { remember } from '../core/memo.js';

export const SENSITIVE = '(sensitive)';

const SECRET_KEY =
  /^(password|adminUserPassword|adminUserSshPublicKey|privateKeyData|key|sasToken|clientSecret|certificate|databricksAccessToken|relayConnectionString|serviceBusConnectionString|primaryKey|secondaryKey|accessToken|secret)$/i;

/** `SECRET_KEY.test(k)`, remembered per key: bodies repeat the same few dozen keys (bounded: cleared when large). */
const secretKeyCache = new Map<string, boolean>();
function isSecretKey(k: string): boolean {
  return remember(secretKeyCache, 4096, k, () => SECRET_KEY.test(k));
}

/** The copy when no secret path is declared (most resources): no path is tracked at all (plans mask every body twice). */
function copyMasked(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyMasked(v[i]);
    return out;
  }
  if (isSecretRef(v)) return SENSITIVE;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    out[k] = typeof x === 'string' && isSecretKey(k) ? SENSITIVE : copyMasked(x);
  }
  return out;
}

/** A deep copy with secrets masked. `secretPaths` are JSON pointers of the resource's declared secrets. */
export function maskSecrets(value: unknown, secretPaths: readonly string[] = []): unknown {
  if (secretPaths.length === 0) return copyMasked(value);
  const set = new Set(secretPaths);
  const walk = (v: unknown, segs: string[]): unknown => {
    if (segs.length > 0 && set.has(joinPath(segs))) return SENSITIVE;
    if (isSecretRef(v)) return SENSITIVE;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...segs, String(i)]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        out[k] = isSecretKey(k) && typeof x === 'string' ? SENSITIVE : walk(x, [...segs, k]);
      }
      return out;
    }
    return v;
  };
  return walk(value, []);
}
