/**
 * Which ARM list observes each resource type, with the evidence that the list exists at the pinned api-version
 * (lib/catalog/api-versions.ts), pages with `nextLink` and returns the same full bodies as a GET. A type not in
 * this table is read with one GET per resource.
 *
 * Every spec reference is a path in Azure/azure-rest-api-specs at the commit given. `collection` lists page with
 * `nextLink` (`x-ms-pageable`) and the examples show full resource bodies.
 */

/** How one resource type is observed. */
export type ListSource =
  /** One list of the collection the id sits in: a resource group's `…/providers/{ns}/{type}`, or a parent's children. */
  | { readonly kind: 'collection'; readonly operation: string; readonly evidence: string }
  /** Read from the parent's list: the parent's body embeds the children under `properties.<property>`. */
  | {
      readonly kind: 'embedded';
      readonly property: string;
      readonly operation: string;
      readonly evidence: string;
    }
  /** One list of the role assignments of the resource group (or subscription) the assignment's scope is in. */
  | { readonly kind: 'roleAssignments'; readonly operation: string; readonly evidence: string };

const SPECS = 'Azure/azure-rest-api-specs specification/';

/** Lower-case ARM type → how it is listed. */
export const LIST_SOURCES: ReadonlyMap<string, ListSource> = new Map<string, ListSource>([
  [
    'microsoft.storage/storageaccounts',
    {
      kind: 'collection',
      operation: 'StorageAccounts_ListByResourceGroup',
      evidence: `${SPECS}storage/resource-manager/Microsoft.Storage/stable/2024-01-01/examples/StorageAccountListByResourceGroup.json @2ddeafc7`,
    },
  ],
  [
    'microsoft.keyvault/vaults',
    {
      kind: 'collection',
      operation: 'Vaults_ListByResourceGroup',
      evidence: `${SPECS}keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/examples/listVaultByResourceGroup.json @c2367fa1 (nextLink with $skiptoken)`,
    },
  ],
  [
    'microsoft.insights/components',
    {
      kind: 'collection',
      operation: 'Components_ListByResourceGroup',
      evidence: `${SPECS}applicationinsights/resource-manager/Microsoft.Insights/stable/2020-02-02/examples/ComponentsListByResourceGroup.json @8728986d`,
    },
  ],
  [
    'microsoft.containerregistry/registries',
    {
      kind: 'collection',
      operation: 'Registries_ListByResourceGroup',
      evidence: `${SPECS}containerregistry/resource-manager/Microsoft.ContainerRegistry/stable/2023-07-01/containerregistry.json @2b2f3d9e; full bodies as in examples/RegistryList.json @f3070f72`,
    },
  ],
  [
    'microsoft.managedidentity/userassignedidentities',
    {
      kind: 'collection',
      operation: 'UserAssignedIdentities_ListByResourceGroup',
      evidence: `${SPECS}msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31/examples/IdentityListByResourceGroup.json @2e1a8cab (nextLink with $skiptoken)`,
    },
  ],
  [
    'microsoft.network/virtualnetworks',
    {
      kind: 'collection',
      operation: 'VirtualNetworks_List',
      evidence: `${SPECS}network/resource-manager/Microsoft.Network/stable/2024-05-01/examples/VirtualNetworkList.json @456cf5e3`,
    },
  ],
  [
    'microsoft.network/virtualnetworks/subnets',
    {
      kind: 'embedded',
      property: 'subnets',
      operation: 'VirtualNetworks_List (properties.subnets)',
      // The listed VNets carry their subnets with id, name and properties; `type` is not in the example and is
      // filled in from the target when absent.
      evidence: `${SPECS}network/resource-manager/Microsoft.Network/stable/2024-05-01/examples/VirtualNetworkList.json @456cf5e3`,
    },
  ],
  [
    'microsoft.network/networksecuritygroups',
    {
      kind: 'collection',
      operation: 'NetworkSecurityGroups_List',
      evidence: `${SPECS}network/resource-manager/Microsoft.Network/stable/2024-05-01/examples/NetworkSecurityGroupList.json @25683164`,
    },
  ],
  [
    'microsoft.network/privateendpoints',
    {
      kind: 'collection',
      operation: 'PrivateEndpoints_List',
      evidence: `${SPECS}network/resource-manager/Microsoft.Network/stable/2024-05-01/examples/PrivateEndpointList.json @31c65e1b`,
    },
  ],
  [
    'microsoft.network/privatednszones',
    {
      kind: 'collection',
      operation: 'PrivateZones_ListByResourceGroup',
      evidence: `${SPECS}privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/privatedns.json @e6eec14c; examples/PrivateZoneListInResourceGroup.json @7d6299a5`,
    },
  ],
  [
    'microsoft.network/privatednszones/virtualnetworklinks',
    {
      kind: 'collection',
      operation: 'VirtualNetworkLinks_List',
      evidence: `${SPECS}privatedns/resource-manager/Microsoft.Network/stable/2024-06-01/examples/VirtualNetworkLinkList.json @0ebdc78c (nextLink with $skipToken)`,
    },
  ],
  [
    'microsoft.machinelearningservices/workspaces/computes',
    {
      kind: 'collection',
      operation: 'Compute_List',
      evidence: `${SPECS}machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/examples/Compute/list.json @81921270 (nextLink with $skip)`,
    },
  ],
  [
    'microsoft.machinelearningservices/workspaces/datastores',
    {
      kind: 'collection',
      operation: 'Datastores_List',
      evidence: `${SPECS}machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/examples/Datastore/list.json @54036fc2 (nextLink; secrets are never listed, as on GET)`,
    },
  ],
  [
    'microsoft.authorization/roleassignments',
    {
      kind: 'roleAssignments',
      operation: 'RoleAssignments_ListForResourceGroup, or RoleAssignments_ListForSubscription with $filter=atScope()',
      // "Use $filter=atScope() to return all role assignments at or above the scope. Use $filter=principalId eq {id}
      // to return all role assignments at, above or below the scope": unfiltered, a resource group's list holds
      // every assignment at, above and below it.
      evidence: `${SPECS}authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json @007a51db (x-ms-pageable nextLink; RoleAssignmentFilterParameter)`,
    },
  ],
]);

