/**
 * The remaining types the manifest can contain (lib/catalog/api-versions.ts): ML workspace connections,
 * managed-network outbound rules and private endpoint connections; storage file/blob services and blob
 * containers; Log Analytics workspaces; NSG security rules as their own resources; NAT gateways, public IPs,
 * route tables; private DNS A record sets. Each keeps ARM's envelope, read-only fields and secrets rules.
 */
import { badRequest } from '../errors.js';
import type { ResourceType, WriteInput } from '../engine.js';
import { at, checkLocationUnchanged, clone, envelope, guidFrom, obj, props, region, type Json } from './common.js';
import { text } from '../../core/text.js';

type Fill = (input: WriteInput, p: Json) => Json;

/** A tracked resource (location required). */
function tracked(
  type: string,
  lro: boolean,
  fill: Fill = () => ({}),
  top: (input: WriteInput) => Json = () => ({}),
): ResourceType {
  return {
    type,
    tracked: true,
    lro,
    put(input) {
      checkLocationUnchanged(input);
      const p = props(input.body);
      return {
        body: envelope(input, type, {
          ...top(input),
          properties: { ...clone(p), ...fill(input, p), provisioningState: 'Succeeded' },
        }),
      };
    },
  };
}

/** A proxy (child) resource: no location of its own. */
function proxy(type: string, lro: boolean, fill: Fill = () => ({}), extra: Partial<ResourceType> = {}): ResourceType {
  return {
    type,
    tracked: false,
    lro,
    put(input) {
      const p = props(input.body);
      return {
        body: envelope(
          input,
          type,
          { properties: { ...clone(p), ...fill(input, p), ...(lro ? { provisioningState: 'Succeeded' } : {}) } },
          { location: null },
        ),
        location: input.parent?.location,
      };
    },
    ...extra,
  };
}

const CONNECTION_CATEGORIES = [
  'AzureOpenAI',
  'CognitiveService',
  'CognitiveSearch',
  'ContainerRegistry',
  'Git',
  'PythonFeed',
  'S3',
  'Snowflake',
  'AzureSqlDb',
  'AzureBlob',
  'AzureDataLakeGen2',
  'ApiKey',
  'CustomKeys',
  'Redis',
  'Serverless',
  'AIServices',
  'AzureOneLake',
  'Elasticsearch',
  'OpenAI',
  'Serp',
  'AmazonS3Compatible',
];

export const connections = proxy('Microsoft.MachineLearningServices/workspaces/connections', false, (_input, p) => {
  if (typeof p.authType !== 'string')
    throw badRequest(
      'InvalidRequestContent',
      'properties.authType is required (e.g. AAD, ApiKey, PAT, ManagedIdentity, None).',
      'properties.authType',
    );
  if (p.category !== undefined && !CONNECTION_CATEGORIES.includes(text(p.category))) {
    throw badRequest(
      'InvalidRequestContent',
      `properties.category '${text(p.category)}' is not a known connection category.`,
      'properties.category',
    );
  }
  // Credentials are write-only: the service never returns them.
  return { credentials: undefined, isSharedToAll: p.isSharedToAll ?? false, createdByWorkspaceArmId: undefined };
});

export const outboundRules: ResourceType = proxy(
  'Microsoft.MachineLearningServices/workspaces/outboundRules',
  true,
  (input, p) => {
    const mode = at(input.parent?.body, 'properties.managedNetwork.isolationMode');
    if (mode === undefined || mode === 'Disabled') {
      throw badRequest(
        'BadRequest',
        `Outbound rules need a workspace with managed network isolation (AllowInternetOutbound or AllowOnlyApprovedOutbound); '${input.parent?.id.split('/').pop()}' has none.`,
        'properties.type',
      );
    }
    const t = obj(p.properties).type ?? p.type;
    if (!['FQDN', 'PrivateEndpoint', 'ServiceTag'].includes(String(t)))
      throw badRequest(
        'InvalidRequestContent',
        "properties.type must be 'FQDN', 'PrivateEndpoint' or 'ServiceTag'.",
        'properties.type',
      );
    return { status: 'Active', category: p.category ?? 'UserDefined' };
  },
);

export const privateEndpointConnections = proxy(
  'Microsoft.MachineLearningServices/workspaces/privateEndpointConnections',
  false,
  (_i, p) => ({
    privateLinkServiceConnectionState: {
      status: 'Approved',
      description: 'Auto-Approved',
      actionsRequired: 'None',
      ...obj(p.privateLinkServiceConnectionState),
    },
    provisioningState: 'Succeeded',
  }),
);

function defaultOnly(kind: string): ResourceType['name'] {
  return { re: /^default$/, allowed: `'default' (a storage account has exactly one ${kind} service)` };
}

