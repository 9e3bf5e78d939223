/**
 * How Azure answers each type's long-running writes: status code, which LRO headers, whether a body comes back, the
 * provisioningState shown meanwhile, and the operation-status body. Every row names its evidence: a sanitized
 * recording of real Azure traffic in the corpus (test/fixtures/azure-corpus, with the source repository, path and
 * commit inside), which the replay test (test/azure-corpus/replay.test.ts) checks against this emulator.
 *
 * A type without a row, or an operation a row leaves out, keeps the generic ARM answer: 201 (create) / 200
 * (update) / 202 (delete, action) with the resource, `Azure-AsyncOperation`, `Location` and `Retry-After`.
 */

export type LroHeader = 'Azure-AsyncOperation' | 'Location' | 'Retry-After';

/** The answer to one kind of request. */
export interface AnswerShape {
  readonly status: number;
  /** LRO headers sent (the emulator's own operation URLs). */
  readonly headers: readonly LroHeader[];
  /** Whether the answer carries the resource (its transitional state). */
  readonly body: boolean;
  /** provisioningState shown until the operation ends. @default Creating on create, Updating otherwise */
  readonly state?: string;
  /** The write takes effect at once (no operation runs): the answer shows the final resource. */
  readonly sync?: boolean;
  /** Only these top-level members of the resource are in the answer (blob containers answer id, name, type). */
  readonly bodyKeys?: readonly string[];
}

/** Operation-status body: `ml` is `{status}` then `{status, percentComplete: 100}`; `status-only` is `{status}`. */
export type StatusBodyStyle = 'ml' | 'status-only' | 'arm';

export interface TypeShape {
  /** The ARM type as Azure spells it (for docs/emulator.md). */
  readonly type: string;
  readonly create?: AnswerShape;
  /** PUT of an existing resource. */
  readonly update?: AnswerShape;
  readonly patch?: AnswerShape;
  /** `sync`: the resource is gone when the answer (200, no body) is sent. */
  readonly delete?: AnswerShape | 'sync';
  /** Status of the `Location` (operation result) URL once a delete has succeeded. @default 204 */
  readonly deleteResultStatus?: 200 | 204;
  readonly action?: AnswerShape;
  /** `false`: the service's answers carry no `systemData` (ARM adds it only for some providers). */
  readonly systemData?: false;
  readonly evidence: string;
}

const AAO: readonly LroHeader[] = ['Azure-AsyncOperation'];

const SHAPES: Readonly<Record<string, TypeShape>> = {
  'microsoft.machinelearningservices/workspaces/computes': {
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    // A re-PUT answers like a create: 201 Creating.
    create: { status: 201, headers: AAO, body: true, state: 'Creating' },
    update: { status: 201, headers: AAO, body: true, state: 'Creating' },
    patch: { status: 202, headers: AAO, body: true, state: 'Updating' },
    delete: { status: 202, headers: AAO, body: false },
    action: { status: 202, headers: AAO, body: false },
    systemData: false,
    evidence:
      'corpus ml/compute-cluster-lifecycle.json (PUT 201, PATCH 202 with body, DELETE 202, Azure-AsyncOperation only), ml/compute-instance-stop.json and ml/compute-instance-start.json (POST 202, no body); re-PUT 201 Creating: the issue-12 recording review',
  },
  'microsoft.machinelearningservices/workspaces': {
    type: 'Microsoft.MachineLearningServices/workspaces',
    create: { status: 202, headers: ['Azure-AsyncOperation', 'Location'], body: false },
    update: { status: 202, headers: ['Azure-AsyncOperation', 'Location'], body: false },
    patch: { status: 202, headers: ['Azure-AsyncOperation', 'Location'], body: false },
    delete: { status: 202, headers: ['Azure-AsyncOperation', 'Location'], body: false },
    deleteResultStatus: 200,
    evidence:
      'corpus ml/workspace-create.json (PUT 202, empty, Azure-AsyncOperation and Location, no Retry-After) and ml/workspace-delete.json (DELETE 202 the same; the Location URL answers 200 empty once done); ml/workspace-update.json (re-PUT 202 the same, status Succeeded); PATCH the same per the issue-12 recording review (no published PATCH recording found)',
  },
  'microsoft.storage/storageaccounts': {
    type: 'Microsoft.Storage/storageAccounts',
    create: { status: 202, headers: ['Location', 'Retry-After'], body: false },
    update: { status: 202, headers: ['Location', 'Retry-After'], body: false },
    patch: { status: 200, headers: [], body: true, sync: true },
    delete: 'sync',
    systemData: false,
    evidence:
      'corpus storage/storage-account-create.json (PUT 202, empty, Location + Retry-After; Location polls 202 then 200 with the account), storage/storage-account-update.json (PATCH 200 with the account, no LRO headers) and storage/storage-account-delete.json (DELETE 200, empty)',
  },
  'microsoft.keyvault/vaults': {
    type: 'Microsoft.KeyVault/vaults',
    // No LRO headers: clients poll the vault until provisioningState leaves RegisteringDns.
    create: { status: 200, headers: [], body: true, state: 'RegisteringDns' },
    update: { status: 200, headers: [], body: true, sync: true },
    patch: { status: 200, headers: [], body: true, sync: true },
    delete: 'sync',
    evidence:
      'corpus keyvault/vault-create.json (create PUT 200 in RegisteringDns, no LRO headers, vaultUri without its trailing slash until the GET finds it Succeeded), keyvault/vault-update-put.json (PUT 200, no LRO headers), keyvault/vault-patch.json (PATCH 200, no LRO headers) and keyvault/vault-delete.json (DELETE 200, empty)',
  },
  'microsoft.storage/storageaccounts/blobservices/containers': {
    type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
    create: { status: 201, headers: [], body: true, sync: true, bodyKeys: ['id', 'name', 'type'] },
    update: { status: 200, headers: [], body: true, sync: true, bodyKeys: ['id', 'name', 'type'] },
    patch: { status: 200, headers: [], body: true, sync: true, bodyKeys: ['id', 'name', 'type'] },
    delete: 'sync',
    systemData: false,
    evidence:
      'corpus storage/blob-container-create.json (PUT 201 with id, name, type only), storage/blob-container-update.json (PATCH 200 the same), storage/blob-container-get.json (GET without systemData), storage/blob-container-delete.json (DELETE 200, empty)',
  },
};

