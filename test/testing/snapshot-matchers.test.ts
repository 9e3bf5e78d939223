/**
 * amlcdk/testing for jest users: the snapshot view leaves out what moves with unrelated edits (source locations,
 * the hash) unless asked for, and the matchers pass and fail as the Template assertions do, through jest's own
 * `expect.extend`.
 */
import { describe, expect, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { App, ComputeCluster, Stack, VmPriority, VmSize, Workspace } from '../../lib/index.js';
import { Suppressions } from '../../lib/policy/index.js';
import { Match, Template, matchers, type AmlcdkMatchers } from '../../lib/testing/index.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const COMPUTE = 'Microsoft.MachineLearningServices/workspaces/computes';

// Two copies of one program at different lines of this file: the same deployed state, other source locations.
function programHere(): Stack {
  const s = new Stack(new App(), 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  const ws = new Workspace(s, 'Ws', { tenantId: SUB });
  Suppressions.of(ws).add({ id: 'AML-NET-001', reason: 'reached over the internet in this test program' });
  new ComputeCluster(ws, 'Spot', {
    vmSize: VmSize.STANDARD_DS3_V2,
    maxNodeCount: 4,
    vmPriority: VmPriority.LOW_PRIORITY,
  });
  return s;
}

// An unrelated line.
function programThere(): Stack {
  const s = new Stack(new App(), 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  const ws = new Workspace(s, 'Ws', { tenantId: SUB });
  Suppressions.of(ws).add({ id: 'AML-NET-001', reason: 'reached over the internet in this test program' });
  new ComputeCluster(ws, 'Spot', {
    vmSize: VmSize.STANDARD_DS3_V2,
    maxNodeCount: 4,
    vmPriority: VmPriority.LOW_PRIORITY,
  });
  return s;
}

describe('Template.toJSON (what toMatchSnapshot records)', () => {
  const here = Template.fromStack(programHere());
  const there = Template.fromStack(programThere());

  test('the programs differ only in where their constructs were made', () => {
    const sources = (t: Template): string[] => t.manifest.resources.map((r) => `${r.source?.file}:${r.source?.line}`);
    assert.ok(here.manifest.resources.every((r) => r.source?.file === 'test/testing/snapshot-matchers.test.ts'));
    assert.notDeepEqual(sources(here), sources(there));
    assert.notEqual(here.manifest.hash, there.manifest.hash, 'the hash covers the source locations');
    assert.ok(
      here.warnings().some((d) => d.source),
      'diagnostics carry source locations too',
    );
  });

  test('is the same for both by default: no source locations, no hash', () => {
    assert.deepEqual(here.toJSON(), there.toJSON());
    const text = JSON.stringify(here.toJSON());
    assert.doesNotMatch(text, /"source"|snapshot-matchers\.test\.ts/);
    assert.equal('hash' in here.toJSON(), false);
    // Everything deployed is there: the snapshot view is the manifest minus those fields.
    assert.deepEqual(
      here.toJSON().resources.map((r) => r.body),
      here.manifest.resources.map((r) => r.body),
    );
    assert.ok(
      here.toJSON().resources.some((r) => r.suppressions?.length),
      'suppressions stay, without source',
    );
  });

  test('keeps source locations and the hash when asked', () => {
    const opts = { snapshot: { sourceLocations: true, hash: true } };
    const a = Template.fromStack(programHere(), opts).toJSON();
    const b = Template.fromStack(programThere(), opts).toJSON();
    assert.notDeepEqual(a, b);
    assert.equal(a.hash, here.manifest.hash);
    assert.deepEqual(
      a.resources.map((r) => r.source),
      here.manifest.resources.map((r) => r.source),
    );
  });
});

describe('matchers (expect.extend)', () => {
  expect.extend(matchers);
  const aml = (received: unknown): AmlcdkMatchers<void> & { not: AmlcdkMatchers<void> } =>
    expect(received) as unknown as AmlcdkMatchers<void> & { not: AmlcdkMatchers<void> };
  const stack = programHere();

  test('pass on a stack or a Template, and .not inverts them', () => {
    aml(stack).toHaveResource(COMPUTE);
    aml(Template.fromStack(stack)).toHaveResource(COMPUTE, {
      properties: { properties: Match.objectLike({ vmPriority: 'LowPriority' }) },
    });
    aml(stack).not.toHaveResource(COMPUTE, { properties: { properties: { vmPriority: 'Dedicated' } } });
    aml(stack).toHaveResourceCount(COMPUTE, 1);
    aml(stack).toHaveWarning('azureml:cluster:lowPriorityIsSpot');
    aml(stack).toHaveNoErrors();
    aml(stack).toBeSchemaValid();
  });

  test('fail with the Template report as the message', () => {
    const cases: [string, () => void, RegExp][] = [
      [
        'toHaveResource',
        () => aml(stack).toHaveResource('Microsoft.Storage/storageAccounts/fileServices/shares'),
        /no resource of type/,
      ],
      ['toHaveResourceCount', () => aml(stack).toHaveResourceCount(COMPUTE, 3), /expected 3 .* found 1/],
      [
        'toHaveResource with props',
        () => aml(stack).toHaveResource(COMPUTE, { properties: { properties: { vmPriority: 'Dedicated' } } }),
        /vmPriority: expected "Dedicated", got "LowPriority"/,
      ],
      ['toHaveError', () => aml(stack).toHaveError('MaxNodesBelowMin'), /expected error MaxNodesBelowMin/],
      [
        'not.toHaveWarning',
        () => aml(stack).not.toHaveWarning('azureml:cluster:lowPriorityIsSpot'),
        /expected no warning/,
      ],
    ];
    for (const [name, run, message] of cases) assert.throws(run, (e: Error) => message.test(e.message), name);
  });

  test('an invalid program fails toHaveNoErrors and passes toHaveError with the code and path', () => {
    const s = programHere();
    const ws = s.node.findChild('Ws') as Workspace;
    new ComputeCluster(ws, 'Bad', { vmSize: VmSize.STANDARD_DS3_V2, minNodeCount: 3, maxNodeCount: 1 });
    aml(s).toHaveError('MaxNodesBelowMin', 'Team/Ws/Bad');
    assert.throws(() => aml(s).toHaveNoErrors(), /MaxNodesBelowMin \[Team\/Ws\/Bad\]/);
  });

  test('refuse what is neither a Stack nor a Template', () => {
    assert.throws(() => aml({}).toHaveNoErrors(), /expected a Stack or a Template/);
  });
});
