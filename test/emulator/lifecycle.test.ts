/**
 * Azure's lifecycle traps as the emulator models them (docs/emulator.md "Lifecycle"): the Entra directory and its
 * replication delay, unknown role definitions, Key Vault soft delete (deleted list, recover, purge, purge
 * protection, name blocked), globally unique names with checkNameAvailability, failed provisioning, the compute's
 * region echoed as its location, and what a compute instance GET leaves out.
 */
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEmulator, paths, V, TEST_SUB, TEST_OID, type TestEmulator } from '../helpers/emulator.js';

const RG = 'rg-life';
const LOC = 'westeurope';
const OTHER_SUB = '00000000-0000-0000-0000-00000000bbbb';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const READER = `/subscriptions/${TEST_SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const DAY = 24 * 3600 * 1000;

const kv = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}?api-version=${V.kv}`;
const vaultBody = (extra: Record<string, unknown> = {}) => ({
  location: LOC,
  properties: { tenantId: TENANT, sku: { family: 'A', name: 'standard' }, ...extra },
});

describe('Azure lifecycle traps in the emulator', () => {
  let emu: TestEmulator;
  const put = async (path: string, body: unknown) => {
    const r = await emu.request('PUT', path, body);
    if (r.headers['azure-asyncoperation'] && r.status < 300) await emu.waitFor(r);
    return r;
  };
  const del = async (path: string) => {
    const r = await emu.request('DELETE', path);
    if (r.headers['azure-asyncoperation'] && r.status < 300) await emu.waitFor(r);
    return r;
  };
  const ra = (name: string) =>
    `${paths.rg(RG)}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${V.auth}`;

  beforeAll(async () => {
    emu = await startTestEmulator({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
    for (const sub of [TEST_SUB, OTHER_SUB])
      await put(`/subscriptions/${sub}/resourceGroups/${RG}?api-version=${V.rg}`, { location: LOC });
  });
  afterAll(async () => {
    await emu?.close();
  });

  test('role assignments: unknown principal without principalType is 400 PrincipalNotFound, worded as Azure does', async () => {
    const stranger = '0b5e1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
    const r = await emu.request('PUT', ra('b0000000-0000-4000-8000-000000000001'), {
      properties: { roleDefinitionId: READER, principalId: stranger },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'PrincipalNotFound');
    assert.equal(
      r.body.error.message,
      `Principal 0b5e1c2d3e4f4a5b8c6d7e8f9a0b1c2d does not exist in the directory ${TENANT}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group. See https://aka.ms/docs-principaltype`,
    );
    // With principalType, RBAC does not look the principal up.
    const typed = await emu.request('PUT', ra('b0000000-0000-4000-8000-000000000001'), {
      properties: { roleDefinitionId: READER, principalId: stranger, principalType: 'User' },
    });
    assert.equal(typed.status, 201);
    // The caller is known; a principal seeded through the admin API is known.
    const self = await emu.request('PUT', ra('b0000000-0000-4000-8000-000000000002'), {
      properties: { roleDefinitionId: READER, principalId: TEST_OID },
    });
    assert.equal(self.status, 201);
    const seeded = await emu.request('POST', '/_emulator/principals', {
      objectId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      type: 'Group',
    });
    assert.equal(seeded.status, 200);
    const group = await emu.request('PUT', ra('b0000000-0000-4000-8000-000000000003'), {
      properties: { roleDefinitionId: READER, principalId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' },
    });
    assert.equal(group.status, 201);
  });

  test('role assignments: a new identity is invisible until its replication delay passes', async () => {
    emu.configure({ principalReplicationMs: 60_000 });
    try {
      const uami = await put(
        `${paths.rg(RG)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-new?api-version=${V.msi}`,
        { location: LOC },
      );
      const principalId = uami.body.properties.principalId as string;
      const body = { properties: { roleDefinitionId: READER, principalId } };
      const early = await emu.request('PUT', ra('b0000000-0000-4000-8000-000000000004'), body);
      assert.equal(early.body.error?.code, 'PrincipalNotFound');
      emu.advanceClock(60_000);
      assert.equal((await emu.request('PUT', ra('b0000000-0000-4000-8000-000000000004'), body)).status, 201);
    } finally {
      emu.configure({ principalReplicationMs: 0 });
    }
  });

  test('role assignments: a role definition GUID that is not a role is 400 RoleDefinitionDoesNotExist', async () => {
    const r = await emu.request('PUT', ra('b0000000-0000-4000-8000-000000000005'), {
      properties: {
        roleDefinitionId: `/subscriptions/${TEST_SUB}/providers/Microsoft.Authorization/roleDefinitions/12345678-1234-4234-8234-123456789abc`,
        principalId: TEST_OID,
      },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'RoleDefinitionDoesNotExist');
  });

  test('the directory is persisted with the state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amlcdk-dir-'));
    try {
      const a = await startTestEmulator({ dataDir: dir });
      try {
        a.addPrincipal({
          objectId: '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60',
          type: 'ServicePrincipal',
          displayName: 'ci',
        });
        await a.request('POST', '/_emulator/principals', [{ objectId: '3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6071' }]);
      } finally {
        await a.close();
      }
      const b = await startTestEmulator({ dataDir: dir });
      try {
        const list = (await b.request('GET', '/_emulator/principals')).body.value as { objectId: string }[];
        assert.deepEqual(list.map((p) => p.objectId).sort(), [
          '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60',
          '3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6071',
        ]);
      } finally {
        await b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Key Vault soft delete: listed, name blocked, recovered with createMode recover, purged', async () => {
    const v = kv(TEST_SUB, RG, 'kv-life-1');
    assert.equal((await put(v, vaultBody({ enableRbacAuthorization: true }))).status, 200);
    await del(v);
    assert.equal((await emu.request('GET', v)).status, 404);
    const list = await emu.request(
      'GET',
      `/subscriptions/${TEST_SUB}/providers/Microsoft.KeyVault/deletedVaults?api-version=${V.kv}`,
    );
    const entry = (list.body.value as { name: string; properties: Record<string, unknown> }[]).find(
      (x) => x.name === 'kv-life-1',
    );
    assert.ok(entry, 'the deleted vault is listed');
    assert.equal(String(entry.properties.vaultId).toLowerCase(), v.split('?')[0].toLowerCase());
    assert.equal(entry.properties.purgeProtectionEnabled, false);
    assert.equal(
      Date.parse(String(entry.properties.scheduledPurgeDate)) - Date.parse(String(entry.properties.deletionDate)),
      90 * DAY,
    );
    const one = `/subscriptions/${TEST_SUB}/providers/Microsoft.KeyVault/locations/${LOC}/deletedVaults/kv-life-1?api-version=${V.kv}`;
    assert.equal((await emu.request('GET', one)).status, 200);
    const blocked = await emu.request('PUT', v, vaultBody());
    assert.equal(blocked.status, 409);
    assert.equal(blocked.body.error.code, 'ConflictError');
    assert.match(blocked.body.error.message, /^A vault with the same name already exists in deleted state\./);
    const recovered = await put(v, vaultBody({ createMode: 'recover' }));
    assert.equal(recovered.status, 200);
    const got = await emu.request('GET', v);
    assert.equal(got.body.properties.enableRbacAuthorization, true, 'recovered with its old properties');
    assert.equal((await emu.request('GET', one)).status, 404, 'no longer deleted');
    await del(v);
    const purged = await emu.request('POST', one.replace('?', '/purge?'));
    assert.equal(purged.status, 200);
    assert.equal((await put(v, vaultBody())).status, 200, 'the name is free after a purge');
  });

  test('Key Vault purge protection refuses the purge until the retention ends; a resource group delete soft-deletes', async () => {
    const rg = 'rg-life-kv';
    await put(`/subscriptions/${TEST_SUB}/resourceGroups/${rg}?api-version=${V.rg}`, { location: LOC });
    const v = kv(TEST_SUB, rg, 'kv-life-2');
    await put(v, vaultBody({ enablePurgeProtection: true, softDeleteRetentionInDays: 7 }));
    await del(`/subscriptions/${TEST_SUB}/resourceGroups/${rg}?api-version=${V.rg}`);
    const one = `/subscriptions/${TEST_SUB}/providers/Microsoft.KeyVault/locations/${LOC}/deletedVaults/kv-life-2?api-version=${V.kv}`;
    const deleted = await emu.request('GET', one);
    assert.equal(deleted.status, 200, 'deleting the group soft-deleted the vault');
    assert.equal(deleted.body.properties.purgeProtectionEnabled, true);
    const refused = await emu.request('POST', one.replace('?', '/purge?'));
    assert.equal(refused.status, 409);
    emu.advanceClock(7 * DAY + 1);
    assert.equal((await emu.request('GET', one)).status, 404, 'gone after the retention');
  });

  test('globally unique names: taken in another subscription, and checkNameAvailability says so', async () => {
    const sa = (sub: string) =>
      `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/salifetaken?api-version=${V.storage}`;
    assert.equal((await put(sa(OTHER_SUB), { location: LOC, sku: { name: 'Standard_LRS' } })).status, 202);
    const taken = await emu.request('PUT', sa(TEST_SUB), { location: LOC, sku: { name: 'Standard_LRS' } });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error.code, 'StorageAccountAlreadyTaken');
    assert.equal(taken.body.error.message, 'The storage account named salifetaken is already taken.');
    const check = (ns: string, name: string, type: string) =>
      emu.request(
        'POST',
        `/subscriptions/${TEST_SUB}/providers/${ns}/checkNameAvailability?api-version=${
          ns === 'Microsoft.Storage' ? V.storage : ns === 'Microsoft.KeyVault' ? V.kv : V.acr
        }`,
        { name, type },
      );
    assert.deepEqual((await check('Microsoft.Storage', 'salifetaken', 'Microsoft.Storage/storageAccounts')).body, {
      nameAvailable: false,
      reason: 'AlreadyExists',
      message: 'The storage account named salifetaken is already taken.',
    });
    assert.equal(
      (await check('Microsoft.Storage', 'Bad_Name', 'Microsoft.Storage/storageAccounts')).body.reason,
      'AccountNameInvalid',
    );
    assert.deepEqual((await check('Microsoft.Storage', 'salifefree', 'Microsoft.Storage/storageAccounts')).body, {
      nameAvailable: true,
    });
    // Vaults: a live one elsewhere, and a soft-deleted one elsewhere, both hold the name.
    await put(kv(OTHER_SUB, RG, 'kv-life-other'), vaultBody());
    const vTaken = await emu.request('PUT', kv(TEST_SUB, RG, 'kv-life-other'), vaultBody());
    assert.equal(vTaken.body.error.code, 'VaultAlreadyExists');
    await del(kv(OTHER_SUB, RG, 'kv-life-other'));
    assert.equal(
      (await emu.request('PUT', kv(TEST_SUB, RG, 'kv-life-other'), vaultBody())).body.error.code,
      'VaultAlreadyExists',
    );
    assert.equal(
      (await check('Microsoft.KeyVault', 'kv-life-other', 'Microsoft.KeyVault/vaults')).body.reason,
      'AlreadyExists',
    );
    // Registries.
    const acr = (sub: string) =>
      `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/acrlifetaken?api-version=${V.acr}`;
    await put(acr(OTHER_SUB), { location: LOC, sku: { name: 'Basic' } });
    assert.equal(
      (await emu.request('PUT', acr(TEST_SUB), { location: LOC, sku: { name: 'Basic' } })).body.error.code,
      'AlreadyInUse',
    );
    assert.deepEqual(
      (await check('Microsoft.ContainerRegistry', 'acrlifetaken', 'Microsoft.ContainerRegistry/registries')).body,
      {
        nameAvailable: false,
        reason: 'AlreadyExists',
        message: 'The registry acrlifetaken is already in use.',
      },
    );
  });

  test('failed provisioning: the operation ends Failed with the error, the compute stays Failed with provisioningErrors', async () => {
    const ws = paths.ws(RG, 'ws-life');
    await put(`${ws}?api-version=${V.ml}`, { location: LOC });
    emu.configure({
      faults: [
        {
          method: 'PUT',
          resourceType: 'Microsoft.MachineLearningServices/workspaces/computes',
          times: 1,
          lroFailure: {
            afterPolls: 1,
            code: 'ResizeFailed',
            message: 'Allocation failed: no capacity for STANDARD_D4S_V5.',
          },
        },
      ],
    });
    try {
      const c = `${ws}/computes/cpu-life?api-version=${V.ml}`;
      const r = await emu.request('PUT', c, {
        properties: {
          computeType: 'AmlCompute',
          properties: { vmSize: 'Standard_D4s_v5', scaleSettings: { minNodeCount: 0, maxNodeCount: 1 } },
        },
      });
      const end = await emu.waitFor(r);
      assert.equal(end.status, 'Failed');
      assert.equal(end.error.code, 'ResizeFailed');
      emu.advanceClock(3600_000);
      const got = await emu.request('GET', c);
      assert.equal(got.body.properties.provisioningState, 'Failed', 'stays Failed');
      assert.deepEqual(got.body.properties.provisioningErrors, [
        { error: { code: 'ResizeFailed', message: 'Allocation failed: no capacity for STANDARD_D4S_V5.' } },
      ]);
    } finally {
      emu.configure({ faults: [] });
    }
  });

  test('a cluster in another region: its region is echoed as the top-level location', async () => {
    const ws = paths.ws(RG, 'ws-life');
    const body = (top: string, computeLocation?: string) => ({
      location: top,
      properties: {
        computeType: 'AmlCompute',
        ...(computeLocation ? { computeLocation } : {}),
        properties: { vmSize: 'Standard_D4s_v5', scaleSettings: { minNodeCount: 0, maxNodeCount: 1 } },
      },
    });
    const asClients = await put(`${ws}/computes/cpu-north-a?api-version=${V.ml}`, body('northeurope'));
    assert.equal(asClients.status, 201);
    const a = await emu.request('GET', `${ws}/computes/cpu-north-a?api-version=${V.ml}`);
    assert.equal(a.body.location, 'northeurope');
    await put(`${ws}/computes/cpu-north-b?api-version=${V.ml}`, body(LOC, 'northeurope'));
    const b = await emu.request('GET', `${ws}/computes/cpu-north-b?api-version=${V.ml}`);
    assert.equal(b.body.location, 'northeurope', 'computeLocation wins over the workspace region');
    assert.equal(b.body.properties.computeLocation, 'northeurope');
  });

  test('a compute instance GET echoes enableNodePublicIp (as recorded), which stays create-only', async () => {
    const ws = paths.ws(RG, 'ws-life');
    const c = `${ws}/computes/ci-life?api-version=${V.ml}`;
    const body = (enableNodePublicIp: boolean) => ({
      properties: { computeType: 'ComputeInstance', properties: { vmSize: 'Standard_DS3_v2', enableNodePublicIp } },
    });
    await put(c, body(true));
    const got = await emu.request('GET', c);
    assert.equal(got.body.properties.properties.enableNodePublicIp, true);
    const change = await emu.request('PUT', c, body(false));
    assert.equal(change.status, 400);
    assert.equal(change.body.error.code, 'PropertyChangeNotAllowed');
  });
});