const RA_SUFFIX = /\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i;
const RG_SCOPE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i;
const SUB_SCOPE = /^\/subscriptions\/[^/]+$/i;

/** One list request: the collection path and its query (besides `api-version`). */
export interface ListCall {
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Set when the items are parents whose bodies embed the targets under `properties.<embedded>`. */
  readonly embedded?: string;
}

/** The collection an id sits in: the id without its last `/{name}`. */
export function parentCollection(id: string): string {
  return id.slice(0, id.lastIndexOf('/'));
}

/**
 * The list that observes a resource, or undefined when it is read with a GET: a type without a list, a role
 * assignment above subscriptions (management groups), or an id too short to have a collection.
 */
export function listCallFor(id: string, type: string): ListCall | undefined {
  const source = LIST_SOURCES.get(type.toLowerCase());
  if (!source) return undefined;
  switch (source.kind) {
    case 'collection':
      return { path: parentCollection(id) };
    case 'embedded': {
      // …/{parentType}/{parent}/{childType}/{name}: the parent's own collection.
      const parent = parentCollection(parentCollection(id));
      return { path: parentCollection(parent), embedded: source.property };
    }
    case 'roleAssignments': {
      const scope = id.replace(RA_SUFFIX, '');
      const rg = RG_SCOPE.exec(scope)?.[0];
      if (rg) return { path: `${rg}/providers/Microsoft.Authorization/roleAssignments` };
      // A subscription's unfiltered list would hold every assignment in it: at and above is all we need.
      if (SUB_SCOPE.test(scope))
        return { path: `${scope}/providers/Microsoft.Authorization/roleAssignments`, query: { $filter: 'atScope()' } };
      return undefined;
    }
  }
}
