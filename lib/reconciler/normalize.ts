/**
 * Normalization: what ARM echoes back differently from what we sent, so that an apply followed by a plan shows
 * zero changes. Two halves, both data-driven per type:
 *
 * - `normalizeObserved` strips the envelope and every path the field table marks `ignore` (read-only,
 *   server-managed, write-only) from an observed resource.
 * - `COMPARE_RULES` say how a desired value is compared with an observed one at a path: case-insensitively
 *   (VM sizes, SKUs), as a location (`West Europe` ≡ `westeurope`), as an ISO 8601 duration (`PT5M` ≡ `PT300S`),
 *   as a server-resolved default (`remoteLoginPortPublicAccess: NotSpecified` is read back as Enabled/Disabled),
 *   as a map whose extra keys matter (`tags`), or as an array keyed by `name`. ARM ids are compared
 *   case-insensitively everywhere (role assignments echo `roleDefinitionId` in another case).
 */
import { classifyPath, computeTypeOf, fieldTableFor, splitPath, type FieldTable } from '../catalog/field-tables.js';
import type { ArmResource } from '../arm/types.js';
import { SPEC_FIELDS, specCitation, specSecretPaths } from '../catalog/spec-fields.js';

export type CompareKind =
  | { readonly kind: 'case-insensitive' }
  | { readonly kind: 'location' }
  | { readonly kind: 'duration' }
  /** The desired value is a placeholder the server resolves: any observed value matches it. */
  | { readonly kind: 'server-resolved'; readonly values: readonly string[] }
  /** Observed keys absent from the desired map are differences (the map is owned whole). */
  | { readonly kind: 'exact-keys' }
  /** Array elements are matched by this key instead of by position. */
  | { readonly kind: 'keyed-array'; readonly key: string }
  /** ARM never returns it (credentials, keys): compared with the last applied body, never with Azure. */
  | { readonly kind: 'write-only' }
  /** A role definition id: the same GUID is the same role whatever scope prefix the id was written with. */
  | { readonly kind: 'role-definition-id' }
  /**
   * Azure may leave it out of a GET: compared with Azure when echoed, else with the last applied body, so its
   * absence is never a difference.
   */
  | { readonly kind: 'echo-optional' };

export interface CompareRule {
  /** ARM type (case-insensitive), or `*` for every type. */
  readonly type: string;
  readonly computeType?: string;
  readonly path: string;
  readonly compare: CompareKind;
  /** Why the rule exists (what ARM does). */
  readonly why: string;
}

/** Write-only paths from the spec's `x-ms-secret` markers (lib/catalog/spec-fields.ts), for every type it covers. */
function specWriteOnlyRules(): CompareRule[] {
  const types = new Set(Object.keys(SPEC_FIELDS).map((k) => k.split('|')[0]));
  return [...types].flatMap((type) =>
    specSecretPaths(type).map((f) => ({
      type,
      path: f.path,
      compare: { kind: 'write-only' } as const,
      why: `x-ms-secret: ${specCitation(f)}`,
    })),
  );
}

