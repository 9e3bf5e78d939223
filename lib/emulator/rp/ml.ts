/**
 * Microsoft.MachineLearningServices: workspaces, computes (every compute type) and datastores, with the
 * service's semantics (reference/azureml-api.md §2–§9): regional compute-name uniqueness, create-only compute
 * instance fields, PATCH of cluster scale settings only, start/stop/restart, `underlyingResourceAction` on
 * DELETE, workspace soft delete and purge, one-way managed network isolation, per-region per-family vCPU quota,
 * and read-only fields filled and echoed the way the service does (so a normalizer is tested against reality).
 */
import { findVmSize, VM_SIZES } from '../../catalog/vm-sizes.js';
import { ArmHttpError, badRequest, conflict } from '../errors.js';
import type {
  ActionInput,
  ActionPlan,
  DeleteInput,
  Engine,
  EngineRequest,
  EngineResponse,
  ResourceRecord,
  ResourceType,
  WriteInput,
  WritePlan,
} from '../engine.js';
import {
  at,
  checkLocationUnchanged,
  clone,
  envelope,
  guidFrom,
  obj,
  props,
  region,
  requireRef,
  same,
  type Json,
} from './common.js';
import { text } from '../../core/text.js';
import { sweepSoftDeleted } from '../soft-delete.js';

const WS_TYPE = 'Microsoft.MachineLearningServices/workspaces';
const COMPUTE_TYPE = 'Microsoft.MachineLearningServices/workspaces/computes';
const DATASTORE_TYPE = 'Microsoft.MachineLearningServices/workspaces/datastores';
const WS_KEY = WS_TYPE.toLowerCase();
const COMPUTE_KEY = COMPUTE_TYPE.toLowerCase();
const SOFT_DELETE_DAYS = 14;

const COMPUTE_TYPES = [
  'AKS',
  'Kubernetes',
  'AmlCompute',
  'ComputeInstance',
  'DataFactory',
  'VirtualMachine',
  'HDInsight',
  'Databricks',
  'DataLakeAnalytics',
  'SynapseSpark',
];
const ISOLATION_MODES = ['Disabled', 'AllowInternetOutbound', 'AllowOnlyApprovedOutbound'];

// ------------------------------------------------------------------------------------------------ workspaces

function identityOut(input: WriteInput, identity: unknown): Json | undefined {
  if (identity === undefined || identity === null) return undefined;
  const i = obj(identity);
  const type = text(i.type ?? 'None');
  const allowed = [
    'None',
    'SystemAssigned',
    'UserAssigned',
    'SystemAssigned,UserAssigned',
    'SystemAssigned, UserAssigned',
  ];
  if (!allowed.includes(type))
    throw badRequest(
      'InvalidIdentityType',
      `identity.type '${type}' is not valid. Allowed: ${allowed.slice(0, 4).join(', ')}.`,
      'identity.type',
    );
  const out: Json = { type: type.replace(', ', ',') };
  if (type.includes('SystemAssigned')) {
    out.principalId = guidFrom('principal', input.id);
    out.tenantId = input.engine.config.tenantId;
  }
  if (type.includes('UserAssigned')) {
    const uais = obj(i.userAssignedIdentities);
    if (Object.keys(uais).length === 0)
      throw badRequest(
        'BadRequest',
        "identity.userAssignedIdentities must name at least one identity when the type includes 'UserAssigned'.",
        'identity.userAssignedIdentities',
      );
    const m: Json = {};
    for (const uid of Object.keys(uais)) {
      const rec = input.engine.find(uid, input.req.now);
      if (!rec)
        throw badRequest(
          'InvalidResourceReference',
          `User-assigned identity '${uid}' was not found.`,
          'identity.userAssignedIdentities',
        );
      const p = props(rec.body);
      m[rec.id] = { principalId: p.principalId, clientId: p.clientId };
    }
    out.userAssignedIdentities = m;
  }
  return out;
}

/**
 * What Azure answers a create that meets a soft-deleted workspace of the same name: the write is accepted, then its
 * operation fails with this error ("Soft-deleted workspace exists. Please purge or recover it.
 * https://aka.ms/wsoftdelete (Code:BadRequest)" after "reached terminal provisioning state 'Failed'", as captured in
 * Azure/ResourceModules#3596 and Azure/CanadaPubSecALZ#380).
 */
const SOFT_DELETED_WORKSPACE = {
  code: 'BadRequest',
  message: 'Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete',
};

