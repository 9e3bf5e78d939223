/**
 * The network, RBAC and storage constructs deployed for real: synthesized, applied by the reconciler over HTTPS to the
 * local ARM emulator, re-planned (0 changes), and checked with raw GETs — e.g. that re-applying the VNet (whose body
 * has no `subnets`) keeps its subnets.
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { App } from '../../../lib/core/app.js';
import { Stack } from '../../../lib/core/stack.js';
import { Workspace } from '../../../lib/constructs/workspace/index.js';
import { VirtualNetwork, NetworkSecurityGroup, PrivateEndpoint } from '../../../lib/constructs/network/index.js';
import { FileShare, FileShareMount } from '../../../lib/constructs/storage/index.js';
import { Principal, RoleAssignment, grant } from '../../../lib/constructs/rbac/index.js';
import { BuiltInRole } from '../../../lib/catalog/index.js';
import { applyStack, planStack } from '../../../lib/reconciler/apply.js';
import { renderPlan } from '../../../lib/reconciler/render.js';
import type { Manifest } from '../../../lib/manifest/types.js';
import { startHarness, type Harness } from '../../e2e/harness.js';
import { TestCompute } from './helpers.js';

const SUB = '00000000-0000-0000-0000-0000000000ab';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TEAM = '55555555-5555-5555-5555-555555555555';

function program(): { manifest: Manifest; vnetId: string; subnetIds: string[]; raIds: string[] } {
  const app = new App();
  const stack = new Stack(app, 'NetE2e', {
    subscriptionId: SUB,
    resourceGroup: 'rg-net-e2e',
    location: 'westeurope',
    createResourceGroup: true,
  });
  const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.40.0.0/16'] });
  const nsg = new NetworkSecurityGroup(stack, 'Nsg');
  nsg.addRule({
    name: 'DenyInternetOut',
    priority: 4000,
    direction: 'Outbound',
    access: 'Deny',
    destinationAddresses: ['Internet'],
  });
  const compute = vnet.addSubnet('Compute', { addressPrefix: '10.40.1.0/24', networkSecurityGroup: nsg });
  const endpoints = vnet.addSubnet('Endpoints', { addressPrefix: '10.40.2.0/27' });
  compute.registerCompute(new TestCompute(stack, 'Placement', 'AmlCompute', false, 4));
  const ws = new Workspace(stack, 'Ws', { tenantId: TENANT, publicNetworkAccess: false });
  PrivateEndpoint.forWorkspace(stack, 'WsPe', { workspace: ws, subnet: endpoints });
  const share = new FileShare(stack, 'Shared', { storageAccount: ws.storageAccount!, quotaGiB: 256 });
  new FileShareMount(stack, 'SharedMount', { workspace: ws, share });
  const team = Principal.group(TEAM, { displayName: 'team' });
  const ra1 = new RoleAssignment(stack, 'TeamNetwork', {
    principal: team,
    role: BuiltInRole.NETWORK_CONTRIBUTOR,
    scope: vnet,
  });
  const ra2 = grant(ws, team, BuiltInRole.AZUREML_DATA_SCIENTIST);
  const manifest = app.synth({ write: false }).manifests[0];
  return {
    manifest,
    vnetId: vnet.virtualNetworkId,
    subnetIds: [compute.subnetId, endpoints.subnetId],
    raIds: [ra1.roleAssignmentId, ra2.roleAssignmentId],
  };
}

describe('network, storage and RBAC constructs against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('apply succeeds, a re-plan shows 0 changes, the VNet keeps its subnets, assignments exist under their scopes', async () => {
    const p = program();
    const r = await applyStack({ client: h.client, store: h.store, manifest: p.manifest });
    const bad = r.outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped');
    assert.deepEqual(
      bad.map((b) => `${b.address}: ${b.error?.code ?? ''} ${b.error?.message ?? b.status}`),
      [],
    );

    const state = await h.store.load(p.manifest.stack.name);
    const { plan } = await planStack(h.client, p.manifest, state);
    const changed = plan.resource_changes.filter((c) => c.change.actions[0] !== 'no-op');
    assert.deepEqual(
      changed.map((c) => c.address),
      [],
      renderPlan(plan),
    );

    const vnet = p.manifest.resources.find((x) => x.id === p.vnetId)!;
    const vnetApi = vnet.apiVersion;
    // Write the VNet body again now that its subnets exist, as an update would.
    const put = await h.emu.request('PUT', `${p.vnetId}?api-version=${vnetApi}`, vnet.body);
    assert.ok([200, 201].includes(put.status), JSON.stringify(put.body));
    if (put.headers['azure-asyncoperation']) await h.emu.waitFor(put);
    for (const id of p.subnetIds) {
      const got = await h.emu.request('GET', `${id}?api-version=${vnetApi}`);
      assert.equal(got.status, 200, `${id} exists after the VNet was written without a subnets array`);
    }
    for (const id of p.raIds) {
      const got = await h.emu.request('GET', `${id}?api-version=2022-04-01`);
      assert.equal(got.status, 200, id);
      assert.equal(got.body.properties.principalId, TEAM);
    }
  });

  test('the same program synthesizes the same role-assignment names: a second apply writes nothing', async () => {
    const p = program();
    const since = h.lastSeq();
    const again = await applyStack({ client: h.client, store: h.store, manifest: p.manifest });
    assert.equal(again.summary.done, 0);
    assert.deepEqual(h.writesSince(since), []);
  });
});