export const COMPARE_RULES: readonly CompareRule[] = [
  ...specWriteOnlyRules(),
  {
    type: 'Microsoft.Authorization/roleAssignments',
    path: '/properties/roleDefinitionId',
    compare: { kind: 'role-definition-id' },
    why: 'a resource-group-scoped role definition id is echoed at subscription scope (corpus authorization/role-assignment-create.json)',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces',
    path: '/kind',
    compare: { kind: 'case-insensitive' },
    why: 'the service echoes kind in its own casing (issue 12 recording review); a casing difference is not a replace',
  },
  {
    type: 'Microsoft.Network/virtualNetworks/subnets',
    path: '/properties/privateEndpointNetworkPolicies',
    compare: { kind: 'case-insensitive' },
    why: 'subnet policy enums come back capitalised (corpus network/subnet-create.json shows Disabled/Enabled)',
  },
  {
    type: 'Microsoft.Network/virtualNetworks/subnets',
    path: '/properties/privateLinkServiceNetworkPolicies',
    compare: { kind: 'case-insensitive' },
    why: 'subnet policy enums come back capitalised (corpus network/subnet-create.json)',
  },
  {
    type: '*',
    path: '/location',
    compare: { kind: 'location' },
    why: 'ARM accepts display names and echoes the lower-case short form',
  },
  {
    type: '*',
    path: '/tags',
    compare: { kind: 'exact-keys' },
    why: 'tags are owned whole: an extra tag is a difference',
  },
  {
    type: '*',
    path: '/sku/name',
    compare: { kind: 'case-insensitive' },
    why: 'SKU names are echoed in another case (api §16.5)',
  },
  { type: '*', path: '/sku/tier', compare: { kind: 'case-insensitive' }, why: 'SKU tiers are echoed in another case' },
  {
    type: '*',
    path: '/identity/type',
    compare: { kind: 'case-insensitive' },
    why: 'identity type casing varies (SystemAssigned vs systemAssigned)',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    path: '/properties/properties/vmSize',
    compare: { kind: 'case-insensitive' },
    why: 'STANDARD_NC6 vs Standard_NC6 (api §16.5)',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    path: '/properties/properties/remoteLoginPortPublicAccess',
    compare: { kind: 'server-resolved', values: ['NotSpecified'] },
    why: 'NotSpecified is read back as Enabled or Disabled (api §5)',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    path: '/properties/properties/scaleSettings/nodeIdleTimeBeforeScaleDown',
    compare: { kind: 'duration' },
    why: 'ISO 8601 durations are re-serialized (PT5M vs PT300S)',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    path: '/properties/properties/idleTimeBeforeShutdown',
    compare: { kind: 'duration' },
    why: 'ISO 8601 durations are re-serialized',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    path: '/properties/properties/vmPriority',
    compare: { kind: 'case-insensitive' },
    why: 'enum casing',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    path: '/properties/properties/schedules/computeStartStop',
    compare: { kind: 'keyed-array', key: 'action' },
    why: 'schedules may be echoed in another order',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    path: '/properties/properties/enableNodePublicIp',
    compare: { kind: 'echo-optional' },
    why: 'a compute instance GET does not echo it (azure-rest-api-specs MachineLearningServices stable/2025-12-01 examples/Compute/get/ComputeInstance.json); clusters do',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    path: '/properties/properties/sshSettings/adminPublicKey',
    compare: { kind: 'write-only' },
    why: 'an instance GET answers adminPublicKey null (corpus ml/compute-instance-get.json)',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    path: '/properties/properties/administratorAccount',
    compare: { kind: 'write-only' },
    why: 'attached VM credentials are read with listKeys only (api §2)',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    path: '/properties/properties/databricksAccessToken',
    compare: { kind: 'write-only' },
    why: 'secret, read with listKeys only (api §2)',
  },
  {
    type: 'Microsoft.MachineLearningServices/workspaces/datastores',
    path: '/properties/credentials/secrets',
    compare: { kind: 'write-only' },
    why: 'datastore secrets are write-only (api §9.1)',
  },
  {
    type: 'Microsoft.Authorization/roleAssignments',
    path: '/properties/principalType',
    compare: { kind: 'case-insensitive' },
    why: 'enum casing',
  },
  {
    type: 'Microsoft.Network/networkSecurityGroups',
    path: '/properties/securityRules',
    compare: { kind: 'keyed-array', key: 'name' },
    why: 'rules are echoed sorted by priority',
  },
  {
    type: 'Microsoft.Network/networkSecurityGroups',
    path: '/properties/securityRules/*/properties/protocol',
    compare: { kind: 'case-insensitive' },
    why: 'Tcp vs TCP',
  },
  {
    type: 'Microsoft.Network/virtualNetworks/subnets',
    path: '/properties/serviceEndpoints',
    compare: { kind: 'keyed-array', key: 'service' },
    why: 'order not significant',
  },
  {
    type: 'Microsoft.KeyVault/vaults',
    path: '/properties/networkAcls',
    compare: { kind: 'echo-optional' },
    why: 'the default rules (Allow, AzureServices, no IP or network rules) are not echoed (corpus keyvault/vault-create.json)',
  },
  {
    type: 'Microsoft.Storage/storageAccounts',
    path: '/kind',
    compare: { kind: 'case-insensitive' },
    why: 'StorageV2 casing',
  },
];

interface Trie<T> {
  value?: T;
  children: Map<string, Trie<T>>;
}

function insert<T>(trie: Trie<T>, segs: readonly string[], value: T): void {
  let node = trie;
  for (const s of segs) {
    const k = s === '*' ? '*' : s.toLowerCase();
    let next = node.children.get(k);
    if (!next) {
      next = { children: new Map() };
      node.children.set(k, next);
    }
    node = next;
  }
  node.value = value;
}

/** Exact-depth lookup with `*` wildcards (compare rules apply at their own path only). */
function lookup<T>(trie: Trie<T>, segs: readonly string[], i = 0): T | undefined {
  if (i === segs.length) return trie.value;
  const exact = trie.children.get(segs[i].toLowerCase());
  const found = exact ? lookup(exact, segs, i + 1) : undefined;
  if (found !== undefined) return found;
  const star = trie.children.get('*');
  return star ? lookup(star, segs, i + 1) : undefined;
}

const compareTries = new Map<string, Trie<CompareKind>>();

/** Compare rules for a type as a trie (built once per type). */
export function compareTrieFor(type: string): Trie<CompareKind> {
  const k = type.toLowerCase();
  let t = compareTries.get(k);
  if (!t) {
    t = { children: new Map() };
    for (const r of COMPARE_RULES) {
      if (r.type === '*' || r.type.toLowerCase() === k) insert(t, splitPath(r.path), r.compare);
    }
    compareTries.set(k, t);
  }
  return t;
}

/** Rule paths (no wildcards) of one compare kind for a type, each split into segments (computed once per type). */
type KindPaths = readonly { readonly path: string; readonly segs: readonly string[] }[];
const pathsByKind = new Map<string, KindPaths>();