function workspacePut(input: WriteInput): WritePlan {
  const { engine, req, body, existing } = input;
  sweepSoftDeleted(engine, req.now);
  const softDeleted = !existing && engine.store.softDeleted.has(input.key);
  checkLocationUnchanged(input);
  const p = props(body);
  const old = existing ? props(existing.body) : undefined;
  for (const f of ['storageAccount', 'keyVault', 'hbiWorkspace']) {
    if (old && p[f] !== undefined && old[f] !== undefined && text(p[f]).toLowerCase() !== text(old[f]).toLowerCase()) {
      throw badRequest(
        'PropertyChangeNotAllowed',
        `Changing property '${f}' is not allowed: it cannot be changed once the workspace has been created (was '${text(old[f])}', got '${text(p[f])}').`,
        `properties.${f}`,
      );
    }
  }
  const refs: [string, string][] = [
    ['storageAccount', 'Microsoft.Storage/storageAccounts'],
    ['keyVault', 'Microsoft.KeyVault/vaults'],
    ['applicationInsights', 'Microsoft.Insights/components'],
    ['containerRegistry', 'Microsoft.ContainerRegistry/registries'],
  ];
  for (const [f, t] of refs) {
    if (p[f] === undefined || p[f] === null || p[f] === '') continue;
    const target = requireRef(input, p[f], t, `properties.${f}`);
    const state = props(target).provisioningState;
    if (state !== undefined && state !== 'Succeeded') {
      throw badRequest(
        'BadRequest',
        `StorageAccountIsNotProvisioned: the ${t} '${text(p[f])}' is in provisioning state '${text(state)}'; retry when it is Succeeded.`,
        `properties.${f}`,
      );
    }
  }
  const oldMode = text(at(old, 'managedNetwork.isolationMode') ?? 'Disabled');
  const newMn = p.managedNetwork === undefined ? obj(old?.managedNetwork) : obj(p.managedNetwork);
  const newMode = text(newMn.isolationMode ?? (p.managedNetwork === undefined ? oldMode : 'Disabled'));
  if (!ISOLATION_MODES.includes(newMode))
    throw badRequest(
      'InvalidRequestContent',
      `managedNetwork.isolationMode '${newMode}' is not valid. Allowed: ${ISOLATION_MODES.join(', ')}.`,
      'properties.managedNetwork.isolationMode',
    );
  if (oldMode !== 'Disabled' && newMode === 'Disabled') {
    throw badRequest(
      'ManagedNetworkCannotBeDisabled',
      `Managed virtual network isolation of workspace '${input.name}' is '${oldMode}' and cannot be disabled once enabled. Keep '${oldMode}' or create a new workspace.`,
      'properties.managedNetwork.isolationMode',
    );
  }
  // A PUT that leaves out a create-only reference keeps it (the service cannot drop them).
  const kept: Json = {};
  for (const f of ['storageAccount', 'keyVault', 'hbiWorkspace'])
    if (old && p[f] === undefined && old[f] !== undefined) kept[f] = old[f];
  const workspaceId = text(old?.workspaceId ?? guidFrom('workspace', input.id, String(req.now)));
  const loc = region(body.location ?? existing?.body.location);
  const sub = /^\/subscriptions\/([^/]+)/i.exec(input.id)![1];
  const rg = /resourceGroups\/([^/]+)/i.exec(input.id)![1];
  const now = new Date(req.now).toISOString();
  const kind = text(body.kind ?? existing?.body.kind ?? 'Default');
  const outProps: Json = {
    // What a workspace GET carries when the request left it out (corpus ml/workspace-update.json and
    // ml/workspace-hub-get.json, Azure PowerShell CreateScenarioTest recording at 2024-04-01).
    friendlyName: p.friendlyName ?? old?.friendlyName ?? '',
    imageBuildCompute: null,
    allowRoleAssignmentOnRG: true,
    softDeleteEnabled: false,
    linkedModelInventoryArmId: null,
    ipAllowlist: [],
    networkAcls: { defaultAction: 'Allow', bypass: '', ipRules: [], resourceAccessRules: [] },
    serverlessComputeSettings: null,
    EnableSoftwareBillOfMaterials: false,
    sdkTelemetryAppInsightsKey: old?.sdkTelemetryAppInsightsKey ?? guidFrom('telemetry', input.id),
    enableDataIsolation: old?.enableDataIsolation ?? kind.toLowerCase() === 'hub',
    description: p.description ?? '',
    hbiWorkspace: p.hbiWorkspace ?? false,
    publicNetworkAccess: p.publicNetworkAccess ?? 'Enabled',
    allowPublicAccessWhenBehindVnet: p.allowPublicAccessWhenBehindVnet ?? false,
    v1LegacyMode: p.v1LegacyMode ?? false,
    ...clone(p),
    ...kept,
    managedNetwork: {
      ...clone(newMn),
      isolationMode: newMode,
      ...(newMode !== 'Disabled'
        ? { status: { status: 'Active', sparkReady: false }, networkId: guidFrom('mvnet', input.id) }
        : {}),
    },
    workspaceId,
    tenantId: engine.config.tenantId,
    mlFlowTrackingUri: `azureml://${loc}.api.azureml.ms/mlflow/v1.0/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${input.name}`,
    discoveryUrl: `https://${loc}.api.azureml.ms/discovery`,
    notebookInfo: {
      resourceId: guidFrom('nb', input.id).replace(/-/g, ''),
      fqdn: `ml-${input.name.toLowerCase()}-${loc}-${workspaceId}.${loc}.notebooks.azure.net`,
      isPrivateLinkEnabled: false,
      notebookPreparationError: null,
    },
    serviceProvisionedResourceGroup: `azureml-rg-${input.name.toLowerCase()}_${workspaceId}`,
    storageHnsEnabled: false,
    privateLinkCount: 0,
    privateEndpointConnections: [],
    creationTime: old?.creationTime ?? now,
    provisioningState: 'Succeeded',
  };
  delete outProps.provisionNetworkNow;
  // A Default workspace's GET writes the dependency ids with the service's own provider casing, whatever the request
  // said (the create sent Microsoft.KeyVault and microsoft.insights; the GETs answer Microsoft.Keyvault and
  // Microsoft.insights: corpus ml/workspace-update.json). A hub's GET in the same recording keeps Microsoft.KeyVault
  // as sent (ml/workspace-hub-get.json).
  for (const [f, provider] of kind.toLowerCase() === 'hub'
    ? []
    : ([
        ['keyVault', 'Microsoft.Keyvault'],
        ['applicationInsights', 'Microsoft.insights'],
      ] as const)) {
    const v = outProps[f];
    if (typeof v === 'string')
      outProps[f] = v.replace(new RegExp(`/providers/${provider}/`, 'i'), `/providers/${provider}/`);
  }
  const out = envelope(
    input,
    WS_TYPE,
    {
      etag: null,
      kind,
      sku: body.sku ?? existing?.body.sku ?? { name: 'Basic', tier: 'Basic' },
      ...(body.identity !== undefined
        ? { identity: identityOut(input, body.identity) }
        : existing?.body.identity
          ? { identity: existing.body.identity }
          : {}),
      properties: outProps,
    },
    { location: loc },
  );
  if (softDeleted) return { body: out, location: loc, failure: SOFT_DELETED_WORKSPACE };
  const apply = existing
    ? undefined
    : () => {
        // The service registers the workspace's default datastores as soon as the workspace exists.
        const account =
          typeof p.storageAccount === 'string'
            ? p.storageAccount.split('/').pop()!
            : `${input.name.toLowerCase().replace(/[^a-z0-9]/g, '')}sa`;
        const defaults: [string, Json][] = [
          [
            'workspaceblobstore',
            {
              datastoreType: 'AzureBlob',
              accountName: account,
              containerName: `azureml-blobstore-${workspaceId}`,
              isDefault: true,
            },
          ],
          [
            'workspacefilestore',
            {
              datastoreType: 'AzureFile',
              accountName: account,
              fileShareName: `azureml-filestore-${workspaceId}`,
              isDefault: false,
            },
          ],
        ];
        for (const [name, dp] of defaults) {
          const id = `${input.id}/datastores/${name}`;
          engine.store.put({
            id,
            typeKey: DATASTORE_TYPE.toLowerCase(),
            parentKey: input.key,
            body: {
              id,
              name,
              type: DATASTORE_TYPE,
              properties: {
                ...dp,
                endpoint: 'core.windows.net',
                protocol: 'https',
                credentials: { credentialsType: 'AccountKey', secrets: { secretsType: 'AccountKey' } },
                serviceDataAccessAuthIdentity: 'None',
                description: null,
                tags: {},
                properties: {},
              },
              systemData: engine.systemData(req),
            },
          });
        }
      };
  return { body: out, location: loc, apply };
}

export const workspaces: ResourceType = {
  type: WS_TYPE,
  tracked: true,
  lro: true,
  name: {
    re: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/,
    allowed:
      '3-33 characters: letters, digits, underscores and hyphens, starting with a letter or digit (^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$)',
  },
  put: workspacePut,
  patch(input) {
    const ex = input.existing!;
    const allowed = new Set(['tags', 'sku', 'identity', 'properties']);
    for (const k of Object.keys(input.body))
      if (!allowed.has(k)) throw badRequest('InvalidRequestContent', `'${k}' cannot be updated with PATCH.`, k);
    const merged = {
      ...ex.body,
      ...(input.body.tags !== undefined ? { tags: input.body.tags } : {}),
      ...(input.body.sku !== undefined ? { sku: input.body.sku } : {}),
    };
    const p = { ...props(ex.body), ...props(input.body) };
    return workspacePut({ ...input, body: { ...merged, properties: p } });
  },
  afterDelete(engine, rec, query) {
    if (query.get('forceToPurge') === 'true') {
      engine.store.softDeleted.delete(rec.id.toLowerCase());
      return;
    }
    const now = engine.clock();
    engine.store.softDeleted.set(rec.id.toLowerCase(), {
      id: rec.id,
      body: rec.body,
      deletedAt: now,
      purgeAt: now + SOFT_DELETE_DAYS * 24 * 3600 * 1000,
    });
  },
  deleteAbsent(input): EngineResponse | undefined {
    const soft = input.engine.store.softDeleted.get(input.key);
    if (soft && input.req.query.get('forceToPurge') === 'true') {
      input.engine.store.softDeleted.delete(input.key);
      return { status: 200, mutated: true };
    }
    return undefined;
  },
  actions: {
    listKeys: () => ({
      status: 200,
      body: { userStorageResourceId: null, containerRegistryCredentials: null, notebookAccessKeys: null },
    }),
    resyncKeys: () => ({ status: 200 }),
    listNotebookAccessToken: () => ({ status: 200, body: { tokenType: 'Bearer', expiresIn: 3600 } }),
  },
};

// ------------------------------------------------------------------------------------------------ computes

const COMPUTE_NAME_RE = /^[a-zA-Z](?![a-zA-Z0-9-]*-\d+$)[a-zA-Z0-9-]{2,23}$/;

interface VmInfo {
  family: string;
  vCpus: number;
  gpu: boolean;
}

