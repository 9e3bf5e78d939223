/**
 * The one table of pinned ARM api-versions: every resource type the manifest can contain → the api-version its
 * PUT body is written for. The reconciler, the emulator and the Pulumi mapping all read this table.
 *
 * Changing a version here changes bodies, field tables and schemas: do it in one commit with their tests.
 */
import { AmlcdkError } from '../core/errors.js';

/** One pinned api-version and why it was chosen. */
export interface ApiVersionEntry {
  /** ARM resource type, e.g. `Microsoft.MachineLearningServices/workspaces/computes`. */
  readonly armType: string;
  readonly apiVersion: string;
  /** Where the version comes from / why it is pinned. */
  readonly source: string;
}

// Azure ML 2025-12-01 is the first stable version whose ComputeInstanceProperties carry `enableSSO` and
// `idleTimeBeforeShutdown` in the PUT body (Bicep types diff, ../shared/reference/azureml-api.md §1); it is also the
// first TypeSpec-generated stable spec with the compute name pattern.
const ML = '2025-12-01';
const ML_SOURCE =
  'azure-rest-api-specs MachineLearningServices/stable/2025-12-01/openapi.json; first stable with enableSSO/idleTimeBeforeShutdown';
// Network 2024-05-01: Bicep types network/microsoft.network/2024-05-01; default of the Pulumi azure-native v3 network module.
const NET = '2024-05-01';
const NET_SOURCE =
  'Bicep types microsoft.network/2024-05-01; Pulumi azure-native v3 network default (reference §10, §14)';
// Storage 2024-01-01: Bicep types microsoft.storage/2024-01-01 (file share quota/accessTier/enabledProtocols, reference §9.3).
const STORAGE = '2024-01-01';
const STORAGE_SOURCE = 'Bicep types microsoft.storage/2024-01-01 (reference §9.3)';

