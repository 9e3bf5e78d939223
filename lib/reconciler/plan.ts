/**
 * Plan: desired manifest + last applied state + observation → one change per resource, each with the paths that
 * caused it and the reason, in a JSON shape close to `terraform show -json` (`resource_changes[].change.actions`).
 *
 * Planning is pure and synchronous (no network): the observation is taken before. It is deterministic, so a saved
 * plan can be re-derived from its manifest and a fresh observation and compared by fingerprint.
 */
import {
  classifyPath,
  computeTypeOf,
  fieldTableFor,
  joinPath,
  splitPath,
  type FieldTable,
  type UpdateKind,
} from '../catalog/field-tables.js';
import type { Manifest, ManifestAction, ManifestResource, ManifestStack } from '../manifest/types.js';
import type { OwnedResource, StackState } from '../state/types.js';
import { COST_ASSUMPTIONS, monthlyCost } from './cost.js';
import { diffBodies, type PathDiff } from './diff.js';
import { contentHash } from '../manifest/canonical.js';
import { maskSecrets } from './mask.js';
import { substituteAssets } from './assets.js';
import type { Observation, ObservedResource, ObserveTarget } from './observe.js';
import { getAt, setAt } from './json-path.js';
import { refsIn, substituteRefs } from '../manifest/refs.js';

/** What a plan shows for a deploy-time value that exists only once the resource it comes from is created. */
export const KNOWN_AFTER_APPLY = '(known after apply)';

/** Indices of `resources` in dependency order (manifest order among independent ones); a cycle keeps the rest in order. */
function dependencyOrder(resources: readonly ManifestResource[]): number[] {
  const index = new Map(resources.map((r, i) => [r.logicalId, i]));
  const pending = resources.map((r) => r.dependsOn.filter((d) => index.has(d) && d !== r.logicalId).length);
  const dependents: number[][] = resources.map(() => []);
  resources.forEach((r, i) => {
    for (const d of r.dependsOn) {
      const j = index.get(d);
      if (j !== undefined && j !== i) dependents[j].push(i);
    }
  });
  const out: number[] = [];
  const done = new Array<boolean>(resources.length).fill(false);
  let ready = pending.flatMap((p, i) => (p === 0 ? [i] : []));
  while (ready.length) {
    const next: number[] = [];
    for (const i of ready) {
      out.push(i);
      done[i] = true;
      for (const k of dependents[i]) if (--pending[k] === 0) next.push(k);
    }
    ready = next.sort((a, b) => a - b);
  }
  for (let i = 0; i < resources.length; i++) if (!done[i]) out.push(i);
  return out;
}
import {
  NO_LIFECYCLE,
  ROLE_ASSIGNMENT,
  assignmentKey,
  sameAssignment,
  type LifecycleObservation,
} from './lifecycle-observe.js';
import {
  KEY_VAULT,
  ML_WORKSPACE,
  declaredTagKeys,
  filterLifecycleDiffs,
  ignoredValues,
  nameTakenError,
  provisioningFailure,
  softDeletes,
  stackSoftDeleted,
  undeclaredTags,
  vaultSoftDeletedError,
  workspaceCreateError,
  workspaceReplaceError,
} from './lifecycle.js';

export const PLAN_FORMAT_VERSION = '1.0';

/**
 * Terraform-compatible action arrays, plus `patch` (PATCH of a subtree), `action` (POST actions only),
 * `forget` (Terraform 1.7's name: leave the resource in Azure, drop it from state; deletePolicy `Retain`) and
 * `adopt` (an equivalent resource exists under another name, e.g. a role assignment Azure would answer 409
 * `RoleAssignmentExists`: it goes into the state, nothing is written).
 */
export type PlanAction = 'create' | 'update' | 'patch' | 'delete' | 'action' | 'no-op' | 'forget' | 'adopt';

