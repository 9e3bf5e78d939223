/**
 * The managed identity of a resource as attributes Azure assigns at deploy time (`principalId`, `tenantId`), usable
 * wherever a string is, and a one-line grant: `cluster.identity.grant(storage, BuiltInRole.STORAGE_BLOB_DATA_READER)`.
 */
import type { IConstruct } from 'constructs';
import { Reference } from '../../core/reference.js';
import type { BuiltInRole } from '../../catalog/roles.js';
import type { IPrincipal } from '../refs.js';
import { grant, type GrantOptions, type RoleAssignment } from './role-assignment.js';
import type { ResourceIdLike } from './scope.js';

/** Where a managed identity's values are read: a resource and the paths of its principal and tenant ids. */
export interface IdentitySource {
  /** The resource that has (or is) the identity. */
  readonly resource: IConstruct;
  /** Attribute path of the principal (object) id, e.g. `identity.principalId` or `properties.principalId`. */
  readonly principalIdAttribute: string;
  /** Attribute path of the tenant id. */
  readonly tenantIdAttribute: string;
  /** A short name for derived construct ids of grants. */
  readonly label: string;
}

/**
 * A managed identity known only at deploy time.
 *
 * @example
 * cluster.identity.grant(workspace.storageAccount!, BuiltInRole.STORAGE_BLOB_DATA_READER);
 * new RoleAssignment(stack, 'Pull', { principal: cluster.identity.principal, role: BuiltInRole.ACR_PULL, scope: acr });
 */
export class ManagedIdentityRef {
  constructor(private readonly source: IdentitySource) {}

  /** The identity's principal (object) id: a deploy-time value, usable wherever a string is. @attribute */
  public get principalId(): string {
    return Reference.to(this.source.resource, this.source.principalIdAttribute);
  }

  /** The identity's tenant id: a deploy-time value. @attribute */
  public get tenantId(): string {
    return Reference.to(this.source.resource, this.source.tenantIdAttribute);
  }

  /** The identity as a principal to grant roles to (a managed identity is a `ServicePrincipal` to ARM). */
  public get principal(): IPrincipal {
    return { objectId: this.principalId, principalType: 'ServicePrincipal', displayName: this.source.label };
  }

  /**
   * Grant `role` on `target` to this identity. The assignment is defined below the target (or below the identity's
   * resource for a target given as an ARM id); granting the same role twice defines it once.
   *
   * @example
   * cluster.identity.grant(workspace.containerRegistry!, BuiltInRole.ACR_PULL);
   */
  public grant(target: ResourceIdLike, role: BuiltInRole | string, options: GrantOptions = {}): RoleAssignment {
    return grant(target, this.principal, role, {
      ...(typeof target === 'string' && !options.parent ? { parent: this.source.resource } : {}),
      ...options,
    });
  }
}
