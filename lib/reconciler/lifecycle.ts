/**
 * Azure's lifecycle traps as plan rules (pure; the facts come from ./lifecycle-observe.ts and the state):
 *
 * - a resource in `provisioningState: Failed` is replaced, with the service's error as the reason;
 * - differences at `ignoreChanges` paths, and tags the program never declared (added by Azure Policy or the portal),
 *   are not changes; an update sends such tags and ignored values back as Azure has them;
 * - a workspace replace meets soft delete: refused unless the delete policy is Purge;
 * - a workspace create meets the soft-deleted workspace this stack deleted within its retention;
 * - a key vault create meets a soft-deleted vault: recovered when this stack owned it, else refused with a fix;
 * - a key vault delete is a soft delete; `Purge` purges it after, unless purge protection forbids it.
 */
import type { ManifestResource } from '../manifest/types.js';
import type { OwnedResource, SoftDeletedEntry, StackState } from '../state/types.js';
import type { PathDiff } from './diff.js';
import { splitPath } from '../catalog/field-tables.js';
import { getAt } from './json-path.js';

/** A soft-deleted key vault (the `properties` of a DeletedVault, keyvault stable/2023-07-01). */
export interface DeletedVault {
  readonly vaultId: string;
  readonly deletionDate?: string;
  readonly scheduledPurgeDate?: string;
  readonly purgeProtectionEnabled: boolean;
}

/** A checkNameAvailability answer. */
export interface NameAvailability {
  readonly nameAvailable: boolean;
  readonly reason?: string;
  readonly message?: string;
}

export const ML_WORKSPACE = 'microsoft.machinelearningservices/workspaces';
export const KEY_VAULT = 'microsoft.keyvault/vaults';
/** Azure ML keeps a deleted workspace 14 days (https://learn.microsoft.com/azure/machine-learning/concept-soft-delete). */
export const WORKSPACE_RETENTION_DAYS = 14;
const DAY_MS = 24 * 3600 * 1000;

/** Types Azure soft-deletes on DELETE (a record goes into the state so a later create knows). */
export function softDeletes(type: string, deleteQuery: Readonly<Record<string, string>>): boolean {
  const t = type.toLowerCase();
  if (t === ML_WORKSPACE) return deleteQuery.forceToPurge !== 'true';
  return t === KEY_VAULT;
}

/** The error of a resource in `provisioningState: Failed`, or undefined when it did not fail. */
export function provisioningFailure(raw: unknown): { code: string; message: string } | undefined {
  const p = (raw as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (typeof p?.provisioningState !== 'string' || p.provisioningState.toLowerCase() !== 'failed') return undefined;
  // ML computes carry `provisioningErrors: [{ error: { code, message } }]`; instances also `properties.errors`.
  const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
  const candidates = [
    ...list(p.provisioningErrors),
    ...list((p.properties as { errors?: unknown } | undefined)?.errors),
  ];
  for (const c of candidates) {
    const e = ((c as { error?: unknown }).error ?? c) as { code?: unknown; message?: unknown };
    if (typeof e?.code === 'string')
      return { code: e.code, message: typeof e.message === 'string' ? e.message : '(no message)' };
  }
  return { code: 'ProvisioningFailed', message: 'Azure reports provisioningState Failed without an error' };
}

/** Is `path` at or below one of the ignored pointers (case-insensitive, as ARM property names are)? */
export function isIgnoredPath(path: string, ignore: readonly string[]): boolean {
  const p = path.toLowerCase();
  return ignore.some((i) => {
    const x = i.toLowerCase();
    return p === x || p.startsWith(x + '/');
  });
}

/**
 * Tag keys the program declares or declared at its last apply (the last applied manifest, not the state's
 * `applied`, which `drift --accept` fills with observed tags).
 */
export function declaredTagKeys(
  r: ManifestResource,
  lastManifest: ManifestResource | undefined,
  owned?: OwnedResource,
): Set<string> {
  const keys = new Set<string>();
  const add = (tags: unknown): void => {
    if (tags && typeof tags === 'object' && !Array.isArray(tags))
      for (const k of Object.keys(tags)) keys.add(k.toLowerCase());
  };
  add(r.body.tags);
  if (lastManifest) add(lastManifest.body.tags);
  else add((owned?.applied as { tags?: unknown } | undefined)?.tags);
  return keys;
}

const TAG_PATH = /^\/tags\/(.+)$/;

/**
 * Drop the differences plan must not act on: those at `ignoreChanges` paths, and tags added outside the program
 * (observed, never declared) unless the stack owns all tags.
 */
export function filterLifecycleDiffs(
  diffs: readonly PathDiff[],
  ignore: readonly string[],
  declared: ReadonlySet<string>,
  ownAllTags: boolean,
): PathDiff[] {
  return diffs.filter((d) => {
    if (ignore.length && isIgnoredPath(d.path, ignore)) return false;
    if (ownAllTags) return true;
    const m = TAG_PATH.exec(d.path);
    if (m && d.after === undefined && !declared.has(splitPath(d.path)[1].toLowerCase())) return false;
    return true;
  });
}

/** Observed tags the program never declared: what an update must send back so it does not remove them. */
export function undeclaredTags(observed: unknown, declared: ReadonlySet<string>): Record<string, string> {
  const tags = (observed as { tags?: unknown } | undefined)?.tags;
  const out: Record<string, string> = {};
  if (tags && typeof tags === 'object' && !Array.isArray(tags))
    for (const [k, v] of Object.entries(tags as Record<string, unknown>))
      if (!declared.has(k.toLowerCase()) && typeof v === 'string') out[k] = v;
  return out;
}

/** Values Azure holds at the ignored paths, to send back in a PUT (an update must not revert what is ignored). */
export function ignoredValues(observed: unknown, ignore: readonly string[]): { segs: string[]; value: unknown }[] {
  return ignore.map((p) => {
    const segs = splitPath(p);
    return { segs, value: getAt(observed, segs) };
  });
}

/** The soft-deleted entry the stack recorded for an id, if still within Azure's retention. */
export function stackSoftDeleted(state: StackState | undefined, id: string, now: number): SoftDeletedEntry | undefined {
  const e = state?.softDeleted?.[id.toLowerCase()];
  if (!e) return undefined;
  const until = e.purgeAt ? Date.parse(e.purgeAt) : Date.parse(e.deletedAt) + WORKSPACE_RETENTION_DAYS * DAY_MS;
  return Number.isFinite(until) && until > now ? e : undefined;
}

/** `2026-03-01` of an ISO time, for messages. */
function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : 'its scheduled purge date';
}

