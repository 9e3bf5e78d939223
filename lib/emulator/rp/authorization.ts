/**
 * Microsoft.Authorization role assignments (an extension resource at any scope) and role definitions (read).
 * The name must be a GUID; the same principal + role + scope under another name is 409 `RoleAssignmentExists`;
 * a role definition GUID that is not a built-in role is 400 `RoleDefinitionDoesNotExist`; a principal Entra ID
 * does not know (yet) is 400 `PrincipalNotFound` unless `principalType` is set (../directory.ts).
 */
import { badRequest, conflict, ArmHttpError } from '../errors.js';
import { BuiltInRole } from '../../catalog/roles.js';
import type { Engine, EngineRequest, EngineResponse, ResourceType } from '../engine.js';
import { clone, props, type Json } from './common.js';
import { text } from '../../core/text.js';
import { objectIdKey, principalNotFound, principalVisible } from '../directory.js';

const RA = 'Microsoft.Authorization/roleAssignments';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRINCIPAL_TYPES = [
  'User',
  'Group',
  'ServicePrincipal',
  'ForeignGroup',
  'Device',
  'AgentUser',
  'AgentServicePrincipal',
];

function scopeOf(id: string): string {
  return id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, '');
}

export const roleAssignments: ResourceType = {
  type: RA,
  tracked: false,
  lro: false,
  extension: true,
  deleteReturnsBody: true,
  put(input) {
    if (!GUID.test(input.name)) {
      throw badRequest(
        'InvalidRoleAssignmentId',
        `The role assignment ID '${input.name}' is not valid. The role assignment ID must be a GUID.`,
        'name',
      );
    }
    const p = props(input.body);
    const role = p.roleDefinitionId;
    const principal = p.principalId;
    if (
      typeof role !== 'string' ||
      !/\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i.test(role)
    ) {
      throw badRequest(
        'InvalidRoleDefinitionId',
        `properties.roleDefinitionId must be '/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}' (got ${JSON.stringify(role)}).`,
        'properties.roleDefinitionId',
      );
    }
    if (typeof principal !== 'string' || !GUID.test(principal)) {
      throw badRequest(
        'InvalidPrincipalId',
        `properties.principalId must be the object id (GUID) of a user, group or service principal (got ${JSON.stringify(principal)}).`,
        'properties.principalId',
      );
    }
    if (p.principalType !== undefined && !PRINCIPAL_TYPES.includes(text(p.principalType))) {
      throw badRequest(
        'InvalidPrincipalType',
        `properties.principalType must be one of ${PRINCIPAL_TYPES.join(', ')}.`,
        'properties.principalType',
      );
    }
    if (
      p.conditionVersion !== undefined &&
      p.conditionVersion !== null &&
      (p.conditionVersion !== '2.0' || !p.condition)
    ) {
      throw badRequest(
        'InvalidConditionVersion',
        "conditionVersion must be '2.0' and only set together with 'condition'.",
        'properties.conditionVersion',
      );
    }
    const scope = scopeOf(input.id);
    const roleGuid = role.split('/').pop()!.toLowerCase();
    if (!BuiltInRole.values().some((r) => r.guid === roleGuid) && !input.engine.customRoles.has(roleGuid)) {
      // The emulator serves the built-in roles and the custom ones seeded through the admin API: any other GUID is
      // unknown.
      throw new ArmHttpError(
        400,
        'RoleDefinitionDoesNotExist',
        `The specified role definition with ID '${roleGuid}' does not exist.`,
      );
    }
    if (
      !input.existing &&
      p.principalType === undefined &&
      !principalVisible(input.engine, principal, input.req.now, input.req.principal.oid)
    ) {
      // Without principalType Azure RBAC looks the principal up in Entra ID (see ../directory.ts).
      throw principalNotFound(principal, input.engine.config.tenantId);
    }
    if (input.existing) {
      const old = props(input.existing.body);
      if (
        String(old.principalId).toLowerCase() !== principal.toLowerCase() ||
        String(old.roleDefinitionId).split('/').pop()!.toLowerCase() !== roleGuid
      ) {
        throw new ArmHttpError(
          400,
          'RoleAssignmentUpdateNotPermitted',
          'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.',
        );
      }
    } else {
      for (const rec of input.engine.store.childrenOf(scope.toLowerCase())) {
        if (rec.typeKey !== RA.toLowerCase()) continue;
        const rp = props(rec.body);
        if (
          String(rp.principalId).toLowerCase() === principal.toLowerCase() &&
          String(rp.roleDefinitionId).split('/').pop()!.toLowerCase() === roleGuid
        ) {
          throw conflict(
            'RoleAssignmentExists',
            `The role assignment already exists. The ID of the existing role assignment is ${rec.id.split('/').pop()!.replace(/-/g, '')}.`,
          );
        }
      }
    }
    const now = new Date(input.req.now).toISOString();
    const old = input.existing ? props(input.existing.body) : undefined;
    const outP: Json = {
      ...clone(p),
      roleDefinitionId: role,
      principalId: principal,
      // Azure fills principalType from the directory when the request left it out (corpus
      // authorization/role-assignment-create.json: sent none, answered ServicePrincipal); unknown principals read User.
      principalType:
        p.principalType ??
        old?.principalType ??
        input.engine.store.principals.get(objectIdKey(principal))?.type ??
        'User',
      scope,
      condition: p.condition ?? null,
      conditionVersion: p.conditionVersion ?? null,
      createdOn: old?.createdOn ?? now,
      updatedOn: now,
      createdBy: old?.createdBy ?? input.req.principal.oid,
      updatedBy: input.req.principal.oid,
      delegatedManagedIdentityResourceId: p.delegatedManagedIdentityResourceId ?? null,
      description: p.description ?? null,
    };
    return { body: { id: input.id, type: RA, name: input.name, properties: outP } };
  },
  listFilter(engine, recs, req, parsed) {
    // ARM lists assignments at, above and below the scope; atScope() keeps at and above; principalId filters.
    // azure-rest-api-specs authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/
    // authorization-RoleAssignmentsCalls.json @007a51db (RoleAssignmentFilterParameter): "Use $filter=atScope() to
    // return all role assignments at or above the scope. Use $filter=principalId eq {id} to return all role
    // assignments at, above or below the scope for the specified principal"; every list is x-ms-pageable (nextLink).
    const filter = req.query.get('$filter') ?? '';
    const scope = parsed.parentId.toLowerCase();
    const all = [...engine.store.resources.values()].filter((r) => r.typeKey === RA.toLowerCase());
    const atScope = /atScope\(\)/i.test(filter);
    const principal = /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1]?.toLowerCase();
    void recs;
    return all.filter((r) => {
      const s = String(props(r.body).scope).toLowerCase();
      const above = scope === s || scope.startsWith(s + '/');
      const below = s.startsWith(scope + '/');
      if (!(above || (!atScope && below))) return false;
      return principal === undefined || String(props(r.body).principalId).toLowerCase() === principal;
    });
  },
};

