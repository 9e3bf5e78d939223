/**
 * `amlcdk/testing`: synthesize a stack in memory and assert on its manifest, with plain assertions
 * (`Template`), jest matchers (`expect.extend(matchers)`) and snapshot-stable output (`Template.toJSON()` leaves
 * out source locations and the hash unless asked).
 *
 * @example
 * const t = Template.fromStack(stack);
 * t.resourceCountIs('Microsoft.MachineLearningServices/workspaces/computes', 2);
 * t.hasResourceProperties('Microsoft.MachineLearningServices/workspaces/computes', {
 *   properties: { computeType: 'AmlCompute', properties: Match.objectLike({ vmPriority: 'LowPriority' }) },
 * });
 * t.hasWarning('azureml:cluster:lowPriorityIsSpot');
 *
 * expect.extend(matchers);
 * expect(stack).toHaveResource('Microsoft.MachineLearningServices/workspaces/computes');
 * expect(t).toMatchSnapshot();
 */
export { Matcher, Match } from './match.js';
export { Template, AssertionFailure, type TemplateOptions } from './template.js';
export { type SnapshotOptions, type ManifestSnapshot } from './snapshot.js';
export { matchers, type AmlcdkMatchers } from './matchers.js';
export { Stack } from '../core/stack.js';
