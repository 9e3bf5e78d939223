/**
 * The one mapping table from ARM resource types (as they appear in a manifest) to `@pulumi/azure-native` classes,
 * and the rules that turn an ARM PUT body into the class's arguments.
 *
 * azure-native generates its argument types from the same OpenAPI specs as ARM, with two systematic differences:
 * - the resource name and its parents are arguments (`workspaceName`, `computeName`, ...) taken from the ARM id;
 * - properties marked `x-ms-client-flatten` are lifted one level up: for most types the body's `properties`
 *   object disappears and its members become top-level arguments (`bodyStyle: 'flatten'`), and in
 *   Microsoft.Network the nested sub-resources are flattened too (`subnets[].properties.addressPrefix` →
 *   `subnets[].addressPrefix`, `bodyStyle: 'flatten-deep'`).
 * Azure ML computes, datastores and key vaults keep `properties` as is (`bodyStyle: 'as-is'`). Everything
 * else, including the exceptions, is written out per type below; docs/pulumi.md prints this table.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization/index.js';
import * as applicationinsights from '@pulumi/azure-native/applicationinsights/index.js';
import * as containerregistry from '@pulumi/azure-native/containerregistry/index.js';
import * as keyvault from '@pulumi/azure-native/keyvault/index.js';
import * as machinelearningservices from '@pulumi/azure-native/machinelearningservices/index.js';
import * as managedidentity from '@pulumi/azure-native/managedidentity/index.js';
import * as network from '@pulumi/azure-native/network/index.js';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights/index.js';
import * as privatedns from '@pulumi/azure-native/privatedns/index.js';
import * as resources from '@pulumi/azure-native/resources/index.js';
import * as storage from '@pulumi/azure-native/storage/index.js';
import { AmlcdkError } from '../core/errors.js';

/** A constructor of an azure-native resource class. */
export type ResourceClass = new (
  name: string,
  args: Record<string, unknown>,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/** How the body's `properties` object maps to arguments. */
export type BodyStyle = 'as-is' | 'flatten' | 'flatten-deep';

/** One row of the mapping table. */
export interface TypeMapping {
  /** ARM type as in the manifest (matched case-insensitively). */
  readonly armType: string;
  /** azure-native type token, e.g. `azure-native:machinelearningservices:Compute`. */
  readonly token: string;
  /** The azure-native class. */
  readonly resourceClass: () => ResourceClass;
  /** The api-version the installed azure-native class speaks (from its doc comment; checked by a test). */
  readonly azureNativeApiVersion: string;
  /**
   * Argument names for the names in the ARM id after `/providers/<namespace>/`, in order (one per name
   * segment). `null` skips a fixed segment such as `fileServices/default`.
   */
  readonly nameArgs: readonly (string | null)[];
  readonly bodyStyle: BodyStyle;
  /** Renames of (flattened) top-level property names, ARM name → argument name. */
  readonly renames?: Readonly<Record<string, string>>;
  /** The resource is at an arbitrary scope (role assignments): pass the id prefix as `scope`. */
  readonly scopeArg?: string;
  /** Arguments with a fixed value for this type (e.g. `recordType: 'A'` for private DNS A records). */
  readonly fixedArgs?: Readonly<Record<string, string>>;
  /** The resource has no `resourceGroupName` argument (role assignments). */
  readonly noResourceGroup?: boolean;
  /** Output properties worth exporting as endpoints (argument/output names of the azure-native class). */
  readonly endpointOutputs?: readonly string[];
  /** Where this row departs from the rules above or where azure-native lacks something; printed in the docs. */
  readonly note?: string;
}

const cls =
  <T>(c: T): (() => ResourceClass) =>
  () =>
    c as unknown as ResourceClass;

/**
 * ARM type → azure-native class. An ARM type not in this table fails the Pulumi program with
 * `UnmappedResourceType` (never silently skipped).
 */
export const TYPE_MAPPINGS: readonly TypeMapping[] = [
  {
    armType: 'Microsoft.Resources/resourceGroups',
    token: 'azure-native:resources:ResourceGroup',
    resourceClass: cls(resources.ResourceGroup),
    azureNativeApiVersion: '2024-03-01',
    nameArgs: [],
    bodyStyle: 'flatten',
    note: 'the name comes from `/resourceGroups/<name>` (`resourceGroupName`)',
  },
  {
    armType: 'Microsoft.MachineLearningServices/workspaces',
    token: 'azure-native:machinelearningservices:Workspace',
    resourceClass: cls(machinelearningservices.Workspace),
    azureNativeApiVersion: '2025-12-01',
    nameArgs: ['workspaceName'],
    bodyStyle: 'flatten',
    endpointOutputs: ['discoveryUrl', 'mlFlowTrackingUri', 'workspaceId'],
  },
  {
    armType: 'Microsoft.MachineLearningServices/workspaces/computes',
    token: 'azure-native:machinelearningservices:Compute',
    resourceClass: cls(machinelearningservices.Compute),
    azureNativeApiVersion: '2025-12-01',
    nameArgs: ['workspaceName', 'computeName'],
    bodyStyle: 'as-is',
    endpointOutputs: ['properties'],
    note: '`properties` keeps the compute union as in ARM (`properties.computeType`, nested `properties.properties`); which `underlyingResourceAction` azure-native sends on delete is not documented, so a `Detach` delete policy is not honoured (see docs)',
  },
  {
    armType: 'Microsoft.MachineLearningServices/workspaces/datastores',
    token: 'azure-native:machinelearningservices:Datastore',
    resourceClass: cls(machinelearningservices.Datastore),
    azureNativeApiVersion: '2025-12-01',
    nameArgs: ['workspaceName', 'name'],
    bodyStyle: 'as-is',
    note: 'the datastore name argument is `name` (not `datastoreName`)',
  },
  {
    armType: 'Microsoft.Storage/storageAccounts',
    token: 'azure-native:storage:StorageAccount',
    resourceClass: cls(storage.StorageAccount),
    azureNativeApiVersion: '2024-01-01',
    nameArgs: ['accountName'],
    bodyStyle: 'flatten',
    renames: { supportsHttpsTrafficOnly: 'enableHttpsTrafficOnly' },
    note: 'ARM `supportsHttpsTrafficOnly` is the argument `enableHttpsTrafficOnly` (x-ms-client-name)',
  },
  {
    armType: 'Microsoft.Storage/storageAccounts/fileServices/shares',
    token: 'azure-native:storage:FileShare',
    resourceClass: cls(storage.FileShare),
    azureNativeApiVersion: '2024-01-01',
    nameArgs: ['accountName', null, 'shareName'],
    bodyStyle: 'flatten',
    note: 'the `fileServices/default` segment of the id has no argument',
  },
  {
    armType: 'Microsoft.MachineLearningServices/workspaces/connections',
    token: 'azure-native:machinelearningservices:WorkspaceConnection',
    resourceClass: cls(machinelearningservices.WorkspaceConnection),
    azureNativeApiVersion: '2025-12-01',
    nameArgs: ['workspaceName', 'connectionName'],
    bodyStyle: 'as-is',
  },
  {
    armType: 'Microsoft.MachineLearningServices/workspaces/outboundRules',
    token: 'azure-native:machinelearningservices:ManagedNetworkSettingsRule',
    resourceClass: cls(machinelearningservices.ManagedNetworkSettingsRule),
    azureNativeApiVersion: '2025-12-01',
    nameArgs: ['workspaceName', 'ruleName'],
    bodyStyle: 'as-is',
    note: 'the class is named ManagedNetworkSettingsRule; the rule name argument is `ruleName`',
  },
  {
    armType: 'Microsoft.MachineLearningServices/workspaces/privateEndpointConnections',
    token: 'azure-native:machinelearningservices:PrivateEndpointConnection',
    resourceClass: cls(machinelearningservices.PrivateEndpointConnection),
    azureNativeApiVersion: '2025-12-01',
    nameArgs: ['workspaceName', 'privateEndpointConnectionName'],
    bodyStyle: 'flatten',
  },
  {
    armType: 'Microsoft.Storage/storageAccounts/fileServices',
    token: 'azure-native:storage:FileServiceProperties',
    resourceClass: cls(storage.FileServiceProperties),
    azureNativeApiVersion: '2024-01-01',
    nameArgs: ['accountName', 'fileServicesName'],
    bodyStyle: 'flatten',
    note: 'the class is named FileServiceProperties',
  },
  {
    armType: 'Microsoft.Storage/storageAccounts/blobServices',
    token: 'azure-native:storage:BlobServiceProperties',
    resourceClass: cls(storage.BlobServiceProperties),
    azureNativeApiVersion: '2024-01-01',
    nameArgs: ['accountName', 'blobServicesName'],
    bodyStyle: 'flatten',
    note: 'the class is named BlobServiceProperties',
  },
  {
    armType: 'Microsoft.Storage/storageAccounts/blobServices/containers',
    token: 'azure-native:storage:BlobContainer',
    resourceClass: cls(storage.BlobContainer),
    azureNativeApiVersion: '2024-01-01',
    nameArgs: ['accountName', null, 'containerName'],
    bodyStyle: 'flatten',
    note: 'the `blobServices/default` segment of the id has no argument',
  },
  {
    armType: 'Microsoft.OperationalInsights/workspaces',
    token: 'azure-native:operationalinsights:Workspace',
    resourceClass: cls(operationalinsights.Workspace),
    azureNativeApiVersion: '2023-09-01',
    nameArgs: ['workspaceName'],
    bodyStyle: 'flatten',
  },
  {
    armType: 'Microsoft.KeyVault/vaults',
    token: 'azure-native:keyvault:Vault',
    resourceClass: cls(keyvault.Vault),
    azureNativeApiVersion: '2024-11-01',
    nameArgs: ['vaultName'],
    bodyStyle: 'as-is',
  },
  {
    armType: 'Microsoft.Insights/components',
    token: 'azure-native:applicationinsights:Component',
    resourceClass: cls(applicationinsights.Component),
    azureNativeApiVersion: '2020-02-02',
    nameArgs: ['resourceName'],
    bodyStyle: 'flatten',
    renames: {
      Application_Type: 'applicationType',
      Flow_Type: 'flowType',
      Request_Source: 'requestSource',
      WorkspaceResourceId: 'workspaceResourceId',
      IngestionMode: 'ingestionMode',
      DisableIpMasking: 'disableIpMasking',
      DisableLocalAuth: 'disableLocalAuth',
      HockeyAppId: 'hockeyAppId',
      SamplingPercentage: 'samplingPercentage',
      RetentionInDays: 'retentionInDays',
      ForceCustomerStorageForProfiler: 'forceCustomerStorageForProfiler',
    },
    note: 'ARM property names in PascalCase/underscore form (`Application_Type`) become camelCase arguments (`applicationType`)',
  },
  {
    armType: 'Microsoft.ContainerRegistry/registries',
    token: 'azure-native:containerregistry:Registry',
    resourceClass: cls(containerregistry.Registry),
    azureNativeApiVersion: '2023-01-01-preview',
    nameArgs: ['registryName'],
    bodyStyle: 'flatten',
    endpointOutputs: ['loginServer'],
  },
  {
    armType: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    token: 'azure-native:managedidentity:UserAssignedIdentity',
    resourceClass: cls(managedidentity.UserAssignedIdentity),
    azureNativeApiVersion: '2023-01-31',
    nameArgs: ['resourceName'],
    bodyStyle: 'flatten',
    endpointOutputs: ['principalId', 'clientId'],
  },
  {
    armType: 'Microsoft.Network/virtualNetworks',
    token: 'azure-native:network:VirtualNetwork',
    resourceClass: cls(network.VirtualNetwork),
    azureNativeApiVersion: '2024-05-01',
    nameArgs: ['virtualNetworkName'],
    bodyStyle: 'flatten-deep',
  },
  {
    armType: 'Microsoft.Network/virtualNetworks/subnets',
    token: 'azure-native:network:Subnet',
    resourceClass: cls(network.Subnet),
    azureNativeApiVersion: '2024-05-01',
    nameArgs: ['virtualNetworkName', 'subnetName'],
    bodyStyle: 'flatten-deep',
  },
  {
    armType: 'Microsoft.Network/networkSecurityGroups',
    token: 'azure-native:network:NetworkSecurityGroup',
    resourceClass: cls(network.NetworkSecurityGroup),
    azureNativeApiVersion: '2024-05-01',
    nameArgs: ['networkSecurityGroupName'],
    bodyStyle: 'flatten-deep',
  },
  {
    armType: 'Microsoft.Network/networkSecurityGroups/securityRules',
    token: 'azure-native:network:SecurityRule',
    resourceClass: cls(network.SecurityRule),
    azureNativeApiVersion: '2024-05-01',
    nameArgs: ['networkSecurityGroupName', 'securityRuleName'],
    bodyStyle: 'flatten-deep',
  },
  {
    armType: 'Microsoft.Network/routeTables',
    token: 'azure-native:network:RouteTable',
    resourceClass: cls(network.RouteTable),
    azureNativeApiVersion: '2024-05-01',
    nameArgs: ['routeTableName'],
    bodyStyle: 'flatten-deep',
  },
  {
    armType: 'Microsoft.Network/privateEndpoints',
    token: 'azure-native:network:PrivateEndpoint',
    resourceClass: cls(network.PrivateEndpoint),
    azureNativeApiVersion: '2024-05-01',
    nameArgs: ['privateEndpointName'],
    bodyStyle: 'flatten-deep',
  },
  {
    armType: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    token: 'azure-native:network:PrivateDnsZoneGroup',
    resourceClass: cls(network.PrivateDnsZoneGroup),
    azureNativeApiVersion: '2024-05-01',
    nameArgs: ['privateEndpointName', 'privateDnsZoneGroupName'],
    bodyStyle: 'flatten-deep',
  },
  {
    armType: 'Microsoft.Network/privateDnsZones',
    token: 'azure-native:privatedns:PrivateZone',
    resourceClass: cls(privatedns.PrivateZone),
    azureNativeApiVersion: '2024-06-01',
    nameArgs: ['privateZoneName'],
    bodyStyle: 'flatten',
    note: 'lives in the `privatedns` module of azure-native, not `network`',
  },
  {
    armType: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    token: 'azure-native:privatedns:VirtualNetworkLink',
    resourceClass: cls(privatedns.VirtualNetworkLink),
    azureNativeApiVersion: '2024-06-01',
    nameArgs: ['privateZoneName', 'virtualNetworkLinkName'],
    bodyStyle: 'flatten',
    note: 'lives in the `privatedns` module of azure-native, not `network`',
  },
  {
    armType: 'Microsoft.Network/privateDnsZones/A',
    token: 'azure-native:privatedns:PrivateRecordSet',
    resourceClass: cls(privatedns.PrivateRecordSet),
    azureNativeApiVersion: '2024-06-01',
    nameArgs: ['privateZoneName', 'relativeRecordSetName'],
    bodyStyle: 'flatten',
    fixedArgs: { recordType: 'A' },
    note: 'one class for every record type: `recordType: "A"` is added',
  },
  {
    armType: 'Microsoft.Network/natGateways',
    token: 'azure-native:network:NatGateway',
    resourceClass: cls(network.NatGateway),
    azureNativeApiVersion: '2024-05-01',
    nameArgs: ['natGatewayName'],
    bodyStyle: 'flatten-deep',
  },
  {
    armType: 'Microsoft.Network/publicIPAddresses',
    token: 'azure-native:network:PublicIPAddress',
    resourceClass: cls(network.PublicIPAddress),
    azureNativeApiVersion: '2024-05-01',
    nameArgs: ['publicIpAddressName'],
    bodyStyle: 'flatten-deep',
    endpointOutputs: ['ipAddress'],
  },
  {
    armType: 'Microsoft.Authorization/roleAssignments',
    token: 'azure-native:authorization:RoleAssignment',
    resourceClass: cls(authorization.RoleAssignment),
    azureNativeApiVersion: '2022-04-01',
    nameArgs: ['roleAssignmentName'],
    bodyStyle: 'flatten',
    scopeArg: 'scope',
    noResourceGroup: true,
    note: 'the scope is the part of the id before `/providers/Microsoft.Authorization/` (`scope`); the GUID name is `roleAssignmentName`',
  },
];

/**
 * A `GenericResource` (any ARM type, manifest `generic: true`): azure-native's generic `resources.Resource`, which
 * takes the provider namespace, parent path, type, name and api-version as arguments and the body as is.
 */
export const GENERIC_MAPPING: TypeMapping = {
  armType: '*',
  token: 'azure-native:resources:Resource',
  resourceClass: cls(resources.Resource),
  azureNativeApiVersion: "the resource's own (apiVersion argument)",
  nameArgs: [],
  bodyStyle: 'as-is',
  note: 'GenericResource only: resourceProviderNamespace, parentResourcePath, resourceType, resourceName and apiVersion come from the id and the manifest',
};

/** The naming arguments of a generic resource (`resources.Resource`). */
export function genericNameArgs(id: string, apiVersion: string, logicalId: string): Record<string, string> {
  const p = parseArmId(id, logicalId);
  const segs = id.split('/').filter(Boolean);
  const prov = segs.map((s) => s.toLowerCase()).lastIndexOf('providers');
  const tail = segs.slice(prov + 2);
  if (!p.resourceGroupName || prov < 0 || tail.length < 2) throw badId(id, logicalId);
  return {
    resourceGroupName: p.resourceGroupName,
    resourceProviderNamespace: segs[prov + 1],
    parentResourcePath: tail.slice(0, -2).join('/'),
    resourceType: tail[tail.length - 2],
    resourceName: tail[tail.length - 1],
    apiVersion,
  };
}

const byType = new Map(TYPE_MAPPINGS.map((m) => [m.armType.toLowerCase(), m]));

/**
 * The mapping of an ARM type. Throws `UnmappedResourceType` for a type the table does not know, naming the
 * resource and listing what is supported.
 */
export function mappingFor(armType: string, logicalId = armType): TypeMapping {
  const m = byType.get(armType.toLowerCase());
  if (!m) {
    throw new AmlcdkError(
      'UnmappedResourceType',
      `[${logicalId}] UnmappedResourceType: ARM type ${armType} has no @pulumi/azure-native mapping in amlcdk/pulumi. ` +
        `Supported: ${TYPE_MAPPINGS.map((t) => t.armType).join(', ')}. ` +
        'Fix: deploy this stack with `amlcdk apply`, or add the type to TYPE_MAPPINGS in lib/pulumi/mapping.ts (see docs/pulumi.md).',
    );
  }
  return m;
}

/** The parts of an ARM id the arguments need. */
export interface ParsedId {
  readonly subscriptionId?: string;
  readonly resourceGroupName?: string;
  /** Everything before the last `/providers/` (the scope of an extension resource such as a role assignment). */
  readonly scope: string;
  /** Names after `/providers/<namespace>/`, one per type segment. */
  readonly names: readonly string[];
}

/** Split an ARM id. Resource groups (`/subscriptions/x/resourceGroups/y`) have no provider part. */
export function parseArmId(id: string, logicalId = id): ParsedId {
  const segs = id.split('/').filter((s) => s.length > 0);
  const lower = segs.map((s) => s.toLowerCase());
  const sub = lower[0] === 'subscriptions' ? segs[1] : undefined;
  const rgIdx = lower.indexOf('resourcegroups');
  const rg = rgIdx >= 0 ? segs[rgIdx + 1] : undefined;
  const provIdx = lower.lastIndexOf('providers');
  if (provIdx < 0) {
    if (!sub || !rg) throw badId(id, logicalId);
    return { subscriptionId: sub, resourceGroupName: rg, scope: '', names: [] };
  }
  const tail = segs.slice(provIdx + 2); // after providers/<namespace>
  if (tail.length === 0 || tail.length % 2 !== 0) throw badId(id, logicalId);
  const names = tail.filter((_, i) => i % 2 === 1);
  return { subscriptionId: sub, resourceGroupName: rg, scope: '/' + segs.slice(0, provIdx).join('/'), names };
}

function badId(id: string, logicalId: string): AmlcdkError {
  return new AmlcdkError(
    'InvalidResourceId',
    `[${logicalId}] InvalidResourceId: "${id}" is not an ARM resource id (expected /subscriptions/<id>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>...). Fix: synthesize the manifest again; ids come from the constructs.`,
  );
}

/** The naming arguments (`resourceGroupName`, `workspaceName`, `computeName`, `scope`, ...) of a resource. */
export function nameArgs(m: TypeMapping, id: string, logicalId: string): Record<string, string> {
  const p = parseArmId(id, logicalId);
  const out: Record<string, string> = {};
  if (m.armType === 'Microsoft.Resources/resourceGroups') {
    out.resourceGroupName = p.resourceGroupName!;
    return out;
  }
  if (m.scopeArg) out[m.scopeArg] = p.scope;
  if (!m.noResourceGroup) {
    if (!p.resourceGroupName) throw badId(id, logicalId);
    out.resourceGroupName = p.resourceGroupName;
  }
  if (p.names.length !== m.nameArgs.length) {
    throw new AmlcdkError(
      'InvalidResourceId',
      `[${logicalId}] InvalidResourceId: "${id}" has ${p.names.length} name segment(s) but ${m.armType} needs ${m.nameArgs.length}. Fix: synthesize the manifest again; ids come from the constructs.`,
    );
  }
  m.nameArgs.forEach((arg, i) => {
    if (arg) out[arg] = p.names[i]!;
  });
  return { ...out, ...(m.fixedArgs ?? {}) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !pulumi.Output.isInstance(v) &&
    Object.getPrototypeOf(v) === Object.prototype
  );
}

/** Lift `properties` members of sub-resources (recursively), as Microsoft.Network's SDK types do. */
function flattenDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(flattenDeep);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (k === 'properties' && isPlainObject(val)) continue;
    out[k] = flattenDeep(val);
  }
  if (isPlainObject(v.properties)) {
    for (const [k, val] of Object.entries(v.properties)) {
      if (k in out)
        throw new AmlcdkError(
          'FlattenConflict',
          `property "${k}" appears both inside and next to "properties"; azure-native cannot express this body`,
        );
      out[k] = flattenDeep(val);
    }
  }
  return out;
}

