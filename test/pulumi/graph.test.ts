/**
 * The construct model under Pulumi mocks: the component's `dependsOn` is the synthesized graph, checked against
 * expectations written from the program (not read back from the manifest).
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type * as pulumi from '@pulumi/pulumi';
import { installMocks, recordOptions, settle, type Captured } from './harness.js';
import { AmlcdkComponent } from '../../lib/pulumi/component.js';
import { App } from '../../lib/index.js';
import { SecureGpuTeamStack } from '../../examples/secure-gpu-team/stack.js';

installMocks('amlcdk-graph');

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