function vmInfo(vmSize: unknown): VmInfo | undefined {
  if (typeof vmSize !== 'string') return undefined;
  const info = findVmSize(vmSize);
  return info ? { family: info.family, vCpus: info.vCpus, gpu: info.gpus > 0 } : undefined;
}

/** vCPUs a compute holds against its family quota: an instance always (stopping does not release it), a cluster min nodes × vCPUs. */
function coresHeld(body: Json): { family: string; cores: number } | undefined {
  const p = props(body);
  const pp = obj(p.properties);
  const vm = vmInfo(pp.vmSize);
  if (!vm) return undefined;
  if (p.computeType === 'ComputeInstance') return { family: vm.family, cores: vm.vCpus };
  if (p.computeType === 'AmlCompute') {
    if (pp.vmPriority === 'LowPriority') return undefined;
    return { family: vm.family, cores: vm.vCpus * Number(at(pp, 'scaleSettings.minNodeCount') ?? 0) };
  }
  return undefined;
}

function quotaLimit(engine: Engine, loc: string, family: string, gpu: boolean): number {
  const q = engine.config.quotas ?? {};
  const find = (m: Readonly<Record<string, number>> | undefined): number | undefined =>
    m ? Object.entries(m).find(([k]) => k.toLowerCase() === family.toLowerCase())?.[1] : undefined;
  return find(q.regions?.[loc]) ?? find(q.regions?.['*']) ?? (gpu ? (q.gpuDefault ?? 0) : (q.cpuDefault ?? 100));
}

/**
 * Azure's words above, then how to raise the limit on this emulator (its quotas are settings, GPU families 0 by
 * default): the config of a long-running `amlcdk emulator`, which plan and apply reuse for the same data dir.
 */
function emulatorQuotaHint(loc: string, family: string, needed: number): string {
  const quotas = JSON.stringify({ quotas: { regions: { [loc]: { [family]: needed } } } });
  return ` On the amlcdk emulator: start it with \`amlcdk emulator --data-dir .amlcdk/emulator --config <file>\` where the file holds ${quotas} (plan and apply reuse an emulator running for that data dir), or PUT that JSON to /_emulator/config.`;
}

function checkQuota(input: WriteInput, body: Json, loc: string): void {
  const held = coresHeld(body);
  if (!held || held.cores === 0) return;
  const vm = vmInfo(at(body, 'properties.properties.vmSize'))!;
  const sub = /^\/subscriptions\/([^/]+)/i.exec(input.id)![1].toLowerCase();
  let used = 0;
  for (const rec of input.engine.all(COMPUTE_KEY, input.req.now)) {
    if (
      rec.id.toLowerCase() === input.key ||
      region(rec.location) !== loc ||
      !rec.id.toLowerCase().startsWith(`/subscriptions/${sub}/`)
    )
      continue;
    const h = coresHeld(rec.pending?.final ?? rec.body);
    if (h && h.family.toLowerCase() === held.family.toLowerCase()) used += h.cores;
  }
  const limit = quotaLimit(input.engine, loc, held.family, vm.gpu);
  if (used + held.cores > limit) {
    throw conflict(
      'QuotaExceeded',
      `Operation could not be completed as it results in exceeding approved ${held.family} cores quota in region '${loc}'. Additional required: ${held.cores}, current usage: ${used}, current limit: ${limit}. Request a quota increase for this VM family in this region, pick another VM size or region, or lower minNodeCount.${emulatorQuotaHint(loc, held.family, used + held.cores)}`,
      'properties.properties.vmSize',
    );
  }
}

function checkSubnet(input: WriteInput, pp: Json, ws: ResourceRecord | undefined): void {
  const subnetId = at(pp, 'subnet.id');
  const mode = text(at(ws?.body, 'properties.managedNetwork.isolationMode') ?? 'Disabled');
  if (subnetId !== undefined && subnetId !== null) {
    if (mode !== 'Disabled') {
      throw badRequest(
        'SubnetNotAllowedWithManagedNetwork',
        `Workspace '${ws?.id.split('/').pop()}' uses a managed virtual network (isolationMode '${mode}'); its computes cannot be placed in your own subnet. Remove 'subnet'.`,
        'properties.properties.subnet.id',
      );
    }
    const subnet = input.engine.find(text(subnetId), input.req.now);
    if (!subnet || subnet.typeKey !== 'microsoft.network/virtualnetworks/subnets') {
      throw badRequest(
        'InvalidResourceReference',
        `Subnet '${text(subnetId)}' was not found.`,
        'properties.properties.subnet.id',
      );
    }
    const delegations = at(subnet.body, 'properties.delegations');
    if (Array.isArray(delegations) && delegations.length > 0) {
      throw badRequest(
        'SubnetDelegated',
        `Subnet '${text(subnetId)}' is delegated to '${text(at(delegations[0], 'properties.serviceName') ?? 'a service')}'; Azure Machine Learning computes need a subnet without delegations. Remove the delegation or use another subnet.`,
        'properties.properties.subnet.id',
      );
    }
  } else if (pp.enableNodePublicIp === false && mode === 'Disabled') {
    throw badRequest(
      'SubnetRequiredForNoPublicIp',
      "enableNodePublicIp=false requires 'subnet' (a subnet of your virtual network) or a workspace with a managed virtual network.",
      'properties.properties.enableNodePublicIp',
    );
  }
}

/** Fields of a compute instance that are fixed at creation (reference §7.2), compared on re-PUT. */
const INSTANCE_CREATE_ONLY = [
  'vmSize',
  'sshSettings',
  'subnet',
  'enableNodePublicIp',
  'personalComputeInstanceSettings',
  'computeInstanceAuthorizationType',
  'applicationSharingPolicy',
  'setupScripts',
  'enableSSO',
  'customServices',
];
const CLUSTER_CREATE_ONLY = [
  'vmSize',
  'vmPriority',
  'subnet',
  'enableNodePublicIp',
  'osType',
  'virtualMachineImage',
  'isolatedNetwork',
  'remoteLoginPortPublicAccess',
  'userAccountCredentials',
];

function normalizedForCompare(field: string, v: unknown): unknown {
  if (field === 'vmSize' && typeof v === 'string') return v.toLowerCase();
  if (field === 'sshSettings') return { sshPublicAccess: obj(v).sshPublicAccess ?? 'Disabled' };
  if (field === 'userAccountCredentials') return { adminUserName: obj(v).adminUserName };
  if (field === 'subnet') return typeof obj(v).id === 'string' ? String(obj(v).id).toLowerCase() : undefined;
  return v;
}

function checkCreateOnly(
  input: WriteInput,
  newPp: Json,
  oldPp: Json,
  fields: readonly string[],
  computeType: string,
): void {
  for (const f of fields) {
    if (newPp[f] === undefined) continue;
    if (f === 'remoteLoginPortPublicAccess' && newPp[f] === 'NotSpecified') continue;
    if (!same(normalizedForCompare(f, newPp[f]), normalizedForCompare(f, oldPp[f]))) {
      throw badRequest(
        'PropertyChangeNotAllowed',
        `Changing property 'properties.properties.${f}' of ${computeType} '${input.name}' is not allowed after creation (current ${JSON.stringify(normalizedForCompare(f, oldPp[f]))}, requested ${JSON.stringify(normalizedForCompare(f, newPp[f]))}). Delete the compute and create it again${computeType === 'AmlCompute' ? ', or change only scaleSettings' : ''}.`,
        `properties.properties.${f}`,
      );
    }
  }
}

function fakeIp(id: string, privateNet: boolean): string {
  const h = guidFrom('ip', id).replace(/-/g, '');
  const b = (i: number): number => parseInt(h.slice(i, i + 2), 16);
  return privateNet
    ? `10.${b(0) % 250}.${b(2) % 250}.${(b(4) % 250) + 4}`
    : `20.${b(0) % 250}.${b(2) % 250}.${(b(4) % 250) + 1}`;
}