/**
 * Turn an ARM PUT body into azure-native arguments (without the naming arguments). Values may already be
 * Pulumi Outputs (secrets, image references); they are kept as leaves.
 */
export function bodyToArgs(
  m: TypeMapping,
  body: Readonly<Record<string, unknown>>,
  logicalId: string,
): Record<string, unknown> {
  if (m.bodyStyle === 'as-is') return { ...body };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'properties') continue;
    out[k] = m.bodyStyle === 'flatten-deep' ? flattenDeep(v) : v;
  }
  const props = body.properties;
  if (props !== undefined) {
    if (!isPlainObject(props)) {
      throw new AmlcdkError(
        'UnexpectedBodyShape',
        `[${logicalId}] UnexpectedBodyShape: ${m.armType} body "properties" must be an object to map onto ${m.token}`,
      );
    }
    for (const [k, v] of Object.entries(props)) {
      const name = m.renames?.[k] ?? k;
      if (name in out) {
        throw new AmlcdkError(
          'FlattenConflict',
          `[${logicalId}] FlattenConflict: ${m.armType} has "${k}" both in the body and in "properties"; ${m.token} flattens "properties", so they would collide`,
        );
      }
      out[name] = m.bodyStyle === 'flatten-deep' ? flattenDeep(v) : v;
    }
  }
  return out;
}

