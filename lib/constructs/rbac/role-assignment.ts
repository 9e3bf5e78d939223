/**
 * `RoleAssignment` with deterministic GUID names, and the `grant` helper the `grants` facades call.
 *
 * The name is a UUIDv5 (RFC 4122 §4.3, SHA-1) in the fixed namespace {@link ROLE_ASSIGNMENT_NAMESPACE} of
 * `<scope id, lower case>|<principal object id>|<role GUID>`, so the same inputs always give the same name and a
 * re-run never creates a second assignment. It does not equal Bicep's `guid()` of the same triple: an assignment
 * made by Bicep for the same triple answers 409 `RoleAssignmentExists` (the reconciler adopts it).
 */
import { createHash } from 'node:crypto';
import { Construct, type IConstruct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack } from '../../core/stack.js';
import { recordError } from '../../core/annotations.js';
import { ValidationError } from '../../core/errors.js';
import { apiVersionFor } from '../../catalog/api-versions.js';
import { BuiltInRole } from '../../catalog/roles.js';
import type { IPrincipal } from '../refs.js';
import { Principal } from './principal.js';
import { isRoleScope, resourceIdOf, subscriptionOfScope, type ResourceIdLike } from './scope.js';
import { text } from '../../core/text.js';
import { Reference } from '../../core/reference.js';
import { cleanProps, prepareConstruct, reportPropProblems } from '../../core/props.js';
import { hasBrand, isReadableObject } from '../../core/brand.js';

const RA = Symbol.for('amlcdk.RoleAssignment');
const TYPE = 'Microsoft.Authorization/roleAssignments';
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLACEHOLDER_GUID = '00000000-0000-0000-0000-000000000000';

/** Namespace of the UUIDv5 role-assignment names. Never change it: every name would change. */
export const ROLE_ASSIGNMENT_NAMESPACE = '5f0e2c1a-7d43-4b8e-9a61-0c3b8f4d2e17';

/** RFC 4122 version-5 UUID of `name` in `namespace`. */
export function uuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The deterministic role-assignment name for a scope, principal and role. */
export function roleAssignmentName(scopeId: string, principalId: string, roleGuid: string): string {
  return uuidv5(
    `${scopeId.toLowerCase()}|${principalId.toLowerCase()}|${roleGuid.toLowerCase()}`,
    ROLE_ASSIGNMENT_NAMESPACE,
  );
}

/**
 * What stands for the principal in a role-assignment name. A deploy-time principal id is named by the ARM id of the
 * resource it comes from and the attribute, which survive a move of the construct (previousPath), where its
 * construct path would not.
 */
export function principalNameKey(scope: IConstruct, principalId: string): string {
  if (!Reference.isReference(principalId)) return principalId.toLowerCase();
  const target = Reference.targetOf(scope, principalId);
  const t = Reference.parse(principalId)!;
  return AzureResource.isAzureResource(target) ? `${target.resourceId.toLowerCase()}#${t.attribute}` : principalId;
}

/** Props of a {@link RoleAssignment}. */
export interface RoleAssignmentProps extends ResourceOptionsProps {
  /** Who gets the role. */
  readonly principal: IPrincipal;
  /** The role: a `BuiltInRole`, a built-in role name (`'AzureML Data Scientist'`) or a role-definition GUID. */
  readonly role: BuiltInRole | string;
  /**
   * Where the role applies: a construct with an ARM id (a Workspace, a compute, a storage account, a subnet) or
   * a scope id (`/subscriptions/…`, `/subscriptions/…/resourceGroups/…`, or a resource id).
   * @default - `scopeId`, else the stack's resource group
   */
  readonly scope?: ResourceIdLike;
  /**
   * Scope as an ARM id (alias of a string `scope`).
   * @default - see `scope`
   */
  readonly scopeId?: string;
  /**
   * Description stored on the assignment.
   * @default - none
   */
  readonly description?: string;
  /**
   * ABAC condition (e.g. limiting a storage role to one container).
   * @default - none
   */
  readonly condition?: string;
  /**
   * Condition language version; only `2.0` exists, and only with `condition`.
   * @default '2.0' when `condition` is set
   */
  readonly conditionVersion?: '2.0';
  /**
   * Explicit assignment name (GUID), e.g. to adopt an assignment made by Bicep.
   * @default - UUIDv5 of scope|principal|role
   */
  readonly roleAssignmentName?: string;
}