export const fileServices = proxy('Microsoft.Storage/storageAccounts/fileServices', false, () => ({}), {
  name: defaultOnly('file'),
});
export const blobServices = proxy('Microsoft.Storage/storageAccounts/blobServices', false, () => ({}), {
  name: defaultOnly('blob'),
});
export const blobContainers = proxy(
  'Microsoft.Storage/storageAccounts/blobServices/containers',
  false,
  // The defaults a GET shows (corpus storage/blob-container-get.json).
  (input, p) => ({
    deleted: false,
    remainingRetentionDays: 0,
    defaultEncryptionScope: p.defaultEncryptionScope ?? '$account-encryption-key',
    denyEncryptionScopeOverride: p.denyEncryptionScopeOverride ?? false,
    publicAccess: p.publicAccess ?? 'None',
    leaseStatus: 'Unlocked',
    leaseState: 'Available',
    lastModifiedTime: new Date(input.req.now).toISOString(),
    legalHold: { hasLegalHold: false, tags: [] },
    hasImmutabilityPolicy: false,
    hasLegalHold: false,
  }),
  {
    name: {
      re: /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
      allowed: '3-63 lower-case letters, digits and single hyphens',
    },
    implicitParent: (parentId) => /^(.*\/storageAccounts\/[^/]+)\/blobServices\/default$/i.exec(parentId)?.[1],
  },
);

export const logAnalytics = tracked('Microsoft.OperationalInsights/workspaces', true, (input, p) => ({
  customerId: guidFrom('law', input.id),
  retentionInDays: p.retentionInDays ?? 30,
  sku: p.sku ?? { name: 'PerGB2018' },
  publicNetworkAccessForIngestion: p.publicNetworkAccessForIngestion ?? 'Enabled',
  publicNetworkAccessForQuery: p.publicNetworkAccessForQuery ?? 'Enabled',
  createdDate: new Date(input.req.now).toISOString(),
}));

export const securityRules = proxy('Microsoft.Network/networkSecurityGroups/securityRules', true, (input, p) => {
  for (const f of ['access', 'direction', 'protocol', 'priority'])
    if (p[f] === undefined)
      throw badRequest(
        'InvalidRequestFormat',
        `Security rule '${input.name}' is missing properties.${f}.`,
        `properties.${f}`,
      );
  const prio = Number(p.priority);
  if (!Number.isInteger(prio) || prio < 100 || prio > 4096)
    throw badRequest(
      'SecurityRuleInvalidPriority',
      `Security rule '${input.name}' has invalid priority ${JSON.stringify(p.priority)}. Allowed range 100-4096.`,
      'properties.priority',
    );
  const nsg = input.parent!;
  const others = [
    ...(Array.isArray(at(nsg.body, 'properties.securityRules'))
      ? (at(nsg.body, 'properties.securityRules') as Json[])
      : []),
    ...input.engine.store.childrenOf(nsg.id.toLowerCase()).map((r) => r.body),
  ];
  for (const o of others) {
    if (String(o.name).toLowerCase() === input.name.toLowerCase()) continue;
    if (at(o, 'properties.direction') === p.direction && Number(at(o, 'properties.priority')) === prio) {
      throw badRequest(
        'SecurityRuleConflict',
        `Security rule ${input.name} conflicts with rule ${String(o.name)}. Rules cannot have the same Priority and Direction.`,
        'properties.priority',
      );
    }
  }
  return {};
});

export const natGateways = tracked(
  'Microsoft.Network/natGateways',
  true,
  (input, p) => ({ idleTimeoutInMinutes: p.idleTimeoutInMinutes ?? 4, resourceGuid: guidFrom('nat', input.id) }),
  (input) => ({ sku: input.body.sku ?? { name: 'Standard' } }),
);

export const publicIPAddresses = tracked(
  'Microsoft.Network/publicIPAddresses',
  true,
  (input, p) => {
    const h = guidFrom('pip', input.id).replace(/-/g, '');
    return {
      publicIPAllocationMethod: p.publicIPAllocationMethod ?? 'Static',
      publicIPAddressVersion: p.publicIPAddressVersion ?? 'IPv4',
      idleTimeoutInMinutes: p.idleTimeoutInMinutes ?? 4,
      ipAddress: `20.${parseInt(h.slice(0, 2), 16) % 250}.${parseInt(h.slice(2, 4), 16) % 250}.${(parseInt(h.slice(4, 6), 16) % 250) + 1}`,
      resourceGuid: guidFrom('pipg', input.id),
    };
  },
  (input) => ({ sku: input.body.sku ?? { name: 'Standard', tier: 'Regional' } }),
);

export const routeTables = tracked('Microsoft.Network/routeTables', true, (input, p) => ({
  disableBgpRoutePropagation: p.disableBgpRoutePropagation ?? false,
  routes: Array.isArray(p.routes) ? p.routes : [],
  resourceGuid: guidFrom('rt', input.id),
}));

export const dnsARecords: ResourceType = {
  type: 'Microsoft.Network/privateDnsZones/A',
  tracked: false,
  lro: false,
  put(input) {
    const p = props(input.body);
    if (!Array.isArray(p.aRecords))
      throw badRequest('BadRequest', 'properties.aRecords must be an array of { ipv4Address }.', 'properties.aRecords');
    const zone = input.parent!.id.split('/').pop()!;
    return {
      body: {
        id: input.id,
        name: input.name,
        type: 'Microsoft.Network/privateDnsZones/A',
        etag: guidFrom('etag', input.id, String(input.req.now)),
        properties: { ...clone(p), ttl: p.ttl ?? 3600, fqdn: `${input.name}.${zone}.`, isAutoRegistered: false },
      },
      location: region(input.parent!.location),
    };
  },
};