const acceptedCache = new Map<string, ReadonlySet<string>>();

/**
 * The top-level arguments an azure-native class accepts. Generated classes copy only the arguments they know
 * (`resourceInputs["x"] = args?.x`) and silently drop anything else, so the component checks every argument
 * against this set and fails instead of losing a setting.
 */
export function acceptedArgs(m: TypeMapping): ReadonlySet<string> {
  let set = acceptedCache.get(m.token);
  if (!set) {
    const src = Function.prototype.toString.call(m.resourceClass());
    set = new Set(
      [...src.matchAll(/resourceInputs\["([A-Za-z0-9_$]+)"\]\s*=\s*(?:args\?\.|args\s*\?|\(args\s*\?)/g)].map(
        (x) => x[1],
      ),
    );
    acceptedCache.set(m.token, set);
  }
  return set;
}

/**
 * Top-level defaults the azure-native class fills in when an argument is absent (`(args?.x) ?? "value"`), read
 * from the class. They equal the API defaults, but they are sent explicitly; docs/pulumi.md lists them.
 */
export function providerDefaults(m: TypeMapping): Readonly<Record<string, unknown>> {
  const src = Function.prototype.toString.call(m.resourceClass());
  const out: Record<string, unknown> = {};
  for (const x of src.matchAll(
    /resourceInputs\["([A-Za-z0-9_$]+)"\]\s*=\s*\(args\?\.[A-Za-z0-9_$]+\)\s*\?\?\s*("(?:[^"\\]|\\.)*"|true|false|-?\d+(?:\.\d+)?)/g,
  )) {
    out[x[1]] = JSON.parse(x[2]);
  }
  return out;
}