function instanceProperties(input: WriteInput, pp: Json, loc: string, ws: ResourceRecord | undefined): Json {
  const ssh = obj(pp.sshSettings);
  const publicIp = pp.enableNodePublicIp !== false;
  const now = new Date(input.req.now).toISOString();
  const host = `${input.name.toLowerCase()}.${loc}.instances.azureml.ms`;
  const out: Json = {
    ...clone(pp),
    vmSize: typeof pp.vmSize === 'string' ? pp.vmSize.toUpperCase() : pp.vmSize,
    applicationSharingPolicy: pp.applicationSharingPolicy ?? 'Shared',
    computeInstanceAuthorizationType: pp.computeInstanceAuthorizationType ?? 'personal',
    enableNodePublicIp: pp.enableNodePublicIp ?? true,
    sshSettings: {
      sshPublicAccess: ssh.sshPublicAccess ?? 'Disabled',
      adminUserName: 'azureuser',
      // Port 50000 and the key not echoed, SSH on or off (corpus ml/compute-instance-get.json).
      sshPort: 50000,
      adminPublicKey: null,
    },
    connectivityEndpoints: {
      publicIpAddress: publicIp ? fakeIp(input.id, false) : null,
      privateIpAddress: fakeIp(input.id, true),
    },
    applications: [
      { displayName: 'Jupyter', endpointUri: `https://${host}/tree/` },
      { displayName: 'Jupyter Lab', endpointUri: `https://${host}/lab` },
    ],
    createdBy: {
      userName: input.req.principal.name ?? input.req.principal.oid,
      userOrgId: input.req.principal.tid ?? input.engine.config.tenantId,
      userId: input.req.principal.oid,
    },
    osImageMetadata: { currentImageVersion: '25.01.01', latestImageVersion: '25.01.01', isLatestOsImageVersion: true },
    schedules: pp.schedules ?? { computeStartStop: [] },
    errors: [],
    dataMounts: [],
    dataDisks: [],
    containers: [],
    versions: { runtime: '20250101.v1' },
    state: 'Running',
    lastOperation: {
      operationName: 'Create',
      operationTime: now,
      operationStatus: 'Succeeded',
      operationTrigger: 'User',
    },
  };
  if (
    ws &&
    at(ws.body, 'properties.managedNetwork.isolationMode') !== 'Disabled' &&
    at(ws.body, 'properties.managedNetwork.isolationMode') !== undefined
  )
    out.connectivityEndpoints = { publicIpAddress: null, privateIpAddress: fakeIp(input.id, true) };
  return out;
}

/**
 * A cluster as the service first answers a write, before it settles: what the request said, unset fields as nulls,
 * nothing the service computes yet (corpus ml/compute-cluster-lifecycle.json: the PUT 201 and PATCH 202 bodies).
 * `fresh` (a create) also has no computeLocation, `provisioningWarnings: null` and `tags: null` when none were sent.
 */
function clusterAccepted(settled: Json, sent: Json, state: string, fresh: boolean): Json {
  const p = obj(settled.properties);
  const pp = obj(p.properties);
  const ss = obj(sent.scaleSettings);
  const { allocationStateTransitionTime: _t, propertyBag: _b, ...keep } = pp;
  const inner: Json = {
    ...keep,
    vmPriority: sent.vmPriority ?? (fresh ? null : pp.vmPriority),
    scaleSettings: {
      maxNodeCount: ss.maxNodeCount ?? obj(pp.scaleSettings).maxNodeCount,
      minNodeCount: ss.minNodeCount ?? obj(pp.scaleSettings).minNodeCount,
      nodeIdleTimeBeforeScaleDown: ss.nodeIdleTimeBeforeScaleDown ?? null,
    },
    currentNodeCount: null,
    targetNodeCount: null,
    nodeStateCounts: null,
    allocationState: null,
    remoteLoginPortPublicAccess: sent.remoteLoginPortPublicAccess ?? 'NotSpecified',
  };
  const { computeLocation: _l, ...rest } = p;
  const outP: Json = {
    ...(fresh ? rest : p),
    provisioningState: state,
    ...(fresh ? { provisioningWarnings: null } : {}),
    properties: inner,
  };
  return {
    ...settled,
    ...(fresh && Object.keys(obj(settled.tags)).length === 0 ? { tags: null } : {}),
    properties: outP,
  };
}

function clusterProperties(input: WriteInput, pp: Json): Json {
  const ss = obj(pp.scaleSettings);
  const creds = obj(pp.userAccountCredentials);
  const min = Number(ss.minNodeCount ?? 0);
  const subnetSet = typeof at(pp, 'subnet.id') === 'string';
  const rlp = pp.remoteLoginPortPublicAccess ?? 'NotSpecified';
  const out: Json = {
    ...clone(pp),
    vmSize: typeof pp.vmSize === 'string' ? pp.vmSize.toUpperCase() : pp.vmSize,
    vmPriority: pp.vmPriority ?? 'Dedicated',
    osType: pp.osType ?? 'Linux',
    isolatedNetwork: pp.isolatedNetwork ?? false,
    enableNodePublicIp: pp.enableNodePublicIp ?? true,
    // "NotSpecified" only exists at creation time: afterwards the service reports what it chose.
    remoteLoginPortPublicAccess: rlp === 'NotSpecified' ? (subnetSet ? 'Disabled' : 'Enabled') : rlp,
    scaleSettings: {
      maxNodeCount: ss.maxNodeCount,
      minNodeCount: min,
      // The service's default, as it echoes it (corpus ml/compute-cluster-lifecycle.json).
      nodeIdleTimeBeforeScaleDown: ss.nodeIdleTimeBeforeScaleDown ?? 'PT2M',
    },
    allocationState: 'Steady',
    allocationStateTransitionTime: new Date(input.req.now).toISOString(),
    currentNodeCount: min,
    targetNodeCount: min,
    nodeStateCounts: {
      idleNodeCount: min,
      runningNodeCount: 0,
      preparingNodeCount: 0,
      unusableNodeCount: 0,
      leavingNodeCount: 0,
      preemptedNodeCount: 0,
    },
    errors: null,
    // Unset fields come back as explicit nulls / defaults (corpus ml/compute-cluster-lifecycle.json).
    subnet: pp.subnet ?? null,
    virtualMachineImage: pp.virtualMachineImage ?? null,
    enableBatchPrivateLink: pp.enableBatchPrivateLink ?? false,
    propertyBag: pp.propertyBag ?? {},
  };
  if (pp.userAccountCredentials !== undefined)
    out.userAccountCredentials = { adminUserName: creds.adminUserName ?? 'azureuser' };
  return out;
}

function checkScale(ss: Json, target: string): void {
  const max = ss.maxNodeCount;
  const min = ss.minNodeCount ?? 0;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0)
    throw badRequest(
      'InvalidRequestContent',
      `scaleSettings.maxNodeCount is required and must be an integer >= 0 (got ${JSON.stringify(max)}).`,
      `${target}.maxNodeCount`,
    );
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 0)
    throw badRequest(
      'InvalidRequestContent',
      `scaleSettings.minNodeCount must be an integer >= 0 (got ${JSON.stringify(min)}).`,
      `${target}.minNodeCount`,
    );
  if (min > max)
    throw badRequest(
      'InvalidScaleSettings',
      `scaleSettings.minNodeCount (${min}) must be <= maxNodeCount (${max}).`,
      `${target}.minNodeCount`,
    );
}

const ATTACH_SECRETS: Readonly<Record<string, readonly string[]>> = {
  Kubernetes: ['relayConnectionString', 'serviceBusConnectionString'],
  VirtualMachine: ['administratorAccount'],
  HDInsight: ['administratorAccount'],
  Databricks: ['databricksAccessToken'],
  AKS: [],
};