export interface PlannedPath {
  readonly path: string;
  readonly update: UpdateKind;
  /** POST action for `update: 'action'`. */
  readonly action?: string;
  /** Human reason, e.g. `replace: properties.properties.vmSize is create-only`. */
  readonly reason: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ResourceChange {
  /** The construct path (manifest logicalId). */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly id: string;
  readonly construct?: string;
  readonly source?: { readonly file: string; readonly line: number };
  readonly change: {
    readonly actions: readonly PlanAction[];
    /** Observed (normalized) body, secrets masked; null when absent. */
    readonly before: unknown;
    /** Desired body, secrets masked; null for delete/forget. */
    readonly after: unknown;
    readonly paths: readonly PlannedPath[];
  };
  /** Terraform-style: `replace_because_cannot_update`, `replace_because_parent_replaced`, `delete_because_no_resource_config`, ... */
  readonly action_reason?: string;
  readonly replace_paths?: readonly string[];
  /** Order of a replacement: same ARM id → `delete-before-create` (names are unique); new id → `create-before-delete`. */
  readonly replace_order?: 'delete-before-create' | 'create-before-delete';
  /** Extra facts for humans (adoption, already deleted, query parameters of a delete, POST actions). */
  readonly notes?: readonly string[];
}

export interface PlanError {
  readonly address: string;
  readonly code: string;
  readonly message: string;
  readonly fix: string;
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly forget: number;
  readonly adopt: number;
  readonly noop: number;
}

export interface Plan {
  readonly format_version: string;
  readonly stack: string;
  readonly mode: 'apply' | 'destroy' | 'refresh-only';
  readonly manifest_hash: string;
  /** sha256 over the normalized observation and the state's updatedAt: if it moved, a saved plan is stale. */
  readonly observed_fingerprint: string;
  readonly resource_changes: readonly ResourceChange[];
  readonly errors: readonly PlanError[];
  readonly summary: PlanSummary;
  readonly cost: {
    readonly monthlyDeltaUsd: number;
    readonly assumptions: readonly string[];
    readonly unknownSizes?: readonly string[];
  };
}

/** A saved plan file (`plan --out`): the plan plus what apply needs to re-derive and check it. */
export interface SavedPlan extends Plan {
  readonly manifest?: Manifest;
  readonly target?: string;
}

/** What the executor needs for one resource, beyond the JSON view. */
export interface Step {
  readonly change: ResourceChange;
  readonly desired?: ManifestResource;
  /** The state entry before this run (deletes, replaces, renames). */
  readonly owned?: OwnedResource;
  /** Resource id/type/apiVersion to delete (the old one for create-before-delete). */
  readonly deleteTarget?: {
    readonly id: string;
    readonly type: string;
    readonly apiVersion: string;
    readonly query: Readonly<Record<string, string>>;
  };
  readonly patchBody?: unknown;
  /** POST actions for action-driven field changes. */
  readonly fieldActions: readonly { readonly name: string; readonly body: unknown }[];
  readonly afterCreate: readonly ManifestAction[];
  /** The resource exists but is not in state: applying adopts it. */
  readonly adopt: boolean;
  /** The dependency edges (logicalIds), from the manifest for live resources and from the old manifest for deletes. */
  readonly dependsOn: readonly string[];
  /** Container-image assets referenced without a digest: applying this resource fails with AssetNeedsDocker. */
  readonly unresolvedAssets?: readonly string[];
  /** The ARM id the step acts on when it is not the desired id: an equivalent role assignment adopted earlier or now. */
  readonly actualId?: string;
  /** A soft-deleted key vault this stack owned: the create recovers it (`createMode: recover`), then updates it. */
  readonly recover?: boolean;
  /** Tags Azure holds that the program never declared: a PUT update sends them back (unless the stack owns all tags). */
  readonly keepTags?: Readonly<Record<string, string>>;
  /** Values Azure holds at `ignoreChanges` paths: a PUT update sends them back instead of the program's. */
  readonly keepValues?: readonly { readonly segs: readonly string[]; readonly value: unknown }[];
  /** After the delete, purge the soft-deleted key vault (deletePolicy Purge without purge protection). */
  readonly purgeAfterDelete?: { readonly url: string; readonly apiVersion: string };
  /** The delete leaves the resource soft-deleted: remember it in the state. */
  readonly softDeletes?: boolean;
}

export interface PlanResult {
  readonly plan: Plan;
  readonly steps: readonly Step[];
}

export interface PlanInput {
  /** Desired state. For `destroy`, pass the stack only (no resources). */
  readonly manifest:
    | Manifest
    | {
        readonly stack: ManifestStack;
        readonly resources: readonly ManifestResource[];
        readonly hash: string;
        readonly assets?: Manifest['assets'];
      };
  readonly state?: StackState;
  readonly observation: Observation;
  readonly mode?: 'apply' | 'destroy';
  /** Soft-deleted vaults, name availability and equivalent role assignments for the creates (lifecycle-observe.ts). */
  readonly lifecycle?: LifecycleObservation;
  /** The time soft-delete retentions are compared with. @default Date.now() */
  readonly now?: number;
}

/** What to observe for a manifest and a state. */
export function observeTargets(
  manifest: { readonly resources: readonly ManifestResource[] } | undefined,
  state: StackState | undefined,
): ObserveTarget[] {
  const out: ObserveTarget[] = [];
  for (const r of manifest?.resources ?? []) out.push({ id: r.id, type: r.type, apiVersion: r.apiVersion });
  // What the state owns exists as far as we know: missing from a list, it is confirmed with a GET.
  for (const o of Object.values(state?.resources ?? {}))
    out.push({ id: o.id, type: o.type, apiVersion: o.apiVersion, expected: true });
  return out;
}

function dotted(path: string): string {
  return splitPath(path).join('.');
}

function reasonFor(update: UpdateKind, path: string, action?: string, why?: string): string {
  const p = dotted(path);
  switch (update) {
    case 'replace':
      return why ? `replace: ${p} cannot be changed in place: ${why}` : `replace: ${p} is create-only`;
    case 'patch':
      return `patch: ${p} is updated with PATCH`;
    case 'action':
      return `action: ${p} is changed with POST ${action}`;
    case 'in-place':
      return `update: ${p} is updated in place (PUT)`;
    default:
      return `ignore: ${p} is read-only`;
  }
}

/** Query parameters of a DELETE for a type, its body and the chosen delete policy. */
export function deleteQueryFor(
  type: string,
  body: unknown,
  policy: string | undefined, // a DeletePolicy, or whatever a saved manifest holds
): Record<string, string> {
  const t = type.toLowerCase();
  if (t === 'microsoft.machinelearningservices/workspaces/computes') {
    const attached =
      typeof (body as { properties?: { resourceId?: unknown } } | undefined)?.properties?.resourceId === 'string';
    return { underlyingResourceAction: attached || policy === 'Detach' ? 'Detach' : 'Delete' };
  }
  if (t === 'microsoft.machinelearningservices/workspaces' && policy === 'Purge') return { forceToPurge: 'true' };
  return {};
}

function observedFingerprint(observation: Observation, state: StackState | undefined): string {
  const entries = [...observation.resources.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, o]) => [id, o ? o.normalized : null]);
  return contentHash({ observed: entries, stateUpdatedAt: state?.updatedAt ?? null });
}

