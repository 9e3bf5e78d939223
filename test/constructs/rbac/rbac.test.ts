import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  Principal,
  RoleAssignment,
  grant,
  uuidv5,
  roleAssignmentName,
  ROLE_ASSIGNMENT_NAMESPACE,
} from '../../../lib/constructs/rbac/index.js';
import { VirtualNetwork } from '../../../lib/constructs/network/index.js';
import { BuiltInRole } from '../../../lib/catalog/index.js';
import { ValidationError } from '../../../lib/core/errors.js';
import { validateBody } from '../../../lib/manifest/schema.js';
import { newStack, synth, codes, errorOf, TestWorkspace, SUB, TENANT } from '../network/helpers.js';

const ALICE = '11111111-1111-1111-1111-111111111111';
const TEAM = '22222222-2222-2222-2222-222222222222';
const RA_T = 'Microsoft.Authorization/roleAssignments';

describe('Principal', () => {
  test('factories set the ARM principalType; ids are normalized to lower case', () => {
    const u = Principal.user(ALICE.toUpperCase(), { tenantId: TENANT.toUpperCase(), displayName: ' alice ' });
    assert.deepEqual(
      [u.objectId, u.tenantId, u.principalType, u.displayName, u.label],
      [ALICE, TENANT, 'User', 'alice', 'alice'],
    );
    assert.equal(Principal.group(TEAM).principalType, 'Group');
    assert.equal(Principal.servicePrincipal(TEAM).principalType, 'ServicePrincipal');
    assert.equal(Principal.managedIdentity(TEAM).principalType, 'ServicePrincipal');
    assert.equal(Principal.foreignGroup(TEAM).principalType, 'ForeignGroup');
    assert.equal(Principal.group(TEAM).label, '22222222');
    assert.ok(Principal.isPrincipal(u));
    assert.ok(Principal.isPrincipalLike({ objectId: ALICE, principalType: 'User' }));
    assert.ok(!Principal.isPrincipalLike({ objectId: 'alice', principalType: 'User' }));
  });

  test('throws InvalidPrincipalId / InvalidTenantId / InvalidPrincipalDisplayName with a fix', () => {
    assert.throws(
      () => Principal.user('alice@contoso.com'),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.code, 'InvalidPrincipalId');
        assert.equal(e.details.value, 'alice@contoso.com');
        assert.match(e.details.fix!, /az ad user show/);
        return true;
      },
    );
    assert.throws(
      () => Principal.servicePrincipal('x'),
      (e: unknown) => e instanceof ValidationError && /not the application id/.test(e.details.fix!),
    );
    assert.throws(
      () => Principal.user(undefined as unknown as string),
      (e: unknown) => e instanceof ValidationError && e.code === 'InvalidPrincipalId',
    );
    assert.throws(
      () => Principal.user(ALICE, { tenantId: 'contoso' }),
      (e: unknown) => e instanceof ValidationError && e.code === 'InvalidTenantId',
    );
    assert.throws(
      () => Principal.user(ALICE, { displayName: '  ' }),
      (e: unknown) => e instanceof ValidationError && e.code === 'InvalidPrincipalDisplayName',
    );
  });
});

