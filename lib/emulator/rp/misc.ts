/**
 * The dependencies an Azure ML workspace needs: storage accounts (+ the implicit `fileServices/default` and its
 * shares), Application Insights components, container registries, user-assigned identities (key vaults are in
 * keyvault.ts), and
 * AKS clusters (targets of a Kubernetes attach). Faithful where the workspace cares: names, read-only ids and
 * endpoints, secrets never echoed, create-only fields.
 */
import { badRequest } from '../errors.js';
import type { ResourceType, WriteInput } from '../engine.js';
import { at, checkLocationUnchanged, clone, envelope, guidFrom, obj, props, region, type Json } from './common.js';
import { text } from '../../core/text.js';
import { checkGlobalName } from './global-names.js';

function simple(
  type: string,
  name: ResourceType['name'],
  fill: (input: WriteInput, p: Json) => Json,
  extra: (input: WriteInput) => Json = () => ({}),
  lro = true,
): ResourceType {
  return {
    type,
    tracked: true,
    lro,
    name,
    put(input) {
      checkLocationUnchanged(input);
      const p = props(input.body);
      return {
        body: envelope(input, type, {
          ...extra(input),
          properties: { ...clone(p), ...fill(input, p), provisioningState: 'Succeeded' },
        }),
      };
    },
  };
}

const STORAGE_KINDS = ['Storage', 'StorageV2', 'BlobStorage', 'FileStorage', 'BlockBlobStorage'];

export const storageAccounts: ResourceType = {
  type: 'Microsoft.Storage/storageAccounts',
  tracked: true,
  lro: true,
  name: { re: /^[a-z0-9]{3,24}$/, allowed: '3-24 lower-case letters and digits' },
  put(input) {
    checkLocationUnchanged(input);
    if (!input.existing)
      checkGlobalName(input.engine, 'microsoft.storage/storageaccounts', input.id, input.name, input.req.now);
    const b = input.body;
    const sku = obj(b.sku);
    if (typeof sku.name !== 'string')
      throw badRequest('InvalidRequestContent', "sku.name is required, e.g. 'Standard_LRS'.", 'sku.name');
    const kind = b.kind ?? 'StorageV2';
    if (!STORAGE_KINDS.includes(text(kind)))
      throw badRequest('InvalidRequestContent', `kind must be one of ${STORAGE_KINDS.join(', ')}.`, 'kind');
    const p = props(b);
    if (
      input.existing &&
      p.isHnsEnabled !== undefined &&
      p.isHnsEnabled !== at(input.existing.body, 'properties.isHnsEnabled')
    ) {
      throw badRequest(
        'PropertyChangeNotAllowed',
        'isHnsEnabled can only be set when the storage account is created.',
        'properties.isHnsEnabled',
      );
    }
    const n = input.name;
    const loc = region(b.location ?? input.existing?.body.location);
    const created = text(at(input.existing?.body, 'properties.creationTime') ?? new Date(input.req.now).toISOString());
    // Defaults a GET shows although the PUT did not send them (corpus storage/storage-account-get.json).
    const encryption = obj(
      p.encryption ?? {
        services: { blob: { enabled: true, keyType: 'Account' }, file: { enabled: true, keyType: 'Account' } },
        keySource: 'Microsoft.Storage',
      },
    );
    const services = Object.fromEntries(
      Object.entries(obj(encryption.services)).map(([k, v]) => [k, { ...obj(v), lastEnabledTime: created }]),
    );
    const outP: Json = {
      keyCreationTime: at(input.existing?.body, 'properties.keyCreationTime') ?? { key1: created, key2: created },
      privateEndpointConnections: [],
      networkAcls: p.networkAcls ?? {
        bypass: 'AzureServices',
        virtualNetworkRules: [],
        ipRules: [],
        defaultAction: 'Allow',
      },
      ...clone(p),
      allowSharedKeyAccess: p.allowSharedKeyAccess ?? true,
      minimumTlsVersion: p.minimumTlsVersion ?? 'TLS1_0',
      allowBlobPublicAccess: p.allowBlobPublicAccess ?? false,
      supportsHttpsTrafficOnly: p.supportsHttpsTrafficOnly ?? true,
      isHnsEnabled: p.isHnsEnabled ?? false,
      accessTier: p.accessTier ?? 'Hot',
      encryption: { ...encryption, services },
      primaryEndpoints: {
        blob: `https://${n}.blob.core.windows.net/`,
        file: `https://${n}.file.core.windows.net/`,
        queue: `https://${n}.queue.core.windows.net/`,
        table: `https://${n}.table.core.windows.net/`,
        dfs: `https://${n}.dfs.core.windows.net/`,
        web: `https://${n}.z6.web.core.windows.net/`,
      },
      primaryLocation: loc,
      statusOfPrimary: 'available',
      creationTime: created,
      provisioningState: 'Succeeded',
    };
    return {
      body: envelope(input, 'Microsoft.Storage/storageAccounts', {
        sku: { name: sku.name, tier: String(sku.name).startsWith('Premium') ? 'Premium' : 'Standard' },
        kind,
        properties: outP,
      }),
    };
  },
  actions: {
    // Keys exist but are never stored or logged: a fresh random-looking value per call is enough for clients.
    listKeys: (input) => ({
      status: 200,
      body: {
        keys: ['key1', 'key2'].map((keyName) => ({
          keyName,
          value: Buffer.from(guidFrom(keyName, input.existing.id, String(Date.now()))).toString('base64'),
          permissions: 'FULL',
        })),
      },
    }),
  },
};

