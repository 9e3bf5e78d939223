/**
 * Hand-written manifest resources in the exact ARM body shapes of reference/azureml-api.md, for rule tests.
 */
import { contentHash } from '../../lib/manifest/canonical.js';
import {
  MANIFEST_SCHEMA_VERSION,
  type Manifest,
  type ManifestResource,
  type Suppression,
} from '../../lib/manifest/types.js';

export const SUB = '00000000-0000-0000-0000-000000000001';
export const RG = 'rg-ml';
export const LOC = 'westeurope';
export const TENANT = '11111111-1111-1111-1111-111111111111';
export const ALICE = 'aaaaaaaa-0000-0000-0000-000000000001';
export const BOB = 'bbbbbbbb-0000-0000-0000-000000000002';
export const GROUP = 'cccccccc-0000-0000-0000-000000000003';
const P = `/subscriptions/${SUB}/resourceGroups/${RG}/providers`;
export const WS_ID = `${P}/Microsoft.MachineLearningServices/workspaces/mlw-team`;
export const VNET_ID = `${P}/Microsoft.Network/virtualNetworks/vnet`;
export const SUBNET_ID = `${VNET_ID}/subnets/compute`;
export const NSG_ID = `${P}/Microsoft.Network/networkSecurityGroups/nsg-compute`;
export const STORAGE_ID = `${P}/Microsoft.Storage/storageAccounts/stteam`;
export const KV_ID = `${P}/Microsoft.KeyVault/vaults/kv-team`;
export const ACR_ID = `${P}/Microsoft.ContainerRegistry/registries/acrteam`;
export const ROLE = (guid: string): string =>
  `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
export const DATA_SCIENTIST = 'f6c7c914-8db3-469d-8ca1-694a8f32e121';
export const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
export const TAGS = { owner: 'ml-platform', costCenter: 'cc-42', environment: 'dev', dataClassification: 'internal' };

type Body = Record<string, unknown>;
interface Extra {
  logicalId?: string;
  source?: { file: string; line: number };
  suppressions?: Suppression[];
  secrets?: string[];
  protect?: boolean;
}

function res(type: string, id: string, apiVersion: string, body: Body, extra: Extra = {}): ManifestResource {
  const name = id.split('/').pop()!;
  return {
    logicalId: extra.logicalId ?? `Team/${name}`,
    type,
    apiVersion,
    id,
    name,
    body,
    dependsOn: [],
    options: { protect: extra.protect ?? false, deletePolicy: 'Delete' },
    ...(extra.secrets ? { secrets: extra.secrets } : {}),
    ...(extra.source ? { source: extra.source } : {}),
    ...(extra.suppressions ? { suppressions: extra.suppressions } : {}),
  };
}

/** A secure workspace: private, managed VNet approved-outbound, identities, CMK, HBI, tags. */
export function workspace(props: Body = {}, envelope: Body = {}, extra: Extra = {}): ManifestResource {
  return res(
    'Microsoft.MachineLearningServices/workspaces',
    WS_ID,
    '2025-09-01',
    {
      location: LOC,
      tags: TAGS,
      identity: {
        type: 'SystemAssigned,UserAssigned',
        userAssignedIdentities: { [`${P}/Microsoft.ManagedIdentity/userAssignedIdentities/id-ml`]: {} },
      },
      sku: { name: 'Basic', tier: 'Basic' },
      ...envelope,
      properties: {
        storageAccount: STORAGE_ID,
        keyVault: KV_ID,
        containerRegistry: ACR_ID,
        publicNetworkAccess: 'Disabled',
        managedNetwork: { isolationMode: 'AllowOnlyApprovedOutbound' },
        hbiWorkspace: true,
        systemDatastoresAuthMode: 'Identity',
        primaryUserAssignedIdentity: `${P}/Microsoft.ManagedIdentity/userAssignedIdentities/id-ml`,
        encryption: {
          status: 'Enabled',
          keyVaultProperties: { keyVaultArmId: KV_ID, keyIdentifier: 'https://kv-team.vault.azure.net/keys/cmk/1' },
        },
        ...props,
      },
    },
    { logicalId: 'Team/Workspace', protect: true, ...extra },
  );
}

export function computeId(name: string): string {
  return `${WS_ID}/computes/${name}`;
}

/** A secure compute instance (CPU) assigned to Alice. */
export function instance(
  name = 'ci-alice',
  inner: Body = {},
  outer: Body = {},
  envelope: Body = {},
  extra: Extra = {},
): ManifestResource {
  return res(
    'Microsoft.MachineLearningServices/workspaces/computes',
    computeId(name),
    '2025-09-01',
    {
      location: LOC,
      tags: TAGS,
      identity: { type: 'SystemAssigned' },
      ...envelope,
      properties: {
        computeType: 'ComputeInstance',
        disableLocalAuth: true,
        ...outer,
        properties: {
          vmSize: 'Standard_DS11_v2',
          enableNodePublicIp: false,
          subnet: { id: SUBNET_ID },
          applicationSharingPolicy: 'Personal',
          sshSettings: { sshPublicAccess: 'Disabled' },
          computeInstanceAuthorizationType: 'personal',
          personalComputeInstanceSettings: { assignedUser: { objectId: ALICE, tenantId: TENANT } },
          idleTimeBeforeShutdown: 'PT30M',
          ...inner,
        },
      },
    },
    { logicalId: `Team/${name}`, ...extra },
  );
}

/** A secure CPU cluster. */
export function cluster(
  name = 'cpu-cluster',
  inner: Body = {},
  outer: Body = {},
  envelope: Body = {},
  extra: Extra = {},
): ManifestResource {
  return res(
    'Microsoft.MachineLearningServices/workspaces/computes',
    computeId(name),
    '2025-09-01',
    {
      location: LOC,
      tags: TAGS,
      identity: { type: 'SystemAssigned' },
      ...envelope,
      properties: {
        computeType: 'AmlCompute',
        disableLocalAuth: true,
        ...outer,
        properties: {
          vmSize: 'Standard_D4s_v3',
          vmPriority: 'LowPriority',
          enableNodePublicIp: false,
          subnet: { id: SUBNET_ID },
          remoteLoginPortPublicAccess: 'Disabled',
          scaleSettings: { minNodeCount: 0, maxNodeCount: 4, nodeIdleTimeBeforeScaleDown: 'PT5M' },
          ...inner,
        },
      },
    },
    { logicalId: `Team/${name}`, ...extra },
  );
}

export function attached(name: string, computeType: string, resourceId?: string): ManifestResource {
  return res('Microsoft.MachineLearningServices/workspaces/computes', computeId(name), '2025-09-01', {
    properties: { computeType, ...(resourceId ? { resourceId } : {}), properties: {} },
  });
}

export interface NsgRuleSpec {
  name: string;
  priority: number;
  direction: 'Inbound' | 'Outbound';
  access: 'Allow' | 'Deny';
  protocol?: string;
  source?: string;
  dest?: string;
  port?: string;
}

export function nsgRule(r: NsgRuleSpec): Body {
  return {
    name: r.name,
    properties: {
      priority: r.priority,
      direction: r.direction,
      access: r.access,
      protocol: r.protocol ?? 'Tcp',
      sourceAddressPrefix: r.source ?? '*',
      sourcePortRange: '*',
      destinationAddressPrefix: r.dest ?? '*',
      destinationPortRange: r.port ?? '*',
    },
  };
}

export const AML_NSG_RULES: NsgRuleSpec[] = [
  {
    name: 'AzureML-44224',
    priority: 100,
    direction: 'Inbound',
    access: 'Allow',
    source: 'AzureMachineLearning',
    dest: 'VirtualNetwork',
    port: '44224',
  },
  {
    name: 'AML-out-443',
    priority: 100,
    direction: 'Outbound',
    access: 'Allow',
    source: 'VirtualNetwork',
    dest: 'AzureMachineLearning',
    port: '443',
  },
];

export function nsg(rules: NsgRuleSpec[] = AML_NSG_RULES): ManifestResource {
  return res(
    'Microsoft.Network/networkSecurityGroups',
    NSG_ID,
    '2024-05-01',
    { location: LOC, properties: { securityRules: rules.map(nsgRule) } },
    { logicalId: 'Team/Nsg' },
  );
}

export function vnet(): ManifestResource {
  return res(
    'Microsoft.Network/virtualNetworks',
    VNET_ID,
    '2024-05-01',
    { location: LOC, properties: { addressSpace: { addressPrefixes: ['10.10.0.0/16'] } } },
    { logicalId: 'Team/Vnet' },
  );
}

export function subnet(withNsg = true): ManifestResource {
  return res(
    'Microsoft.Network/virtualNetworks/subnets',
    SUBNET_ID,
    '2024-05-01',
    {
      properties: {
        addressPrefix: '10.10.1.0/24',
        ...(withNsg ? { networkSecurityGroup: { id: NSG_ID } } : {}),
        defaultOutboundAccess: false,
      },
    },
    { logicalId: 'Team/Vnet/Compute' },
  );
}

export function privateEndpoint(withDns = true, target = WS_ID): ManifestResource {
  const id = `${P}/Microsoft.Network/privateEndpoints/pe-ws`;
  return res(
    'Microsoft.Network/privateEndpoints',
    id,
    '2024-05-01',
    {
      location: LOC,
      properties: {
        subnet: { id: SUBNET_ID },
        privateLinkServiceConnections: [
          { name: 'ws', properties: { privateLinkServiceId: target, groupIds: ['amlworkspace'] } },
        ],
        ...(withDns
          ? {
              privateDnsZoneGroups: [
                {
                  name: 'default',
                  properties: {
                    privateDnsZoneConfigs: [
                      {
                        name: 'api',
                        properties: {
                          privateDnsZoneId: `${P}/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms`,
                        },
                      },
                    ],
                  },
                },
              ],
            }
          : {}),
      },
    },
    { logicalId: 'Team/Workspace/PrivateEndpoint' },
  );
}

export function roleAssignment(
  principalId: string,
  principalType: string,
  roleGuid: string,
  scope = WS_ID,
  name = `ra-${principalId.slice(0, 8)}-${roleGuid.slice(0, 4)}`,
): ManifestResource {
  return res(
    'Microsoft.Authorization/roleAssignments',
    `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    '2022-04-01',
    {
      properties: { roleDefinitionId: ROLE(roleGuid), principalId, principalType },
    },
    { logicalId: `Team/Grant-${name}` },
  );
}

