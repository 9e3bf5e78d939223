/** `SshAccess`: SSH to compute instances and cluster nodes, disabled by default. */
import type { Secret } from '../../core/secret.js';

/** Options of {@link SshAccess.enabled}. */
export interface SshAccessOptions {
  /**
   * OpenSSH public key (`ssh-rsa AAAA…`, `ssh-ed25519 AAAA…`). Not a secret. Required for compute instances; for
   * clusters a key or a password is required.
   * @default - none
   */
  readonly publicKey?: string;
  /**
   * Source CIDRs allowed to reach port 22 (used by the NSG of the subnet the compute is placed in).
   * @default - none: SSH is only reachable from inside the virtual network
   */
  readonly sourceCidrs?: readonly string[];
  /**
   * Admin user name (clusters only; instances always use `azureuser`).
   * @default 'azureuser'
   */
  readonly adminUserName?: string;
  /**
   * Admin password (clusters only). A secret reference, never a value.
   * @default - none
   */
  readonly password?: Secret;
}

/**
 * SSH access to compute. SSH cannot be turned on or off after a compute instance is created.
 *
 * @example
 * SshAccess.enabled({ publicKey: 'ssh-ed25519 AAAAC3Nz… alice', sourceCidrs: ['203.0.113.0/24'] })
 */
export class SshAccess {
  /** No SSH (the default). */
  public static disabled(): SshAccess {
    return new SshAccess(false, {});
  }
  /** SSH with a public key (and optionally a restricted set of source CIDRs). */
  public static enabled(options: SshAccessOptions): SshAccess {
    return new SshAccess(true, options ?? {});
  }
  private constructor(
    public readonly isEnabled: boolean,
    public readonly options: SshAccessOptions,
  ) {}
}

const KEY_RE = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/;

/** Whether a string looks like an OpenSSH public key (and not a private key). */
export function isSshPublicKey(key: unknown): key is string {
  return typeof key === 'string' && KEY_RE.test(key.trim());
}