const ROLE_ASSIGNMENTS: TypeShape = {
  type: 'Microsoft.Authorization/roleAssignments',
  systemData: false,
  evidence: 'corpus authorization/role-assignment-create.json (201 without systemData)',
};

const NETWORK: TypeShape = {
  type: 'Microsoft.Network/* (all but privateDnsZones)',
  create: { status: 201, headers: ['Azure-AsyncOperation', 'Retry-After'], body: true, state: 'Updating' },
  update: { status: 200, headers: ['Azure-AsyncOperation', 'Retry-After'], body: true, state: 'Updating' },
  // A PATCH (tags) is synchronous: 200 with the resource in Succeeded, no LRO headers.
  patch: { status: 200, headers: [], body: true, sync: true },
  // DELETE keeps the generic shape: 202, empty, Azure-AsyncOperation + Location + Retry-After.
  systemData: false,
  evidence:
    'corpus network/vnet-create.json and network/subnet-create.json (PUT 201 Updating, Azure-AsyncOperation + Retry-After, no Location), network/vnet-update-tags.json (PATCH 200, no LRO headers), network/vnet-delete.json and network/subnet-delete.json (DELETE 202, empty, all three headers); the same for every Microsoft.Network type',
};

/** The shape of a type (lower-case full type), if Azure's differs from the generic one. */
export function shapeOf(typeKey: string): TypeShape | undefined {
  if (SHAPES[typeKey]) return SHAPES[typeKey];
  if (typeKey === 'microsoft.authorization/roleassignments') return ROLE_ASSIGNMENTS;
  // Private DNS is another provider (Microsoft.Network/privateDnsZones): no recording yet, generic shape.
  return typeKey.startsWith('microsoft.network/') && !typeKey.startsWith('microsoft.network/privatednszones')
    ? NETWORK
    : undefined;
}

/** Every row, for docs/emulator.md (lib/emulator/shapes-doc.ts). */
export function allShapes(): readonly TypeShape[] {
  return [...Object.values(SHAPES), ROLE_ASSIGNMENTS, NETWORK];
}

/** Operation-status body style per namespace (lower-case). */
export function statusBodyStyle(namespace: string): StatusBodyStyle {
  const ns = namespace.toLowerCase();
  // ML compute polls: {"status":"InProgress"} then {"status":"Succeeded","percentComplete":100.0} (corpus ml/*).
  if (ns === 'microsoft.machinelearningservices') return 'ml';
  // Network polls: {"status":"InProgress"} / {"status":"Succeeded"} (corpus network/*).
  if (ns === 'microsoft.network') return 'status-only';
  return 'arm';
}