export function storage(publicNetworkAccess?: string): ManifestResource {
  return res(
    'Microsoft.Storage/storageAccounts',
    STORAGE_ID,
    '2024-01-01',
    {
      location: LOC,
      kind: 'StorageV2',
      sku: { name: 'Standard_LRS' },
      properties: { ...(publicNetworkAccess ? { publicNetworkAccess } : {}), allowSharedKeyAccess: true },
    },
    { logicalId: 'Team/Storage' },
  );
}

export function keyVault(publicNetworkAccess?: string): ManifestResource {
  return res(
    'Microsoft.KeyVault/vaults',
    KV_ID,
    '2023-07-01',
    {
      location: LOC,
      properties: {
        tenantId: TENANT,
        sku: { family: 'A', name: 'standard' },
        ...(publicNetworkAccess ? { publicNetworkAccess } : {}),
      },
    },
    { logicalId: 'Team/KeyVault' },
  );
}

export function registry(publicNetworkAccess?: string): ManifestResource {
  return res(
    'Microsoft.ContainerRegistry/registries',
    ACR_ID,
    '2023-07-01',
    {
      location: LOC,
      sku: { name: 'Premium' },
      properties: { ...(publicNetworkAccess ? { publicNetworkAccess } : {}) },
    },
    { logicalId: 'Team/Registry' },
  );
}