const ENTRIES: readonly ApiVersionEntry[] = [
  {
    armType: 'Microsoft.Resources/resourceGroups',
    apiVersion: '2024-03-01',
    source: 'azure-rest-api-specs resources/stable/2024-03-01 (Bicep types microsoft.resources/2024-03-01)',
  },

  { armType: 'Microsoft.MachineLearningServices/workspaces', apiVersion: ML, source: ML_SOURCE },
  { armType: 'Microsoft.MachineLearningServices/workspaces/computes', apiVersion: ML, source: ML_SOURCE },
  {
    armType: 'Microsoft.MachineLearningServices/workspaces/datastores',
    apiVersion: ML,
    source: `${ML_SOURCE}; datastores moved from mfe.json into the same openapi.json`,
  },
  { armType: 'Microsoft.MachineLearningServices/workspaces/connections', apiVersion: ML, source: ML_SOURCE },
  { armType: 'Microsoft.MachineLearningServices/workspaces/outboundRules', apiVersion: ML, source: ML_SOURCE },
  {
    armType: 'Microsoft.MachineLearningServices/workspaces/privateEndpointConnections',
    apiVersion: ML,
    source: ML_SOURCE,
  },

  { armType: 'Microsoft.Storage/storageAccounts', apiVersion: STORAGE, source: STORAGE_SOURCE },
  { armType: 'Microsoft.Storage/storageAccounts/fileServices', apiVersion: STORAGE, source: STORAGE_SOURCE },
  { armType: 'Microsoft.Storage/storageAccounts/fileServices/shares', apiVersion: STORAGE, source: STORAGE_SOURCE },
  { armType: 'Microsoft.Storage/storageAccounts/blobServices', apiVersion: STORAGE, source: STORAGE_SOURCE },
  { armType: 'Microsoft.Storage/storageAccounts/blobServices/containers', apiVersion: STORAGE, source: STORAGE_SOURCE },

  {
    armType: 'Microsoft.KeyVault/vaults',
    apiVersion: '2023-07-01',
    source:
      'azure-rest-api-specs keyvault/stable/2023-07-01 (latest stable vaults version in Bicep types; AVM key-vault module)',
  },
  {
    armType: 'Microsoft.Insights/components',
    apiVersion: '2020-02-02',
    source:
      'azure-rest-api-specs applicationinsights/stable/2020-02-02/components_API.json (latest stable components version)',
  },
  {
    armType: 'Microsoft.OperationalInsights/workspaces',
    apiVersion: '2023-09-01',
    source:
      'azure-rest-api-specs operationalinsights/stable/2023-09-01 (Log Analytics for workspace-based App Insights)',
  },
  {
    armType: 'Microsoft.ContainerRegistry/registries',
    apiVersion: '2023-07-01',
    source:
      'azure-rest-api-specs containerregistry/stable/2023-07-01 (latest stable registries version; AVM container-registry module)',
  },
  {
    armType: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    apiVersion: '2023-01-31',
    source:
      'azure-rest-api-specs msi/stable/2023-01-31 (latest stable; Pulumi azure-native v3 managedidentity default)',
  },

  { armType: 'Microsoft.Network/virtualNetworks', apiVersion: NET, source: NET_SOURCE },
  { armType: 'Microsoft.Network/virtualNetworks/subnets', apiVersion: NET, source: NET_SOURCE },
  { armType: 'Microsoft.Network/networkSecurityGroups', apiVersion: NET, source: NET_SOURCE },
  { armType: 'Microsoft.Network/networkSecurityGroups/securityRules', apiVersion: NET, source: NET_SOURCE },
  { armType: 'Microsoft.Network/privateEndpoints', apiVersion: NET, source: NET_SOURCE },
  { armType: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups', apiVersion: NET, source: NET_SOURCE },
  { armType: 'Microsoft.Network/natGateways', apiVersion: NET, source: NET_SOURCE },
  { armType: 'Microsoft.Network/publicIPAddresses', apiVersion: NET, source: NET_SOURCE },
  { armType: 'Microsoft.Network/routeTables', apiVersion: NET, source: NET_SOURCE },
  {
    armType: 'Microsoft.Network/privateDnsZones',
    apiVersion: '2024-06-01',
    source:
      'azure-rest-api-specs privatedns/stable/2024-06-01 (latest stable; Pulumi azure-native v3 privatedns default)',
  },
  {
    armType: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    apiVersion: '2024-06-01',
    source: 'azure-rest-api-specs privatedns/stable/2024-06-01',
  },
  {
    armType: 'Microsoft.Network/privateDnsZones/A',
    apiVersion: '2024-06-01',
    source: 'azure-rest-api-specs privatedns/stable/2024-06-01',
  },

  {
    armType: 'Microsoft.Authorization/roleAssignments',
    apiVersion: '2022-04-01',
    source: 'Bicep types microsoft.authorization/2022-04-01; Pulumi authorization.RoleAssignment (reference §11)',
  },
];

/** Every pinned api-version, keyed by ARM type exactly as spelled by ARM. */
export const API_VERSIONS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(ENTRIES.map((e) => [e.armType, e.apiVersion])),
);

/** The table with its sources (for docs and tests). */
export const API_VERSION_ENTRIES: readonly ApiVersionEntry[] = Object.freeze(
  ENTRIES.map((e) => Object.freeze({ ...e })),
);

const BY_LOWER = new Map(ENTRIES.map((e) => [e.armType.toLowerCase(), e.apiVersion]));

/**
 * The pinned api-version for an ARM type (case-insensitive, as ARM treats types). Throws `AmlcdkError`
 * `UnknownResourceType` for a type the table does not hold.
 *
 * @example
 * apiVersionFor('Microsoft.MachineLearningServices/workspaces/computes') // '2025-12-01'
 */
export function apiVersionFor(armType: string): string {
  const v = typeof armType === 'string' ? BY_LOWER.get(armType.toLowerCase()) : undefined;
  if (v === undefined) {
    throw new AmlcdkError(
      'UnknownResourceType',
      `no pinned api-version for ARM type "${String(armType)}"; known types: ${ENTRIES.map((e) => e.armType).join(', ')}. ` +
        'Fix: add the type with its api-version and source to lib/catalog/api-versions.ts',
    );
  }
  return v;
}

/** Whether the table knows an ARM type. */
export function isKnownResourceType(armType: string): boolean {
  return typeof armType === 'string' && BY_LOWER.has(armType.toLowerCase());
}
