/**
 * Field tables: for each ARM type (and, for Azure ML computes, each `computeType`), how a change of a property
 * path is carried out on an existing resource. The reconciler's diff, the plan's reasons, the Pulumi
 * component's `replaceOnChanges` and `docs/field-table.md` all read this one table.
 *
 * Paths are JSON-pointer-like paths into the ARM PUT body (`/properties/properties/vmSize`). A `*` segment
 * matches any one segment (a map key or an array index). A rule applies to its path and everything below it;
 * the most specific (longest) matching rule wins, and `default` applies to paths no rule matches.
 *
 * Sources are abbreviated: "api §7.2" = reference/azureml-api.md §7.2, "tf" = Terraform azurerm, "spec" = the
 * 2025-09-01 OpenAPI `x-ms-mutability` / `readOnly` markers, "docs" = learn.microsoft.com.
 */

/** How a change of a path is applied. */
export type UpdateKind =
  /** Send the whole body again with PUT. */
  | 'in-place'
  /** Send only the changed subtree with PATCH. */
  | 'patch'
  /** The property is create-only: delete the resource and create it again. */
  | 'replace'
  /** A POST action on the resource changes it (`action` names it). */
  | 'action'
  /** Read-only, server-managed or write-only: never compared. */
  | 'ignore';

export interface FieldRule {
  /** JSON-pointer-like path with `*` wildcards. */
  readonly path: string;
  readonly update: UpdateKind;
  /** POST action name for `update: 'action'`, e.g. `updateIdleShutdownSetting`. */
  readonly action?: string;
  /** Where the fact comes from. */
  readonly source: string;
  readonly note: string;
}

export interface FieldTable {
  /** ARM resource type, e.g. `Microsoft.MachineLearningServices/workspaces/computes`. */
  readonly type: string;
  /** For computes: the `properties.computeType` this table is for. */
  readonly computeType?: string;
  /** Used for a path no rule matches. */
  readonly default: UpdateKind;
  readonly defaultSource: string;
  /** Replacement order when the name stays the same. Region-unique compute names force delete-before-create. */
  readonly replaceOrder: 'delete-before-create';
  readonly rules: readonly FieldRule[];
  /**
   * Paths that may only move in one direction, with the allowed transitions. A change outside them is refused at
   * plan time (e.g. managed network isolation can never go back to `Disabled`).
   */
  /**
   * For tables built with spec-derived rules: the hand-written rules alone (facts the spec lacks, and overrides where
   * recorded Azure or Microsoft's docs contradict it), so a test can hold them to not restating the spec.
   */
  readonly handRules?: readonly FieldRule[];
  readonly oneWay?: readonly {
    readonly path: string;
    readonly refuseTo: readonly string[];
    readonly source: string;
    readonly note: string;
  }[];
}

import { specCitation, specFieldsFor } from './spec-fields.js';

export const ML_WORKSPACES = 'Microsoft.MachineLearningServices/workspaces';
export const ML_COMPUTES = 'Microsoft.MachineLearningServices/workspaces/computes';
export const ML_DATASTORES = 'Microsoft.MachineLearningServices/workspaces/datastores';