/** Assignments by name, per construct tree, to detect (and, for `grant`, collapse) duplicates. */
const registry = new WeakMap<IConstruct, Map<string, RoleAssignment>>();

function registryOf(c: IConstruct): Map<string, RoleAssignment> {
  const root = c.node.root;
  let m = registry.get(root);
  if (!m) registry.set(root, (m = new Map<string, RoleAssignment>()));
  return m;
}

/**
 * A role assignment (`Microsoft.Authorization/roleAssignments`, api 2022-04-01).
 *
 * Defining the same principal, role and scope twice in one app is an error (`DuplicateRoleAssignment`); the
 * `grant` helper (and the `grants` facades built on it) returns the existing assignment instead.
 *
 * @example
 * new RoleAssignment(stack, 'TeamIsDataScientist', {
 *   principal: Principal.group(TEAM_GROUP_ID), role: BuiltInRole.AZUREML_DATA_SCIENTIST, scope: workspace,
 * });
 */
export class RoleAssignment extends AzureResource {
  public static isRoleAssignment(x: unknown): x is RoleAssignment {
    return hasBrand(x, RA);
  }

  /** The assignment already defined in this app for a name, if any. */
  public static find(scope: IConstruct, name: string): RoleAssignment | undefined {
    return typeof name === 'string' ? registryOf(scope).get(name.toLowerCase()) : undefined;
  }

  /** @attribute */
  public readonly roleAssignmentName: string;
  /** @attribute */
  public readonly roleAssignmentId: string;
  /** ARM id of the scope. */
  public readonly scopeId: string;
  public readonly role: BuiltInRole;
  public readonly principal: IPrincipal;
  /** Object id sent as `principalId` (lower case). */
  public readonly principalId: string;
  private readonly props: RoleAssignmentProps;
  private readonly roleDefinitionId: string;

