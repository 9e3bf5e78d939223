/** Managed identity of a compute. */
import type { UserAssignedIdentity } from '../workspace/dependencies.js';

/**
 * The managed identity a compute runs as.
 *
 * @example
 * ComputeIdentity.userAssigned(identity)   // a UserAssignedIdentity construct or an ARM id
 */
export class ComputeIdentity {
  /** A system-assigned identity created with the compute. */
  public static systemAssigned(): ComputeIdentity {
    return new ComputeIdentity('SystemAssigned', []);
  }
  /** One or more user-assigned identities (constructs or ARM ids). */
  public static userAssigned(...identities: Array<UserAssignedIdentity | string>): ComputeIdentity {
    return new ComputeIdentity('UserAssigned', identities);
  }
  /** Both. */
  public static systemAndUserAssigned(...identities: Array<UserAssignedIdentity | string>): ComputeIdentity {
    return new ComputeIdentity('SystemAssigned,UserAssigned', identities);
  }
  private constructor(
    public readonly type: 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned,UserAssigned',
    public readonly identities: ReadonlyArray<UserAssignedIdentity | string>,
  ) {}

  /** ARM ids of the user-assigned identities. */
  public get identityIds(): string[] {
    return this.identities.map((i) => (typeof i === 'string' ? i : i.resourceId));
  }

  public render(): Record<string, unknown> {
    const ids = this.identityIds;
    return ids.length
      ? { type: this.type, userAssignedIdentities: Object.fromEntries(ids.map((id) => [id, {}])) }
      : { type: this.type };
  }
}
