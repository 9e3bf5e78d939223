/** Microsoft.Network and role assignment semantics. */
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { startTestEmulator, paths, V, TEST_SUB, type TestEmulator } from '../helpers/emulator.js';

const RG = 'rg-net';
const LOC = 'westeurope';
const qn = `?api-version=${V.net}`;
const vnet = paths.vnet(RG, 'vnet-a');
const vnetBody = (subnets?: unknown[]) => ({
  location: LOC,
  properties: { addressSpace: { addressPrefixes: ['10.1.0.0/16'] }, ...(subnets !== undefined ? { subnets } : {}) },
});
const sn = (name: string, prefix: string) => ({ name, properties: { addressPrefix: prefix } });

describe('network and RBAC semantics', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
    await emu.request('PUT', `${paths.rg(RG)}?api-version=${V.rg}`, { location: LOC });
  });
  afterAll(async () => {
    await emu?.close();
  });

  test('subnets stay consistent between the VNet body and their own resources', async () => {
    const r = await emu.request('PUT', `${vnet}${qn}`, vnetBody([sn('one', '10.1.1.0/24'), sn('two', '10.1.2.0/24')]));
    assert.equal(r.status, 201);
    await emu.waitFor(r);
    const one = await emu.request('GET', `${vnet}/subnets/one${qn}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.type, 'Microsoft.Network/virtualNetworks/subnets');
    assert.equal(one.body.properties.addressPrefix, '10.1.1.0/24');
    const three = await emu.request('PUT', `${vnet}/subnets/three${qn}`, {
      properties: { addressPrefix: '10.1.3.0/24' },
    });
    assert.equal(three.status, 201);
    await emu.waitFor(three);
    const v = await emu.request('GET', `${vnet}${qn}`);
    assert.deepEqual(
      v.body.properties.subnets.map((s: { name: string }) => s.name),
      ['one', 'three', 'two'],
    );
    // Omitting subnets keeps them.
    await emu.waitFor(await emu.request('PUT', `${vnet}${qn}`, vnetBody()));
    assert.equal((await emu.request('GET', `${vnet}${qn}`)).body.properties.subnets.length, 3);
    // Listing fewer removes the others; [] removes all.
    await emu.waitFor(await emu.request('PUT', `${vnet}${qn}`, vnetBody([sn('one', '10.1.1.0/24')])));
    assert.equal((await emu.request('GET', `${vnet}/subnets/two${qn}`)).status, 404);
    await emu.waitFor(await emu.request('PUT', `${vnet}${qn}`, vnetBody([])));
    assert.deepEqual((await emu.request('GET', `${vnet}${qn}`)).body.properties.subnets, []);
  });

  test('subnet ranges must fit the VNet and not overlap', async () => {
    const outside = await emu.request('PUT', `${vnet}/subnets/out${qn}`, {
      properties: { addressPrefix: '10.2.0.0/24' },
    });
    assert.equal(outside.status, 400);
    assert.equal(outside.body.error.code, 'NetcfgSubnetRangeOutsideVnet');
    await emu.waitFor(
      await emu.request('PUT', `${vnet}/subnets/base${qn}`, { properties: { addressPrefix: '10.1.8.0/22' } }),
    );
    const overlap = await emu.request('PUT', `${vnet}/subnets/over${qn}`, {
      properties: { addressPrefix: '10.1.9.0/24' },
    });
    assert.equal(overlap.body.error.code, 'NetcfgSubnetRangesOverlap');
    const badCidr = await emu.request('PUT', `${vnet}/subnets/bad${qn}`, {
      properties: { addressPrefix: '10.1.9.7/24' },
    });
    assert.equal(badCidr.body.error.code, 'InvalidCIDRNotation');
  });

  test('parallel writes on one VNet: 409 AnotherOperationInProgress', async () => {
    const par = paths.vnet(RG, 'vnet-parallel');
    await emu.waitFor(await emu.request('PUT', `${par}${qn}`, vnetBody()));
    emu.configure({ durations: { default: { create: 60_000, update: 60_000 } } });
    try {
      const a = await emu.request('PUT', `${par}/subnets/p1${qn}`, { properties: { addressPrefix: '10.1.20.0/24' } });
      assert.equal(a.status, 201);
      const b = await emu.request('PUT', `${par}/subnets/p2${qn}`, { properties: { addressPrefix: '10.1.21.0/24' } });
      assert.equal(b.status, 409);
      assert.equal(b.body.error.code, 'AnotherOperationInProgress');
      const v = await emu.request('PUT', `${par}${qn}`, vnetBody());
      assert.equal(v.status, 409);
    } finally {
      emu.configure({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
    }
  });

  test('a subnet in use cannot be deleted: 400 InUseSubnetCannotBeDeleted (directly, through the VNet body, or the VNet)', async () => {
    const v2 = paths.vnet(RG, 'vnet-use');
    await emu.waitFor(await emu.request('PUT', `${v2}${qn}`, vnetBody([sn('used', '10.1.1.0/24')])));
    const ws = paths.ws(RG, 'ws-net');
    await emu.waitFor(await emu.request('PUT', `${ws}?api-version=${V.ml}`, { location: LOC }));
    const c = await emu.request('PUT', `${ws}/computes/cpu-in-subnet?api-version=${V.ml}`, {
      properties: {
        computeType: 'AmlCompute',
        properties: {
          vmSize: 'Standard_DS3_v2',
          scaleSettings: { maxNodeCount: 1 },
          subnet: { id: `${v2}/subnets/used` },
        },
      },
    });
    assert.equal(c.status, 201);
    const del = await emu.request('DELETE', `${v2}/subnets/used${qn}`);
    assert.equal(del.status, 400);
    assert.equal(del.body.error.code, 'InUseSubnetCannotBeDeleted');
    assert.match(del.body.error.message, /cpu-in-subnet/);
    const viaBody = await emu.request('PUT', `${v2}${qn}`, vnetBody([]));
    assert.equal(viaBody.body.error.code, 'InUseSubnetCannotBeDeleted');
    const viaVnet = await emu.request('DELETE', `${v2}${qn}`);
    assert.equal(viaVnet.body.error.code, 'InUseSubnetCannotBeDeleted');
    const gone = await emu.request(
      'DELETE',
      `${ws}/computes/cpu-in-subnet?api-version=${V.ml}&underlyingResourceAction=Delete`,
    );
    await emu.waitFor(gone);
    const ok = await emu.request('DELETE', `${v2}/subnets/used${qn}`);
    assert.equal(ok.status, 202);
  });

  test('NSG: rule validation, default rules, subnets back-reference, in-use delete refused', async () => {
    const nsg = paths.nsg(RG, 'nsg-a');
    const rule = (name: string, priority: number) => ({
      name,
      properties: {
        priority,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: '*',
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: '443',
      },
    });
    const dup = await emu.request('PUT', `${nsg}${qn}`, {
      location: LOC,
      properties: { securityRules: [rule('a', 100), rule('b', 100)] },
    });
    assert.equal(dup.status, 400);
    assert.equal(dup.body.error.code, 'SecurityRuleConflict');
    const prio = await emu.request('PUT', `${nsg}${qn}`, {
      location: LOC,
      properties: { securityRules: [rule('a', 5000)] },
    });
    assert.equal(prio.body.error.code, 'SecurityRuleInvalidPriority');
    await emu.waitFor(
      await emu.request('PUT', `${nsg}${qn}`, { location: LOC, properties: { securityRules: [rule('a', 100)] } }),
    );
    const child = await emu.request('PUT', `${nsg}/securityRules/c${qn}`, rule('c', 110));
    assert.equal(child.status, 201);
    await emu.waitFor(child);
    const got = await emu.request('GET', `${nsg}${qn}`);
    assert.deepEqual(
      got.body.properties.securityRules.map((r: { name: string }) => r.name),
      ['a', 'c'],
    );
    assert.equal(got.body.properties.defaultSecurityRules.length, 6);
    await emu.waitFor(
      await emu.request('PUT', `${vnet}/subnets/guarded${qn}`, {
        properties: { addressPrefix: '10.1.30.0/24', networkSecurityGroup: { id: nsg } },
      }),
    );
    const withSubnet = await emu.request('GET', `${nsg}${qn}`);
    assert.deepEqual(withSubnet.body.properties.subnets, [{ id: `${vnet}/subnets/guarded` }]);
    const del = await emu.request('DELETE', `${nsg}${qn}`);
    assert.equal(del.status, 400);
    assert.equal(del.body.error.code, 'InUseNetworkSecurityGroupCannotBeDeleted');
    const missingNsg = await emu.request('PUT', `${vnet}/subnets/nonsg${qn}`, {
      properties: { addressPrefix: '10.1.31.0/24', networkSecurityGroup: { id: `${nsg}-missing` } },
    });
    assert.equal(missingNsg.body.error.code, 'InvalidResourceReference');
  });

  test('private endpoint and DNS: references must exist; group and links created', async () => {
    const ws = paths.ws(RG, 'ws-pe');
    await emu.waitFor(await emu.request('PUT', `${ws}?api-version=${V.ml}`, { location: LOC }));
    const pe = `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateEndpoints/pe-ws`;
    const body = (subnet: string) => ({
      location: LOC,
      properties: {
        subnet: { id: subnet },
        privateLinkServiceConnections: [
          { name: 'ws', properties: { privateLinkServiceId: ws, groupIds: ['amlworkspace'] } },
        ],
      },
    });
    const bad = await emu.request('PUT', `${pe}${qn}`, body(`${vnet}/subnets/nope`));
    assert.equal(bad.body.error.code, 'InvalidResourceReference');
    await emu.waitFor(
      await emu.request('PUT', `${vnet}/subnets/pe${qn}`, { properties: { addressPrefix: '10.1.40.0/24' } }),
    );
    const ok = await emu.request('PUT', `${pe}${qn}`, body(`${vnet}/subnets/pe`));
    assert.equal(ok.status, 201);
    await emu.waitFor(ok);
    const got = (await emu.request('GET', `${pe}${qn}`)).body;
    assert.equal(
      got.properties.privateLinkServiceConnections[0].properties.privateLinkServiceConnectionState.status,
      'Approved',
    );
    assert.equal(got.properties.networkInterfaces.length, 1);
    const zone = `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms`;
    const z = await emu.request('PUT', `${zone}?api-version=2024-06-01`, { location: 'global' });
    assert.equal(z.status, 201);
    await emu.waitFor(z);
    const link = await emu.request('PUT', `${zone}/virtualNetworkLinks/link-a?api-version=2024-06-01`, {
      location: 'global',
      properties: { virtualNetwork: { id: vnet }, registrationEnabled: false },
    });
    assert.equal(link.status, 201);
    const grp = await emu.request('PUT', `${pe}/privateDnsZoneGroups/default${qn}`, {
      properties: { privateDnsZoneConfigs: [{ name: 'api', properties: { privateDnsZoneId: zone } }] },
    });
    assert.equal(grp.status, 201);
    // The endpoint is in its subnet now.
    const del = await emu.request('DELETE', `${vnet}/subnets/pe${qn}`);
    assert.equal(del.body.error.code, 'InUseSubnetCannotBeDeleted');
  });

  test('role assignments: GUID names, duplicates 409 RoleAssignmentExists, scope inheritance in lists', async () => {
    const scope = paths.rg(RG);
    const role = `/subscriptions/${TEST_SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
    const ra = (name: string, s = scope) =>
      `${s}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${V.auth}`;
    const principalId = '33333333-3333-3333-3333-333333333333';
    // Principals that exist in Entra ID (assignments without principalType are looked up there).
    for (const objectId of [
      principalId,
      '44444444-4444-4444-4444-444444444444',
      '55555555-5555-5555-5555-555555555555',
    ])
      emu.addPrincipal({ objectId });
    const notGuid = await emu.request('PUT', ra('reader-for-bob'), {
      properties: { roleDefinitionId: role, principalId },
    });
    assert.equal(notGuid.status, 400);
    assert.equal(notGuid.body.error.code, 'InvalidRoleAssignmentId');
    const badRole = await emu.request('PUT', ra('aaaaaaaa-0000-4000-8000-000000000001'), {
      properties: { roleDefinitionId: 'Reader', principalId },
    });
    assert.equal(badRole.body.error.code, 'InvalidRoleDefinitionId');
    const first = await emu.request('PUT', ra('aaaaaaaa-0000-4000-8000-000000000001'), {
      properties: { roleDefinitionId: role, principalId, principalType: 'ServicePrincipal' },
    });
    assert.equal(first.status, 201);
    assert.equal(first.body.properties.scope, scope);
    const same = await emu.request('PUT', ra('aaaaaaaa-0000-4000-8000-000000000001'), {
      properties: { roleDefinitionId: role, principalId, principalType: 'ServicePrincipal' },
    });
    assert.equal(same.status, 200, 'same name, same content: idempotent');
    const dup = await emu.request('PUT', ra('aaaaaaaa-0000-4000-8000-000000000002'), {
      properties: { roleDefinitionId: role, principalId },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'RoleAssignmentExists');
    const change = await emu.request('PUT', ra('aaaaaaaa-0000-4000-8000-000000000001'), {
      properties: { roleDefinitionId: role, principalId: '44444444-4444-4444-4444-444444444444' },
    });
    assert.equal(change.body.error.code, 'RoleAssignmentUpdateNotPermitted');
    const ws = paths.ws(RG, 'ws-pe');
    const below = await emu.request('PUT', ra('aaaaaaaa-0000-4000-8000-000000000003', ws), {
      properties: { roleDefinitionId: role, principalId: '55555555-5555-5555-5555-555555555555' },
    });
    assert.equal(below.status, 201);
    const missingScope = await emu.request('PUT', ra('aaaaaaaa-0000-4000-8000-000000000004', paths.ws(RG, 'nope')), {
      properties: { roleDefinitionId: role, principalId },
    });
    assert.equal(missingScope.status, 404);
    // RBAC on a file share uses the 'fileshares' scope spelling; the default file service is a valid scope too.
    const sa = paths.storage(RG, 'sarbac');
    await emu.waitFor(
      await emu.request('PUT', `${sa}?api-version=${V.storage}`, { location: LOC, sku: { name: 'Standard_LRS' } }),
    );
    await emu.request('PUT', `${sa}/fileServices/default/shares/team?api-version=${V.storage}`, { properties: {} });
    const onShare = await emu.request(
      'PUT',
      ra('aaaaaaaa-0000-4000-8000-000000000005', `${sa}/fileServices/default/fileshares/team`),
      { properties: { roleDefinitionId: role, principalId } },
    );
    assert.equal(onShare.status, 201);
    const onService = await emu.request(
      'PUT',
      ra('aaaaaaaa-0000-4000-8000-000000000006', `${sa}/fileServices/default`),
      { properties: { roleDefinitionId: role, principalId } },
    );
    assert.equal(onService.status, 201);
    const noShare = await emu.request(
      'PUT',
      ra('aaaaaaaa-0000-4000-8000-000000000007', `${sa}/fileServices/default/fileshares/nope`),
      { properties: { roleDefinitionId: role, principalId } },
    );
    assert.equal(noShare.status, 404);
    const list = (s: string, filter = '') =>
      emu.request('GET', `${s}/providers/Microsoft.Authorization/roleAssignments?api-version=${V.auth}${filter}`);
    assert.equal((await list(scope)).body.value.length, 4, 'at and below the scope');
    assert.equal((await list(scope, `&$filter=${encodeURIComponent('atScope()')}`)).body.value.length, 1);
    assert.equal(
      (await list(ws, `&$filter=${encodeURIComponent('atScope()')}`)).body.value.length,
      2,
      'inherited from the group',
    );
    assert.equal(
      (await list(scope, `&$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}`)).body.value.length,
      3,
    );
    const defs = await emu.request(
      'GET',
      `/subscriptions/${TEST_SUB}/providers/Microsoft.Authorization/roleDefinitions?api-version=${V.auth}&$filter=${encodeURIComponent("roleName eq 'AzureML Data Scientist'")}`,
    );
    assert.deepEqual(
      defs.body.value.map((d: { name: string }) => d.name),
      ['f6c7c914-8db3-469d-8ca1-694a8f32e121'],
    );
    const reader = await emu.request(
      'GET',
      `${scope}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7?api-version=${V.auth}`,
    );
    assert.equal(reader.body.properties.roleName, 'Reader');
    const unknownDef = await emu.request(
      'GET',
      `/subscriptions/${TEST_SUB}/providers/Microsoft.Authorization/roleDefinitions/00000000-1111-2222-3333-444444444444?api-version=${V.auth}`,
    );
    assert.equal(unknownDef.body.error.code, 'RoleDefinitionDoesNotExist');
    const del = await emu.request('DELETE', ra('aaaaaaaa-0000-4000-8000-000000000001'));
    assert.equal(del.status, 200);
    assert.equal(del.body.properties.principalId, principalId);
    assert.equal((await emu.request('DELETE', ra('aaaaaaaa-0000-4000-8000-000000000001'))).status, 204);
  });
});
