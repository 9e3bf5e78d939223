/**
 * Secret references are resolved only at apply time, just before the write, and the values live only in the
 * request body: never in plans, state, journal, logs or errors. Supported: `env:NAME`.
 */
import { AmlcdkError } from '../core/errors.js';
import { splitPath } from '../catalog/field-tables.js';
import type { ManifestResource } from '../manifest/types.js';
import { isSecretRef } from './diff.js';

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function setAt(target: unknown, segs: readonly string[], value: unknown): void {
  let t = target as Record<string, unknown>;
  for (let i = 0; i < segs.length - 1; i++) {
    const next = t?.[segs[i]!];
    if (next === null || typeof next !== 'object') return;
    t = next as Record<string, unknown>;
  }
  t[segs[segs.length - 1]!] = value;
}

function getAt(value: unknown, segs: readonly string[]): unknown {
  let v = value;
  for (const s of segs) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

/** Resolve one reference. Throws AmlcdkError `SecretUnresolved` / `SecretSourceUnsupported` (naming the reference, never a value). */
export function resolveSecretRef(ref: string, address: string, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const v = env[name];
    if (v === undefined || v === '') {
      throw new AmlcdkError('SecretUnresolved', `${address}: the secret reference ${ref} is not set (environment variable ${name} is empty or missing). Fix: export ${name} before apply.`);
    }
    return v;
  }
  if (ref.startsWith('keyvault:')) {
    throw new AmlcdkError('SecretSourceUnsupported', `${address}: ${ref} cannot be resolved by the amlcdk reconciler yet (Key Vault references are resolved by the Pulumi path). Fix: pass the value through an environment variable (env:NAME) or deploy with amlcdk/pulumi.`);
  }
  throw new AmlcdkError('SecretSourceUnsupported', `${address}: unknown secret reference scheme in ${JSON.stringify(ref.split(':')[0] + ':')} (allowed: env:NAME). Fix: use env:NAME.`);
}

/** A copy of the resource body with every SecretRef replaced by its value. */
export function resolveSecrets(resource: ManifestResource, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const body = clone(resource.body) as Record<string, unknown>;
  const paths = new Set(resource.secrets ?? []);
  // Also catch SecretRef objects not listed in `secrets` (defensive: they must never be sent as objects).
  const walk = (v: unknown, segs: string[]): void => {
    if (isSecretRef(v)) {
      paths.add('/' + segs.join('/'));
      return;
    }
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...segs, k]);
  };
  walk(body, []);
  for (const p of paths) {
    const segs = splitPath(p);
    const ref = getAt(body, segs);
    if (!isSecretRef(ref)) continue;
    setAt(body, segs, resolveSecretRef(ref.secretRef, resource.logicalId, env));
  }
  return body;
}
