/**
 * What plan needs to know about Azure's lifecycle traps beyond the resources themselves, read only for the
 * resources a plan would create (so a plan without creates costs nothing more):
 *
 * - key vaults to create: is a vault of that name soft-deleted in the stack's subscription
 *   (`GET /subscriptions/{s}/providers/Microsoft.KeyVault/locations/{loc}/deletedVaults/{name}`, keyvault
 *   stable/2023-07-01 `Vaults_GetDeleted`)?
 * - storage accounts, key vaults and container registries to create: is the globally unique name free
 *   (`POST /subscriptions/{s}/providers/{namespace}/checkNameAvailability`, each namespace's pinned spec)?
 * - role assignments to create: does an assignment of the same principal, role and scope exist under another name
 *   (`GET {scope}/providers/Microsoft.Authorization/roleAssignments?$filter=atScope() and principalId eq '…'`)?
 *   Azure answers the create 409 `RoleAssignmentExists`; plan adopts the existing one instead.
 */
import type { ArmClient, ArmResource } from '../arm/types.js';
import type { ManifestResource } from '../manifest/types.js';
import type { Observation } from './observe.js';
import { KEY_VAULT, type DeletedVault, type NameAvailability } from './lifecycle.js';

export type { DeletedVault, NameAvailability };
import { mapLimit } from './observe.js';

export const ROLE_ASSIGNMENT = 'microsoft.authorization/roleassignments';
/** Types whose names are unique across Azure, with the namespace that checks them. */
export const GLOBAL_NAME_TYPES: Readonly<Record<string, { readonly namespace: string; readonly type: string }>> = {
  'microsoft.storage/storageaccounts': { namespace: 'Microsoft.Storage', type: 'Microsoft.Storage/storageAccounts' },
  'microsoft.keyvault/vaults': { namespace: 'Microsoft.KeyVault', type: 'Microsoft.KeyVault/vaults' },
  'microsoft.containerregistry/registries': {
    namespace: 'Microsoft.ContainerRegistry',
    type: 'Microsoft.ContainerRegistry/registries',
  },
};

export interface LifecycleObservation {
  /** Lower-case id of a vault to create → the soft-deleted vault of its name in the stack's subscription. */
  readonly deletedVaults: ReadonlyMap<string, DeletedVault>;
  /** Lower-case id of a storage account / vault / registry to create → whether its name is free. */
  readonly names: ReadonlyMap<string, NameAvailability>;
  /** logicalId of a role assignment to create → the id of an assignment of the same principal, role and scope. */
  readonly equivalentAssignments: ReadonlyMap<string, string>;
  readonly calls: number;
}

export const NO_LIFECYCLE: LifecycleObservation = {
  deletedVaults: new Map(),
  names: new Map(),
  equivalentAssignments: new Map(),
  calls: 0,
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The scope of a role assignment id (everything before `/providers/Microsoft.Authorization/roleAssignments/`). */
export function assignmentScope(id: string): string {
  return id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, '');
}

/** Principal, role GUID and scope of a role assignment body (or observed resource), lower-cased. */
export function assignmentKey(
  id: string,
  body: unknown,
): { principal: string; role: string; scope: string } | undefined {
  const p = (body as { properties?: Record<string, unknown> } | undefined)?.properties;
  const principal = str(p?.principalId);
  const role = str(p?.roleDefinitionId)?.split('/').pop();
  if (!principal || !role) return undefined;
  return {
    principal: principal.replace(/-/g, '').toLowerCase(),
    role: role.toLowerCase(),
    scope: (str(p?.scope) ?? assignmentScope(id)).toLowerCase(),
  };
}

/** Two role assignments that Azure treats as the same (same principal, role and scope). */
export function sameAssignment(a: ReturnType<typeof assignmentKey>, b: ReturnType<typeof assignmentKey>): boolean {
  return !!a && !!b && a.principal === b.principal && a.role === b.role && a.scope === b.scope;
}

export interface LifecycleObserveOptions {
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Ask checkNameAvailability for new globally unique names. @default true */
  readonly checkNames?: boolean;
}

/**
 * Observe what plan needs about the desired resources that do not exist yet (see the file comment). `creates` are
 * the desired resources the observation did not find.
 */