const RO_ENVELOPE: readonly FieldRule[] = [
  { path: '/id', update: 'ignore', source: 'spec readOnly', note: 'resource id (the address, not a property)' },
  { path: '/name', update: 'ignore', source: 'spec readOnly', note: 'last id segment' },
  { path: '/type', update: 'ignore', source: 'spec readOnly', note: 'resource type' },
  { path: '/systemData', update: 'ignore', source: 'spec readOnly', note: 'created/modified by and at' },
  { path: '/etag', update: 'ignore', source: 'spec readOnly', note: 'concurrency token' },
  { path: '/properties/provisioningState', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
];

/**
 * The envelope paths the spec-derived rules do not cover for the types an extract describes (common-types v3
 * `Resource` has no etag).
 */
const HAND_ENVELOPE: readonly FieldRule[] = [
  { path: '/etag', update: 'ignore', source: 'ARM: concurrency token, set by the service', note: 'server-managed' },
];

/**
 * Rules generated from the official OpenAPI (lib/catalog/spec-fields.ts): `readOnly` → ignore, `x-ms-mutability`
 * without `update` → replace. Hand rules come after them and override one at the same path.
 */
export function specRules(type: string, computeType?: string): FieldRule[] {
  const out: FieldRule[] = [];
  for (const f of specFieldsFor(type, computeType)) {
    if (f.readOnly)
      out.push({ path: f.path, update: 'ignore', source: `spec readOnly: ${specCitation(f)}`, note: 'server-managed' });
    else if (f.createOnly)
      out.push({
        path: f.path,
        update: 'replace',
        source: `spec x-ms-mutability [read, create]: ${specCitation(f)}`,
        note: 'create-only',
      });
  }
  return out;
}

/** A table whose spec-derived rules come first and whose hand rules (overrides and facts the spec lacks) follow. */
function withSpec(t: FieldTable): FieldTable {
  const hand = new Set(t.rules.map((r) => r.path.toLowerCase()));
  const spec = specRules(t.type, t.computeType).filter((r) => !hand.has(r.path.toLowerCase()));
  return { ...t, rules: [...spec, ...t.rules], handRules: t.rules };
}

const COMPUTE_COMMON_RO: readonly FieldRule[] = [
  ...HAND_ENVELOPE,
  {
    path: '/properties/computeType',
    update: 'replace',
    source: 'api §7.2 (discriminator)',
    note: 'the kind of compute cannot change',
  },
  { path: '/location', update: 'replace', source: 'tf ForceNew (api §15)', note: 'a resource cannot move region' },
];

const COMPUTE_INSTANCE: FieldTable = withSpec({
  type: ML_COMPUTES,
  computeType: 'ComputeInstance',
  default: 'replace',
  defaultSource: 'api §7.2, §16.2; tf: every argument ForceNew, no Update (api §15)',
  replaceOrder: 'delete-before-create',
  rules: [
    ...COMPUTE_COMMON_RO,
    {
      path: '/tags',
      update: 'replace',
      source: 'tf ForceNew (api §15; azurerm #31747 asks to relax)',
      note: 'instances have no update path',
    },
    { path: '/identity', update: 'replace', source: 'api §7.2; tf ForceNew', note: 'instances have no update path' },
    { path: '/sku', update: 'replace', source: 'api §3', note: 'workspace SKU echoed into the compute' },
    {
      path: '/properties/description',
      update: 'replace',
      source: 'api §7.2; tf ForceNew',
      note: 'instances have no update path',
    },
    {
      path: '/properties/properties/vmSize',
      update: 'replace',
      source: 'api §4.3 docs: "isn\'t possible to change the virtual machine size"',
      note: 'create-only (preview resize exists but is not used)',
    },
    {
      path: '/properties/properties/sshSettings/sshPublicAccess',
      update: 'replace',
      source: 'api §4.3 docs: SSH "can\'t be enabled or disabled after creation"',
      note: 'create-only',
    },
    { path: '/properties/properties/subnet', update: 'replace', source: 'api §7.2; tf ForceNew', note: 'create-only' },
    {
      path: '/properties/properties/enableNodePublicIp',
      update: 'replace',
      source: 'api §7.2; tf ForceNew',
      note: 'create-only',
    },
    {
      path: '/properties/properties/personalComputeInstanceSettings',
      update: 'replace',
      source: 'api §7.2; tf ForceNew',
      note: 'the assigned user is fixed at creation',
    },
    {
      path: '/properties/properties/computeInstanceAuthorizationType',
      update: 'replace',
      source: 'api §7.2; tf ForceNew',
      note: 'create-only',
    },
    {
      path: '/properties/properties/idleTimeBeforeShutdown',
      update: 'action',
      action: 'updateIdleShutdownSetting',
      source: 'api §7.2; docs: "only configurable during new compute instance creation" in ARM templates',
      note: 'POST updateIdleShutdownSetting {idleTimeBeforeShutdown}',
    },
    {
      path: '/properties/properties/schedules',
      update: 'replace',
      source:
        'azure-rest-api-specs MachineLearningServices stable/2025-12-01 (the pinned version): the compute operations are start, stop, restart, updateIdleShutdownSetting, updateDataMounts and updateCustomServices, no updateSchedules (it exists only in previews); a re-PUT of an existing instance does not apply schedules (azure-quickstart-templates#11830)',
      note: 'no operation of the pinned stable api-version changes the schedules of an existing instance (POST updateSchedules is in no stable spec)',
    },
  ],
});

const AML_COMPUTE: FieldTable = withSpec({
  type: ML_COMPUTES,
  computeType: 'AmlCompute',
  default: 'replace',
  defaultSource:
    'api §7.2 (tf ForceNew for vmSize, vmPriority, subnet, enableNodePublicIp, remoteLoginPortPublicAccess, userAccountCredentials, osType)',
  replaceOrder: 'delete-before-create',
  rules: [
    ...COMPUTE_COMMON_RO,
    { path: '/tags', update: 'in-place', source: 'api §7.2; tf in place (PR #29878)', note: 'PUT with the full body' },
    {
      path: '/identity',
      update: 'in-place',
      source: 'api §7.2; tf in place (PR #26404)',
      note: 'PUT with the full body',
    },
    {
      path: '/sku',
      update: 'ignore',
      source: 'api §3, §16.5 (workspace SKU echoed back)',
      note: 'server echoes the workspace SKU',
    },
    {
      path: '/properties/properties/scaleSettings',
      update: 'patch',
      source: 'api §2 PATCH ClusterUpdateParameters; §7.2',
      note: 'PATCH {properties:{properties:{scaleSettings}}}',
    },
    { path: '/properties/properties/vmSize', update: 'replace', source: 'api §7.2; tf ForceNew', note: 'create-only' },
    {
      path: '/properties/properties/vmPriority',
      update: 'replace',
      source: 'api §7.2; tf ForceNew',
      note: 'create-only',
    },
    { path: '/properties/properties/subnet', update: 'replace', source: 'api §7.2; tf ForceNew', note: 'create-only' },
    {
      path: '/properties/properties/enableNodePublicIp',
      update: 'replace',
      source: 'api §7.2; tf ForceNew',
      note: 'create-only',
    },
    {
      path: '/properties/properties/remoteLoginPortPublicAccess',
      update: 'replace',
      source: 'api §5, §7.2 (NotSpecified is read back as Enabled/Disabled)',
      note: 'create-only',
    },
    {
      path: '/properties/properties/userAccountCredentials',
      update: 'replace',
      source: 'api §7.2; tf ForceNew',
      note: 'create-only; secrets are write-only',
    },
    { path: '/properties/properties/osType', update: 'replace', source: 'api §7.2; tf ForceNew', note: 'create-only' },
  ],
});

/** Attached computes: the underlying resource is not ours; a different `resourceId` means detach + re-attach. */
function attachedTable(computeType: string, extra: readonly FieldRule[] = []): FieldTable {
  return withSpec({
    type: ML_COMPUTES,
    computeType,
    default: 'replace',
    defaultSource: 'api §6, §7.2 (attach is not idempotent: change = detach + re-attach)',
    replaceOrder: 'delete-before-create',
    rules: [
      ...COMPUTE_COMMON_RO,
      {
        path: '/properties/resourceId',
        update: 'replace',
        source: 'api §7.2 "attached compute resourceId: detach + re-attach"',
        note: 'detach (underlyingResourceAction=Detach), then attach again',
      },
      {
        path: '/tags',
        update: 'replace',
        source: 'api §6 (AVM sends no tags on attach; attach is not idempotent)',
        note: 'no update path for attached compute',
      },
      ...extra,
    ],
  });
}

const ATTACHED: readonly FieldTable[] = [
  attachedTable('Kubernetes', [
    {
      path: '/properties/properties/relayConnectionString',
      update: 'ignore',
      source: 'api §6 (secret)',
      note: 'write-only secret',
    },
    {
      path: '/properties/properties/serviceBusConnectionString',
      update: 'ignore',
      source: 'api §6 (secret)',
      note: 'write-only secret',
    },
    {
      path: '/properties/properties/extensionPrincipalId',
      update: 'ignore',
      source: 'api §6',
      note: 'set by the extension',
    },
  ]),
  attachedTable('VirtualMachine', [
    {
      path: '/properties/properties/administratorAccount',
      update: 'replace',
      source: 'api §6; secrets not echoed (listKeys)',
      note: 'credentials are write-only',
    },
  ]),
  attachedTable('AKS'),
  attachedTable('HDInsight'),
  attachedTable('Databricks', [
    {
      path: '/properties/properties/databricksAccessToken',
      update: 'replace',
      source: 'api §6 (secret)',
      note: 'write-only secret',
    },
  ]),
  attachedTable('SynapseSpark'),
  attachedTable('DataFactory'),
  attachedTable('DataLakeAnalytics'),
];

const WORKSPACE: FieldTable = withSpec({
  type: ML_WORKSPACES,
  default: 'in-place',
  defaultSource: 'spec: workspace properties are updatable by PUT unless marked (api §8)',
  replaceOrder: 'delete-before-create',
  rules: [
    ...HAND_ENVELOPE,
    { path: '/location', update: 'replace', source: 'tf ForceNew (api §15)', note: 'a workspace cannot move region' },
    { path: '/kind', update: 'replace', source: 'api §8 (Default/Project/Hub/FeatureStore)', note: 'create-only' },
    {
      path: '/properties/storageAccount',
      update: 'replace',
      source: 'api §8 "cannot be changed once the workspace has been created"; tf ForceNew',
      note: 'create-only',
    },
    {
      path: '/properties/keyVault',
      update: 'replace',
      source: 'api §8 "cannot be changed once the workspace has been created"; tf ForceNew',
      note: 'create-only',
    },
    { path: '/properties/applicationInsights', update: 'replace', source: 'api §15 tf ForceNew', note: 'create-only' },
    {
      path: '/properties/containerRegistry',
      update: 'replace',
      source: 'api §15 (older tf ForceNew)',
      note: 'treated as create-only',
    },
    {
      path: '/properties/hbiWorkspace',
      update: 'replace',
      source: 'tf ForceNew (high_business_impact)',
      note: 'create-only',
    },
    {
      path: '/properties/encryption',
      update: 'replace',
      source: 'tf ForceNew (encryption block)',
      note: 'customer-managed key settings are fixed at creation',
    },
    {
      path: '/properties/primaryUserAssignedIdentity',
      update: 'in-place',
      source: 'tf updatable (primary_user_assigned_identity)',
      note: 'updatable by PUT',
    },
    {
      path: '/properties/managedNetwork/status',
      update: 'ignore',
      source:
        'api §8: set by the service; workspaceRP.json ManagedNetworkSettings @ 2025-12-01 does not mark it readOnly',
      note: 'server-managed',
    },
    {
      path: '/properties/managedNetwork/firewallPublicIpAddress',
      update: 'ignore',
      source:
        'api §8: set by the service; workspaceRP.json ManagedNetworkSettings @ 2025-12-01 does not mark it readOnly',
      note: 'server-managed',
    },
    {
      path: '/properties/managedNetwork/outboundRules/*/status',
      update: 'ignore',
      source: 'api §8; azure-native #3225 (refresh must not replace)',
      note: 'server-managed',
    },
    {
      path: '/properties/provisionNetworkNow',
      update: 'ignore',
      source: 'api §8 (create-time trigger)',
      note: 'not echoed',
    },
    { path: '/properties/discoveryUrl', update: 'ignore', source: 'api §8 (server fills it)', note: 'server-managed' },
  ],
  oneWay: [
    {
      path: '/properties/managedNetwork/isolationMode',
      refuseTo: ['Disabled'],
      source: 'api §8 docs: "Once you enable managed virtual network isolation ... you can\'t disable it"',
      note: 'AllowInternetOutbound ↔ AllowOnlyApprovedOutbound is allowed; back to Disabled is refused at plan time',
    },
    {
      path: '/properties/managedNetwork/managedNetworkKind',
      refuseTo: ['V1'],
      source: 'api §8 "V2 can\'t go back to V1"',
      note: 'V1 → V2 only',
    },
  ],
});

const DATASTORE: FieldTable = {
  type: ML_DATASTORES,
  default: 'in-place',
  defaultSource: 'api §9.1 (PUT is synchronous create-or-update)',
  replaceOrder: 'delete-before-create',
  rules: [
    ...RO_ENVELOPE,
    { path: '/properties/datastoreType', update: 'replace', source: 'api §9.1 (discriminator)', note: 'create-only' },
    { path: '/properties/isDefault', update: 'ignore', source: 'spec readOnly (api §9.1)', note: 'server-managed' },
    {
      path: '/properties/credentials/secrets',
      update: 'ignore',
      source: 'api §9.1 "Secrets are WriteOnly"',
      note: 'write-only: GET returns only secretsType; a changed secret reference is sent by PUT',
    },
  ],
};

const VNET: FieldTable = {
  type: 'Microsoft.Network/virtualNetworks',
  default: 'in-place',
  defaultSource: 'Microsoft.Network PUT create-or-update',
  replaceOrder: 'delete-before-create',
  rules: [
    ...RO_ENVELOPE,
    { path: '/location', update: 'replace', source: 'ARM: resources cannot move region', note: 'create-only' },
    {
      path: '/properties/subnets',
      update: 'ignore',
      source: 'api §10 (omitting subnets keeps them; subnets are separate resources)',
      note: 'managed as child resources',
    },
    { path: '/properties/resourceGuid', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    {
      path: '/properties/virtualNetworkPeerings',
      update: 'ignore',
      source: 'child resources',
      note: 'not managed by amlcdk',
    },
  ],
};

const SUBNET: FieldTable = {
  type: 'Microsoft.Network/virtualNetworks/subnets',
  default: 'in-place',
  defaultSource: 'Microsoft.Network PUT create-or-update',
  replaceOrder: 'delete-before-create',
  rules: [
    ...RO_ENVELOPE,
    {
      path: '/properties/defaultOutboundAccess',
      update: 'replace',
      source: 'api §10 "can only be set at the time of subnet creation"',
      note: 'create-only',
    },
    { path: '/properties/ipConfigurations', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/purpose', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
  ],
};

const NSG: FieldTable = {
  type: 'Microsoft.Network/networkSecurityGroups',
  default: 'in-place',
  defaultSource: 'Microsoft.Network PUT create-or-update',
  replaceOrder: 'delete-before-create',
  rules: [
    ...RO_ENVELOPE,
    { path: '/location', update: 'replace', source: 'ARM: resources cannot move region', note: 'create-only' },
    { path: '/properties/resourceGuid', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/defaultSecurityRules', update: 'ignore', source: 'spec readOnly', note: 'platform rules' },
    { path: '/properties/subnets', update: 'ignore', source: 'spec readOnly', note: 'back references' },
    { path: '/properties/networkInterfaces', update: 'ignore', source: 'spec readOnly', note: 'back references' },
    { path: '/properties/securityRules/*/id', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/securityRules/*/etag', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/securityRules/*/type', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    {
      path: '/properties/securityRules/*/properties/provisioningState',
      update: 'ignore',
      source: 'spec readOnly',
      note: 'server-managed',
    },
  ],
};

const STORAGE_ACCOUNT: FieldTable = {
  type: 'Microsoft.Storage/storageAccounts',
  default: 'in-place',
  defaultSource: 'Microsoft.Storage PUT/PATCH update',
  replaceOrder: 'delete-before-create',
  rules: [
    ...RO_ENVELOPE,
    { path: '/location', update: 'replace', source: 'ARM: resources cannot move region', note: 'create-only' },
    { path: '/kind', update: 'in-place', source: 'Storage: StorageV2 upgrade allowed', note: 'updatable by PUT' },
    {
      path: '/properties/isHnsEnabled',
      update: 'replace',
      source: 'tf ForceNew (is_hns_enabled)',
      note: 'create-only',
    },
    { path: '/properties/primaryEndpoints', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/secondaryEndpoints', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/primaryLocation', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/statusOfPrimary', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/creationTime', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/keyCreationTime', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
  ],
};

const FILE_SHARE: FieldTable = {
  type: 'Microsoft.Storage/storageAccounts/fileServices/shares',
  default: 'in-place',
  defaultSource: 'Microsoft.Storage PUT/PATCH update (api §9.3)',
  replaceOrder: 'delete-before-create',
  rules: [
    ...RO_ENVELOPE,
    {
      path: '/properties/enabledProtocols',
      update: 'replace',
      source: 'api §9.3 "enabledProtocols: SMB|NFS (create-only)"',
      note: 'create-only',
    },
    { path: '/properties/lastModifiedTime', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/shareUsageBytes', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
  ],
};

const ROLE_ASSIGNMENT: FieldTable = {
  type: 'Microsoft.Authorization/roleAssignments',
  default: 'replace',
  defaultSource: 'api §11 (role assignments cannot be updated: RoleAssignmentUpdateNotPermitted)',
  replaceOrder: 'delete-before-create',
  rules: [
    ...RO_ENVELOPE,
    {
      path: '/properties/scope',
      update: 'ignore',
      source: 'spec readOnly (the scope is in the id)',
      note: 'server-managed',
    },
    { path: '/properties/createdOn', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/updatedOn', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/createdBy', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/updatedBy', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    {
      path: '/properties/description',
      update: 'in-place',
      source: 'Authorization 2022-04-01 (description may be updated)',
      note: 'updatable by PUT',
    },
  ],
};

/** Types without AML-specific knowledge: PUT updates, location replaces, read-only envelope ignored. */
function genericTable(type: string, extra: readonly FieldRule[] = []): FieldTable {
  return {
    type,
    default: 'in-place',
    defaultSource: 'ARM PUT create-or-update',
    replaceOrder: 'delete-before-create',
    rules: [
      ...RO_ENVELOPE,
      { path: '/location', update: 'replace', source: 'ARM: resources cannot move region', note: 'create-only' },
      ...extra,
    ],
  };
}

const OTHERS: readonly FieldTable[] = [
  genericTable('Microsoft.Resources/resourceGroups'),
  genericTable('Microsoft.KeyVault/vaults', [
    { path: '/properties/vaultUri', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    {
      path: '/properties/enableSoftDelete',
      update: 'ignore',
      source: 'Key Vault: soft delete can no longer be disabled',
      note: 'server-enforced true',
    },
  ]),
  genericTable('Microsoft.Insights/components', [
    { path: '/kind', update: 'replace', source: 'tf ForceNew (application_type)', note: 'create-only' },
    {
      path: '/properties/Application_Type',
      update: 'replace',
      source: 'tf ForceNew (application_type)',
      note: 'create-only',
    },
    { path: '/properties/InstrumentationKey', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/ConnectionString', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/AppId', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
  ]),
  genericTable('Microsoft.ContainerRegistry/registries', [
    { path: '/properties/loginServer', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
  ]),
  genericTable('Microsoft.ManagedIdentity/userAssignedIdentities', [
    { path: '/properties/principalId', update: 'ignore', source: 'spec readOnly', note: 'assigned by Entra' },
    { path: '/properties/clientId', update: 'ignore', source: 'spec readOnly', note: 'assigned by Entra' },
    { path: '/properties/tenantId', update: 'ignore', source: 'spec readOnly', note: 'assigned by Entra' },
  ]),
  genericTable('Microsoft.Network/privateEndpoints', [
    { path: '/properties/subnet', update: 'replace', source: 'tf ForceNew (subnet_id)', note: 'create-only' },
    {
      path: '/properties/privateLinkServiceConnections',
      update: 'replace',
      source: 'tf ForceNew (private_service_connection)',
      note: 'create-only',
    },
    { path: '/properties/networkInterfaces', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/customDnsConfigs', update: 'ignore', source: 'server-filled', note: 'server-managed' },
  ]),
  genericTable('Microsoft.Network/privateDnsZones', [
    { path: '/properties/numberOfRecordSets', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    { path: '/properties/maxNumberOfRecordSets', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
    {
      path: '/properties/numberOfVirtualNetworkLinks',
      update: 'ignore',
      source: 'spec readOnly',
      note: 'server-managed',
    },
    {
      path: '/properties/maxNumberOfVirtualNetworkLinks',
      update: 'ignore',
      source: 'spec readOnly',
      note: 'server-managed',
    },
    {
      path: '/properties/numberOfVirtualNetworkLinksWithRegistration',
      update: 'ignore',
      source: 'spec readOnly',
      note: 'server-managed',
    },
    {
      path: '/properties/maxNumberOfVirtualNetworkLinksWithRegistration',
      update: 'ignore',
      source: 'spec readOnly',
      note: 'server-managed',
    },
  ]),
  genericTable('Microsoft.Network/privateDnsZones/virtualNetworkLinks', [
    { path: '/properties/virtualNetworkLinkState', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
  ]),
  genericTable('Microsoft.Network/privateEndpoints/privateDnsZoneGroups'),
  genericTable('Microsoft.Network/natGateways'),
  genericTable('Microsoft.Network/publicIPAddresses', [
    { path: '/properties/ipAddress', update: 'ignore', source: 'spec readOnly', note: 'server-managed' },
  ]),
];

/** Every table, in documentation order. */
export const FIELD_TABLES: readonly FieldTable[] = [
  WORKSPACE,
  COMPUTE_INSTANCE,
  AML_COMPUTE,
  ...ATTACHED,
  DATASTORE,
  VNET,
  SUBNET,
  NSG,
  STORAGE_ACCOUNT,
  FILE_SHARE,
  ROLE_ASSIGNMENT,
  ...OTHERS,
];

/** Used for a type no table describes: PUT for everything except the read-only envelope and the location. */
export function fallbackTable(type: string): FieldTable {
  return genericTable(type);
}

const byKey = new Map<string, FieldTable>();
for (const t of FIELD_TABLES) byKey.set(key(t.type, t.computeType), t);

function key(type: string, computeType?: string): string {
  return `${type.toLowerCase()}|${computeType?.toLowerCase() ?? ''}`;
}

/**
 * The table for a type (and compute type). Unknown compute types get the attached-compute table (replace by
 * default, which is the safe choice); unknown types the generic PUT table.
 *
 * @example fieldTableFor('Microsoft.MachineLearningServices/workspaces/computes', 'AmlCompute')
 */
export function fieldTableFor(type: string, computeType?: string): FieldTable {
  const exact = byKey.get(key(type, computeType));
  if (exact) return exact;
  if (type.toLowerCase() === ML_COMPUTES.toLowerCase()) return attachedTable(computeType ?? 'Unknown');
  return byKey.get(key(type)) ?? fallbackTable(type);
}

/** The compute type of an ARM body (`properties.computeType`), if any. */
export function computeTypeOf(body: unknown): string | undefined {
  const props = (body as { properties?: { computeType?: unknown } } | undefined)?.properties;
  return typeof props?.computeType === 'string' ? props.computeType : undefined;
}

/** Split a path into segments (`/a/b` → `['a','b']`), decoding RFC 6901 escapes. */
export function splitPath(path: string): string[] {
  if (path === '' || path === '/') return [];
  const parts = (path.charCodeAt(0) === 47 /* / */ ? path.slice(1) : path).split('/');
  // Escapes are rare: without a `~` there is nothing to decode.
  return path.includes('~') ? parts.map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : parts;
}

/** Join segments into a path, escaping `~` and `/`. */
export function joinPath(segments: readonly string[]): string {
  if (segments.length === 0) return '';
  let out = '';
  for (const s of segments)
    out += '/' + (s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s);
  return out;
}

function ruleMatches(rule: readonly string[], path: readonly string[]): boolean {
  if (rule.length > path.length) return false;
  for (let i = 0; i < rule.length; i++) {
    if (rule[i] !== '*' && rule[i].toLowerCase() !== path[i].toLowerCase()) return false;
  }
  return true;
}

const splitCache = new WeakMap<FieldRule, string[]>();
function ruleSegments(r: FieldRule): string[] {
  let s = splitCache.get(r);
  if (!s) {
    s = splitPath(r.path);
    splitCache.set(r, s);
  }
  return s;
}

/** The result of classifying one path. */
export interface PathClass {
  readonly update: UpdateKind;
  readonly action?: string;
  readonly source: string;
  readonly note: string;
  /** The rule's path, or `(default)`. */
  readonly matched: string;
}

/**
 * How a change at `path` is applied: the most specific matching rule, else the table default.
 *
 * @example classifyPath(fieldTableFor(ML_COMPUTES, 'AmlCompute'), '/properties/properties/scaleSettings/maxNodeCount').update // 'patch'
 */
export function classifyPath(table: FieldTable, path: string | readonly string[]): PathClass {
  const segs = typeof path === 'string' ? splitPath(path) : path;
  let best: FieldRule | undefined;
  let bestLen = -1;
  for (const r of table.rules) {
    const rs = ruleSegments(r);
    if (rs.length > bestLen && ruleMatches(rs, segs)) {
      best = r;
      bestLen = rs.length;
    }
  }
  if (best)
    return {
      update: best.update,
      ...(best.action ? { action: best.action } : {}),
      source: best.source,
      note: best.note,
      matched: best.path,
    };
  return {
    update: table.default,
    source: table.defaultSource,
    note: 'no specific rule: table default',
    matched: '(default)',
  };
}

/** True when `path` or anything below it is `ignore` (read-only / server-managed / write-only). */
export function isIgnored(table: FieldTable, path: string | readonly string[]): boolean {
  return classifyPath(table, path).update === 'ignore';
}

/**
 * The paths whose change forces a replacement (for Pulumi's `replaceOnChanges`), as dotted property paths
 * relative to the resource body (`properties.properties.vmSize`), `*` kept for wildcards. For tables whose
 * default is `replace` this lists the explicit replace rules; callers should treat the whole body as
 * create-only then (see `defaultIsReplace`).
 */
export function createOnlyPaths(
  type: string,
  computeType?: string,
): { readonly paths: readonly string[]; readonly defaultIsReplace: boolean } {
  const table = fieldTableFor(type, computeType);
  const paths = table.rules.filter((r) => r.update === 'replace').map((r) => splitPath(r.path).join('.'));
  return { paths, defaultIsReplace: table.default === 'replace' };
}
