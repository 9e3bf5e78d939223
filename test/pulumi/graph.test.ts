/**
 * The construct model under Pulumi mocks: the component's `dependsOn` is the synthesized graph, checked against
 * expectations written from the program (not read back from the manifest).
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type * as pulumi from '@pulumi/pulumi';
import { installMocks, mockGuid, recordOptions, settle, unwrap, type Captured } from './harness.js';
import { AmlcdkComponent, AmlcdkPulumiError } from '../../lib/pulumi/component.js';
import { App, ComputeCluster, Stack, VmSize, Workspace } from '../../lib/index.js';
import { hatchProgram } from '../helpers/hatch-program.js';
import { SecureGpuTeamStack } from '../../examples/secure-gpu-team/stack.js';
import { IdentityGrantsStack } from '../../examples/identity-grants/stack.js';

const mocks = installMocks('amlcdk-graph');

async function deploy(
  name: string,
  args: ConstructorParameters<typeof AmlcdkComponent>[1],
): Promise<{ component: AmlcdkComponent; captured: Captured[] }> {
  const captured: Captured[] = [];
  const component = new AmlcdkComponent(name, args, { transformations: [recordOptions(captured)] });
  await settle(component);
  return { component, captured };
}

/** The logicalIds a child's `dependsOn` names, from the options Pulumi received. */
function dependsOnOf(component: AmlcdkComponent, captured: Captured[], logicalId: string): string[] {
  const byResource = new Map<pulumi.Resource, string>(Object.entries(component.resources).map(([id, r]) => [r, id]));
  const opts = captured.find((c) => c.resource === component.resources[logicalId])?.opts;
  assert.ok(opts, `${logicalId} was not registered`);
  return ((opts.dependsOn ?? []) as pulumi.Resource[]).map((r) => byResource.get(r) ?? '?').sort();
}

describe('dependsOn under Pulumi mocks', () => {
  test('secure-gpu-team: every compute waits for its workspace and the compute subnet; instances also for the share mount', async () => {
    const stack = new SecureGpuTeamStack(new App(), 'SecureGpuTeam');
    const { component, captured } = await deploy('sgt', { stack });
    // Written from the program: the cluster and the instances sit in vnet.addSubnet('Compute') of workspace
    // 'Workspace'; the instances mount 'SharedDataMount'.
    assert.deepEqual(dependsOnOf(component, captured, 'SecureGpuTeam/Workspace/A100Spot'), [
      'SecureGpuTeam/Vnet/Compute',
      'SecureGpuTeam/Workspace',
    ]);
    const instances = Object.keys(component.resources).filter((id) =>
      /^SecureGpuTeam\/Workspace\/Personal\/[^/]+$/.test(id),
    );
    assert.equal(instances.length, 3);
    for (const id of instances) {
      assert.deepEqual(
        dependsOnOf(component, captured, id),
        ['SecureGpuTeam/SharedDataMount', 'SecureGpuTeam/Vnet/Compute', 'SecureGpuTeam/Workspace'],
        id,
      );
    }
  });
});

