/**
 * Secret references are resolved only at apply time, just before the write, and the values live only in the
 * request body: never in plans, state, journal, logs or errors. Supported: `env:NAME`.
 */
import { AmlcdkError } from '../core/errors.js';
import { splitPath } from '../catalog/field-tables.js';
import type { ManifestResource } from '../manifest/types.js';
import { isSecretRef } from './diff.js';
import { getAt, replaceAt } from './json-path.js';

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Resolves one `SecretRef` string (`env:NAME`, `keyvault:<vault>/<name>`) to its value. */
export type SecretResolver = (ref: string, address: string) => Promise<string>;

/** Environment variable that stands in for a Key Vault secret (local target, CI): `AMLCDK_KEYVAULT_<VAULT>_<NAME>`. */
export function keyVaultEnvName(vault: string, name: string): string {
  return `AMLCDK_KEYVAULT_${vault}_${name}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

export interface SecretResolverOptions {
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Reads a Key Vault secret (real Azure: `GET https://<vault>.vault.azure.net/secrets/<name>`). Without it,
   * `keyvault:` references are read from `AMLCDK_KEYVAULT_<VAULT>_<NAME>` only.
   */
  readonly keyVault?: (vault: string, name: string) => Promise<string>;
}

/** The default resolver: environment variables, then Key Vault. */
export function secretResolver(options: SecretResolverOptions = {}): SecretResolver {
  const env = options.env ?? process.env;
  return async (ref, address) => {
    if (ref.startsWith('keyvault:')) {
      const m = /^keyvault:([^/]+)\/(.+)$/.exec(ref);
      if (!m)
        throw new AmlcdkError(
          'SecretRefInvalid',
          `${address}: ${ref} is not of the form keyvault:<vault name>/<secret name>. Fix: correct the reference.`,
        );
      const fromEnv = env[keyVaultEnvName(m[1], m[2])];
      if (fromEnv) return fromEnv;
      if (options.keyVault) {
        try {
          return await options.keyVault(m[1], m[2]);
        } catch (err) {
          throw new AmlcdkError(
            'SecretUnresolved',
            `${address}: cannot read ${ref} from Key Vault (${err instanceof Error ? err.message.split('\n')[0] : 'error'}). Fix: grant the deploying identity "Key Vault Secrets User" on ${m[1]}, or set ${keyVaultEnvName(m[1], m[2])}.`,
          );
        }
      }
      throw new AmlcdkError(
        'SecretUnresolved',
        `${address}: ${ref} cannot be read on this target (no Key Vault). Fix: set the environment variable ${keyVaultEnvName(m[1], m[2])} to the value, or deploy to --target azure.`,
      );
    }
    return resolveSecretRef(ref, address, env);
  };
}

/** Resolve an `env:` reference. Throws AmlcdkError `SecretUnresolved` / `SecretSourceUnsupported` (naming the reference, never a value). */
export function resolveSecretRef(ref: string, address: string, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const v = env[name];
    if (v === undefined || v === '') {
      throw new AmlcdkError(
        'SecretUnresolved',
        `${address}: the secret reference ${ref} is not set (environment variable ${name} is empty or missing). Fix: export ${name} before apply.`,
      );
    }
    return v;
  }
  if (ref.startsWith('keyvault:')) {
    throw new AmlcdkError(
      'SecretSourceUnsupported',
      `${address}: ${ref} cannot be resolved by the amlcdk reconciler yet (Key Vault references are resolved by the Pulumi path). Fix: pass the value through an environment variable (env:NAME) or deploy with amlcdk/pulumi.`,
    );
  }
  throw new AmlcdkError(
    'SecretSourceUnsupported',
    `${address}: unknown secret reference scheme in ${JSON.stringify(ref.split(':')[0] + ':')} (allowed: env:NAME). Fix: use env:NAME.`,
  );
}

/** A copy of the resource body with every SecretRef replaced by its value. */
export async function resolveSecrets(
  resource: ManifestResource,
  resolver: SecretResolver = secretResolver(),
): Promise<Record<string, unknown>> {
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
    replaceAt(body, segs, await resolver(ref.secretRef, resource.logicalId));
  }
  return body;
}