function isChildId(child: string, parent: string): boolean {
  return child.toLowerCase().startsWith(parent.toLowerCase() + '/');
}

/** Build the plan. Pure: no network. */
export function buildPlan(input: PlanInput): PlanResult {
  const mode = input.mode ?? 'apply';
  const rawDesired = mode === 'destroy' ? [] : input.manifest.resources;
  const unresolvedByAddress = new Map<string, readonly string[]>();
  const desiredList: ManifestResource[] = rawDesired.map((r) => {
    const sub = substituteAssets(r.body, input.manifest.assets, rawDesired);
    if (sub.unresolved.length) unresolvedByAddress.set(r.logicalId, sub.unresolved);
    return sub.body === r.body ? r : { ...r, body: sub.body };
  });
  const state = input.state;
  const ownedList = Object.values(state?.resources ?? {});
  // By lower-case id: only needed when an owned resource is not found under its construct path (a refactor).
  let ownedByIdCache: Map<string, OwnedResource> | undefined;
  const ownedById = (): Map<string, OwnedResource> => {
    if (!ownedByIdCache) {
      ownedByIdCache = new Map();
      for (const o of ownedList) ownedByIdCache.set(o.id.toLowerCase(), o);
    }
    return ownedByIdCache;
  };
  // Ids are compared case-insensitively: each desired id is lower-cased once here, not at every lookup.
  const desiredLowerIds = desiredList.map((r) => r.id.toLowerCase());
  // Only needed for owned resources the program no longer has at their address.
  let desiredIdsCache: Set<string> | undefined;
  const desiredIds = (): Set<string> => (desiredIdsCache ??= new Set(desiredLowerIds));
  const observed = input.observation.resources;
  const obs = (id: string): ObservedResource | null | undefined => observed.get(id.toLowerCase());
  const steps: Step[] = [];
  const errors: PlanError[] = [];
  const oldManifest = state?.manifest;
  // The one graph is the manifests' `dependsOn`, computed at synthesis (lib/manifest/dependencies.ts): nothing is
  // inferred here. The old manifest's edges order deletes only: indexed on the first delete, not on every plan.
  let oldDepsCache: Map<string, readonly string[]> | undefined;
  const oldDeps = (): Map<string, readonly string[]> =>
    (oldDepsCache ??= new Map((oldManifest?.resources ?? []).map((r) => [r.logicalId, r.dependsOn])));
  let costDelta = 0;
  const unknownSizes = new Set<string>();
  const addCost = (type: string, body: unknown, sign: 1 | -1, stopped = false): void => {
    const c = monthlyCost(type, body, { stoppedAfterCreate: stopped });
    costDelta += sign * c.monthlyUsd;
    if (c.unknownSize) unknownSizes.add(c.unknownSize);
  };
  const lifecycle = input.lifecycle ?? NO_LIFECYCLE;
  const now = input.now ?? Date.now();
  const ownAllTags = input.manifest.stack.ownAllTags === true;
  // The last applied manifest's resources by address: which tags the program declared (see declaredTagKeys).
  let lastManifestCache: Map<string, ManifestResource> | undefined;
  const lastManifestResource = (address: string): ManifestResource | undefined => {
    if (!oldManifest) return undefined;
    lastManifestCache ??= new Map(oldManifest.resources.map((x) => [x.logicalId, x]));
    return lastManifestCache.get(address);
  };
  /**
   * A create that meets Azure's soft delete: a key vault this stack owned is recovered (returns true); one it did
   * not own is a plan error; a workspace this stack deleted within the retention gets a note (the create fails
   * unless it was purged since). A globally unique name taken elsewhere is a plan error.
   */
  const createMeetsSoftDelete = (
    r: ManifestResource,
    lowerId: string,
    owned: OwnedResource | undefined,
    notes: string[],
  ): boolean => {
    const t = r.type.toLowerCase();
    const mine = stackSoftDeleted(state, r.id, now);
    let recover = false;
    const deleted = t === KEY_VAULT ? lifecycle.deletedVaults.get(lowerId) : undefined;
    if (deleted) {
      if ((mine || owned) && deleted.vaultId.toLowerCase() === lowerId) {
        recover = true;
        notes.push(
          `recover: key vault ${r.name} is soft-deleted (deleted ${deleted.deletionDate?.slice(0, 10) ?? 'earlier'}) and was this stack's: it is recovered (createMode: recover), then updated to the program's properties`,
        );
      } else errors.push({ address: r.logicalId, ...vaultSoftDeletedError(r, deleted) });
    }
    if (t === ML_WORKSPACE && mine) {
      const e = workspaceCreateError(r, mine);
      notes.push(`${e.message}: unless it was purged since, the create fails. Fix: ${e.fix}`);
    }
    const name = lifecycle.names.get(lowerId);
    if (name && !name.nameAvailable && !deleted) errors.push({ address: r.logicalId, ...nameTakenError(r, name) });
    return recover;
  };
  /** What a PUT or PATCH update must send back as Azure has it: undeclared tags and `ignoreChanges` values. */
  const keepOnUpdate = (
    action: PlanAction,
    o: ObservedResource,
    declared: ReadonlySet<string>,
    ignore: readonly string[],
  ): Pick<Step, 'keepTags' | 'keepValues'> => {
    if (action !== 'update' && action !== 'patch') return {};
    const tags = ownAllTags || action === 'patch' ? {} : undeclaredTags(o.raw, declared);
    return {
      ...(Object.keys(tags).length ? { keepTags: tags } : {}),
      ...(ignore.length ? { keepValues: ignoredValues(o.normalized, ignore) } : {}),
    };
  };

  // Deploy-time references (lib/manifest/refs.ts) are resolved from the observation of the resource they read, unless
  // this plan creates or replaces that resource: then the value is known only after apply. Planning in dependency
  // order settles the resources a reference reads before the resources that read it.
  const byLogicalId = new Map(desiredList.map((r) => [r.logicalId, r]));
  const recreated = new Set<string>();
  const refValue = (ref: { resource: string; attribute: string }): unknown => {
    if (recreated.has(ref.resource)) return undefined;
    const t = byLogicalId.get(ref.resource);
    const raw = t ? observed.get(t.id.toLowerCase())?.raw : undefined;
    const v = raw ? getAt(raw, ref.attribute.split('.')) : undefined;
    return typeof v === 'string' && v ? v : undefined;
  };
  let seenSteps = 0;
  const noteRecreated = (): void => {
    for (; seenSteps < steps.length; seenSteps++) {
      const c = steps[seenSteps].change;
      if (c.change.actions.includes('create')) recreated.add(c.address);
    }
  };
  for (const ri of dependencyOrder(desiredList)) {
    noteRecreated();
    const unresolved = desiredList[ri];
    const resolvedBody = substituteRefs(unresolved.body, refValue) as ManifestResource['body'];
    const r = resolvedBody === unresolved.body ? unresolved : { ...unresolved, body: resolvedBody };
    const lowerId = desiredLowerIds[ri];
    // Same ARM id under a new construct path (a refactor): the entry moves, the resource stays.
    const owned = state?.resources[r.logicalId] ?? ownedById().get(lowerId);
    let o = observed.get(lowerId);
    let sameId = owned ? owned.id === r.id || owned.id.toLowerCase() === lowerId : true;
    // A role assignment adopted under another name (Azure answered RoleAssignmentExists) stays that resource as long
    // as principal, role and scope are the same.
    let actualId: string | undefined;
    if (owned && !sameId && r.type.toLowerCase() === ROLE_ASSIGNMENT) {
      const held = obs(owned.id);
      if (held && sameAssignment(assignmentKey(owned.id, held.raw), assignmentKey(r.id, r.body))) {
        actualId = owned.id;
        o = held;
        sameId = true;
      }
    }
    const table = fieldTableFor(r.type, computeTypeOf(r.body));
    const after = unknownsShown(maskSecrets(r.body, r.secrets));
    const afterCreate = (r.actions ?? []).filter((a) => a.when === 'afterCreate');
    const stopped = afterCreate.some((a) => a.name === 'stop');
    const base = {
      address: r.logicalId,
      type: r.type,
      name: r.name,
      id: r.id,
      ...(r.construct ? { construct: r.construct } : {}),
      ...(r.source ? { source: { file: r.source.file, line: r.source.line } } : {}),
    };
    const notes: string[] = refsIn(r.body).map(
      ({ pointer, ref }) => `${dotted(pointer)}: ${KNOWN_AFTER_APPLY} (${ref.attribute} of ${ref.resource})`,
    );
    if (!sameId && owned) {
      // The name (hence id) changed: a new resource; the old one goes after the new one exists.
      const oldObs = obs(owned.id);
      const paths: PlannedPath[] = [
        {
          path: '/name',
          update: 'replace',
          reason: `replace: the name changed (${owned.id.split('/').pop()} → ${r.name})`,
          before: owned.id.split('/').pop(),
          after: r.name,
        },
      ];
      if (owned.options?.protect) {
        errors.push({
          address: r.logicalId,
          code: 'ResourceProtected',
          message: `${r.logicalId} is protected and its name change would replace it (${owned.id} → ${r.id})`,
          fix: 'keep the old name (or add an alias), or remove `protect` first and apply',
        });
      }
      const createNew = o === null || o === undefined;
      steps.push({
        change: {
          ...base,
          change: {
            actions: createNew ? ['create', 'delete'] : ['delete'],
            before: oldObs ? maskSecrets(oldObs.normalized) : null,
            after,
            paths,
          },
          action_reason: 'replace_because_name_changed',
          replace_paths: ['/name'],
          replace_order: 'create-before-delete',
          notes: [...notes, `the old resource ${owned.id} is deleted after the new one is created`],
        },
        desired: r,
        owned,
        deleteTarget: {
          id: owned.id,
          type: owned.type,
          apiVersion: owned.apiVersion,
          query: deleteQueryFor(owned.type, owned.applied, owned.options?.deletePolicy),
        },
        fieldActions: [],
        afterCreate,
        adopt: false,
        dependsOn: r.dependsOn,
      });
      addCost(r.type, r.body, 1, stopped);
      if (oldObs) addCost(owned.type, oldObs.normalized, -1);
      continue;
    }
    if (o === null || o === undefined) {
      const equivalent = lifecycle.equivalentAssignments.get(r.logicalId);
      if (equivalent) {
        steps.push({
          change: {
            ...base,
            change: { actions: ['adopt'], before: null, after, paths: [] },
            action_reason: 'adopt_because_equivalent_exists',
            notes: [
              `adopt: an assignment of the same principal, role and scope exists as ${equivalent} (Azure would answer 409 RoleAssignmentExists); it goes into the state, nothing is written`,
            ],
          },
          desired: r,
          fieldActions: [],
          afterCreate: [],
          adopt: true,
          actualId: equivalent,
          dependsOn: r.dependsOn,
        });
        continue;
      }
      if (owned) notes.push('in state but not found in Azure: deleted outside amlcdk, will be created again');
      const recover = createMeetsSoftDelete(r, lowerId, owned, notes);
      steps.push({
        change: {
          ...base,
          change: { actions: ['create'], before: null, after, paths: [] },
          ...(recover
            ? { action_reason: 'create_by_recovering_soft_deleted' }
            : owned
              ? { action_reason: 'create_because_deleted_outside' }
              : {}),
          ...(notes.length ? { notes } : {}),
        },
        desired: r,
        fieldActions: [],
        afterCreate,
        adopt: false,
        dependsOn: r.dependsOn,
        ...(owned ? { owned } : {}),
        ...(recover ? { recover } : {}),
      });
      addCost(r.type, r.body, 1, stopped);
      continue;
    }
    const diffs = diffBodies({
      type: r.type,
      desired: r.body,
      observed: o.normalized,
      lastApplied: owned?.applied,
      secrets: r.secrets,
    });
    const declared = declaredTagKeys(r, lastManifestResource(r.logicalId), owned);
    const ignore = r.options.ignoreChanges ?? [];
    const considered = filterLifecycleDiffs(diffs, ignore, declared, ownAllTags);
    const paths = classifyDiffs(table, considered);
    checkOneWay(table, r, considered, errors);
    // A resource Azure failed to provision (quota, capacity) is not usable: replace it, whatever the diff says.
    const failure = provisioningFailure(o.raw);
    if (failure)
      paths.push({
        path: '',
        update: 'replace',
        reason: `replace (provisioning failed: ${failure.code}: ${failure.message})`,
        before: 'Failed',
        after: 'Succeeded',
      });
    const kinds = new Set(paths.map((p) => p.update));
    let actions: PlanAction[] = ['no-op'];
    let actionReason: string | undefined;
    let replacePaths: string[] | undefined;
    let patchBody: unknown;
    const fieldActions: { name: string; body: unknown }[] = [];
    if (kinds.has('replace')) {
      actions = ['delete', 'create'];
      actionReason = failure ? 'replace_because_provisioning_failed' : 'replace_because_cannot_update';
      replacePaths = paths.filter((p) => p.update === 'replace').map((p) => p.path);
      if (r.options.protect) {
        errors.push({
          address: r.logicalId,
          code: 'ResourceProtected',
          message: failure
            ? `${r.logicalId} is protected and failed to provision (${failure.code}: ${failure.message}); repairing it means replacing it`
            : `${r.logicalId} is protected and this change would replace it (${replacePaths.map(dotted).join(', ')} ${replacePaths.length === 1 ? 'is' : 'are'} create-only)`,
          fix: failure
            ? 'remove `protect` from the resource, apply, and plan again (or delete and re-create it yourself)'
            : 'revert the create-only change, or remove `protect` from the resource, apply, and plan again',
        });
      }
    } else if (kinds.has('in-place')) {
      actions = ['update'];
    } else if (kinds.has('patch')) {
      actions = ['patch'];
      const body: Record<string, unknown> = {};
      for (const p of paths.filter((x) => x.update === 'patch')) {
        const rule = classifyPath(table, p.path).matched;
        const segs = splitPath(rule);
        setAt(body, segs, getAt(r.body, segs));
      }
      patchBody = body;
    }
    if (!kinds.has('replace')) {
      const seen = new Set<string>();
      // afterCreate actions a previous run did not finish (crash or failure after the create).
      for (const a of pendingAfterCreate(owned?.pendingActions, afterCreate)) {
        seen.add(a.name);
        fieldActions.push({ name: a.name, body: a.body });
        notes.push(`${a.name} did not run after the create in an earlier run: runs now`);
      }
      for (const p of paths.filter((x) => x.update === 'action')) {
        const c = classifyPath(table, p.path);
        if (!c.action || seen.has(c.action)) continue;
        seen.add(c.action);
        const segs = splitPath(c.matched);
        const value = getAt(r.body, segs);
        fieldActions.push({
          name: c.action,
          body: c.action === 'updateSchedules' ? value : { [segs[segs.length - 1]]: value },
        });
      }
      if (fieldActions.length > 0 && actions[0] === 'no-op') actions = ['action'];
      if (fieldActions.length > 0) notes.push(...fieldActions.map((a) => `POST ${a.name}`));
    }
    const adopt = !owned;
    if (adopt)
      notes.push(
        `exists in Azure but not in state: applying adopts it (ownership "adopted"); \`amlcdk import ${r.id} --as ${r.logicalId}\` adopts it without applying`,
      );
    if (actions[0] === 'delete') {
      notes.push(
        `replacement: delete ${r.id}${queryText(deleteQueryFor(r.type, o.normalized, r.options.deletePolicy))}, then create it again (the name is unique, so the old one must go first)`,
      );
      addCost(r.type, o.normalized, -1);
      addCost(r.type, r.body, 1, stopped);
    } else if (actions[0] !== 'no-op') {
      addCost(r.type, o.normalized, -1);
      addCost(r.type, r.body, 1);
    }
    steps.push({
      change: {
        ...base,
        change: { actions, before: maskSecrets(o.normalized), after, paths },
        ...(actionReason ? { action_reason: actionReason } : {}),
        ...(replacePaths ? { replace_paths: replacePaths, replace_order: 'delete-before-create' as const } : {}),
        ...(notes.length ? { notes } : {}),
      },
      desired: r,
      ...(owned ? { owned } : {}),
      ...(actions[0] === 'delete'
        ? {
            deleteTarget: {
              id: r.id,
              type: r.type,
              apiVersion: r.apiVersion,
              query: deleteQueryFor(r.type, o.normalized, r.options.deletePolicy),
            },
          }
        : {}),
      ...(patchBody !== undefined ? { patchBody } : {}),
      fieldActions,
      afterCreate,
      adopt,
      dependsOn: r.dependsOn,
      ...(actualId ? { actualId } : {}),
      ...keepOnUpdate(actions[0], o, declared, ignore),
    });
  }

  noteRecreated();
  // Steps in manifest order again (they were planned in dependency order).
  const position = new Map(desiredList.map((r, i) => [r.logicalId, i]));
  steps.sort((a, b) => (position.get(a.change.address) ?? 0) - (position.get(b.change.address) ?? 0));

  for (let i = 0; i < steps.length; i++) {
    const u = unresolvedByAddress.get(steps[i].change.address);
    if (u && steps[i].desired)
      steps[i] = {
        ...steps[i],
        unresolvedAssets: u,
        change: {
          ...steps[i].change,
          notes: [
            ...(steps[i].change.notes ?? []),
            `container image asset(s) ${u.join(', ')} have no digest: apply fails for this resource (build needs Docker; use amlcdk/pulumi)`,
          ],
        },
      };
  }

  // A replaced parent takes its ARM children with it: they are replaced too.
  const replacedParents = steps.filter(
    (s) => s.change.replace_order === 'delete-before-create' && s.change.change.actions[0] === 'delete',
  );
  for (const parent of replacedParents) {
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      if (s === parent || !s.desired || !isChildId(s.change.id, parent.change.id)) continue;
      const a = s.change.change.actions;
      if (a[0] === 'create' || a[0] === 'delete') continue;
      if (s.desired.options.protect) {
        errors.push({
          address: s.change.address,
          code: 'ResourceProtected',
          message: `${s.change.address} is protected but its parent ${parent.change.address} is replaced, which deletes it`,
          fix: `revert the create-only change of ${parent.change.address}, or remove \`protect\``,
        });
      }
      const o = obs(s.change.id);
      steps[i] = {
        ...s,
        change: {
          ...s.change,
          change: {
            ...s.change.change,
            actions: ['delete', 'create'],
            paths: [
              ...s.change.change.paths,
              {
                path: '',
                update: 'replace',
                reason: `replace: parent ${parent.change.address} is replaced`,
                before: null,
                after: null,
              },
            ],
          },
          action_reason: 'replace_because_parent_replaced',
          replace_order: 'delete-before-create',
          notes: [...(s.change.notes ?? []), `deleted with its parent ${parent.change.address} and created again`],
        },
        deleteTarget: {
          id: s.change.id,
          type: s.change.type,
          apiVersion: s.desired.apiVersion,
          query: deleteQueryFor(s.change.type, o?.normalized, s.desired.options.deletePolicy),
        },
        fieldActions: [],
      };
    }
  }

  // Replacements that meet Azure's soft delete: the delete keeps the name, so the create of the same name fails.
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i];
    const t = st.deleteTarget;
    if (!t || !st.desired) continue;
    const sameName = t.id.toLowerCase() === st.change.id.toLowerCase();
    if (!softDeletes(t.type, t.query)) continue;
    const vaultPurge =
      t.type.toLowerCase() === KEY_VAULT
        ? vaultPurgeFor({ ...t, raw: obs(t.id)?.raw }, st.desired.options.deletePolicy)
        : undefined;
    if (sameName && !vaultPurge?.purge) {
      const e =
        workspaceReplaceError(st.desired) ??
        (t.type.toLowerCase() === KEY_VAULT
          ? {
              code: 'KeyVaultReplaceBlockedBySoftDelete',
              message: `${st.change.address}: this change replaces key vault ${st.change.name}, but its delete is a soft delete and the new vault of the same name is refused while the old one is kept${vaultPurge?.note ? ` (${vaultPurge.note})` : ''}`,
              fix: "revert the create-only change, or give the vault another name, or set deletePolicy: 'Purge' on it (a vault without purge protection is purged after the delete)",
            }
          : undefined);
      if (e) errors.push({ address: st.change.address, ...e });
    }
    steps[i] = {
      ...st,
      softDeletes: !vaultPurge?.purge,
      ...(vaultPurge?.purge ? { purgeAfterDelete: vaultPurge.purge } : {}),
      change: {
        ...st.change,
        notes: [
          ...(st.change.notes ?? []),
          t.type.toLowerCase() === ML_WORKSPACE
            ? `soft delete: the old workspace is kept deleted for 14 days and its name stays taken (deletePolicy ${st.desired.options.deletePolicy}; Purge deletes it for good)`
            : (vaultPurge?.note ?? 'soft delete: the old key vault is kept deleted and its name stays taken'),
        ],
      },
    };
  }

  // Resources we own that the program no longer has (or all of them, for destroy).
  const desiredAddresses = new Set(desiredList.map((r) => r.logicalId));
  for (const owned of ownedList) {
    if (desiredAddresses.has(owned.logicalId)) continue;
    if (desiredIds().has(owned.id.toLowerCase())) continue; // moved to another address (see above)
    const o = obs(owned.id);
    const policy = owned.options?.deletePolicy ?? 'Delete';
    const base = {
      address: owned.logicalId,
      type: owned.type,
      name: owned.id.split('/').pop() ?? owned.id,
      id: owned.id,
    };
    const before = o ? maskSecrets(o.normalized) : null;
    const reason = mode === 'destroy' ? 'delete_because_destroy' : 'delete_because_no_resource_config';
    if (policy === 'Retain') {
      steps.push({
        change: {
          ...base,
          change: { actions: ['forget'], before, after: null, paths: [] },
          action_reason: reason,
          notes: ['deletePolicy Retain: left in Azure and removed from state'],
        },
        owned,
        fieldActions: [],
        afterCreate: [],
        adopt: false,
        dependsOn: oldDeps().get(owned.logicalId) ?? [],
      });
      continue;
    }
    if (owned.options?.protect) {
      errors.push({
        address: owned.logicalId,
        code: 'ResourceProtected',
        message: `${owned.logicalId} is protected and would be deleted (${mode === 'destroy' ? 'destroy' : 'it is no longer in the program'})`,
        fix: 'put it back in the program, or remove `protect` (and apply) before deleting it, or set deletePolicy Retain to keep it in Azure',
      });
    }
    const query = deleteQueryFor(owned.type, owned.applied ?? o?.normalized, policy);
    const notes = [`DELETE${queryText(query)}`];
    if (!o) notes.push('already gone from Azure: only removed from state');
    if (o) addCost(owned.type, o.normalized, -1);
    // Key vaults and workspaces are soft-deleted: remember them (a later create recovers a vault or knows the name
    // is blocked); a vault with deletePolicy Purge is purged after the delete, unless purge protection forbids it.
    const vaultPurge =
      o && owned.type.toLowerCase() === KEY_VAULT
        ? vaultPurgeFor({ id: owned.id, type: owned.type, apiVersion: owned.apiVersion, raw: o.raw }, policy)
        : undefined;
    const soft = !!o && softDeletes(owned.type, query) && !vaultPurge?.purge;
    if (vaultPurge?.note) notes.push(vaultPurge.note);
    else if (soft && owned.type.toLowerCase() === ML_WORKSPACE)
      notes.push(
        'soft delete: Azure keeps the deleted workspace for 14 days and its name stays taken (deletePolicy Purge deletes it for good)',
      );
    steps.push({
      change: {
        ...base,
        change: { actions: ['delete'], before, after: null, paths: [] },
        action_reason: reason,
        notes,
      },
      owned,
      deleteTarget: { id: owned.id, type: owned.type, apiVersion: owned.apiVersion, query },
      fieldActions: [],
      afterCreate: [],
      adopt: false,
      dependsOn: oldDeps().get(owned.logicalId) ?? [],
      ...(soft ? { softDeletes: true } : {}),
      ...(vaultPurge?.purge ? { purgeAfterDelete: vaultPurge.purge } : {}),
    });
  }

  const summary = { create: 0, update: 0, replace: 0, delete: 0, forget: 0, adopt: 0, noop: 0 };
  for (const s of steps) {
    const a = s.change.change.actions;
    if (a.length === 2) summary.replace += 1;
    else if (a[0] === 'create') summary.create += 1;
    else if (a[0] === 'delete') summary.delete += 1;
    else if (a[0] === 'forget') summary.forget += 1;
    else if (a[0] === 'adopt') summary.adopt += 1;
    else if (a[0] === 'no-op') summary.noop += 1;
    else summary.update += 1;
  }
  const plan: Plan = {
    format_version: PLAN_FORMAT_VERSION,
    stack: input.manifest.stack.name,
    mode,
    manifest_hash: input.manifest.hash,
    observed_fingerprint: observedFingerprint(input.observation, state),
    resource_changes: steps.map((s) => s.change),
    errors,
    summary,
    cost: {
      monthlyDeltaUsd: Math.round(costDelta * 100) / 100,
      assumptions: COST_ASSUMPTIONS,
      ...(unknownSizes.size ? { unknownSizes: [...unknownSizes].sort() } : {}),
    },
  };
  return { plan, steps };
}

