/**
 * The one dependency graph (lib/manifest/dependencies.ts): each edge source on its own, then through synthesis,
 * where removing any one source from `computeDependsOn` breaks one of the tests below.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { Construct } from 'constructs';
import {
  App,
  ComputeCluster,
  ComputeIdentity,
  NetworkSecurityGroup,
  RoleAssignment,
  BuiltInRole,
  Principal,
  Stack,
  UserAssignedIdentity,
  VirtualNetwork,
  VmSize,
  Workspace,
} from '../../lib/index.js';
import {
  bodyIdEdges,
  computeDependsOn,
  findCycle,
  idIndex,
  parentEdges,
  referenceEdges,
  type GraphResource,
} from '../../lib/manifest/dependencies.js';
import { Template } from '../../lib/testing/index.js';
import { SecureGpuTeamStack } from '../../examples/secure-gpu-team/stack.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
const WS = `${RG}/providers/Microsoft.MachineLearningServices/workspaces/w1`;
const SUBNET = `${RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/s`;
const UAI = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u`;

const res = (logicalId: string, id: string, body: unknown = {}, dependsOn: string[] = []): GraphResource => ({
  logicalId,
  id,
  body,
  dependsOn,
});

describe('edge sources', () => {
  const ws = res('T/Ws', WS);
  const subnet = res('T/Subnet', SUBNET);
  const uai = res('T/Uai', UAI);
  const byId = idIndex([ws, subnet, uai]);

  test('ARM parent: a child resource and an extension resource at a resource scope wait for it', () => {
    assert.deepEqual(parentEdges(res('T/C', `${WS}/computes/c`), byId), ['T/Ws']);
    assert.deepEqual(parentEdges(res('T/Ra', `${WS}/providers/Microsoft.Authorization/roleAssignments/g`), byId), [
      'T/Ws',
    ]);
    assert.deepEqual(parentEdges(res('T/Other', `${RG}/providers/Microsoft.Storage/storageAccounts/x`), byId), []);
  });

  test('ARM ids in a body: string values (any case) and member names', () => {
    const body = {
      properties: { subnet: { id: SUBNET.toUpperCase() }, note: '/not/an/id/of/this/stack' },
      identity: { type: 'UserAssigned', userAssignedIdentities: { [UAI]: {} } },
    };
    assert.deepEqual(bodyIdEdges(res('T/C', `${WS}/computes/c`, body), byId).sort(), ['T/Subnet', 'T/Uai']);
    assert.deepEqual(bodyIdEdges(res('T/Subnet', SUBNET, { self: SUBNET }), byId), [], 'no self edge');
  });

  test('references: a { ref } value waits for the resource it reads', () => {
    const body = {
      properties: {
        principalId: { ref: { resource: 'T/Uai', attribute: 'properties.principalId' } },
        list: [{ ref: { resource: 'T/Ws', attribute: 'identity.principalId' } }],
      },
    };
    assert.deepEqual(referenceEdges(res('T/Ra', '/x', body)).sort(), ['T/Uai', 'T/Ws']);
    // An object that merely has a `ref` member among others is not a reference.
    assert.deepEqual(referenceEdges(res('T/Ra', '/x', { ref: { resource: 'T/Uai', attribute: 'a' }, x: 1 })), []);
  });

  test('computeDependsOn: the union of every source and the declared edges, sorted, without repeats or self', () => {
    const compute = res('T/C', `${WS}/computes/c`, { properties: { subnet: { id: SUBNET } } }, [
      'T/Zeta',
      'T/Ws',
      'T/C',
    ]);
    const [, , , deps] = computeDependsOn([ws, subnet, uai, compute]);
    assert.deepEqual(deps, ['T/Subnet', 'T/Ws', 'T/Zeta']);
  });

  test('findCycle returns the closing path, and nothing for a DAG', () => {
    const g = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', []],
    ]);
    assert.deepEqual(findCycle(g), ['a', 'b', 'c', 'a']);
    assert.equal(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
      undefined,
    );
  });
});

function setup(): { app: App; stack: Stack; ws: Workspace } {
  const app = new App();
  const stack = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  const ws = new Workspace(stack, 'Ws', { tenantId: TENANT });
  return { app, stack, ws };
}

const cluster = (scope: Construct, id: string, extra: Partial<ConstructorParameters<typeof ComputeCluster>[2]> = {}) =>
  new ComputeCluster(scope, id, { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2, ...extra });

describe('synthesis writes every edge into dependsOn', () => {
  test('ARM id in a body: secure-gpu-team computes wait for their subnet (and their workspace), as written by hand', () => {
    const t = Template.fromStack(new SecureGpuTeamStack(new App(), 'SecureGpuTeam'));
    t.hasNoErrors();
    assert.deepEqual(t.resource('SecureGpuTeam/Workspace/A100Spot').dependsOn, [
      'SecureGpuTeam/Vnet/Compute',
      'SecureGpuTeam/Workspace',
    ]);
    const instances = t
      .findResources('Microsoft.MachineLearningServices/workspaces/computes')
      .filter((r) => r.logicalId.includes('/Personal/'));
    assert.equal(instances.length, 3);
    for (const r of instances) assert.ok(r.dependsOn.includes('SecureGpuTeam/Vnet/Compute'), r.logicalId);
  });

  test('ARM id as a member name: a compute running as a user-assigned identity given by id waits for it', () => {
    const { stack, ws } = setup();
    const uai = new UserAssignedIdentity(stack, 'Uai');
    cluster(ws, 'C', { identity: ComputeIdentity.userAssigned(uai.resourceId) });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    assert.deepEqual(t.resource('Team/Ws/C').dependsOn, ['Team/Uai', 'Team/Ws']);
  });

  test('ARM parent: a role assignment scoped by id to a sibling resource waits for it', () => {
    const { stack } = setup();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.0.0.0/16'] });
    new RoleAssignment(stack, 'OnVnet', {
      principal: Principal.group('55555555-5555-5555-5555-555555555555'),
      role: BuiltInRole.READER,
      scopeId: vnet.resourceId,
    });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    assert.deepEqual(t.resource('Team/OnVnet').dependsOn, ['Team/Vnet']);
  });

  test('declared, cdk8s-style: a dependency on a wrapper is on every resource below it; a wrapper that waits makes each of its resources wait', () => {
    const { stack, ws } = setup();
    const net = new Construct(stack, 'Net');
    new VirtualNetwork(net, 'Vnet', { addressSpace: ['10.0.0.0/16'] });
    const nsg = new NetworkSecurityGroup(net, 'Nsg');
    const a = cluster(ws, 'A');
    a.addDependency(net); // AzureResource.addDependency with a wrapper
    const b = cluster(ws, 'B');
    b.node.addDependency(net); // the constructs library's own API
    const group = new Construct(ws, 'Group');
    cluster(group, 'G1');
    cluster(group, 'G2');
    group.node.addDependency(nsg);
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    assert.deepEqual(t.resource('Team/Ws/A').dependsOn, ['Team/Net/Nsg', 'Team/Net/Vnet', 'Team/Ws']);
    assert.deepEqual(t.resource('Team/Ws/B').dependsOn, ['Team/Net/Nsg', 'Team/Net/Vnet', 'Team/Ws']);
    assert.deepEqual(t.resource('Team/Ws/Group/G1').dependsOn, ['Team/Net/Nsg', 'Team/Ws']);
    assert.deepEqual(t.resource('Team/Ws/Group/G2').dependsOn, ['Team/Net/Nsg', 'Team/Ws']);
  });

  test('a dependency on (or of) something that renders no resource is DependencyWithoutResource, never dropped', () => {
    const { stack, ws } = setup();
    const imported = Workspace.fromWorkspaceId(
      stack,
      'Shared',
      `${RG}/providers/Microsoft.MachineLearningServices/workspaces/shared`,
    );
    const c = cluster(ws, 'C');
    c.addDependency(imported);
    const empty = new Construct(stack, 'Empty');
    empty.node.addDependency(c);
    const t = Template.fromStack(stack);
    const onTarget = t.hasError('DependencyWithoutResource', 'Team/Ws/C');
    assert.equal(onTarget.value, 'Team/Shared');
    assert.match(onTarget.message, /Team\/Shared, which renders no resource/);
    assert.ok(onTarget.fix);
    const onSource = t.hasError('DependencyWithoutResource', 'Team/Empty');
    assert.match(onSource.message, /Team\/Empty renders no resource/);
  });

  test('a cycle of dependencies is DependencyCycle with the path that closes it', () => {
    const { stack, ws } = setup();
    const a = cluster(ws, 'A');
    const b = cluster(ws, 'B');
    a.addDependency(b);
    b.addDependency(a);
    const t = Template.fromStack(stack);
    const e = t.hasError('DependencyCycle');
    assert.deepEqual(e.value, ['Team/Ws/A', 'Team/Ws/B', 'Team/Ws/A']);
  });
});
