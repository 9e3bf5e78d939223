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
  /**
   * Whether the SSH port is open on the compute's public IP. `false` keeps SSH inside the virtual network (from a
   * jump host, a VPN or Bastion): the key is installed, but instances send `sshPublicAccess: Disabled` and clusters
   * `remoteLoginPortPublicAccess: Disabled`. That is what `az ml` sends for `ssh_public_access_enabled: false`
   * with an `ssh_key_value` (azure-ai-ml `ComputeInstance._to_rest_object`, Azure/azure-sdk-for-python
   * sdk/ml/azure-ai-ml/azure/ai/ml/entities/_compute/compute_instance.py @c184b7554836db6ae0044549a0288604ca8f305a:
   * `sshPublicAccess` comes from `ssh_public_access_enabled` and `adminPublicKey` from `ssh_key_value`, independently).
   * @default true
   */
  readonly publicAccess?: boolean;
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
  /**
   * SSH with a public key (and optionally a restricted set of source CIDRs, or no public access at all:
   * `SshAccess.enabled({ publicKey, publicAccess: false })` for SSH from inside the virtual network only).
   */
  public static enabled(options: SshAccessOptions): SshAccess {
    return new SshAccess(true, options ?? {});
  }
  private constructor(
    public readonly isEnabled: boolean,
    public readonly options: SshAccessOptions,
  ) {}

  /** Whether SSH is enabled and reachable on the compute's public IP (see `publicAccess`). */
  public get isPublic(): boolean {
    return this.isEnabled && this.options.publicAccess !== false;
  }
}

const KEY_RE = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$/;

/** Whether a string looks like an OpenSSH public key (and not a private key). */
export function isSshPublicKey(key: unknown): key is string {
  return typeof key === 'string' && KEY_RE.test(key.trim());
}

/**
 * What to say about a value that is not a public key, without echoing it: users paste private keys and tokens
 * here, and errors end up in CI logs.
 */
export function describeNotPublicKey(key: unknown): string {
  if (typeof key !== 'string') return `<${key === null ? 'null' : typeof key}, not a string>`;
  if (/PRIVATE KEY/.test(key)) return '<a private key: never put it in a program; rotate it>';
  return `<${key.length} characters, not an OpenSSH public key (value hidden)>`;
}