function computePut(input: WriteInput): WritePlan {
  const { engine, body, existing, parent } = input;
  const p = props(body);
  const computeType = p.computeType;
  if (typeof computeType !== 'string' || !COMPUTE_TYPES.includes(computeType)) {
    throw badRequest(
      'InvalidRequestContent',
      `properties.computeType is required and must be one of ${COMPUTE_TYPES.join(', ')} (got ${JSON.stringify(computeType)}).`,
      'properties.computeType',
    );
  }
  const ws = parent;
  const wsLoc = region(ws?.body.location);
  // A cluster lives in the region it is created in: Azure echoes that region as the top-level `location`, which is
  // what Microsoft's clients send and read (azure-ai-ml ComputeOperations.begin_create_or_update sends the
  // compute's own location, AmlCompute._load_from_rest reads `rest_obj.location`). A body that names the region in
  // `properties.computeLocation` instead gets it echoed there too.
  const asked =
    computeType === 'AmlCompute' && typeof p.computeLocation === 'string' ? p.computeLocation : body.location;
  const loc = asked !== undefined ? region(asked) : existing ? region(existing.body.location) : wsLoc;
  const oldP = existing ? props(existing.body) : undefined;
  const pp = obj(p.properties);
  const attached =
    typeof p.resourceId === 'string' &&
    p.resourceId.length > 0 &&
    computeType !== 'AmlCompute' &&
    computeType !== 'ComputeInstance';
  if (computeType === 'ComputeInstance' && loc !== wsLoc) {
    throw badRequest(
      'InvalidLocation',
      `A compute instance must be in its workspace's region '${wsLoc}' (got '${loc}'). Compute clusters may use another region; instances may not.`,
      'location',
    );
  }
  if (existing) {
    if (oldP!.computeType !== computeType)
      throw badRequest(
        'PropertyChangeNotAllowed',
        `Changing properties.computeType from '${String(oldP!.computeType)}' to '${computeType}' is not allowed. Delete the compute first.`,
        'properties.computeType',
      );
    if (oldP!.isAttachedCompute === true) {
      throw conflict(
        'Conflict',
        `Compute '${input.name}' is already attached; attaching is not idempotent. Detach it (DELETE ?underlyingResourceAction=Detach) before attaching again.`,
      );
    }
    if (asked !== undefined && loc !== region(existing.body.location))
      throw badRequest(
        'LocationNotAvailableForResourceType',
        `The location of '${input.name}' cannot change from '${String(existing.body.location)}' to '${loc}'. Delete and re-create the compute to move it.`,
        'location',
      );
    for (const f of ['computeLocation', 'disableLocalAuth', 'resourceId']) {
      if (p[f] !== undefined && oldP![f] !== undefined && !same(p[f], oldP![f]))
        throw badRequest(
          'PropertyChangeNotAllowed',
          `Changing property 'properties.${f}' is not allowed after creation.`,
          `properties.${f}`,
        );
    }
    const oldPp = obj(oldP!.properties);
    if (computeType === 'ComputeInstance') checkCreateOnly(input, pp, oldPp, INSTANCE_CREATE_ONLY, computeType);
    if (computeType === 'AmlCompute') checkCreateOnly(input, pp, oldPp, CLUSTER_CREATE_ONLY, computeType);
  } else {
    // Compute names are unique per Azure region, not only per workspace.
    const sub = /^\/subscriptions\/([^/]+)/i.exec(input.id)![1].toLowerCase();
    for (const rec of engine.all(COMPUTE_KEY, input.req.now)) {
      if (rec.id.split('/').pop()!.toLowerCase() !== input.name.toLowerCase()) continue;
      if (!rec.id.toLowerCase().startsWith(`/subscriptions/${sub}/`) || region(rec.location) !== loc) continue;
      throw conflict(
        'AlreadyExists',
        `Compute name '${input.name}' is already in use in region '${loc}' by '${rec.id}'. Compute names must be unique across all workspaces of a region; choose another name.`,
        'name',
      );
    }
  }
  let outPp: Json;
  let detachedReuse = false;
  if (computeType === 'ComputeInstance') {
    if (typeof pp.vmSize !== 'string')
      throw badRequest(
        'InvalidRequestContent',
        'properties.properties.vmSize is required for a ComputeInstance.',
        'properties.properties.vmSize',
      );
    if (!existing) checkSubnet(input, pp, ws);
    if (!existing && typeof at(ws?.body, 'properties.storageAccount') === 'string') {
      const sa = engine.find(String(at(ws!.body, 'properties.storageAccount')), input.req.now);
      if (sa && at(sa.body, 'properties.allowSharedKeyAccess') === false) {
        throw badRequest(
          'BadRequest',
          `The workspace storage account '${sa.id.split('/').pop()}' does not allow shared key access; compute instance creation needs 'Allow storage account key access' enabled.`,
          'properties.storageAccount',
        );
      }
    }
    if (existing) {
      // Re-PUT: create-only fields were checked; schedules and idleTimeBeforeShutdown are accepted but not
      // applied, as the service does (Azure/bicep#17617) - they change through action endpoints.
      outPp = { ...obj(oldP!.properties) };
    } else {
      outPp = instanceProperties(input, pp, loc, ws);
    }
  } else if (computeType === 'AmlCompute') {
    if (typeof pp.vmSize !== 'string')
      throw badRequest(
        'InvalidRequestContent',
        'properties.properties.vmSize is required for an AmlCompute cluster.',
        'properties.properties.vmSize',
      );
    checkScale(obj(pp.scaleSettings), 'properties.properties.scaleSettings');
    if (!existing) checkSubnet(input, pp, ws);
    if (existing) {
      const oldPp = obj(oldP!.properties);
      const ss = obj(pp.scaleSettings);
      const min = Number(ss.minNodeCount ?? 0);
      outPp = {
        ...oldPp,
        scaleSettings: { ...obj(oldPp.scaleSettings), ...ss, minNodeCount: min },
        currentNodeCount: min,
        targetNodeCount: min,
      };
    } else {
      outPp = clusterProperties(input, pp);
      const ghost = engine.store.detached.get(input.key);
      if (ghost && typeof obj(ghost.properties).vmSize === 'string') {
        // azure-rest-api-specs#18889: a cluster detached instead of deleted comes back with its old VM size.
        outPp.vmSize = obj(ghost.properties).vmSize;
        detachedReuse = true;
      }
    }
  } else {
    if (!attached && computeType !== 'AKS') {
      throw badRequest(
        'InvalidRequestContent',
        `properties.resourceId (the ARM id of the existing ${computeType}) is required to attach a ${computeType} compute.`,
        'properties.resourceId',
      );
    }
    if (
      attached &&
      String(p.resourceId).toLowerCase().includes('/providers/microsoft.containerservice/managedclusters/')
    ) {
      const target = engine.find(String(p.resourceId), input.req.now);
      if (!target)
        throw badRequest(
          'InvalidResourceReference',
          `The Kubernetes cluster '${String(p.resourceId)}' to attach was not found.`,
          'properties.resourceId',
        );
    }
    outPp = clone(pp);
    for (const s of ATTACH_SECRETS[computeType] ?? []) delete outPp[s];
    if (computeType === 'Kubernetes') outPp.namespace = pp.namespace ?? 'default';
  }
  const now = new Date(input.req.now).toISOString();
  const outP: Json = {
    computeType,
    ...(computeType === 'AmlCompute'
      ? { computeLocation: oldP?.computeLocation ?? loc }
      : p.computeLocation !== undefined
        ? { computeLocation: p.computeLocation }
        : {}),
    description: p.description ?? oldP?.description ?? null,
    ...(p.resourceId !== undefined
      ? { resourceId: p.resourceId }
      : oldP?.resourceId !== undefined
        ? { resourceId: oldP.resourceId }
        : {}),
    disableLocalAuth: p.disableLocalAuth ?? oldP?.disableLocalAuth ?? false,
    provisioningState: 'Succeeded',
    provisioningErrors: null,
    ...(computeType === 'AmlCompute'
      ? { resourceId: p.resourceId ?? oldP?.resourceId ?? null, provisioningWarnings: {} }
      : {}),
    createdOn: oldP?.createdOn ?? now,
    modifiedOn: now,
    isAttachedCompute: attached,
    properties: outPp,
  };
  const out = envelope(
    input,
    COMPUTE_TYPE,
    {
      ...(body.identity !== undefined
        ? { identity: identityOut(input, body.identity) }
        : existing?.body.identity
          ? { identity: existing.body.identity }
          : {}),
      ...(body.sku !== undefined ? { sku: body.sku } : existing?.body.sku ? { sku: existing.body.sku } : {}),
      properties: outP,
    },
    { location: loc },
  );
  if (existing && body.tags === undefined && existing.body.tags !== undefined) out.tags = existing.body.tags;
  // A cluster's GET shows `tags: {}` when none were set (corpus ml/compute-cluster-lifecycle.json).
  if (computeType === 'AmlCompute' && out.tags === undefined) out.tags = {};
  checkQuota(input, out, loc);
  let transitional: Json | undefined;
  let onFailure: Json | undefined;
  if (computeType === 'ComputeInstance' && !existing) {
    transitional = {
      ...out,
      properties: {
        ...outP,
        provisioningState: 'Creating',
        properties: {
          ...outPp,
          state: 'Creating',
          lastOperation: { ...obj(outPp.lastOperation), operationStatus: 'InProgress' },
        },
      },
    };
    onFailure = {
      properties: {
        ...outPp,
        state: 'CreateFailed',
        lastOperation: { ...obj(outPp.lastOperation), operationStatus: 'CreateFailed' },
      },
    };
  } else if (computeType === 'AmlCompute') {
    transitional = clusterAccepted(out, pp, existing ? 'Updating' : 'Creating', !existing);
  }
  const apply = detachedReuse ? () => engine.store.detached.delete(input.key) : undefined;
  return { body: out, transitional, onFailure, location: loc, apply };
}

