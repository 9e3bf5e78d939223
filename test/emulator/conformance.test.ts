/**
 * Conformance: Microsoft's own ARM clients drive the emulator over HTTPS with a fake TokenCredential (an unsigned
 * JWT) and their built-in LRO pollers. The emulator's self-signed CA is handed to each client through a
 * per-call pipeline policy that sets an https.Agent trusting it (NODE_EXTRA_CA_CERTS cannot be set after start).
 */
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { TokenCredential, AccessToken } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { ResourceManagementClient } from '@azure/arm-resources';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { NetworkManagementClient } from '@azure/arm-network';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { StorageManagementClient } from '@azure/arm-storage';
import { unsignedToken } from '../../lib/emulator/index.js';
import { startTestEmulator, TEST_SUB, TEST_OID, type TestEmulator } from '../helpers/emulator.js';

const RG = 'rg-conformance';
const LOC = 'westeurope';
const POLL = { updateIntervalInMs: 5 };

class FakeCredential implements TokenCredential {
  async getToken(): Promise<AccessToken> {
    return {
      token: unsignedToken({
        oid: TEST_OID,
        tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        exp: Math.floor(Date.now() / 1000) + 3600,
      }),
      expiresOnTimestamp: Date.now() + 3600_000,
    };
  }
}