export interface LifecycleError {
  readonly code: string;
  readonly message: string;
  readonly fix: string;
}

/** A workspace replace under a delete policy other than Purge meets soft delete. */
export function workspaceReplaceError(r: ManifestResource): LifecycleError | undefined {
  if (r.type.toLowerCase() !== ML_WORKSPACE || r.options.deletePolicy === 'Purge') return undefined;
  return {
    code: 'WorkspaceReplaceBlockedBySoftDelete',
    message: `${r.logicalId}: this change replaces workspace ${r.name}, but with deletePolicy ${r.options.deletePolicy} its delete is a soft delete: Azure keeps the deleted workspace for ${WORKSPACE_RETENTION_DAYS} days, and creating ${r.name} again fails meanwhile ("Soft-deleted workspace exists. Please purge or recover it.")`,
    fix: `revert the create-only change, or set deletePolicy: 'Purge' on the workspace (the old workspace and its data are deleted for good, so the name can be reused at once), then plan again`,
  };
}

/** A workspace create while the workspace this stack deleted still holds its name. */
export function workspaceCreateError(r: ManifestResource, e: SoftDeletedEntry): LifecycleError {
  const until = e.purgeAt ?? new Date(Date.parse(e.deletedAt) + WORKSPACE_RETENTION_DAYS * DAY_MS).toISOString();
  const rg = /resourceGroups\/([^/]+)/i.exec(r.id)?.[1] ?? '<resource group>';
  return {
    code: 'WorkspaceSoftDeleted',
    message: `${r.logicalId}: this stack deleted workspace ${r.name} on ${day(e.deletedAt)}; Azure keeps it soft-deleted until ${day(until)} and refuses to create ${r.name} again before then`,
    fix: `recover it (Azure portal, Machine Learning, "Recently deleted") and adopt it with \`amlcdk import ${r.id} --as ${r.logicalId}\`; or purge it (az ml workspace delete --name ${r.name} --resource-group ${rg} --permanently-delete); or give the workspace another name`,
  };
}

/** A key vault create that meets a soft-deleted vault this stack did not own. */
export function vaultSoftDeletedError(r: ManifestResource, d: DeletedVault): LifecycleError {
  const loc = typeof r.body.location === 'string' ? r.body.location : '<location>';
  return {
    code: 'KeyVaultSoftDeleted',
    message: `${r.logicalId}: a key vault named ${r.name} is soft-deleted in this subscription (deleted ${day(d.deletionDate)}, kept until ${day(d.scheduledPurgeDate)}, ${d.purgeProtectionEnabled ? 'purge protection on' : 'no purge protection'}); this stack did not delete it, so it is not recovered, and Azure refuses a new vault of that name ("A vault with the same name already exists in deleted state")`,
    fix: d.purgeProtectionEnabled
      ? `recover it (az keyvault recover --name ${r.name}) and adopt it with \`amlcdk import ${d.vaultId} --as ${r.logicalId}\`, or give the vault another name (purge protection forbids a purge before ${day(d.scheduledPurgeDate)})`
      : `recover it (az keyvault recover --name ${r.name}) and adopt it with \`amlcdk import ${d.vaultId} --as ${r.logicalId}\`; or purge it (az keyvault purge --name ${r.name} --location ${loc}); or give the vault another name`,
  };
}

/** A new globally unique name that is taken. */
export function nameTakenError(r: ManifestResource, n: NameAvailability): LifecycleError {
  return {
    code: 'NameNotAvailable',
    message: `${r.logicalId}: the name ${r.name} is not available for a new ${r.type.split('/').pop()} (${n.reason ?? 'AlreadyExists'}: ${n.message ?? 'taken'}); names of this type are unique across all of Azure`,
    fix: `choose another name (${r.type === 'Microsoft.Storage/storageAccounts' ? '3-24 lower-case letters and digits' : 'see the message'}), e.g. with a suffix unique to your organization, and plan again`,
  };
}
