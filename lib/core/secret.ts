/**
 * References to secrets. A manifest never holds a secret value: it holds `{ "secretRef": "env:NAME" }` or
 * `{ "secretRef": "keyvault:<vault>/<name>" }`, which the deploying engine resolves at apply time.
 */
import { ValidationError } from './errors.js';
import type { SecretRef } from '../manifest/types.js';

/**
 * A secret the engine resolves at deploy time.
 *
 * @example
 * new ComputeCluster(ws, 'Cpu', { vmSize: VmSize.STANDARD_DS3_V2, maxNodes: 4,
 *   admin: { username: 'azureuser', password: Secret.fromEnv('CLUSTER_ADMIN_PASSWORD') } });
 */
export class Secret {
  /** Read from an environment variable of the process that deploys. */
  public static fromEnv(name: string): Secret {
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ValidationError(
        'InvalidSecretRef',
        'a secret environment variable name must be a valid variable name',
        '<Secret>',
        {
          value: name,
          allowed: 'letters, digits and "_", not starting with a digit',
          fix: 'use e.g. Secret.fromEnv("CLUSTER_ADMIN_PASSWORD")',
        },
      );
    }
    return new Secret(`env:${name}`);
  }

  /** Read from a Key Vault secret (vault name or an object with `vaultName`). */
  public static fromKeyVault(vault: string | { readonly vaultName: string }, secretName: string): Secret {
    const v = typeof vault === 'string' ? vault : vault?.vaultName;
    if (
      typeof v !== 'string' ||
      !/^[A-Za-z0-9-]{3,24}$/.test(v) ||
      typeof secretName !== 'string' ||
      !/^[A-Za-z0-9-]{1,127}$/.test(secretName)
    ) {
      throw new ValidationError(
        'InvalidSecretRef',
        'a Key Vault secret reference needs a vault name (3-24) and a secret name (1-127 letters, digits, "-")',
        '<Secret>',
        {
          value: `${String(v)}/${String(secretName)}`,
          allowed: 'vault 3-24 letters, digits, "-"; secret 1-127 letters, digits, "-"',
          fix: 'check the vault and secret names',
        },
      );
    }
    return new Secret(`keyvault:${v}/${secretName}`);
  }

  public static isSecret(x: unknown): x is Secret {
    return x instanceof Secret;
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