function computePatch(input: WriteInput): WritePlan {
  const ex = input.existing!;
  const p = props(ex.body);
  if (p.computeType !== 'AmlCompute') {
    throw badRequest(
      'BadRequest',
      `PATCH only updates the scale settings of an AmlCompute cluster; '${input.name}' is a ${String(p.computeType)}.`,
    );
  }
  const bp = obj(input.body.properties);
  const extraTop = Object.keys(input.body).filter((k) => k !== 'properties');
  const extraP = Object.keys(bp).filter((k) => k !== 'properties');
  const inner = obj(bp.properties);
  const extraInner = Object.keys(inner).filter((k) => k !== 'scaleSettings');
  const extra = [
    ...extraTop,
    ...extraP.map((k) => `properties.${k}`),
    ...extraInner.map((k) => `properties.properties.${k}`),
  ];
  if (extra.length > 0 || inner.scaleSettings === undefined) {
    throw badRequest(
      'InvalidRequestContent',
      `PATCH of a compute accepts only properties.properties.scaleSettings (got ${extra.length ? extra.join(', ') : 'no scaleSettings'}). Other cluster fields are fixed at creation.`,
      extra[0] ?? 'properties.properties.scaleSettings',
    );
  }
  const oldPp = obj(p.properties);
  const ss = { ...obj(oldPp.scaleSettings), ...obj(inner.scaleSettings) };
  checkScale(ss, 'properties.properties.scaleSettings');
  const min = Number(ss.minNodeCount ?? 0);
  const now = new Date(input.req.now).toISOString();
  const newPp = {
    ...oldPp,
    scaleSettings: ss,
    currentNodeCount: min,
    targetNodeCount: min,
    allocationState: 'Steady',
    allocationStateTransitionTime: now,
    nodeStateCounts: { ...obj(oldPp.nodeStateCounts), idleNodeCount: min },
  };
  const body: Json = {
    ...ex.body,
    properties: { ...p, provisioningState: 'Succeeded', modifiedOn: now, properties: newPp },
    systemData: input.engine.systemData(input.req, ex),
  };
  checkQuota(input, body, region(ex.location ?? ex.body.location));
  // The 202 answer shows the cluster as the request left it, before the service settles it (corpus
  // ml/compute-cluster-lifecycle.json): node counts and allocation state null, the idle time as sent.
  const transitional = clusterAccepted(body, { ...oldPp, scaleSettings: obj(inner.scaleSettings) }, 'Updating', false);
  // …and names the cluster's Batch AI resource, which its GETs do not show.
  const m =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/[^/]+\/workspaces\/([^/]+)\/computes\/([^/]+)$/i.exec(
      ex.id,
    );
  const batchAi = m
    ? `/subscriptions/${m[1]}/resourceGroups/${m[2]}/providers/Microsoft.BatchAI/workspaces/${m[3]}/clusters/${m[4]}`
    : null;
  transitional.properties = { ...obj(transitional.properties), modifiedOn: now, resourceId: batchAi };
  return { body, transitional, location: ex.location };
}

function instanceAction(kind: 'start' | 'stop' | 'restart'): (input: ActionInput) => ActionPlan {
  return (input) => {
    const p = props(input.existing.body);
    if (p.computeType !== 'ComputeInstance') {
      throw badRequest(
        'BadRequest',
        `'${kind}' is only supported on a ComputeInstance; '${input.existing.id.split('/').pop()}' is a ${String(p.computeType)}.`,
      );
    }
    const pp = obj(p.properties);
    const state = String(pp.state);
    if (!['Running', 'Stopped'].includes(state)) {
      throw conflict(
        'Conflict',
        `Compute instance '${input.existing.id.split('/').pop()}' is in state '${state}'; '${kind}' needs it Running or Stopped.`,
      );
    }
    const [transient, end] =
      kind === 'start'
        ? ['Starting', 'Running']
        : kind === 'stop'
          ? ['Stopping', 'Stopped']
          : state === 'Stopped'
            ? ['Starting', 'Running']
            : ['Restarting', 'Running'];
    const opName = kind[0].toUpperCase() + kind.slice(1);
    const time = new Date(input.req.now).toISOString();
    const mk = (s: string, status: string): Json => ({
      ...input.existing.body,
      properties: {
        ...p,
        properties: {
          ...pp,
          state: s,
          lastOperation: {
            operationName: opName,
            operationTime: time,
            operationStatus: status,
            operationTrigger: 'User',
          },
        },
      },
    });
    return {
      lro: {
        transitional: mk(transient, 'InProgress'),
        final: mk(end, 'Succeeded'),
        onFailure: {
          properties: {
            ...pp,
            state: kind === 'stop' ? 'Running' : 'Stopped',
            lastOperation: {
              operationName: opName,
              operationTime: time,
              operationStatus: `${opName}Failed`,
              operationTrigger: 'User',
            },
          },
        },
      },
    };
  };
}

function instanceOnly(input: ActionInput, action: string): { p: Json; pp: Json } {
  const p = props(input.existing.body);
  if (p.computeType !== 'ComputeInstance') {
    throw badRequest(
      'BadRequest',
      `'${action}' is only supported on a ComputeInstance; '${input.existing.id.split('/').pop()}' is a ${String(p.computeType)}.`,
    );
  }
  return { p, pp: obj(p.properties) };
}

function withInner(input: ActionInput, p: Json, pp: Json): Json {
  return {
    ...input.existing.body,
    properties: { ...p, modifiedOn: new Date(input.req.now).toISOString(), properties: pp },
  };
}