function segmentsOfKind(type: string, kind: 'write-only' | 'echo-optional'): KindPaths {
  const k = `${kind}|${type.toLowerCase()}`;
  let v = pathsByKind.get(k);
  if (!v) {
    const t = type.toLowerCase();
    v = COMPARE_RULES.filter((r) => r.compare.kind === kind && (r.type === '*' || r.type.toLowerCase() === t)).map(
      (r) => ({ path: r.path, segs: splitPath(r.path) }),
    );
    pathsByKind.set(k, v);
  }
  return v;
}

/** `writeOnlyPathsFor` with each path already split into segments (computed once per type). */
export function writeOnlySegmentsFor(type: string): KindPaths {
  return segmentsOfKind(type, 'write-only');
}

/** Paths (no wildcards) that ARM never returns for a type. */
export function writeOnlyPathsFor(type: string): readonly string[] {
  return segmentsOfKind(type, 'write-only').map((x) => x.path);
}

/** Paths (no wildcards) Azure may leave out of a GET for a type, split into segments (computed once per type). */
export function echoOptionalSegmentsFor(type: string): KindPaths {
  return segmentsOfKind(type, 'echo-optional');
}

export function compareKindAt(trie: Trie<CompareKind>, segs: readonly string[]): CompareKind | undefined {
  return lookup(trie, segs);
}

/** The trie nodes a path has reached, in `lookup`'s order (exact key before `*`, depth first). */
export type CompareCursor = readonly Trie<CompareKind>[];

const NO_NODES: CompareCursor = [];

/** The start of a walk down a body: the root of the type's compare trie. */
export function compareCursor(trie: Trie<CompareKind>): CompareCursor {
  return [trie];
}

/**
 * One segment further down: `compareKindOf(descendCompare(c, s))` equals `compareKindAt` of the path plus `s`, without
 * looking the whole path up again at every depth (a diff visits every node of the body).
 */
export function descendCompare(cursor: CompareCursor, seg: string): CompareCursor {
  if (cursor.length === 0) return NO_NODES;
  let lower: string | undefined;
  let out: Trie<CompareKind>[] | undefined;
  for (const node of cursor) {
    if (node.children.size === 0) continue;
    const exact = node.children.get((lower ??= seg.toLowerCase()));
    const star = node.children.get('*');
    if (exact) (out ??= []).push(exact);
    if (star) (out ??= []).push(star);
  }
  return out ?? NO_NODES;
}

/** The compare rule at the cursor's path (the first node, in lookup order, that holds one). */
export function compareKindOf(cursor: CompareCursor): CompareKind | undefined {
  for (const node of cursor) if (node.value !== undefined) return node.value;
  return undefined;
}

export function isArmId(v: unknown): v is string {
  return typeof v === 'string' && /^\/subscriptions\//i.test(v);
}

/** `P1DT2H3M4.5S` → seconds; undefined when not an ISO 8601 duration. */
export function durationSeconds(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(v);
  if (!m || v.toUpperCase() === 'P' || v.toUpperCase() === 'PT') return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
}

export function normalizeLocationName(v: string): string {
  return v.replace(/\s+/g, '').toLowerCase();
}

/** True when a desired scalar equals an observed one under the rule at its path. */
export function scalarEqual(desired: unknown, observed: unknown, rule: CompareKind | undefined): boolean {
  if (desired === observed) return true;
  if (rule?.kind === 'server-resolved' && typeof desired === 'string' && rule.values.includes(desired)) return true;
  if (typeof desired === 'string' && typeof observed === 'string') {
    if (rule?.kind === 'case-insensitive') return desired.toLowerCase() === observed.toLowerCase();
    if (rule?.kind === 'location') return normalizeLocationName(desired) === normalizeLocationName(observed);
    if (rule?.kind === 'duration') {
      const a = durationSeconds(desired);
      const b = durationSeconds(observed);
      return a !== undefined && a === b;
    }
    if (rule?.kind === 'role-definition-id') {
      const guid = (id: string) => /\/roleDefinitions\/([^/]+)$/i.exec(id)?.[1]?.toLowerCase();
      return guid(desired) !== undefined && guid(desired) === guid(observed);
    }
    if (isArmId(desired) && isArmId(observed)) return desired.toLowerCase() === observed.toLowerCase();
  }
  return false;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Remove every `ignore` path (per the field table) from a value, returning a new value. */
function strip(table: FieldTable, value: unknown, segs: string[]): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      segs.push(String(i));
      const out = strip(table, v, segs);
      segs.pop();
      return out;
    });
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    segs.push(k);
    if (classifyPath(table, segs).update !== 'ignore') {
      const child = strip(table, v, segs);
      if (child !== undefined) out[k] = child;
    }
    segs.pop();
  }
  return out;
}

/** The field table for an observed or desired body of a type. */
export function tableForBody(type: string, body: unknown): FieldTable {
  return fieldTableFor(type, computeTypeOf(body));
}

/**
 * An observed ARM resource as a comparable body: no `id`/`name`/`type`/`systemData`/`etag`, no read-only or
 * server-managed paths. Stored in state as the post-apply baseline and used for drift.
 */
export function normalizeObserved(resource: ArmResource): Record<string, unknown> {
  const table = tableForBody(resource.type, resource);
  return strip(table, resource, []) as Record<string, unknown>;
}