const ROLE_DEF =
  /^(\/subscriptions\/[^/]+(?:\/.*)?)?\/providers\/Microsoft\.Authorization\/roleDefinitions(?:\/([^/]+))?$/i;

/**
 * Read-only built-in role definitions (lib/catalog/roles.ts) at any scope:
 * `GET {scope}/providers/Microsoft.Authorization/roleDefinitions[/{guid}]`, list filter `roleName eq '<name>'`.
 * Undefined for other paths.
 */
export function roleDefinitionQuery(_engine: Engine, req: EngineRequest): EngineResponse | undefined {
  const m = ROLE_DEF.exec(req.path);
  if (!m || req.method !== 'GET') return undefined;
  const sub = /^\/subscriptions\/([^/]+)/i.exec(m[1] ?? '')?.[1];
  const def = (r: BuiltInRole): Record<string, unknown> => ({
    id: `${sub ? `/subscriptions/${sub}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${r.guid}`,
    name: r.guid,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: r.roleName,
      type: 'BuiltInRole',
      description: r.roleName,
      assignableScopes: ['/'],
      permissions: [],
    },
  });
  const builtIns = BuiltInRole.values();
  if (m[2] !== undefined) {
    const r = builtIns.find((x) => x.guid === m[2].toLowerCase());
    if (!r)
      throw new ArmHttpError(
        404,
        'RoleDefinitionDoesNotExist',
        `The specified role definition with ID '${m[2]}' does not exist.`,
      );
    return { status: 200, body: def(r), resourceId: req.path };
  }
  const name = /roleName\s+eq\s+'([^']+)'/i.exec(req.query.get('$filter') ?? '')?.[1];
  const list = builtIns.filter((r) => name === undefined || r.roleName.toLowerCase() === name.toLowerCase());
  return { status: 200, body: { value: list.map(def) }, resourceId: req.path };
}
