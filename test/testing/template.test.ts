import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { App, ComputeCluster, Stack, VmPriority, VmSize, Workspace } from '../../lib/index.js';
import { AssertionFailure, Match, Template } from '../../lib/testing/index.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const TYPE = 'Microsoft.MachineLearningServices/workspaces/computes';

function template(): Template {
  const app = new App();
  const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  const ws = new Workspace(s, 'Ws', { tenantId: SUB });
  new ComputeCluster(ws, 'Spot', {
    vmSize: VmSize.STANDARD_DS3_V2,
    maxNodeCount: 4,
    vmPriority: VmPriority.LOW_PRIORITY,
  });
  new ComputeCluster(ws, 'Bad', { vmSize: VmSize.STANDARD_DS3_V2, minNodeCount: 3, maxNodeCount: 1 });
  return Template.fromStack(s);
}

describe('amlcdk/testing', () => {
  const t = template();
  test('resourceCountIs / findResources', () => {
    t.resourceCountIs(TYPE, 2);
    assert.throws(() => t.resourceCountIs(TYPE, 3), AssertionFailure);
    assert.equal(
      t.findResources(TYPE.toLowerCase(), { properties: { properties: { vmPriority: 'LowPriority' } } }).length,
      1,
    );
  });
  test('hasResourceProperties: deep partial by default, with matchers, and a readable failure', () => {
    t.hasResourceProperties(TYPE, { properties: { properties: { scaleSettings: { maxNodeCount: 4 } } } });
    t.hasResourceProperties(TYPE, {
      properties: Match.objectLike({
        computeType: 'AmlCompute',
        properties: Match.objectLike({ subnet: Match.absent(), vmSize: Match.stringLikeRegexp('^Standard_') }),
      }),
    });
    t.hasResourceProperties(TYPE, { tags: Match.absent(), location: Match.anyValue() });
    assert.throws(
      () => t.hasResourceProperties(TYPE, { properties: { properties: { scaleSettings: { maxNodeCount: 99 } } } }),
      (e: Error) => /maxNodeCount: expected 99, got 4/.test(e.message),
    );
    assert.throws(
      () => t.hasResourceProperties(TYPE, { properties: Match.objectEquals({ computeType: 'AmlCompute' }) }),
      /unexpected key/,
    );
    assert.throws(() => t.hasResourceProperties('Microsoft.Nope/things', {}), /no resource of type/);
  });
  test('Match.arrayWith and Match.exact', () => {
    const m = Match.arrayWith([{ a: 1 }]);
    assert.deepEqual(m.test([{ a: 1, b: 2 }, { c: 3 }], ''), []);
    assert.equal(m.test([{ a: 2 }], '').length, 1);
    assert.equal(Match.exact({ a: 1 }).test({ a: 1, b: 2 }, '').length, 1);
  });
  test('hasError / hasWarning / hasNoErrors / hasNoWarning', () => {
    assert.equal(t.hasError('MaxNodesBelowMin', 'Team/Ws/Bad').value, 1);
    t.hasWarning('azureml:cluster:lowPriorityIsSpot', 'Team/Ws/Spot');
    assert.throws(
      () => t.hasError('MaxNodesBelowMin', 'Team/Ws/Spot'),
      /expected error MaxNodesBelowMin at Team\/Ws\/Spot/,
    );
    assert.throws(() => t.hasNoErrors(), /MaxNodesBelowMin/);
    assert.throws(() => t.hasNoWarning('azureml:cluster:lowPriorityIsSpot'), AssertionFailure);
    t.hasNoWarning('azureml:nothing');
  });
  test('schemaIssues is empty for synthesized manifests', () => {
    assert.deepEqual(t.schemaIssues(), []);
  });
});