function clientOptions(emu: TestEmulator) {
  const agent = new https.Agent({ ca: emu.caCertPem, keepAlive: true });
  const trustEmulator: PipelinePolicy = {
    name: 'trustEmulatorCa',
    sendRequest: (request, next) => {
      request.agent = agent;
      return next(request);
    },
  };
  return {
    endpoint: emu.url,
    additionalPolicies: [{ policy: trustEmulator, position: 'perCall' as const }],
    retryOptions: { maxRetries: 2, retryDelayInMs: 10 },
  };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('conformance with Microsoft ARM clients', () => {
  let emu: TestEmulator;
  let resources: ResourceManagementClient;
  let ml: AzureMachineLearningWorkspaces;
  let network: NetworkManagementClient;
  let auth: AuthorizationManagementClient;
  let storage: StorageManagementClient;
  const cred = new FakeCredential();
  let storageId = '';
  let kvId = '';
  let aiId = '';
  let subnetId = '';

  beforeAll(async () => {
    // Small durations so LROs really go through InProgress, throttling off (tested on its own), paging at 2.
    emu = await startTestEmulator({
      durations: { default: { create: 20, update: 20, delete: 20, action: 20 } },
      throttle: false,
      pageSize: 2,
    });
    const o = clientOptions(emu);
    resources = new ResourceManagementClient(cred, TEST_SUB, o);
    ml = new AzureMachineLearningWorkspaces(cred, TEST_SUB, o);
    network = new NetworkManagementClient(cred, TEST_SUB, o);
    auth = new AuthorizationManagementClient(cred, TEST_SUB, o);
    storage = new StorageManagementClient(cred, TEST_SUB, o);
    await resources.resourceGroups.createOrUpdate(RG, { location: LOC, tags: { env: 'test' } });
    // Workspace dependencies, through raw ARM (key vault / app insights clients are not part of the suite).
    const base = `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers`;
    kvId = `${base}/Microsoft.KeyVault/vaults/kv-conf`;
    aiId = `${base}/Microsoft.Insights/components/ai-conf`;
    const kv = await emu.request('PUT', `${kvId}?api-version=2023-07-01`, {
      location: LOC,
      properties: { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', sku: { family: 'A', name: 'standard' } },
    });
    await emu.waitFor(kv);
    const ai = await emu.request('PUT', `${aiId}?api-version=2020-02-02`, {
      location: LOC,
      kind: 'web',
      properties: { Application_Type: 'web' },
    });
    assert.equal(ai.status, 201);
  });
  afterAll(async () => {
    await emu?.close();
  });

  test('arm-resources: resource group create/get/list', async () => {
    const rg = await resources.resourceGroups.get(RG);
    assert.equal(rg.name, RG);
    assert.equal(rg.location, LOC);
    assert.deepEqual(rg.tags, { env: 'test' });
    await resources.resourceGroups.createOrUpdate('rg-other', { location: LOC });
    await resources.resourceGroups.createOrUpdate('rg-third', { location: LOC });
    const all = await collect(resources.resourceGroups.list());
    assert.deepEqual(all.map((r) => r.name).sort(), [RG, 'rg-other', 'rg-third']);
    // pageSize 2: the client followed nextLink.
    assert.ok(emu.log().some((e) => e.path.endsWith('/resourcegroups') || e.path.endsWith('/resourceGroups')));
    assert.ok(emu.log().filter((e) => /resourcegroups$/i.test(e.path)).length >= 2, 'list needed two pages');
    assert.equal((await resources.resourceGroups.checkExistence(RG)).body, true);
    assert.equal((await resources.resourceGroups.checkExistence('rg-nowhere')).body, false);
    await resources.resourceGroups.beginDeleteAndWait('rg-third', POLL);
    await assert.rejects(
      resources.resourceGroups.get('rg-third'),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === 'ResourceGroupNotFound',
    );
  });

  test('arm-storage: storage account (LRO) and a file share create/get/list/delete', async () => {
    const sa = await storage.storageAccounts.create(
      RG,
      'saconformance',
      { location: LOC, sku: { name: 'Standard_LRS' }, kind: 'StorageV2' },
      POLL,
    );
    storageId = sa.id!;
    assert.equal(sa.provisioningState, 'Succeeded');
    assert.equal(sa.primaryEndpoints?.file, 'https://saconformance.file.core.windows.net/');
    const share = await storage.fileShares.create(RG, 'saconformance', 'team-share', {
      shareQuota: 100,
      enabledProtocols: 'SMB',
    });
    assert.equal(share.name, 'team-share');
    assert.equal(share.shareQuota, 100);
    const got = await storage.fileShares.get(RG, 'saconformance', 'team-share');
    assert.equal(got.accessTier, 'TransactionOptimized');
    await storage.fileShares.create(RG, 'saconformance', 'other-share', {});
    const list = await collect(storage.fileShares.list(RG, 'saconformance'));
    assert.deepEqual(list.map((s) => s.name).sort(), ['other-share', 'team-share']);
    await storage.fileShares.delete(RG, 'saconformance', 'other-share');
    await assert.rejects(
      storage.fileShares.get(RG, 'saconformance', 'other-share'),
      (e: { statusCode?: number }) => e.statusCode === 404,
    );
  });

  test('arm-machinelearning: workspace create/get/list, then delete soft-deletes', async () => {
    const ws = await ml.workspaces.beginCreateOrUpdateAndWait(
      RG,
      'ws-conf',
      {
        location: LOC,
        storageAccount: storageId,
        keyVault: kvId,
        applicationInsights: aiId,
        identity: { type: 'SystemAssigned' },
      },
      POLL,
    );
    assert.equal(ws.provisioningState, 'Succeeded');
    assert.match(ws.workspaceId ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(ws.mlFlowTrackingUri?.startsWith('azureml://westeurope.api.azureml.ms/mlflow/'));
    assert.match(ws.identity?.principalId ?? '', /^[0-9a-f-]{36}$/);
    const list = await collect(ml.workspaces.listByResourceGroup(RG));
    assert.deepEqual(
      list.map((w) => w.name),
      ['ws-conf'],
    );
    await ml.workspaces.beginCreateOrUpdateAndWait(RG, 'ws-temp', { location: LOC }, POLL);
    await ml.workspaces.beginDeleteAndWait(RG, 'ws-temp', POLL);
    await assert.rejects(ml.workspaces.get(RG, 'ws-temp'), (e: { statusCode?: number }) => e.statusCode === 404);
    await assert.rejects(
      ml.workspaces.beginCreateOrUpdateAndWait(RG, 'ws-temp', { location: LOC }, POLL),
      // Azure accepts the write, then its operation fails with this error (see lib/emulator/rp/ml.ts).
      (e: { message?: string }) =>
        /BadRequest\. Soft-deleted workspace exists\. Please purge or recover it\./.test(e.message ?? ''),
    );
  });

  test('arm-network: VNet with subnets and an NSG', async () => {
    const nsg = await network.networkSecurityGroups.beginCreateOrUpdateAndWait(
      RG,
      'nsg-conf',
      {
        location: LOC,
        securityRules: [
          {
            name: 'AzureML-44224',
            priority: 100,
            direction: 'Inbound',
            access: 'Allow',
            protocol: 'Tcp',
            sourceAddressPrefix: 'AzureMachineLearning',
            sourcePortRange: '*',
            destinationAddressPrefix: 'VirtualNetwork',
            destinationPortRange: '44224',
          },
        ],
      },
      POLL,
    );
    assert.equal(nsg.provisioningState, 'Succeeded');
    assert.equal(nsg.defaultSecurityRules?.length, 6);
    const vnet = await network.virtualNetworks.beginCreateOrUpdateAndWait(
      RG,
      'vnet-conf',
      {
        location: LOC,
        addressSpace: { addressPrefixes: ['10.10.0.0/16'] },
        subnets: [{ name: 'compute', addressPrefix: '10.10.1.0/24', networkSecurityGroup: { id: nsg.id } }],
      },
      POLL,
    );
    assert.equal(vnet.subnets?.length, 1);
    const sub = await network.subnets.beginCreateOrUpdateAndWait(
      RG,
      'vnet-conf',
      'endpoints',
      { addressPrefix: '10.10.2.0/24' },
      POLL,
    );
    subnetId = (await network.subnets.get(RG, 'vnet-conf', 'compute')).id!;
    assert.equal(sub.provisioningState, 'Succeeded');
    // The VNet body shows both subnets; a VNet PUT without subnets keeps them.
    await network.virtualNetworks.beginCreateOrUpdateAndWait(
      RG,
      'vnet-conf',
      { location: LOC, addressSpace: { addressPrefixes: ['10.10.0.0/16'] }, tags: { a: 'b' } },
      POLL,
    );
    const again = await network.virtualNetworks.get(RG, 'vnet-conf');
    assert.deepEqual(again.subnets?.map((s) => s.name).sort(), ['compute', 'endpoints']);
    const subnets = await collect(network.subnets.list(RG, 'vnet-conf'));
    assert.equal(subnets.length, 2);
    await network.subnets.beginDeleteAndWait(RG, 'vnet-conf', 'endpoints', POLL);
    assert.deepEqual(
      (await network.virtualNetworks.get(RG, 'vnet-conf')).subnets?.map((s) => s.name),
      ['compute'],
    );
    const nsgAgain = await network.networkSecurityGroups.get(RG, 'nsg-conf');
    assert.deepEqual(
      nsgAgain.subnets?.map((s) => s.id),
      [subnetId],
    );
  });

  test('arm-machinelearning: compute instance create, stop, start, delete', async () => {
    const ci = await ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      'ws-conf',
      'ci-conf',
      {
        location: LOC,
        properties: {
          computeType: 'ComputeInstance',
          properties: {
            vmSize: 'Standard_DS3_v2',
            subnet: { id: subnetId },
            sshSettings: { sshPublicAccess: 'Disabled' },
          },
        },
      },
      POLL,
    );
    assert.equal(ci.properties?.provisioningState, 'Succeeded');
    const props = ci.properties as { properties?: { state?: string; vmSize?: string; applications?: unknown[] } };
    assert.equal(props.properties?.state, 'Running');
    assert.equal(props.properties?.vmSize, 'STANDARD_DS3_V2');
    assert.ok((props.properties?.applications ?? []).length > 0);
    await ml.computeOperations.beginStopAndWait(RG, 'ws-conf', 'ci-conf', POLL);
    let got = await ml.computeOperations.get(RG, 'ws-conf', 'ci-conf');
    assert.equal((got.properties as { properties?: { state?: string } }).properties?.state, 'Stopped');
    await ml.computeOperations.beginStartAndWait(RG, 'ws-conf', 'ci-conf', POLL);
    got = await ml.computeOperations.get(RG, 'ws-conf', 'ci-conf');
    assert.equal((got.properties as { properties?: { state?: string } }).properties?.state, 'Running');
    await ml.computeOperations.beginRestartAndWait(RG, 'ws-conf', 'ci-conf', POLL);
    await ml.computeOperations.beginDeleteAndWait(RG, 'ws-conf', 'ci-conf', 'Delete', POLL);
    await assert.rejects(
      ml.computeOperations.get(RG, 'ws-conf', 'ci-conf'),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === 'ResourceNotFound',
    );
  });

  test('arm-machinelearning: cluster create, PATCH scale settings, list', async () => {
    const cl = await ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      'ws-conf',
      'cpu-cluster',
      {
        location: LOC,
        properties: {
          computeType: 'AmlCompute',
          properties: { vmSize: 'Standard_DS3_v2', scaleSettings: { maxNodeCount: 4, minNodeCount: 0 } },
        },
      },
      POLL,
    );
    const p = cl.properties as {
      properties?: { remoteLoginPortPublicAccess?: string; scaleSettings?: { maxNodeCount: number } };
    };
    assert.equal(p.properties?.remoteLoginPortPublicAccess, 'Enabled');
    const updated = await ml.computeOperations.beginUpdateAndWait(
      RG,
      'ws-conf',
      'cpu-cluster',
      { properties: { scaleSettings: { maxNodeCount: 8, minNodeCount: 1, nodeIdleTimeBeforeScaleDown: 'PT5M' } } },
      POLL,
    );
    const up = updated.properties as {
      properties?: { scaleSettings?: { maxNodeCount: number; minNodeCount: number }; currentNodeCount?: number };
    };
    assert.equal(up.properties?.scaleSettings?.maxNodeCount, 8);
    assert.equal(up.properties?.currentNodeCount, 1);
    const list = await collect(ml.computeOperations.list(RG, 'ws-conf'));
    assert.deepEqual(
      list.map((c) => c.name),
      ['cpu-cluster'],
    );
  });

  test('arm-machinelearning: attach and detach a Kubernetes compute', async () => {
    const aksId = `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-conf`;
    const aks = await emu.request('PUT', `${aksId}?api-version=2024-05-01`, {
      location: LOC,
      properties: { dnsPrefix: 'aksconf' },
    });
    await emu.waitFor(aks);
    const k = await ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      'ws-conf',
      'k8s-attached',
      {
        properties: {
          computeType: 'Kubernetes',
          resourceId: aksId,
          properties: { namespace: 'azureml', relayConnectionString: 'secret-value' },
        },
      },
      POLL,
    );
    assert.equal(k.properties?.isAttachedCompute, true);
    assert.equal(JSON.stringify(k).includes('secret-value'), false, 'secrets are never echoed');
    await ml.computeOperations.beginDeleteAndWait(RG, 'ws-conf', 'k8s-attached', 'Detach', POLL);
    await assert.rejects(
      ml.computeOperations.get(RG, 'ws-conf', 'k8s-attached'),
      (e: { statusCode?: number }) => e.statusCode === 404,
    );
    const still = await emu.request('GET', `${aksId}?api-version=2024-05-01`);
    assert.equal(still.status, 200, 'Detach keeps the underlying cluster');
  });

  test('arm-authorization: role assignment create/get/list/delete, duplicate is RoleAssignmentExists', async () => {
    const scope = `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/ws-conf`;
    const role = `/subscriptions/${TEST_SUB}/providers/Microsoft.Authorization/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121`;
    const principalId = '22222222-2222-2222-2222-222222222222';
    emu.addPrincipal({ objectId: principalId }); // an existing user: the duplicate below (no principalType) looks it up
    const name = '3b1e6a2c-1d1f-4a57-9c1e-0d6b1f0f7a11';
    const ra = await auth.roleAssignments.create(scope, name, {
      roleDefinitionId: role,
      principalId,
      principalType: 'User',
    });
    assert.equal(ra.name, name);
    assert.equal(ra.scope, scope);
    const got = await auth.roleAssignments.get(scope, name);
    assert.equal(got.principalId, principalId);
    const list = await collect(auth.roleAssignments.listForScope(scope));
    assert.deepEqual(
      list.map((r) => r.name),
      [name],
    );
    await assert.rejects(
      auth.roleAssignments.create(scope, '9f8e7d6c-1d1f-4a57-9c1e-0d6b1f0f7a11', {
        roleDefinitionId: role,
        principalId,
      }),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 409 && e.code === 'RoleAssignmentExists',
    );
    const deleted = await auth.roleAssignments.delete(scope, name);
    assert.equal(deleted.name, name);
    await assert.rejects(auth.roleAssignments.get(scope, name), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  test('every client request carried a bearer token and a supported api-version', () => {
    const entries = emu.log().filter((e) => e.kind !== 'admin');
    assert.ok(entries.length > 40);
    assert.ok(
      entries.every((e) => e.principal === TEST_OID),
      'principal is the oid claim',
    );
    assert.equal(
      entries.filter(
        (e) => e.errorCode === 'InvalidApiVersionParameter' || e.errorCode === 'MissingApiVersionParameter',
      ).length,
      0,
    );
    const versions = new Set(entries.map((e) => e.apiVersion));
    for (const v of ['2022-10-01', '2025-05-01', '2022-04-01', '2025-04-01', '2025-08-01'])
      assert.ok(versions.has(v), `client api-version ${v} was used`);
    // No resource was created twice.
    assert.ok(Object.values(emu.counters().creates).every((n) => n === 1));
  });
});
