import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  BuiltInRole,
  apiVersionFor,
  API_VERSIONS,
  API_VERSION_ENTRIES,
  isKnownResourceType,
  isWindowsTimeZone,
  WINDOWS_TIME_ZONES,
  canonicalTimeZone,
  suggestTimeZone,
} from '../../lib/catalog/index.js';
import { AmlcdkError, ValidationError } from '../../lib/core/errors.js';

describe('BuiltInRole', () => {
  test('the Azure ML roles carry their real GUIDs', () => {
    assert.equal(BuiltInRole.AZUREML_DATA_SCIENTIST.guid, 'f6c7c914-8db3-469d-8ca1-694a8f32e121');
    assert.equal(BuiltInRole.AZUREML_COMPUTE_OPERATOR.guid, 'e503ece1-11d0-4e8e-8e2c-7a6c3bf38815');
    assert.equal(BuiltInRole.READER.guid, 'acdd72a7-3385-48ef-bd42-f606fba81ae7');
    assert.equal(BuiltInRole.CONTRIBUTOR.guid, 'b24988ac-6180-42a0-ab88-20f7382dd24c');
    assert.equal(BuiltInRole.OWNER.guid, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
    assert.equal(BuiltInRole.STORAGE_FILE_DATA_SMB_SHARE_CONTRIBUTOR.guid, '0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb');
    assert.equal(BuiltInRole.ACR_PULL.guid, '7f951dda-4ed3-4680-a7ca-43fe172d538d');
    assert.equal(BuiltInRole.NETWORK_CONTRIBUTOR.guid, '4d97b98b-1d4f-4787-a291-c67834d212e7');
    assert.equal(BuiltInRole.KEY_VAULT_SECRETS_USER.guid, '4633458b-17de-408a-b874-0445c86b69e6');
  });

  test('names and GUIDs are unique and GUIDs are lower-case RFC 4122 shaped', () => {
    const all = BuiltInRole.values();
    assert.ok(all.length >= 35);
    assert.equal(new Set(all.map((r) => r.guid)).size, all.length);
    assert.equal(new Set(all.map((r) => r.roleName.toLowerCase())).size, all.length);
    for (const r of all) assert.match(r.guid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  test('fromName ignores case, spaces and hyphens; fromGuid finds constants', () => {
    assert.equal(BuiltInRole.fromName('azureml data scientist'), BuiltInRole.AZUREML_DATA_SCIENTIST);
    assert.equal(BuiltInRole.fromName('AcrPull'), BuiltInRole.ACR_PULL);
    assert.equal(BuiltInRole.fromName('acr-pull'), BuiltInRole.ACR_PULL);
    assert.equal(BuiltInRole.fromName('AzureML Metrics Writer'), BuiltInRole.AZUREML_METRICS_WRITER);
    assert.equal(BuiltInRole.fromGuid('F6C7C914-8DB3-469D-8CA1-694A8F32E121'), BuiltInRole.AZUREML_DATA_SCIENTIST);
  });

  test('throws UnknownRole with close matches and a fix', () => {
    assert.throws(
      () => BuiltInRole.fromName('AzureML Data Scientst', 'Team/Grant'),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.code, 'UnknownRole');
        assert.equal(e.path, 'Team/Grant');
        assert.match(e.message, /did you mean "AzureML Data Scientist"/);
        assert.match(e.details.fix ?? '', /BuiltInRole\.fromName\('AzureML Data Scientist'\)/);
        return true;
      },
    );
    assert.throws(() => BuiltInRole.fromName('SMB Share Contributor'), /Storage File Data SMB Share Contributor/);
    assert.throws(
      () => BuiltInRole.fromName('zzzzzzzzzzzzzzzzzzzz'),
      (e: unknown) => e instanceof ValidationError && e.code === 'UnknownRole' && !/did you mean/.test(e.message),
    );
  });

  test('custom role GUIDs are accepted; malformed ones throw InvalidRoleId', () => {
    const custom = BuiltInRole.fromGuid('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
    assert.equal(custom.builtIn, false);
    assert.equal(custom.roleName, 'custom:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
    assert.ok(!BuiltInRole.values().includes(custom));
    assert.throws(
      () => BuiltInRole.fromGuid('not-a-guid'),
      (e: unknown) => e instanceof ValidationError && e.code === 'InvalidRoleId',
    );
  });

  test('parse accepts names, GUIDs and role-definition ids', () => {
    assert.equal(BuiltInRole.parse('Reader'), BuiltInRole.READER);
    assert.equal(BuiltInRole.parse('acdd72a7-3385-48ef-bd42-f606fba81ae7'), BuiltInRole.READER);
    assert.equal(
      BuiltInRole.parse(
        '/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7',
      ),
      BuiltInRole.READER,
    );
  });

  test('definitionId is subscription-scoped', () => {
    assert.equal(
      BuiltInRole.READER.definitionId('00000000-0000-0000-0000-000000000001'),
      '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7',
    );
    assert.ok(BuiltInRole.isBuiltInRole(BuiltInRole.READER));
    assert.ok(!BuiltInRole.isBuiltInRole({ guid: 'x' }));
  });
});

describe('api-versions', () => {
  test('Azure ML is pinned to 2025-12-01 or newer; the other families as documented', () => {
    const ml = apiVersionFor('Microsoft.MachineLearningServices/workspaces/computes');
    assert.ok(ml >= '2025-12-01', ml);
    assert.ok(!ml.includes('preview'));
    assert.equal(apiVersionFor('Microsoft.MachineLearningServices/workspaces'), ml);
    assert.equal(apiVersionFor('Microsoft.MachineLearningServices/workspaces/datastores'), ml);
    assert.equal(apiVersionFor('Microsoft.Network/virtualNetworks'), '2024-05-01');
    assert.equal(apiVersionFor('Microsoft.Network/virtualNetworks/subnets'), '2024-05-01');
    assert.equal(apiVersionFor('Microsoft.Network/privateEndpoints/privateDnsZoneGroups'), '2024-05-01');
    assert.equal(apiVersionFor('Microsoft.Authorization/roleAssignments'), '2022-04-01');
    assert.equal(apiVersionFor('Microsoft.Storage/storageAccounts/fileServices/shares'), '2024-01-01');
    for (const t of [
      'Microsoft.KeyVault/vaults',
      'Microsoft.Insights/components',
      'Microsoft.ContainerRegistry/registries',
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'Microsoft.Network/privateDnsZones',
      'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
      'Microsoft.Resources/resourceGroups',
    ]) {
      assert.match(apiVersionFor(t), /^\d{4}-\d{2}-\d{2}$/, t);
    }
  });

  test('lookup is case-insensitive; the exported table and entries agree and every entry has a source', () => {
    assert.equal(apiVersionFor('microsoft.network/NETWORKSECURITYGROUPS'), '2024-05-01');
    assert.equal(Object.keys(API_VERSIONS).length, API_VERSION_ENTRIES.length);
    for (const e of API_VERSION_ENTRIES) {
      assert.equal(API_VERSIONS[e.armType], e.apiVersion);
      assert.ok(e.source.length > 10, `${e.armType} has a source`);
      assert.ok(isKnownResourceType(e.armType));
    }
    assert.ok(Object.isFrozen(API_VERSIONS));
  });

  test('an unknown type throws UnknownResourceType naming the table', () => {
    assert.throws(
      () => apiVersionFor('Microsoft.Foo/bars'),
      (e: unknown) => {
        assert.ok(e instanceof AmlcdkError);
        assert.equal(e.code, 'UnknownResourceType');
        assert.match(e.message, /Microsoft\.Foo\/bars/);
        assert.match(e.message, /lib\/catalog\/api-versions\.ts/);
        return true;
      },
    );
    assert.equal(isKnownResourceType('Microsoft.Foo/bars'), false);
  });
});

describe('time zones', () => {
  test('Windows ids are accepted case-insensitively; IANA ids are not but get a suggestion', () => {
    for (const z of [
      'UTC',
      'Pacific Standard Time',
      'W. Europe Standard Time',
      'India Standard Time',
      'AUS Eastern Standard Time',
      'UTC+12',
    ]) {
      assert.ok(isWindowsTimeZone(z), z);
    }
    assert.ok(isWindowsTimeZone('w. europe standard time'));
    assert.equal(canonicalTimeZone('w. europe standard time'), 'W. Europe Standard Time');
    assert.equal(isWindowsTimeZone('Europe/Berlin'), false);
    assert.equal(isWindowsTimeZone('Coordinated Universal Time'), false);
    assert.equal(isWindowsTimeZone(42 as unknown as string), false);
    assert.equal(suggestTimeZone('Europe/Berlin'), 'W. Europe Standard Time');
    assert.equal(suggestTimeZone('nowhere'), undefined);
    assert.equal(new Set(WINDOWS_TIME_ZONES).size, WINDOWS_TIME_ZONES.length);
    assert.ok(WINDOWS_TIME_ZONES.length > 130);
  });
});

describe('api-versions cover what the rest of amlcdk handles', () => {
  test('every ARM type with a body schema has a pinned api-version', async () => {
    const { BODY_SCHEMAS } = await import('../../lib/manifest/body-schemas.js');
    for (const t of Object.keys(BODY_SCHEMAS))
      assert.ok(isKnownResourceType(t), `${t} has a body schema but no pinned api-version`);
  });
});
