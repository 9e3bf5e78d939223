/**
 * Deploy-time references: typed attributes usable wherever a string is, recorded as `{ ref }` in the manifest,
 * checked at synthesis, waited for through `dependsOn`, and granted in one line.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  App,
  BuiltInRole,
  ComputeCluster,
  ComputeIdentity,
  Principal,
  RoleAssignment,
  Stack,
  UserAssignedIdentity,
  VmSize,
  Workspace,
} from '../../lib/index.js';
import { roleAssignmentName } from '../../lib/constructs/rbac/role-assignment.js';
import { Template } from '../../lib/testing/index.js';
import type { Json } from '../helpers/json.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';
const RA = 'Microsoft.Authorization/roleAssignments';

function setup(id = 'Team'): { app: App; stack: Stack; ws: Workspace } {
  const app = new App();
  const stack = new Stack(app, id, { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  const ws = new Workspace(stack, 'Ws', { tenantId: TENANT });
  return { app, stack, ws };
}

const gpu = (ws: Workspace, identity: ComputeIdentity | undefined = ComputeIdentity.systemAssigned()) =>
  new ComputeCluster(ws, 'Gpu', { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2, ...(identity ? { identity } : {}) });

const principalIdOf = (body: unknown): Json => (body as Json).properties.principalId;

describe('references in the manifest', () => {
  test('cluster.identity.principalId is a string that becomes { ref } in the body; the assignment waits for the cluster', () => {
    const { stack, ws } = setup();
    const c = gpu(ws);
    assert.equal(typeof c.identity.principalId, 'string');
    new RoleAssignment(stack, 'Reader', {
      principal: Principal.managedIdentity(c.identity.principalId),
      role: BuiltInRole.READER,
      scope: ws,
    });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    assert.deepEqual(t.schemaIssues(), []);
    const r = t.resource('Team/Reader');
    assert.deepEqual(principalIdOf(r.body), { ref: { resource: 'Team/Ws/Gpu', attribute: 'identity.principalId' } });
    assert.equal((r.body as Json).properties.principalType, 'ServicePrincipal');
    // The reference is the only thing that ties the assignment to the cluster (its scope is the workspace).
    assert.ok(r.dependsOn.includes('Team/Ws/Gpu'), r.dependsOn.join(', '));
  });

  test('one-line grants: cluster.identity.grant(storage, STORAGE_BLOB_DATA_READER), named from the ARM id, not the path', () => {
    const { stack, ws } = setup();
    const c = gpu(ws);
    const ra = c.identity.grant(ws.storageAccount!, BuiltInRole.STORAGE_BLOB_DATA_READER);
    const again = c.identity.grant(ws.storageAccount!, BuiltInRole.STORAGE_BLOB_DATA_READER);
    assert.equal(again, ra, 'granting twice defines it once');
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    const r = t.resource(ra.node.path);
    assert.ok(r.id.startsWith(`${ws.storageAccount!.resourceId}/providers/${RA}/`));
    assert.match(
      String((r.body as Json).properties.roleDefinitionId),
      new RegExp(BuiltInRole.STORAGE_BLOB_DATA_READER.guid),
    );
    assert.equal(
      r.name,
      roleAssignmentName(
        ws.storageAccount!.resourceId,
        `${c.resourceId.toLowerCase()}#identity.principalId`,
        BuiltInRole.STORAGE_BLOB_DATA_READER.guid,
      ),
    );
    assert.deepEqual(r.dependsOn, ['Team/Ws/Gpu', 'Team/Ws/Storage']);
  });

  test('uai.principalId and uai.clientId; a cluster running only as one user-assigned identity grants that identity', () => {
    const { stack, ws } = setup();
    const uai = new UserAssignedIdentity(stack, 'Shared');
    const a = new ComputeCluster(ws, 'A', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 1,
      identity: ComputeIdentity.userAssigned(uai),
    });
    new ComputeCluster(ws, 'B', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 1,
      identity: ComputeIdentity.userAssigned(uai),
    });
    a.identity.grant(ws.containerRegistry!, BuiltInRole.ACR_PULL);
    uai.grant(ws.containerRegistry!, BuiltInRole.ACR_PULL); // the same grant: defined once
    new RoleAssignment(stack, 'ByClientId', {
      principal: Principal.managedIdentity(uai.principalId),
      role: BuiltInRole.READER,
      description: uai.clientId,
    });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    const grants = t.findResources(RA).filter((r) => r.id.includes('/registries/'));
    assert.equal(grants.length, 1);
    assert.deepEqual(principalIdOf(grants[0].body), {
      ref: { resource: 'Team/Shared', attribute: 'properties.principalId' },
    });
    const byClient = t.resource('Team/ByClientId').body as Json;
    assert.deepEqual(byClient.properties.description, {
      ref: { resource: 'Team/Shared', attribute: 'properties.clientId' },
    });
  });

  test('workspace.identity is the workspace system-assigned identity', () => {
    const { stack, ws } = setup();
    ws.identity.grant(ws.keyVault!, BuiltInRole.KEY_VAULT_SECRETS_USER);
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    const r = t.findResources(RA).find((x) => x.id.includes('/vaults/'))!;
    assert.deepEqual(principalIdOf(r.body), { ref: { resource: 'Team/Ws', attribute: 'identity.principalId' } });
  });
});

describe('reference errors', () => {
  test('an identity the compute does not have: ReferenceAttributeUnavailable with the fix', () => {
    const { stack, ws } = setup();
    const c = new ComputeCluster(ws, 'Gpu', { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2 });
    c.identity.grant(ws.storageAccount!, BuiltInRole.STORAGE_BLOB_DATA_READER);
    const t = Template.fromStack(stack);
    const e = t.errors().find((d) => d.code === 'ReferenceAttributeUnavailable');
    assert.ok(e, JSON.stringify(t.errors()));
    assert.match(e.message, /Team\/Ws\/Gpu has no system-assigned identity/);
    assert.match(String(e.fix), /ComputeIdentity\.systemAssigned\(\)/);
  });

  test('a reference inside a longer string: ReferenceInString', () => {
    const { stack, ws } = setup();
    const c = gpu(ws);
    new RoleAssignment(stack, 'Described', {
      principal: Principal.managedIdentity(c.identity.principalId),
      role: BuiltInRole.READER,
      description: `for ${c.identity.principalId}`,
    });
    const t = Template.fromStack(stack);
    const e = t.hasError('ReferenceInString', 'Team/Described');
    assert.match(e.message, /\/properties\/description/);
  });

  test('a reference to a resource of another stack: UnknownReference', () => {
    const { app, ws } = setup();
    const c = gpu(ws);
    const other = new Stack(app, 'Other', { subscriptionId: SUB, resourceGroup: 'rg2', location: 'westeurope' });
    new RoleAssignment(other, 'Reader', {
      principal: Principal.managedIdentity(c.identity.principalId),
      role: BuiltInRole.READER,
    });
    const t = Template.synthScope(app);
    const e = t.hasError('UnknownReference', 'Other/Reader');
    assert.match(e.message, /Team\/Ws\/Gpu, which is not a resource of stack Other/);
  });

  test('a user principal cannot be a deploy-time value', () => {
    const { ws } = setup();
    const c = gpu(ws);
    assert.throws(() => Principal.user(c.identity.principalId), { name: 'ValidationError' });
  });
});
