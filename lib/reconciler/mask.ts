/**
 * Secrets never reach plans, state, logs or errors. Values at a resource's secret paths and every `SecretRef`
 * become `(sensitive)`; so does any observed value under a key that names a credential (ARM should not echo
 * them, but a plan must stay safe if it does).
 */
import { joinPath } from '../catalog/field-tables.js';
import { isSecretRef } from './diff.js';

export const SENSITIVE = '(sensitive)';

const SECRET_KEY = /^(password|adminUserPassword|adminUserSshPublicKey|privateKeyData|key|sasToken|clientSecret|certificate|databricksAccessToken|relayConnectionString|serviceBusConnectionString|primaryKey|secondaryKey|accessToken|secret)$/i;

/** A deep copy with secrets masked. `secretPaths` are JSON pointers of the resource's declared secrets. */
export function maskSecrets(value: unknown, secretPaths: readonly string[] = []): unknown {
  const set = new Set(secretPaths);
  // Most resources declare no secret paths: then no path is built at all (plans mask every body twice).
  const walk = (v: unknown, segs: string[]): unknown => {
    if (set.size > 0 && segs.length > 0 && set.has(joinPath(segs))) return SENSITIVE;
    if (isSecretRef(v)) return SENSITIVE;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...segs, String(i)]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        out[k] = SECRET_KEY.test(k) && typeof x === 'string' ? SENSITIVE : walk(x, [...segs, k]);
      }
      return out;
    }
    return v;
  };
  return walk(value, []);
}