export const fileShares: ResourceType = {
  type: 'Microsoft.Storage/storageAccounts/fileServices/shares',
  tracked: false,
  lro: false,
  name: {
    re: /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
    allowed: '3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit',
  },
  implicitParent: (parentId) => {
    // fileServices/default always exists once the account does.
    const m = /^(.*\/storageAccounts\/[^/]+)\/fileServices\/default$/i.exec(parentId);
    return m ? m[1] : undefined;
  },
  put(input) {
    const p = props(input.body);
    const quota = p.shareQuota ?? 5120;
    if (typeof quota !== 'number' || !Number.isInteger(quota) || quota < 1 || quota > 102400) {
      throw badRequest(
        'InvalidHeaderValue',
        `shareQuota must be an integer between 1 and 102400 GiB (got ${JSON.stringify(p.shareQuota)}).`,
        'properties.shareQuota',
      );
    }
    const old = input.existing ? props(input.existing.body) : undefined;
    if (old && p.enabledProtocols !== undefined && p.enabledProtocols !== old.enabledProtocols) {
      throw badRequest(
        'PropertyChangeNotAllowed',
        'enabledProtocols can only be set when the share is created.',
        'properties.enabledProtocols',
      );
    }
    const outP: Json = {
      ...clone(p),
      shareQuota: quota,
      enabledProtocols: p.enabledProtocols ?? old?.enabledProtocols ?? 'SMB',
      accessTier: p.accessTier ?? 'TransactionOptimized',
      lastModifiedTime: new Date(input.req.now).toISOString(),
      leaseStatus: 'unlocked',
      leaseState: 'available',
    };
    return {
      body: {
        id: input.id,
        name: input.name,
        type: 'Microsoft.Storage/storageAccounts/fileServices/shares',
        etag: `"0x${input.req.now.toString(16).toUpperCase()}"`,
        properties: outP,
      },
    };
  },
};

export const components = simple(
  'Microsoft.Insights/components',
  { re: /^[^%&\\?/]{1,260}$/, allowed: '1-260 characters without % & \\ ? /' },
  (input, p) => ({
    Application_Type: p.Application_Type ?? 'web',
    AppId: guidFrom('appid', input.id),
    InstrumentationKey: guidFrom('ikey', input.id),
    ConnectionString: `InstrumentationKey=${guidFrom('ikey', input.id)};IngestionEndpoint=https://${region(input.body.location)}-0.in.applicationinsights.azure.com/`,
    TenantId: input.engine.config.tenantId,
    IngestionMode: p.WorkspaceResourceId ? 'LogAnalytics' : 'ApplicationInsights',
    CreationDate: new Date(input.req.now).toISOString(),
  }),
  (input) => ({ kind: input.body.kind ?? 'web' }),
  false,
);

export const registries: ResourceType = {
  type: 'Microsoft.ContainerRegistry/registries',
  tracked: true,
  lro: true,
  name: { re: /^[a-zA-Z0-9]{5,50}$/, allowed: '5-50 letters and digits' },
  put(input) {
    checkLocationUnchanged(input);
    if (!input.existing)
      checkGlobalName(input.engine, 'microsoft.containerregistry/registries', input.id, input.name, input.req.now);
    const sku = obj(input.body.sku);
    if (!['Basic', 'Standard', 'Premium'].includes(String(sku.name)))
      throw badRequest('InvalidSku', "sku.name must be 'Basic', 'Standard' or 'Premium'.", 'sku.name');
    const p = props(input.body);
    const outP: Json = {
      ...clone(p),
      adminUserEnabled: p.adminUserEnabled ?? false,
      loginServer: `${input.name.toLowerCase()}.azurecr.io`,
      publicNetworkAccess: p.publicNetworkAccess ?? 'Enabled',
      creationDate: new Date(input.req.now).toISOString(),
      provisioningState: 'Succeeded',
    };
    return {
      body: envelope(input, 'Microsoft.ContainerRegistry/registries', {
        sku: { name: sku.name, tier: sku.name },
        properties: outP,
      }),
    };
  },
};

export const userAssignedIdentities = simple(
  'Microsoft.ManagedIdentity/userAssignedIdentities',
  {
    re: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/,
    allowed: '3-128 letters, digits, hyphens and underscores, starting with a letter or digit',
  },
  (input) => ({
    tenantId: input.engine.config.tenantId,
    principalId: guidFrom('uami-principal', input.id),
    clientId: guidFrom('uami-client', input.id),
  }),
  () => ({}),
  false,
);

export const managedClusters = simple(
  'Microsoft.ContainerService/managedClusters',
  { re: /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9]$/, allowed: '1-63 letters, digits, hyphens and underscores' },
  (input, p) => ({
    fqdn: `${text(p.dnsPrefix ?? input.name)}-${guidFrom('aks', input.id).slice(0, 8)}.hcp.${region(input.body.location)}.azmk8s.io`,
    kubernetesVersion: p.kubernetesVersion ?? '1.31',
    powerState: { code: 'Running' },
  }),
);