  constructor(scope: Construct, id: string, props: RoleAssignmentProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const stack = Stack.of(scope);
    const p = (props ?? {}) as Partial<RoleAssignmentProps>;
    const path = `${scope.node.path}/${id}`;
    const pending: ValidationError[] = [];

    let role: BuiltInRole;
    try {
      if (BuiltInRole.isBuiltInRole(p.role)) role = p.role;
      else if (typeof p.role === 'string') role = BuiltInRole.parse(p.role, path);
      else
        throw new ValidationError('UnknownRole', 'role is missing', path, {
          value: p.role,
          allowed: 'a BuiltInRole, a built-in role name or a role-definition GUID',
          fix: 'set role, e.g. BuiltInRole.READER',
        });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      pending.push(e);
      role = BuiltInRole.fromGuid(PLACEHOLDER_GUID);
    }

    const principalOk = Principal.isPrincipalLike(p.principal);
    if (!principalOk) {
      pending.push(
        new ValidationError('InvalidPrincipalId', 'principal must have a GUID objectId and a principalType', path, {
          value: (p.principal as { objectId?: unknown } | undefined)?.objectId,
          allowed: 'Principal.user/group/servicePrincipal/managedIdentity(<object id GUID>)',
          fix: 'create the principal with Principal.user(objectId), Principal.group(objectId), …',
        }),
      );
    }
    const deployTime = principalOk && Reference.isReference(p.principal.objectId);
    const principalId = principalOk
      ? deployTime
        ? p.principal.objectId
        : p.principal.objectId.toLowerCase()
      : PLACEHOLDER_GUID;

    const rawScope = p.scope ?? p.scopeId ?? stack.resourceGroupId;
    const resolved = resourceIdOf(rawScope);
    let scopeId = resolved ?? '';
    if (!isRoleScope(scopeId)) {
      pending.push(
        new ValidationError(
          'InvalidRoleScope',
          `scope ${typeof rawScope === 'string' ? `"${rawScope}"` : (rawScope?.node?.path ?? text(rawScope))} is not a subscription, resource group or resource id`,
          path,
          {
            value: typeof rawScope === 'string' ? rawScope : resolved,
            allowed:
              '/subscriptions/<id>, /subscriptions/<id>/resourceGroups/<rg>, or a resource id (or a construct with one)',
            fix: 'pass the construct (e.g. the Workspace) or its ARM id as scope',
          },
        ),
      );
      scopeId = stack.resourceGroupId;
    }
    scopeId = scopeId.replace(/\/+$/, '');

    let name = roleAssignmentName(scopeId, principalNameKey(scope, principalId), role.guid);
    if (p.roleAssignmentName !== undefined) {
      if (typeof p.roleAssignmentName === 'string' && GUID_RE.test(p.roleAssignmentName))
        name = p.roleAssignmentName.toLowerCase();
      else
        pending.push(
          new ValidationError(
            'InvalidRoleAssignmentName',
            `roleAssignmentName "${String(p.roleAssignmentName)}" is not a GUID`,
            path,
            {
              value: p.roleAssignmentName,
              allowed: 'a GUID',
              fix: "leave roleAssignmentName unset to derive one, or copy the existing assignment's name",
            },
          ),
        );
    }
    const resourceId = `${scopeId}/providers/${TYPE}/${name}`;
    super(scope, id, { armType: TYPE, apiVersion: apiVersionFor(TYPE), resourceId, resourceName: name, options: p });
    reportPropProblems(this, prepared.problems);
    Object.defineProperty(this, RA, { value: true });
    this.roleAssignmentName = name;
    this.roleAssignmentId = resourceId;
    this.scopeId = scopeId;
    this.role = role;
    this.principal = p.principal as IPrincipal;
    this.principalId = principalId;
    this.props = p as RoleAssignmentProps;
    this.roleDefinitionId = role.definitionId(subscriptionOfScope(scopeId) ?? stack.subscriptionId);
    for (const e of pending) recordError(this, withSource(e, this));

    if (p.conditionVersion !== undefined && (p.condition === undefined || p.conditionVersion !== '2.0')) {
      recordError(
        this,
        withSource(
          new ValidationError(
            'InvalidRoleCondition',
            p.condition === undefined
              ? 'conditionVersion is set without a condition'
              : `conditionVersion "${String(p.conditionVersion)}" is not supported`,
            this,
            {
              value: p.conditionVersion,
              allowed: '"2.0", together with condition',
              fix:
                p.condition === undefined
                  ? 'remove conditionVersion or add a condition'
                  : 'use conditionVersion: "2.0"',
            },
          ),
          this,
        ),
      );
    }
    if (p.condition !== undefined && (typeof p.condition !== 'string' || p.condition.trim().length === 0)) {
      recordError(
        this,
        withSource(
          new ValidationError('InvalidRoleCondition', 'condition must be a non-empty ABAC expression', this, {
            value: p.condition,
            allowed: 'an ABAC condition string',
            fix: 'remove condition or write the expression',
          }),
          this,
        ),
      );
    }

    if (typeof p.scope === 'object' && p.scope !== null && AzureResource.isAzureResource(p.scope))
      this.addDependency(p.scope);
    else {
      // A string scope naming an ancestor (grants facades define assignments below the target): wait for it.
      const lower = scopeId.toLowerCase();
      for (let s: IConstruct | undefined = this.node.scope; s; s = s.node.scope) {
        if (AzureResource.isAzureResource(s) && s.resourceId.toLowerCase() === lower) {
          this.addDependency(s);
          break;
        }
      }
    }

    const reg = registryOf(this);
    const key = name.toLowerCase();
    const prev = reg.get(key);
    if (prev && pending.length === 0) {
      recordError(
        this,
        withSource(
          new ValidationError(
            'DuplicateRoleAssignment',
            `${role.roleName} for ${describe(this.principal)} on ${scopeId} is already defined by ${prev.node.path}`,
            this,
            {
              value: { principal: principalId, role: role.roleName, scope: scopeId },
              allowed: 'one assignment per principal, role and scope',
              fix: `remove one of them (or use grant()/the grants facades, which reuse ${prev.node.path})`,
            },
          ),
          this,
        ),
      );
    } else if (!prev && pending.length === 0) reg.set(key, this);
  }

  protected renderBody(): Record<string, unknown> {
    const p = this.props;
    const condition = typeof p.condition === 'string' && p.condition.trim() ? p.condition : undefined;
    return {
      properties: {
        roleDefinitionId: this.roleDefinitionId,
        principalId: this.principalId,
        principalType: this.principal?.principalType ?? 'User',
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(condition !== undefined ? { condition, conditionVersion: p.conditionVersion ?? '2.0' } : {}),
      },
    };
  }
}