describe('references and aliases under Pulumi mocks', () => {
  test('identity-grants: every role assignment principal is the Output of the identity it names, and waits for it', async () => {
    const stack = new IdentityGrantsStack(new App(), 'IdentityGrants');
    const before = mocks.registered.length;
    const { component, captured } = await deploy('ig', { stack });
    const grants = Object.entries(component.mapped).filter(
      ([, m]) => m.mapping.token === 'azure-native:authorization:RoleAssignment',
    );
    assert.equal(grants.length, 5);
    const expected: Record<string, string> = {
      'IdentityGrants/Workspace/Gpu': mockGuid('principal|ig/IdentityGrants/Workspace/Gpu'),
      'IdentityGrants/TrainingIdentity': mockGuid('principal|ig/IdentityGrants/TrainingIdentity'),
      'IdentityGrants/Workspace': mockGuid('principal|ig/IdentityGrants/Workspace'),
    };
    const registered = mocks.registered.slice(before);
    const seen = new Set<string>();
    for (const [logicalId, m] of grants) {
      const inputs = registered.find((x) => x.name === `ig/${logicalId}` && x.type === m.mapping.token)!.inputs;
      const principalId = unwrap(inputs.principalId) as string;
      const owner = Object.keys(expected).find((k) => expected[k] === principalId);
      assert.ok(owner, `${logicalId}: principalId ${principalId} is no identity's output`);
      assert.ok(dependsOnOf(component, captured, logicalId).includes(owner), `${logicalId} waits for ${owner}`);
      seen.add(owner);
      assert.equal(inputs.principalType, 'ServicePrincipal');
    }
    assert.equal(seen.size, 3);
  });

  test('a construct moved with previousPath keeps its Pulumi resource: the old address is an alias', async () => {
    const app = new App();
    const stack = new Stack(app, 'Moved', {
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'rg-moved',
      location: 'westeurope',
    });
    const ws = new Workspace(stack, 'Ws', { tenantId: '11111111-1111-1111-1111-111111111111' });
    new ComputeCluster(ws, 'Renamed', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 1,
      previousPath: 'Moved/Ws/Old',
    });
    const { component, captured } = await deploy('mv', { stack });
    // azure-native adds type aliases of its own (older api-version tokens); ours is the one with a name.
    const named = (logicalId: string): unknown[] =>
      ((captured.find((c) => c.resource === component.resources[logicalId])!.opts.aliases ?? []) as object[]).filter(
        (a) => 'name' in a,
      );
    assert.deepEqual(named('Moved/Ws/Renamed'), [{ name: 'mv/Moved/Ws/Old' }]);
    assert.deepEqual(named('Moved/Ws'), []);
  });

  test('escape hatches: an override reaches the inputs; a GenericResource is azure-native resources.Resource', async () => {
    const { stack } = hatchProgram({ route: true });
    const before = mocks.registered.length;
    const { component, captured } = await deploy('gh', { stack });
    const registered = mocks.registered.slice(before);
    const wsInputs = registered.find((x) => x.name === 'gh/Hatch/Ws')!.inputs;
    assert.equal(wsInputs.allowPublicAccessWhenBehindVnet, true);
    const route = registered.find((x) => x.name === 'gh/Hatch/Route')!;
    assert.equal(route.type, 'azure-native:resources:Resource');
    assert.deepEqual(
      {
        resourceGroupName: route.inputs.resourceGroupName,
        resourceProviderNamespace: route.inputs.resourceProviderNamespace,
        parentResourcePath: route.inputs.parentResourcePath,
        resourceType: route.inputs.resourceType,
        resourceName: route.inputs.resourceName,
        apiVersion: route.inputs.apiVersion,
        properties: unwrap(route.inputs.properties),
      },
      {
        resourceGroupName: 'rg-hatch',
        resourceProviderNamespace: 'Microsoft.Network',
        parentResourcePath: 'routeTables/rt-ml',
        resourceType: 'routes',
        resourceName: 'default',
        apiVersion: '2024-05-01',
        properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'Internet' },
      },
    );
    assert.deepEqual(dependsOnOf(component, captured, 'Hatch/Route'), ['Hatch/Routes']);
  });

  test('an override azure-native has no argument for is UnsupportedArgument at the construct, never dropped', () => {
    const { stack, ws } = hatchProgram();
    ws.addPropertyOverride('properties.futureKnob', 'on');
    assert.throws(
      () => new AmlcdkComponent('gx', { stack }),
      (e: unknown) =>
        e instanceof AmlcdkPulumiError &&
        e.code === 'UnsupportedArgument' &&
        /"futureKnob"/.test(e.message) &&
        /Hatch\/Ws/.test(e.message),
    );
  });

  test('an override below the top-level arguments is passed on with a warning that azure-native may drop it', async () => {
    const { stack, ws } = hatchProgram();
    const cluster = new ComputeCluster(ws, 'Cpu', { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 1 });
    cluster.addPropertyOverride('properties.properties.futureKnob', 'on');
    ws.addPropertyOverride('/tags/cost.center', 'ml');
    const warnings: string[] = [];
    const saved = console.warn;
    console.warn = (msg: unknown) => void warnings.push(String(msg));
    const before = mocks.registered.length;
    try {
      await deploy('nw', { stack });
    } finally {
      console.warn = saved;
    }
    const inputs = mocks.registered.slice(before).find((x) => x.name === 'nw/Hatch/Ws/Cpu')!.inputs;
    assert.equal((unwrap(inputs.properties) as { properties: { futureKnob: string } }).properties.futureKnob, 'on');
    const hatch = warnings.filter((w) => w.includes('escape hatch'));
    assert.equal(hatch.length, 1, hatch.join('\n'));
    assert.ok(hatch[0].includes('Hatch/Ws/Cpu') && hatch[0].includes('properties.properties.futureKnob'), hatch[0]);
    assert.match(hatch[0], /amlcdk apply/);
  });
});
