/**
 * The emulator's Entra directory: which object ids exist, and from when Azure RBAC can see them.
 *
 * Azure RBAC looks a role assignment's principal up in Microsoft Entra ID. A principal created moments before (a
 * managed identity, a new group) may not be replicated yet, and the assignment then fails with 400
 * `PrincipalNotFound`. The error text Azure sends says how to avoid it: set `principalType`, and RBAC does not
 * look the principal up ("If you are creating this principal and then immediately assigning a role, this error
 * might be related to a replication delay. In this case, set the role assignment principalType property to a
 * value, such as ServicePrincipal, User, or Group. See https://aka.ms/docs-principaltype"; the Bicep/ARM
 * troubleshooting page https://learn.microsoft.com/azure/role-based-access-control/troubleshooting "Symptom -
 * Assigning a role to a new principal sometimes fails" gives the same fix, and Azure/AgentBaker#8251 applies it:
 * "Setting PrincipalType to ServicePrincipal tells ARM to skip the AAD principal lookup").
 *
 * So the emulator knows a principal when it was seeded through the admin API (`POST /_emulator/principals`), when
 * the emulator created it (the principal of a user-assigned identity or of a system-assigned identity), or when
 * it is the caller of the request. A principal becomes visible `principalReplicationMs` after it was created
 * (configurable; per seeded principal too). A role assignment without `principalType` whose principal is not
 * visible gets 400 `PrincipalNotFound`; with `principalType` it is accepted, as Azure does.
 */
import type { DirectoryPrincipal } from './store.js';
import type { Engine } from './engine.js';
import { ArmHttpError } from './errors.js';

const GUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Object ids are compared without case and without dashes (Azure prints them both ways). */
export function objectIdKey(objectId: string): string {
  const hex = objectId.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What the admin API takes to seed a principal. */
export interface PrincipalSeed {
  readonly objectId: string;
  /** @default 'User' */
  readonly type?: string;
  readonly displayName?: string;
  /** Overrides the configured replication delay for this principal. @default principalReplicationMs */
  readonly replicationDelayMs?: number;
}

/**
 * Record a principal the emulator (or a test) created now. Idempotent: a principal that exists keeps its
 * creation time, so a re-PUT of a workspace does not make its identity invisible again.
 */
export function addPrincipal(engine: Engine, seed: PrincipalSeed, now: number = engine.clock()): DirectoryPrincipal {
  if (typeof seed.objectId !== 'string' || !GUID.test(seed.objectId)) {
    throw new ArmHttpError(
      400,
      'InvalidEmulatorConfig',
      `objectId must be a GUID (got ${JSON.stringify(seed.objectId)}).`,
      'objectId',
    );
  }
  const key = objectIdKey(seed.objectId);
  const existing = engine.store.principals.get(key);
  if (existing) return existing;
  const delay = seed.replicationDelayMs ?? engine.config.principalReplicationMs ?? 0;
  if (!(typeof delay === 'number' && Number.isFinite(delay) && delay >= 0)) {
    throw new ArmHttpError(
      400,
      'InvalidEmulatorConfig',
      'replicationDelayMs must be a number >= 0.',
      'replicationDelayMs',
    );
  }
  const p: DirectoryPrincipal = {
    objectId: key,
    type: seed.type ?? 'User',
    ...(seed.displayName !== undefined ? { displayName: seed.displayName } : {}),
    createdAt: now,
    visibleAt: now + delay,
  };
  engine.store.principals.set(key, p);
  return p;
}

/** Is the principal visible to Azure RBAC at `now`? The caller of the request always is. */
export function principalVisible(engine: Engine, objectId: string, now: number, callerOid?: string): boolean {
  const key = objectIdKey(objectId);
  if (callerOid !== undefined && GUID.test(callerOid) && objectIdKey(callerOid) === key) return true;
  const p = engine.store.principals.get(key);
  return p !== undefined && now >= p.visibleAt;
}

/** Azure's 400 for a principal RBAC cannot find (the id printed without dashes, as Azure does). */
export function principalNotFound(objectId: string, tenantId: string): ArmHttpError {
  return new ArmHttpError(
    400,
    'PrincipalNotFound',
    `Principal ${objectId.replace(/-/g, '').toLowerCase()} does not exist in the directory ${tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group. See https://aka.ms/docs-principaltype`,
  );
}

/**
 * The principals a written resource brings into the directory: its system-assigned identity, or the identity
 * itself for `Microsoft.ManagedIdentity/userAssignedIdentities`. Their replication starts now.
 */
export function registerIdentities(engine: Engine, typeKey: string, body: Record<string, unknown>, now: number): void {
  const identity = body.identity as { principalId?: unknown } | undefined;
  if (identity && typeof identity.principalId === 'string' && GUID.test(identity.principalId))
    addPrincipal(engine, { objectId: identity.principalId, type: 'ServicePrincipal' }, now);
  if (typeKey === 'microsoft.managedidentity/userassignedidentities') {
    const p = (body.properties as { principalId?: unknown } | undefined)?.principalId;
    if (typeof p === 'string' && GUID.test(p)) addPrincipal(engine, { objectId: p, type: 'ServicePrincipal' }, now);
  }
}