/** Options of {@link grant}. */
export interface GrantOptions {
  /**
   * Construct to define the assignment under.
   * @default - the target, when it is a construct; required for string targets
   */
  readonly parent?: IConstruct;
  /**
   * Construct id of the assignment.
   * @default - `Grant<Role><principal label>`
   */
  readonly id?: string;
  /** @default - none */
  readonly description?: string;
  /** @default - none */
  readonly condition?: string;
  /** @default '2.0' when `condition` is set */
  readonly conditionVersion?: '2.0';
}

/**
 * Grant `role` on `target` to `principal`, reusing the assignment if this app already defines the same triple.
 * This is what `workspace.grants.*`, `cluster.grants.*` and file-share mounts call.
 *
 * @example
 * grant(workspace, Principal.group(TEAM), BuiltInRole.AZUREML_DATA_SCIENTIST);
 * grant('/subscriptions/…/resourceGroups/rg-data', alice, 'Reader', { parent: stack });
 */
export function grant(
  target: ResourceIdLike,
  principal: IPrincipal,
  role: BuiltInRole | string,
  options: GrantOptions = {},
): RoleAssignment {
  const opts: GrantOptions = isReadableObject(options) ? cleanProps(options).props : {};
  const parent = opts.parent ?? (typeof target === 'object' ? target : undefined);
  if (!isReadableObject(parent) || !Construct.isConstruct(parent)) {
    throw new ValidationError(
      'MissingGrantParent',
      'grant() with a string scope needs options.parent (the construct to define the assignment under)',
      '<grant>',
      {
        value: target,
        allowed: 'a construct as target, or options.parent',
        fix: 'pass { parent: stack } or the target construct',
      },
    );
  }
  const scopeId = resourceIdOf(target);
  let resolved: BuiltInRole | undefined;
  try {
    resolved = BuiltInRole.isBuiltInRole(role) ? role : BuiltInRole.parse(role, parent.node.path);
  } catch {
    resolved = undefined; // RoleAssignment records the coded error on the construct
  }
  let name: string | undefined;
  if (resolved && scopeId && isRoleScope(scopeId) && Principal.isPrincipalLike(principal)) {
    name = roleAssignmentName(scopeId.replace(/\/+$/, ''), principalNameKey(parent, principal.objectId), resolved.guid);
    const existing = RoleAssignment.find(parent, name);
    if (existing) return existing;
  }
  const readable = isReadableObject(principal) ? principal : undefined;
  const label = String(
    typeof readable?.displayName === 'string'
      ? readable.displayName
      : typeof readable?.objectId === 'string' && !Reference.isReference(readable.objectId)
        ? readable.objectId.slice(0, 8)
        : 'principal',
  ).replace(/[^A-Za-z0-9]/g, '');
  const roleLabel = (resolved?.roleName ?? (typeof role === 'string' ? role : 'Role')).replace(/[^A-Za-z0-9]/g, '');
  let id = opts.id ?? `Grant${roleLabel}${label}`;
  if (!opts.id && parent.node.tryFindChild(id)) {
    // Same label, different principal or scope: the assignment name makes the id unique and stays deterministic.
    if (name && !parent.node.tryFindChild(`${id}-${name.slice(0, 8)}`)) id = `${id}-${name.slice(0, 8)}`;
    else {
      let i = 2;
      while (parent.node.tryFindChild(`${id}${i}`)) i++;
      id = `${id}${i}`;
    }
  }
  return new RoleAssignment(parent, id, {
    principal,
    role: resolved ?? role,
    scope: target,
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.condition !== undefined ? { condition: opts.condition } : {}),
    ...(opts.conditionVersion !== undefined ? { conditionVersion: opts.conditionVersion } : {}),
  });
}

function describe(p: IPrincipal | undefined): string {
  if (!p) return 'principal';
  return `${p.principalType} ${p.displayName ? `${p.displayName} (${p.objectId})` : p.objectId}`;
}

function withSource(e: ValidationError, r: AzureResource): ValidationError {
  if (!r.source || e.details.source) return e;
  return new ValidationError(e.code, e.message, r, { ...e.details, source: r.source });
}