export function datastore(credentialsType: string): ManifestResource {
  return res(
    'Microsoft.MachineLearningServices/workspaces/datastores',
    `${WS_ID}/datastores/share`,
    '2025-09-01',
    {
      properties: {
        datastoreType: 'AzureFile',
        accountName: 'stteam',
        fileShareName: 'share',
        credentials:
          credentialsType === 'AccountKey'
            ? { credentialsType, secrets: { secretsType: 'AccountKey', key: { secretRef: 'env:KEY' } } }
            : { credentialsType },
      },
    },
    {
      logicalId: 'Team/Share',
      ...(credentialsType === 'AccountKey' ? { secrets: ['/properties/credentials/secrets/key'] } : {}),
    },
  );
}

export function roleDefinition(actions: string[]): ManifestResource {
  return res(
    'Microsoft.Authorization/roleDefinitions',
    `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/dddddddd-0000-0000-0000-000000000004`,
    '2022-04-01',
    {
      properties: {
        roleName: 'ML custom',
        permissions: [{ actions, notActions: [] }],
        assignableScopes: [`/subscriptions/${SUB}`],
      },
    },
    { logicalId: 'Team/CustomRole' },
  );
}

/** The secure baseline: a private workspace with PE + DNS, a CPU instance and a cluster in an NSG-protected subnet. */
export function secureResources(): ManifestResource[] {
  return [
    workspace(),
    storage('Disabled'),
    keyVault('Disabled'),
    registry('Disabled'),
    vnet(),
    nsg(),
    subnet(),
    privateEndpoint(),
    instance(),
    cluster(),
    roleAssignment(ALICE, 'User', DATA_SCIENTIST),
    roleAssignment(GROUP, 'Group', DATA_SCIENTIST),
  ];
}

export function manifest(resources: ManifestResource[], stack = 'Team'): Manifest {
  const doc = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    stack: { name: stack, subscriptionId: SUB, resourceGroup: RG, location: LOC, tags: {} },
    resources,
  };
  return { ...doc, hash: contentHash(doc) } as Manifest;
}