export async function observeLifecycle(
  client: ArmClient,
  desired: readonly ManifestResource[],
  observation: Observation,
  options: LifecycleObserveOptions = {},
): Promise<LifecycleObservation> {
  const creates = desired.filter((r) => !observation.resources.get(r.id.toLowerCase()));
  if (creates.length === 0) return NO_LIFECYCLE;
  const deletedVaults = new Map<string, DeletedVault>();
  const names = new Map<string, NameAvailability>();
  const equivalentAssignments = new Map<string, string>();
  let calls = 0;
  const callOpts = options.signal ? { signal: options.signal } : {};
  const tasks: (() => Promise<void>)[] = [];
  const createdHere = new Set(creates.map((r) => r.id.toLowerCase()));
  const listings = new Map<string, Promise<ArmResource[]>>();
  for (const r of creates) {
    const type = r.type.toLowerCase();
    const sub = /^\/subscriptions\/([^/]+)/i.exec(r.id)?.[1];
    if (!sub) continue;
    if (type === KEY_VAULT) {
      const location = str(r.body.location)?.replace(/\s+/g, '').toLowerCase();
      if (location)
        tasks.push(async () => {
          calls += 1;
          const d = await client.get(
            `/subscriptions/${sub}/providers/Microsoft.KeyVault/locations/${location}/deletedVaults/${r.name}`,
            r.apiVersion,
            callOpts,
          );
          const p = d?.properties as Record<string, unknown> | undefined;
          const vaultId = str(p?.vaultId);
          if (vaultId)
            deletedVaults.set(r.id.toLowerCase(), {
              vaultId,
              ...(str(p?.deletionDate) ? { deletionDate: str(p?.deletionDate) } : {}),
              ...(str(p?.scheduledPurgeDate) ? { scheduledPurgeDate: str(p?.scheduledPurgeDate) } : {}),
              purgeProtectionEnabled: p?.purgeProtectionEnabled === true,
            });
        });
    }
    const global = GLOBAL_NAME_TYPES[type];
    if (global && options.checkNames !== false) {
      tasks.push(async () => {
        calls += 1;
        const res = await client.post(
          `/subscriptions/${sub}/providers/${global.namespace}`,
          'checkNameAvailability',
          r.apiVersion,
          { name: r.name, type: global.type },
          callOpts,
        );
        const b = res.body as Record<string, unknown> | undefined;
        if (b && typeof b.nameAvailable === 'boolean')
          names.set(r.id.toLowerCase(), {
            nameAvailable: b.nameAvailable,
            ...(str(b.reason) ? { reason: str(b.reason) } : {}),
            ...(str(b.message) ? { message: str(b.message) } : {}),
          });
      });
    }
    if (type === ROLE_ASSIGNMENT) {
      const want = assignmentKey(r.id, r.body);
      const principal = str((r.body.properties as Record<string, unknown> | undefined)?.principalId);
      const scope = assignmentScope(r.id);
      // No assignment can exist at a scope this apply creates (a new workspace): nothing to list there.
      if (want && principal && /^[0-9a-f-]{32,36}$/i.test(principal) && !createdHere.has(scope.toLowerCase()))
        tasks.push(async () => {
          // One list per scope and principal, whatever the number of roles assigned there.
          const key = `${scope.toLowerCase()} ${principal.toLowerCase()}`;
          let listing = listings.get(key);
          if (!listing) {
            calls += 1;
            listing = client.list(`${scope}/providers/Microsoft.Authorization/roleAssignments`, r.apiVersion, {
              ...callOpts,
              query: { $filter: `atScope() and principalId eq '${principal}'` },
            });
            listings.set(key, listing);
          }
          const found = await listing;
          const same = found.find(
            (x) => x.id.toLowerCase() !== r.id.toLowerCase() && sameAssignment(assignmentKey(x.id, x), want),
          );
          if (same) equivalentAssignments.set(r.logicalId, same.id);
        });
    }
  }
  await mapLimit(tasks, options.concurrency ?? 16, (t) => t());
  return { deletedVaults, names, equivalentAssignments, calls };
}