function computeBeforeDelete(input: DeleteInput): void {
  const action = input.req.query.get('underlyingResourceAction');
  if (action === null) {
    throw badRequest(
      'MissingRequiredParameter',
      "The query parameter 'underlyingResourceAction' is required: 'Delete' (managed compute: removes the VMs) or 'Detach' (attached compute: keeps the underlying resource).",
      'underlyingResourceAction',
    );
  }
  if (action !== 'Delete' && action !== 'Detach') {
    throw badRequest(
      'InvalidParameterValue',
      `underlyingResourceAction must be 'Delete' or 'Detach' (got '${action}').`,
      'underlyingResourceAction',
    );
  }
}

function computeAfterDelete(engine: Engine, rec: ResourceRecord, query: URLSearchParams): void {
  const action = query.get('underlyingResourceAction');
  const p = props(rec.body);
  if (action === 'Detach' && (p.computeType === 'AmlCompute' || p.computeType === 'ComputeInstance')) {
    engine.store.detached.set(rec.id.toLowerCase(), { id: rec.id, properties: clone(obj(p.properties)) });
    return;
  }
  if (action === 'Delete') engine.store.detached.delete(rec.id.toLowerCase());
  if (action === 'Delete' && p.isAttachedCompute === true && typeof p.resourceId === 'string') {
    const target = engine.find(p.resourceId);
    if (target) engine.removeTree(target);
  }
}

export const computes: ResourceType = {
  type: COMPUTE_TYPE,
  tracked: false,
  lro: true,
  name: {
    re: COMPUTE_NAME_RE,
    allowed:
      "3-24 characters: letters, digits and hyphens, starting with a letter, not ending in '-<digits>' (^[a-zA-Z](?![a-zA-Z0-9-]*-\\d+$)[a-zA-Z0-9\\-]{2,23}$)",
  },
  put: computePut,
  patch: computePatch,
  // A failed create or update leaves its error on the compute (`provisioningErrors`, an array of ErrorResponse in
  // the spec; azure-ai-ml reads `provisioning_errors[0].error.code`, sdk/ml/azure-ai-ml/.../_compute/aml_compute.py).
  failedProperties: (error) => ({ provisioningErrors: [{ error: { code: error.code, message: error.message } }] }),
  beforeDelete: computeBeforeDelete,
  afterDelete: computeAfterDelete,
  actions: {
    start: instanceAction('start'),
    stop: instanceAction('stop'),
    restart: instanceAction('restart'),
    listKeys: (input) => {
      const p = props(input.existing.body);
      return { status: 200, body: { computeType: p.computeType } };
    },
    updateDataMounts: (input) => {
      const { p, pp } = instanceOnly(input, 'updateDataMounts');
      if (!Array.isArray(input.body))
        throw badRequest(
          'InvalidRequestContent',
          'The body of updateDataMounts is an array of { mountAction, mountName, mountPath, source, sourceType, mountMode }.',
        );
      const mounts = new Map<string, Json>(
        (Array.isArray(pp.dataMounts) ? (pp.dataMounts as Json[]) : []).map((m) => [String(m.mountName), m]),
      );
      input.body.forEach((raw, i) => {
        const m = obj(raw);
        for (const f of ['mountName', 'source', 'sourceType'])
          if (typeof m[f] !== 'string' || m[f] === '')
            throw badRequest('InvalidRequestContent', `dataMounts[${i}].${f} is required.`, `[${i}].${f}`);
        if (!['Dataset', 'Datastore', 'URI'].includes(String(m.sourceType)))
          throw badRequest(
            'InvalidRequestContent',
            `dataMounts[${i}].sourceType must be Dataset, Datastore or URI.`,
            `[${i}].sourceType`,
          );
        if (m.mountAction === 'Unmount') mounts.delete(String(m.mountName));
        else
          mounts.set(String(m.mountName), {
            ...clone(m),
            mountAction: 'Mount',
            mountMode: m.mountMode ?? 'ReadOnly',
            mountPath: m.mountPath ?? `/home/azureuser/cloudfiles/data/${String(m.mountName)}`,
            mountState: 'Mounted',
            mountedOn: new Date(input.req.now).toISOString(),
            createdBy: input.req.principal.oid,
            error: null,
          });
      });
      return { status: 200, update: withInner(input, p, { ...pp, dataMounts: [...mounts.values()] }) };
    },
    updateIdleShutdownSetting: (input) => {
      const { p, pp } = instanceOnly(input, 'updateIdleShutdownSetting');
      const v = obj(input.body).idleTimeBeforeShutdown;
      const m = typeof v === 'string' ? /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(v) : null;
      const minutes = m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : NaN;
      if (!m || minutes < 15 || minutes > 3 * 24 * 60) {
        throw badRequest(
          'InvalidRequestContent',
          `idleTimeBeforeShutdown must be an ISO 8601 duration between PT15M and PT72H (got ${JSON.stringify(v)}).`,
          'idleTimeBeforeShutdown',
        );
      }
      return { status: 200, update: withInner(input, p, { ...pp, idleTimeBeforeShutdown: v }) };
    },
    updateSchedules: (input) => {
      // In no stable spec: the stable ML api-versions list start, stop, restart, updateIdleShutdownSetting,
      // updateDataMounts and updateCustomServices (azure-rest-api-specs MachineLearningServices
      // stable/2025-12-01/examples/Compute), not updateSchedules. Only preview versions route it.
      const version = input.req.query.get('api-version') ?? '';
      if (!version.endsWith('-preview'))
        throw new ArmHttpError(
          404,
          'InvalidResourceType',
          `The action 'updateSchedules' is not supported on resource type 'Microsoft.MachineLearningServices/workspaces/computes' at api-version '${version}' (it exists only in preview api-versions).`,
        );
      const { p, pp } = instanceOnly(input, 'updateSchedules');
      const list = obj(input.body).computeStartStop;
      if (!Array.isArray(list))
        throw badRequest(
          'InvalidRequestContent',
          'The body of updateSchedules is { computeStartStop: [...] }.',
          'computeStartStop',
        );
      if (list.length > 4)
        throw badRequest(
          'InvalidRequestContent',
          `A compute instance has at most 4 schedules (got ${list.length}).`,
          'computeStartStop',
        );
      const schedules = list.map((sch, i) => ({
        ...clone(obj(sch)),
        id: guidFrom('schedule', input.existing.id, String(i)),
        provisioningStatus: 'Completed',
      }));
      return { status: 200, update: withInner(input, p, { ...pp, schedules: { computeStartStop: schedules } }) };
    },
    customServices: (input) => {
      const { p, pp } = instanceOnly(input, 'customServices');
      if (!Array.isArray(input.body))
        throw badRequest('InvalidRequestContent', 'The body of customServices is an array of custom services.');
      return { status: 200, update: withInner(input, p, { ...pp, customServices: clone(input.body) }) };
    },
    getAllowedVmSizesForResize: (input) => {
      instanceOnly(input, 'getAllowedVmSizesForResize');
      return {
        status: 200,
        body: {
          value: VM_SIZES.filter((v) => v.allowedFor.instance).map((v) => ({
            name: v.name,
            family: v.family,
            vCPUs: v.vCpus,
            gpus: Math.ceil(v.gpus),
            memoryGB: v.memoryGiB,
          })),
        },
      };
    },
    resize: (input) => {
      const { p, pp } = instanceOnly(input, 'resize');
      const target = obj(input.body).targetVMSize;
      if (typeof target !== 'string' || target === '')
        throw badRequest('InvalidRequestContent', 'targetVMSize is required.', 'targetVMSize');
      const state = String(pp.state);
      if (!['Running', 'Stopped'].includes(state))
        throw conflict(
          'Conflict',
          `Compute instance '${input.existing.id.split('/').pop()}' is in state '${state}'; resize needs it Running or Stopped.`,
        );
      const final = withInner(input, p, {
        ...pp,
        vmSize: target.toUpperCase(),
        lastOperation: {
          operationName: 'Resize',
          operationTime: new Date(input.req.now).toISOString(),
          operationStatus: 'Succeeded',
          operationTrigger: 'User',
        },
      });
      const w: WriteInput = {
        engine: input.engine,
        req: input.req,
        parsed: input.parsed,
        id: input.existing.id,
        key: input.key,
        name: input.existing.id.split('/').pop()!,
        existing: input.existing,
        body: final,
      };
      checkQuota(w, final, region(input.existing.location ?? input.existing.body.location));
      return {
        lro: {
          transitional: withInner(input, p, { ...pp, state: 'Resizing' }),
          final,
          onFailure: { properties: { ...pp } },
        },
      };
    },
    listNodes: (input) => {
      const p = props(input.existing.body);
      const pp = obj(p.properties);
      const n = p.computeType === 'ComputeInstance' ? 1 : Number(pp.currentNodeCount ?? 0);
      const nodes = Array.from({ length: n }, (_, i) => ({
        nodeId: `tvmps_${guidFrom('node', input.existing.id, String(i)).slice(0, 8)}_d`,
        privateIpAddress: fakeIp(`${input.existing.id}/${i}`, true),
        publicIpAddress: null,
        port: 50000 + i,
        nodeState: 'idle',
        runId: null,
      }));
      return { status: 200, body: { nodes } };
    },
  },
};

