/**
 * Grant facades: role assignments on a workspace (or a compute) for Entra ID principals, with the Azure ML
 * built-in roles. Each grant defines one `RoleAssignment` (deterministic GUID name) below the granting
 * construct; granting the same role to the same principal twice defines it once.
 */
import type { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import { BuiltInRole } from '../../catalog/roles.js';
import { RoleAssignment } from '../rbac/index.js';
import type { IPrincipal } from '../refs.js';
import { Reference } from '../../core/reference.js';
import { hash32 } from '../../core/names.js';

/** Something role assignments can be scoped to. */
export interface IGrantable extends IConstruct {
  /** ARM id used as the assignment scope. */
  readonly resourceId: string;
}

/** Base of the grant facades. */
export class ResourceGrants {
  private holder?: Construct;
  constructor(protected readonly target: IGrantable) {}

  /**
   * Grant any role (a `BuiltInRole`, a built-in role name or a role definition GUID) on the target.
   *
   * @example
   * workspace.grants.role(Principal.group(gid), BuiltInRole.AZUREML_DATA_SCIENTIST);
   */
  public role(
    principal: IPrincipal,
    role: BuiltInRole | string,
    options: { description?: string; condition?: string } = {},
  ): RoleAssignment {
    const holder = (this.holder ??= this.target.node.tryFindChild('Grants') ?? new Construct(this.target, 'Grants'));
    const roleKey = BuiltInRole.isBuiltInRole(role) ? role.roleName : String(role);
    const who = principal?.displayName ?? principal?.objectId ?? 'principal';
    const oid = String(principal?.objectId ?? '');
    // A deploy-time principal id is a long string: a hash of it keeps the construct id short and unique.
    const tail = Reference.isReference(oid) ? hash32(oid).slice(0, 8) : oid.slice(0, 8);
    const id = `${sanitize(roleKey)}-${sanitize(who)}-${tail}`;
    const existing = holder.node.tryFindChild(id);
    if (existing) return existing as RoleAssignment;
    return new RoleAssignment(holder, id, {
      principal,
      role,
      scopeId: this.target.resourceId,
      ...(options.description ? { description: options.description } : {}),
      ...(options.condition ? { condition: options.condition } : {}),
    });
  }
}

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '');
}

/** Role assignments on a workspace. */
export class WorkspaceGrants extends ResourceGrants {
  /** AzureML Data Scientist: run jobs, use compute, manage assets; cannot create compute or change the workspace. */
  public dataScientist(principal: IPrincipal): RoleAssignment {
    return this.role(principal, BuiltInRole.AZUREML_DATA_SCIENTIST);
  }
  /** AzureML Compute Operator: create, manage and delete compute in the workspace. */
  public computeOperator(principal: IPrincipal): RoleAssignment {
    return this.role(principal, BuiltInRole.AZUREML_COMPUTE_OPERATOR);
  }
  /** Reader: see the workspace and its resources. */
  public reader(principal: IPrincipal): RoleAssignment {
    return this.role(principal, BuiltInRole.READER);
  }
  /** Contributor on the workspace. */
  public contributor(principal: IPrincipal): RoleAssignment {
    return this.role(principal, BuiltInRole.CONTRIBUTOR);
  }
}

/** Role assignments on one compute (instance or cluster). */
export class ComputeGrants extends ResourceGrants {
  /** AzureML Compute Operator scoped to this compute only: start, stop, restart, manage it. */
  public operator(principal: IPrincipal): RoleAssignment {
    return this.role(principal, BuiltInRole.AZUREML_COMPUTE_OPERATOR);
  }
  /** Reader on this compute only. */
  public reader(principal: IPrincipal): RoleAssignment {
    return this.role(principal, BuiltInRole.READER);
  }
}