/** Which afterCreate actions are still pending: names, or `*` (all) minus `!name` (done). */
export function pendingAfterCreate(
  pending: readonly string[] | undefined,
  afterCreate: readonly ManifestAction[],
): ManifestAction[] {
  if (!pending || pending.length === 0) return [];
  const done = new Set(pending.filter((p) => p.startsWith('!')).map((p) => p.slice(1)));
  const all = pending.includes('*');
  return afterCreate.filter((a) => !done.has(a.name) && (all || pending.includes(a.name)));
}

/**
 * How a key vault delete ends: soft-deleted always (Key Vault soft delete cannot be turned off); with deletePolicy
 * Purge the deleted vault is purged after (`POST …/locations/{loc}/deletedVaults/{name}/purge`, keyvault
 * stable/2023-07-01 `Vaults_PurgeDeleted`), unless purge protection is on: Azure refuses that purge until the
 * retention ends, so the plan says so instead of trying.
 */
function vaultPurgeFor(
  t: { readonly id: string; readonly type: string; readonly apiVersion: string; readonly raw?: unknown },
  policy: string | undefined,
): { purge?: { url: string; apiVersion: string }; note?: string } | undefined {
  const p = (t.raw as { location?: unknown; properties?: Record<string, unknown> } | undefined) ?? {};
  const protectedVault = p.properties?.enablePurgeProtection === true;
  const days =
    typeof p.properties?.softDeleteRetentionInDays === 'number' ? p.properties.softDeleteRetentionInDays : 90;
  const name = t.id.split('/').pop() ?? '';
  const sub = /^\/subscriptions\/([^/]+)/i.exec(t.id)?.[1] ?? '';
  const loc = typeof p.location === 'string' ? p.location.replace(/\s+/g, '').toLowerCase() : '';
  if (policy === 'Purge' && !protectedVault && loc)
    return {
      purge: {
        url: `/subscriptions/${sub}/providers/Microsoft.KeyVault/locations/${loc}/deletedVaults/${name}`,
        apiVersion: t.apiVersion,
      },
      note: 'purge: the vault is soft-deleted, then purged (deletePolicy Purge), so its name is free again',
    };
  if (protectedVault)
    return {
      note: `soft delete with purge protection: Azure keeps the deleted vault ${days} days and refuses to purge it${policy === 'Purge' ? ' (deletePolicy Purge cannot apply)' : ''}; its name stays taken, and applying this stack again recovers it`,
    };
  return {
    note: `soft delete: Azure keeps the deleted vault ${days} days and its name stays taken; applying this stack again recovers it (deletePolicy Purge purges it instead)`,
  };
}