// ------------------------------------------------------------------------------------------------ datastores

const DATASTORE_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  AzureFile: ['accountName', 'fileShareName'],
  AzureBlob: ['accountName', 'containerName'],
  AzureDataLakeGen2: ['accountName', 'filesystem'],
  AzureDataLakeGen1: ['storeName'],
  OneLake: ['oneLakeWorkspaceName'],
};

function stripSecrets(creds: Json): Json {
  const out = clone(creds);
  const secrets = obj(out.secrets);
  if (out.secrets !== undefined) out.secrets = { secretsType: secrets.secretsType ?? out.credentialsType };
  return out;
}

export const datastores: ResourceType = {
  type: DATASTORE_TYPE,
  tracked: false,
  lro: false,
  name: {
    re: /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/,
    allowed: 'letters, digits, hyphens and underscores, starting with a letter or digit, at most 255 characters',
  },
  put(input) {
    const p = props(input.body);
    const t = p.datastoreType;
    if (typeof t !== 'string' || !DATASTORE_REQUIRED[t]) {
      throw badRequest(
        'InvalidRequestContent',
        `properties.datastoreType must be one of ${Object.keys(DATASTORE_REQUIRED).join(', ')} (got ${JSON.stringify(t)}).`,
        'properties.datastoreType',
      );
    }
    for (const f of DATASTORE_REQUIRED[t]) {
      if (typeof p[f] !== 'string' || p[f] === '')
        throw badRequest(
          'InvalidRequestContent',
          `properties.${f} is required for a ${t} datastore.`,
          `properties.${f}`,
        );
    }
    if (input.existing && at(input.existing.body, 'properties.datastoreType') !== t) {
      throw badRequest(
        'PropertyChangeNotAllowed',
        `Changing properties.datastoreType of datastore '${input.name}' is not allowed.`,
        'properties.datastoreType',
      );
    }
    const creds = obj(p.credentials);
    if (typeof creds.credentialsType !== 'string')
      throw badRequest(
        'InvalidRequestContent',
        'properties.credentials.credentialsType is required (AccountKey, Sas, ServicePrincipal, Certificate or None).',
        'properties.credentials.credentialsType',
      );
    // Unless skipValidation=true the service checks that the share exists when the account is known.
    if (t === 'AzureFile' && input.req.query.get('skipValidation') !== 'true') {
      const sub = /^\/subscriptions\/([^/]+)/i.exec(input.id)![1].toLowerCase();
      const account = input.engine
        .all('microsoft.storage/storageaccounts', input.req.now)
        .find(
          (r) =>
            r.id.toLowerCase().startsWith(`/subscriptions/${sub}/`) &&
            r.id.split('/').pop()!.toLowerCase() === String(p.accountName).toLowerCase(),
        );
      if (account) {
        const share = input.engine.find(
          `${account.id}/fileServices/default/shares/${String(p.fileShareName)}`,
          input.req.now,
        );
        if (!share)
          throw badRequest(
            'BadRequest',
            `File share '${String(p.fileShareName)}' was not found in storage account '${String(p.accountName)}'. Create the share first, or pass skipValidation=true.`,
            'properties.fileShareName',
          );
      }
    }
    const outP: Json = {
      endpoint: 'core.windows.net',
      protocol: 'https',
      serviceDataAccessAuthIdentity: 'None',
      description: null,
      tags: {},
      properties: {},
      ...clone(p),
      credentials: stripSecrets(creds),
      isDefault: at(input.existing?.body, 'properties.isDefault') ?? false,
    };
    return { body: envelope(input, DATASTORE_TYPE, { properties: outP }, { location: null }) };
  },
  actions: {
    listSecrets: (input) => ({
      status: 200,
      body: { secretsType: at(input.existing.body, 'properties.credentials.credentialsType') },
    }),
  },
};

export function isWorkspaceKey(typeKey: string): boolean {
  return typeKey === WS_KEY;
}

// ------------------------------------------------------------------------------------------------ location queries

const LOCATION_QUERY =
  /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/locations\/([^/]+)\/(usages|vmSizes)$/i;

/**
 * `GET .../locations/{loc}/usages` (vCPU usage and limit per family, from the quota configuration and the
 * computes that exist) and `.../locations/{loc}/vmSizes` (from lib/catalog/vm-sizes.ts). Undefined for other paths.
 */
export function locationQuery(engine: Engine, req: EngineRequest): EngineResponse | undefined {
  const m = LOCATION_QUERY.exec(req.path);
  if (!m || req.method !== 'GET') return undefined;
  const sub = m[1].toLowerCase();
  const loc = region(decodeURIComponent(m[2]));
  if (m[3].toLowerCase() === 'vmsizes') {
    const value = VM_SIZES.filter((v) => v.allowedFor.instance || v.allowedFor.cluster).map((v) => ({
      name: v.name,
      family: v.family,
      vCPUs: v.vCpus,
      gpus: Math.ceil(v.gpus),
      memoryGB: v.memoryGiB,
      lowPriorityCapable: true,
      premiumIO: /s/i.test(v.name.replace(/^Standard_/i, '').replace(/_v\d+$/i, '')),
      supportedComputeTypes: [
        ...(v.allowedFor.cluster ? ['AmlCompute'] : []),
        ...(v.allowedFor.instance ? ['ComputeInstance'] : []),
      ],
    }));
    return { status: 200, body: { value }, resourceId: req.path };
  }
  const used = new Map<string, number>();
  for (const rec of engine.all(COMPUTE_KEY, req.now)) {
    if (!rec.id.toLowerCase().startsWith(`/subscriptions/${sub}/`) || region(rec.location) !== loc) continue;
    const h = coresHeld(rec.pending?.final ?? rec.body);
    if (h) used.set(h.family.toLowerCase(), (used.get(h.family.toLowerCase()) ?? 0) + h.cores);
  }
  const families = new Map<string, boolean>();
  for (const v of VM_SIZES) families.set(v.family, (families.get(v.family) ?? false) || v.gpus > 0);
  const value = [...families]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([family, gpu]) => ({
      id: `/subscriptions/${m[1]}/providers/Microsoft.MachineLearningServices/locations/${loc}/usages/${family}`,
      type: 'Microsoft.MachineLearningServices/vmFamily/usages',
      unit: 'Count',
      amlWorkspaceLocation: loc,
      currentValue: used.get(family.toLowerCase()) ?? 0,
      limit: quotaLimit(engine, loc, family, gpu),
      name: { value: family, localizedValue: family },
    }));
  return { status: 200, body: { value }, resourceId: req.path };
}
