/**
 * References to secrets. A manifest never holds a secret value: it holds `{ "secretRef": "env:NAME" }` or
 * `{ "secretRef": "keyvault:<vault>/<name>" }`, which the deploying engine resolves at apply time.
 */
import { ValidationError } from './errors.js';
import { looksLikeSecret } from './redact.js';
import type { SecretRef } from '../manifest/types.js';
import { isReadableObject } from './brand.js';

/**
 * A secret the engine resolves at deploy time.
 *
 * @example
 * new ComputeCluster(ws, 'Cpu', { vmSize: VmSize.STANDARD_DS3_V2, maxNodes: 4,
 *   admin: { username: 'azureuser', password: Secret.fromEnv('CLUSTER_ADMIN_PASSWORD') } });
 */
export class Secret {
  /**
   * Read from an environment variable of the process that deploys. Pass the variable's *name*: a value (for
   * example `process.env.PW`) is refused with `InvalidSecretRef`, and the error never repeats it.
   */
  public static fromEnv(name: string): Secret {
    const problem = refProblem(name, /^[A-Za-z_][A-Za-z0-9_]{0,255}$/);
    if (problem) {
      throw new ValidationError(
        'InvalidSecretRef',
        `Secret.fromEnv needs the name of an environment variable, but got ${problem}. The value is not shown: if you passed the secret itself (e.g. process.env.PW), pass its name instead`,
        '<Secret>',
        {
          allowed: 'a variable name: letters, digits and "_", not starting with a digit',
          fix: 'use e.g. Secret.fromEnv("CLUSTER_ADMIN_PASSWORD"); the engine reads the variable at apply time',
        },
      );
    }
    return new Secret(`env:${name}`);
  }

  /** Read from a Key Vault secret (vault name or an object with `vaultName`). Names only, never values. */
  public static fromKeyVault(vault: string | { readonly vaultName: string }, secretName: string): Secret {
    let v: unknown;
    try {
      v = typeof vault === 'string' ? vault : (vault as { vaultName?: unknown } | undefined)?.vaultName;
    } catch {
      v = undefined;
    }
    const vaultProblem = refProblem(v, /^[A-Za-z0-9-]{3,24}$/);
    const nameProblem = refProblem(secretName, /^[A-Za-z0-9-]{1,127}$/);
    if (vaultProblem || nameProblem) {
      throw new ValidationError(
        'InvalidSecretRef',
        `Secret.fromKeyVault needs a vault name and a secret name, but ${[
          vaultProblem ? `the vault is ${vaultProblem}` : '',
          nameProblem ? `the secret name is ${nameProblem}` : '',
        ]
          .filter(Boolean)
          .join(' and ')}. Values are not shown: pass names, never the secret itself`,
        '<Secret>',
        {
          allowed: 'vault 3-24 letters, digits, "-"; secret 1-127 letters, digits, "-"',
          fix: 'use e.g. Secret.fromKeyVault("kv-team", "cluster-admin-password")',
        },
      );
    }
    return new Secret(`keyvault:${String(v)}/${secretName}`);
  }

  public static isSecret(x: unknown): x is Secret {
    return isReadableObject(x) && x instanceof Secret;
  }

  private constructor(public readonly ref: string) {}

  /** The manifest form. */
  public toRef(): SecretRef {
    return { secretRef: this.ref };
  }

  /** Never print a secret reference as if it were a value. */
  public toString(): string {
    return `<secret ${this.ref}>`;
  }
}

/**
 * Why `x` cannot be a secret *name* (described by shape only, never by content), or `undefined`. A string that
 * matches the name pattern but looks like a secret value (a token prefix, high entropy) is refused too: writing it
 * into the manifest as a "name" would publish it.
 */
function refProblem(x: unknown, pattern: RegExp): string | undefined {
  if (typeof x !== 'string') return x === null ? 'null' : x === undefined ? 'undefined' : `a ${typeof x}`;
  if (looksLikeSecret(x)) return `a string of ${x.length} characters that looks like a secret value`;
  if (!pattern.test(x))
    return `a string of ${x.length} characters that is not a valid name${/\s/.test(x) ? ' (it contains white space)' : ''}`;
  return undefined;
}