describe('uuidv5 names', () => {
  test('matches RFC 4122 v5 (the DNS-namespace example for "python.org")', () => {
    assert.equal(uuidv5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  test('name = uuidv5(scope|principal|role) in the fixed namespace, case-insensitive in its inputs', () => {
    const scope = `/subscriptions/${SUB}/resourceGroups/rg-ml`;
    const n = roleAssignmentName(scope, ALICE, BuiltInRole.READER.guid);
    assert.equal(n, uuidv5(`${scope.toLowerCase()}|${ALICE}|${BuiltInRole.READER.guid}`, ROLE_ASSIGNMENT_NAMESPACE));
    assert.equal(
      roleAssignmentName(scope.toUpperCase(), ALICE.toUpperCase(), BuiltInRole.READER.guid.toUpperCase()),
      n,
    );
    assert.match(n, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(roleAssignmentName(scope, ALICE, BuiltInRole.CONTRIBUTOR.guid), n);
    void createHash;
  });

  test('property: distinct triples give distinct, well-formed names; equal triples equal names', () => {
    const guid = fc.uuid();
    fc.assert(
      fc.property(guid, guid, guid, guid, (a, b, r1, r2) => {
        const scope = `/subscriptions/${SUB}/resourceGroups/rg`;
        const x = roleAssignmentName(scope, a, r1);
        assert.equal(x, roleAssignmentName(scope, a, r1));
        if (a.toLowerCase() !== b.toLowerCase() || r1.toLowerCase() !== r2.toLowerCase())
          assert.notEqual(x, roleAssignmentName(scope, b, r2));
        assert.match(x, /^[0-9a-f-]{36}$/);
      }),
      { numRuns: 200 },
    );
  });
});

describe('RoleAssignment', () => {
  test('renders the exact ARM body at the scope of a construct, with a deterministic id', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.0.0.0/16'] });
    const ra = new RoleAssignment(stack, 'NetOps', {
      principal: Principal.group(TEAM),
      role: BuiltInRole.NETWORK_CONTRIBUTOR,
      scope: vnet,
      description: 'network team',
    });
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    const r = s.resource('Net/NetOps');
    assert.equal(r.type, RA_T);
    assert.equal(r.apiVersion, '2022-04-01');
    assert.equal(r.name, roleAssignmentName(vnet.virtualNetworkId, TEAM, BuiltInRole.NETWORK_CONTRIBUTOR.guid));
    assert.equal(r.id, `${vnet.virtualNetworkId}/providers/Microsoft.Authorization/roleAssignments/${r.name}`);
    assert.deepEqual(r.body, {
      properties: {
        description: 'network team',
        principalId: TEAM,
        principalType: 'Group',
        roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`,
      },
    });
    assert.deepEqual(r.dependsOn, ['Net/Vnet'], 'waits for its scope');
    assert.ok(!('tags' in r.body), 'role assignments take no tags');
    assert.deepEqual(validateBody(RA_T, r.body), []);
    assert.equal(ra.scopeId, vnet.virtualNetworkId);
    assert.ok(RoleAssignment.isRoleAssignment(ra));
  });

  test("accepts a role name or GUID string, a string scope, and defaults the scope to the stack's resource group", () => {
    const { app, stack } = newStack();
    new RoleAssignment(stack, 'ByName', {
      principal: Principal.user(ALICE),
      role: 'azureml compute operator',
      scopeId: `/subscriptions/${SUB}/resourceGroups/rg-data`,
    });
    new RoleAssignment(stack, 'ByGuid', {
      principal: Principal.user(ALICE),
      role: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    });
    new RoleAssignment(stack, 'Custom', {
      principal: Principal.user(ALICE),
      role: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      scope: `/subscriptions/${SUB}`,
    });
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    assert.match(
      (s.resource('Net/ByName').body.properties as { roleDefinitionId: string }).roleDefinitionId,
      /e503ece1-11d0-4e8e-8e2c-7a6c3bf38815$/,
    );
    assert.ok(
      s
        .resource('Net/ByGuid')
        .id.startsWith(`/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Authorization/roleAssignments/`),
    );
    assert.ok(s.resource('Net/Custom').id.startsWith(`/subscriptions/${SUB}/providers/Microsoft.Authorization/`));
  });

  test('condition: conditionVersion defaults to 2.0; fails InvalidRoleCondition for a version without a condition', () => {
    const { app, stack } = newStack();
    const cond = "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})))";
    new RoleAssignment(stack, 'Abac', {
      principal: Principal.user(ALICE),
      role: BuiltInRole.STORAGE_BLOB_DATA_READER,
      condition: cond,
    });
    new RoleAssignment(stack, 'Bad', {
      principal: Principal.group(TEAM),
      role: BuiltInRole.READER,
      conditionVersion: '2.0',
    });
    const s = synth(app);
    assert.deepEqual(codes(s), ['InvalidRoleCondition']);
    assert.equal(errorOf(s, 'InvalidRoleCondition').path, 'Net/Bad');
    assert.deepEqual(s.resource('Net/Abac').body.properties, {
      condition: cond,
      conditionVersion: '2.0',
      principalId: ALICE,
      principalType: 'User',
      roleDefinitionId: BuiltInRole.STORAGE_BLOB_DATA_READER.definitionId(SUB),
    });
  });

  test('fails UnknownRole (recorded, with close matches), InvalidRoleScope, InvalidPrincipalId, InvalidRoleAssignmentName together', () => {
    const { app, stack } = newStack();
    new RoleAssignment(stack, 'Typo', { principal: Principal.user(ALICE), role: 'AzureML Data Scientst' });
    new RoleAssignment(stack, 'Scope', { principal: Principal.user(ALICE), role: BuiltInRole.READER, scope: 'rg-ml' });
    new RoleAssignment(stack, 'Who', {
      principal: { objectId: 'alice', principalType: 'User' },
      role: BuiltInRole.READER,
    });
    new RoleAssignment(stack, 'Name', {
      principal: Principal.user(ALICE),
      role: BuiltInRole.OWNER,
      roleAssignmentName: 'mine',
    });
    const s = synth(app);
    assert.deepEqual(codes(s), ['InvalidPrincipalId', 'InvalidRoleAssignmentName', 'InvalidRoleScope', 'UnknownRole']);
    const unknown = errorOf(s, 'UnknownRole');
    assert.equal(unknown.path, 'Net/Typo');
    assert.match(unknown.message, /AzureML Data Scientist/);
    assert.ok(unknown.source?.file.endsWith('rbac.test.ts'));
    assert.equal(errorOf(s, 'InvalidRoleScope').value, 'rg-ml');
  });

  test('an explicit GUID name is kept (adopting an existing assignment)', () => {
    const { app, stack } = newStack();
    new RoleAssignment(stack, 'Adopt', {
      principal: Principal.user(ALICE),
      role: BuiltInRole.READER,
      roleAssignmentName: 'ABCDEF01-2345-6789-ABCD-EF0123456789',
    });
    assert.equal(synth(app).resource('Net/Adopt').name, 'abcdef01-2345-6789-abcd-ef0123456789');
  });

  test('fails DuplicateRoleAssignment when the same triple is defined twice with new', () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    new RoleAssignment(stack, 'First', {
      principal: Principal.group(TEAM),
      role: BuiltInRole.AZUREML_DATA_SCIENTIST,
      scope: ws,
    });
    new RoleAssignment(stack, 'Second', {
      principal: Principal.group(TEAM.toUpperCase()),
      role: 'AzureML Data Scientist',
      scope: ws.workspaceId,
    });
    const s = synth(app);
    const e = errorOf(s, 'DuplicateRoleAssignment');
    assert.equal(e.path, 'Net/Second');
    assert.match(e.message, /Net\/First/);
  });

  test('grant() reuses the assignment for a repeated triple, creates it under the target construct, and waits for it', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.0.0.0/16'] });
    const team = Principal.group(TEAM, { displayName: 'ml-team' });
    const a = grant(vnet, team, BuiltInRole.NETWORK_CONTRIBUTOR);
    const b = grant(vnet, team, 'Network Contributor');
    const c = grant(vnet.virtualNetworkId, team, BuiltInRole.NETWORK_CONTRIBUTOR, { parent: stack });
    assert.equal(a, b);
    assert.equal(a, c);
    assert.equal(a.node.path, 'Net/Vnet/GrantNetworkContributormlteam');
    const r = grant(vnet, team, BuiltInRole.READER);
    assert.notEqual(r, a);
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    assert.equal(s.ofType(RA_T).length, 2);
    assert.deepEqual(s.resource(a.node.path).dependsOn, ['Net/Vnet']);
  });

  test('a string scope naming an ancestor resource (the grants facades) makes the assignment depend on it', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.0.0.0/16'] });
    new RoleAssignment(vnet, 'ByString', {
      principal: Principal.group(TEAM),
      role: BuiltInRole.READER,
      scopeId: vnet.virtualNetworkId,
    });
    assert.deepEqual(synth(app).resource('Net/Vnet/ByString').dependsOn, ['Net/Vnet']);
  });

  test('grant() with a string target needs a parent: MissingGrantParent', () => {
    assert.throws(
      () => grant(`/subscriptions/${SUB}`, Principal.group(TEAM), BuiltInRole.READER),
      (e: unknown) => e instanceof ValidationError && e.code === 'MissingGrantParent',
    );
  });

  test('grant() with an unknown role records UnknownRole instead of throwing', () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    grant(ws, Principal.group(TEAM), 'Data Wizard');
    assert.equal(errorOf(synth(app), 'UnknownRole').value, 'Data Wizard');
  });
});

describe('grant() construct ids', () => {
  test('principals with the same label get distinct, deterministic ids from the assignment name', () => {
    const build = (): string[] => {
      const { app, stack } = newStack();
      const ws = new TestWorkspace(stack, 'Ws');
      const ids = [
        '11111111-1111-1111-1111-111111111111',
        '11111111-2222-2222-2222-222222222222',
        '11111111-3333-3333-3333-333333333333',
      ].map((oid) => grant(ws, Principal.user(oid), BuiltInRole.READER).node.id);
      assert.deepEqual(synth(app).errors, []);
      return ids;
    };
    const ids = build();
    assert.equal(new Set(ids).size, 3);
    assert.equal(ids[0], 'GrantReader11111111');
    assert.match(ids[1], /^GrantReader11111111-[0-9a-f]{8}$/);
    assert.deepEqual(build(), ids, 'same program, same ids');
  });
});
