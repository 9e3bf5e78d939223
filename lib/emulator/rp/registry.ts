/** Every resource type the emulator serves, by lower-case full type. */
import type { ResourceProviders, ResourceType } from '../engine.js';
import { roleAssignments, roleDefinitionQuery } from './authorization.js';
import {
  components,
  fileShares,
  managedClusters,
  registries,
  storageAccounts,
  userAssignedIdentities,
} from './misc.js';
import { deletedVaultQuery, vaults } from './keyvault.js';
import { computes, datastores, locationQuery, workspaces } from './ml.js';
import { nameAvailabilityQuery } from './global-names.js';
import { registerIdentities } from '../directory.js';
import {
  networkSecurityGroups,
  privateDnsZoneGroups,
  privateDnsZones,
  privateEndpoints,
  subnets,
  virtualNetworkLinks,
  virtualNetworks,
} from './network.js';
import { resourceGroups } from './resources.js';
import {
  blobContainers,
  blobServices,
  connections,
  dnsARecords,
  fileServices,
  logAnalytics,
  natGateways,
  outboundRules,
  privateEndpointConnections,
  publicIPAddresses,
  routeTables,
  securityRules,
} from './extra.js';

const ALL: readonly ResourceType[] = [
  resourceGroups,
  workspaces,
  computes,
  datastores,
  storageAccounts,
  fileShares,
  vaults,
  components,
  registries,
  userAssignedIdentities,
  virtualNetworks,
  subnets,
  networkSecurityGroups,
  privateEndpoints,
  privateDnsZoneGroups,
  privateDnsZones,
  virtualNetworkLinks,
  roleAssignments,
  managedClusters,
  connections,
  outboundRules,
  privateEndpointConnections,
  fileServices,
  blobServices,
  blobContainers,
  logAnalytics,
  securityRules,
  natGateways,
  publicIPAddresses,
  routeTables,
  dnsARecords,
];

export const RESOURCE_TYPES: ReadonlyMap<string, ResourceType> = new Map(ALL.map((t) => [t.type.toLowerCase(), t]));

/** Namespaces served (lower-case), for `NoRegisteredProviderFound`. */
export const NAMESPACES: ReadonlySet<string> = new Set(ALL.map((t) => t.type.split('/')[0].toLowerCase()));

/** Types served, canonical spelling (docs, errors). */
export const SERVED_TYPES: readonly string[] = ALL.map((t) => t.type);

/** What the engine serves (see `ResourceProviders` in lib/emulator/engine.ts). */
export const PROVIDERS: ResourceProviders = {
  types: RESOURCE_TYPES,
  namespaces: NAMESPACES,
  locationQuery,
  roleDefinitionQuery,
  lifecycleQuery: (engine, req) => nameAvailabilityQuery(engine, req) ?? deletedVaultQuery(engine, req),
  registerIdentities,
};