/** Throw `UnsupportedArgument` when an argument would be dropped by the azure-native class. */
export function checkArgs(m: TypeMapping, args: Readonly<Record<string, unknown>>, logicalId: string): void {
  const accepted = acceptedArgs(m);
  if (accepted.size === 0) return; // class source not recognisable (minified?): cannot check
  const unknown = Object.keys(args).filter((k) => !accepted.has(k));
  if (unknown.length) {
    throw new AmlcdkError(
      'UnsupportedArgument',
      `[${logicalId}] UnsupportedArgument: ${unknown.map((k) => `"${k}"`).join(', ')} of ${m.armType} ${unknown.length === 1 ? 'is not an argument' : 'are not arguments'} of ${m.token} ` +
        `(azure-native api-version ${m.azureNativeApiVersion}); azure-native would silently drop ${unknown.length === 1 ? 'it' : 'them'}. ` +
        'Fix: deploy this stack with `amlcdk apply`, or add the naming difference to TYPE_MAPPINGS (lib/pulumi/mapping.ts) and report it.',
    );
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Translate a body path (segments of a JSON pointer, `*` for any key or array index) into a Pulumi property path
 * (`properties.properties.vmSize`, `subnets[*].addressPrefix`, `tags["cost-center"]`) following the same
 * flattening as {@link bodyToArgs}.
 */
export function toPulumiPath(m: TypeMapping, segments: readonly string[]): string {
  const keys: string[] = [];
  segments.forEach((seg, i) => {
    if (seg === 'properties' && m.bodyStyle !== 'as-is' && (i === 0 || m.bodyStyle === 'flatten-deep')) return;
    keys.push(i === 1 && segments[0] === 'properties' && m.bodyStyle !== 'as-is' ? (m.renames?.[seg] ?? seg) : seg);
  });
  let s = '';
  for (const key of keys) {
    if (key === '*') s += '[*]';
    else if (IDENT.test(key)) s += s ? `.${key}` : key;
    else s += `[${JSON.stringify(key)}]`;
  }
  return s;
}