function queryText(q: Readonly<Record<string, string>>): string {
  const e = Object.entries(q);
  return e.length ? ` ?${e.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
}

/** A value for display with its unresolved references shown as `(known after apply)`. */
function unknownsShown(v: unknown): unknown {
  return substituteRefs(v, () => KNOWN_AFTER_APPLY);
}
/** Field-table notes that explain a replace better than "create-only" (they name the missing operation). */
const SPECIFIC_REPLACE = /^no operation of the pinned/;

function classifyDiffs(table: FieldTable, diffs: readonly PathDiff[]): PlannedPath[] {
  const out: PlannedPath[] = [];
  for (const d of diffs) {
    const c = classifyPath(table, d.path);
    if (c.update === 'ignore') continue;
    out.push({
      path: d.path,
      update: c.update,
      ...(c.action ? { action: c.action } : {}),
      reason: reasonFor(
        c.update,
        d.path,
        c.action,
        c.update === 'replace' && SPECIFIC_REPLACE.test(c.note) ? c.note : undefined,
      ),
      before: d.sensitive ? '(sensitive)' : maskSecrets(d.before),
      after: d.sensitive ? '(sensitive)' : unknownsShown(maskSecrets(d.after)),
    });
  }
  return out;
}

function checkOneWay(table: FieldTable, r: ManifestResource, diffs: readonly PathDiff[], errors: PlanError[]): void {
  for (const rule of table.oneWay ?? []) {
    const d = diffs.find((x) => x.path.toLowerCase() === rule.path.toLowerCase());
    if (!d || d.before === undefined || typeof d.after !== 'string') continue;
    if (rule.refuseTo.includes(d.after)) {
      errors.push({
        address: r.logicalId,
        code: 'OneWayChangeRefused',
        message: `${r.logicalId}: ${dotted(rule.path)} cannot go from ${JSON.stringify(d.before)} to ${JSON.stringify(d.after)} (${rule.note})`,
        fix: `keep ${dotted(rule.path)} at ${JSON.stringify(d.before)}, or create a new workspace`,
      });
    }
  }
}

export { joinPath };
