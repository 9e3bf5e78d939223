/**
 * jest tests of TeamStack with amlcdk/testing, as a project using ts-jest's default preset writes them: the
 * matchers through `expect.extend`, plain Template assertions, and a snapshot that stays the same when unrelated
 * lines of the program move (no source locations or hash in it unless asked for).
 */
import { App } from 'amlcdk';
import { Match, Template, matchers } from 'amlcdk/testing';
import { TeamStack } from './team-stack';

expect.extend(matchers);

const COMPUTES = 'Microsoft.MachineLearningServices/workspaces/computes';
const PROPS = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-ml-team',
  location: 'westeurope',
  tenantId: '11111111-1111-1111-1111-111111111111',
};

function team(maxGpuNodes?: number): TeamStack {
  return new TeamStack(new App(), 'Team', { ...PROPS, maxGpuNodes });
}

test('synthesizes without errors and matches amlcdk’s schemas', () => {
  const stack = team();
  expect(stack).toHaveNoErrors();
  expect(stack).toBeSchemaValid();
});

test('has two clusters, the GPU one on Spot capacity scaling from zero', () => {
  const stack = team();
  expect(stack).toHaveResourceCount(COMPUTES, 2);
  expect(stack).toHaveResource(COMPUTES, {
    properties: {
      computeType: 'AmlCompute',
      properties: Match.objectLike({
        vmPriority: 'LowPriority',
        scaleSettings: Match.objectLike({ minNodeCount: 0, maxNodeCount: 4 }),
      }),
    },
  });
  expect(stack).toHaveWarning('azureml:cluster:lowPriorityIsSpot');
});

test('a GPU cluster of 0 nodes is refused at synthesis with a coded error', () => {
  const stack = team(0);
  expect(stack).toHaveError('InvalidNodeCount', 'Team/Workspace/Gpu');
  expect(stack).not.toHaveNoErrors();
});

test('the manifest is unchanged (snapshot)', () => {
  expect(Template.fromStack(team())).toMatchSnapshot();
});
