import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import type { ArmResource } from '../../lib/arm/types.js';
import { diffBodies } from '../../lib/reconciler/diff.js';
import { normalizeObserved, durationSeconds } from '../../lib/reconciler/normalize.js';
import type { Observation } from '../../lib/reconciler/observe.js';
import { buildPlan } from '../../lib/reconciler/plan.js';
import { renderPlan } from '../../lib/reconciler/render.js';
import { computeDrift, acceptDrift } from '../../lib/reconciler/drift.js';
import type { StackState } from '../../lib/state/types.js';
import { cluster, instance, manifest, workspace } from './fixtures.js';
import type { ManifestResource } from '../../lib/manifest/types.js';
import type { Json } from '../helpers/json.js';

/** What ARM would echo for a PUT body: envelope, read-only fields, server defaults, other casing. */
function echo(r: ManifestResource, tweak: (b: Json) => void = () => undefined): ArmResource {
  const b = JSON.parse(JSON.stringify(r.body));
  b.properties = { ...b.properties, provisioningState: 'Succeeded' };
  if (b.properties.properties) {
    const p = b.properties.properties;
    if (p.vmSize) p.vmSize = String(p.vmSize).toUpperCase();
    if (p.remoteLoginPortPublicAccess === 'NotSpecified') p.remoteLoginPortPublicAccess = 'Enabled';
    if (p.scaleSettings)
      p.scaleSettings = {
        ...p.scaleSettings,
        nodeIdleTimeBeforeScaleDown: `PT${durationSeconds(p.scaleSettings.nodeIdleTimeBeforeScaleDown)}S`,
      };
    p.allocationState = 'Steady';
    p.currentNodeCount = 0;
    p.state = 'Running';
  }
  if (b.identity) b.identity = { ...b.identity, principalId: 'p', tenantId: 't' };
  b.systemData = { createdAt: '2026-01-01T00:00:00Z' };
  b.location = 'West Europe';
  tweak(b);
  return { id: r.id, name: r.name, type: r.type, ...b };
}

function observation(entries: [ManifestResource, ArmResource | null][]): Observation {
  const resources = new Map();
  for (const [r, a] of entries)
    resources.set(r.id.toLowerCase(), a ? { raw: a, normalized: normalizeObserved(a) } : null);
  return { resources, calls: { list: 0, get: 0 } };
}

function stateOf(resources: ManifestResource[], applied?: (r: ManifestResource) => unknown): StackState {
  return {
    version: 1,
    stack: 'Team',
    resources: Object.fromEntries(
      resources.map((r) => [
        r.logicalId,
        {
          logicalId: r.logicalId,
          id: r.id,
          type: r.type,
          apiVersion: r.apiVersion,
          applied: applied ? applied(r) : r.body,
          ownership: 'created' as const,
          options: r.options,
        },
      ]),
    ),
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

describe('plan', () => {
  test('nothing exists: every resource is a create, cost counts cluster min nodes and instances', () => {
    const ws = workspace();
    const c = cluster('gpu', 'mlw-test', { min: 1 });
    const ci = instance('ci-alice');
    const m = manifest([ws, c, ci]);
    const { plan } = buildPlan({
      manifest: m,
      observation: observation([
        [ws, null],
        [c, null],
        [ci, null],
      ]),
    });
    assert.deepEqual(
      plan.resource_changes.map((r) => r.change.actions),
      [['create'], ['create'], ['create']],
    );
    assert.equal(plan.summary.create, 3);
    assert.ok(plan.cost.monthlyDeltaUsd > 0);
    assert.match(renderPlan(plan), /\+ Team\/gpu/);
    assert.match(renderPlan(plan), /3 to create/);
  });

  test('apply then plan: ARM echoes (case, defaults, read-only, NotSpecified, durations) give zero changes', () => {
    const ws = workspace();
    const c = cluster('gpu');
    const ci = instance('ci-alice', 'mlw-test', { idle: 'PT60M' });
    const m = manifest([ws, c, ci]);
    const obs = observation([
      [ws, echo(ws)],
      [c, echo(c)],
      [ci, echo(ci, (b) => (b.properties.properties.idleTimeBeforeShutdown = 'PT1H'))],
    ]);
    const { plan } = buildPlan({ manifest: m, state: stateOf([ws, c, ci]), observation: obs });
    assert.deepEqual(
      plan.resource_changes.map((r) => [r.address, r.change.actions[0], r.change.paths]),
      [
        ['Team/mlw-test', 'no-op', []],
        ['Team/gpu', 'no-op', []],
        ['Team/ci-alice', 'no-op', []],
      ],
    );
    assert.match(renderPlan(plan), /No changes/);
  });

  test('raising max nodes is a PATCH of scaleSettings only', () => {
    const c = cluster('gpu', 'mlw-test', { max: 4 });
    const c2 = cluster('gpu', 'mlw-test', { max: 8 });
    const { plan, steps } = buildPlan({
      manifest: manifest([c2]),
      state: stateOf([c]),
      observation: observation([[c, echo(c)]]),
    });
    const rc = plan.resource_changes[0];
    assert.deepEqual(rc.change.actions, ['patch']);
    assert.deepEqual(
      rc.change.paths.map((p) => [p.path, p.before, p.after, p.update]),
      [['/properties/properties/scaleSettings/maxNodeCount', 4, 8, 'patch']],
    );
    assert.deepEqual(steps[0].patchBody, {
      properties: {
        properties: { scaleSettings: { minNodeCount: 0, maxNodeCount: 8, nodeIdleTimeBeforeScaleDown: 'PT15M' } },
      },
    });
  });

  test('changing an instance VM size is a replace with the path and reason', () => {
    const ci = instance('ci-alice');
    const ci2 = instance('ci-alice', 'mlw-test', { vmSize: 'Standard_DS4_v2' });
    const { plan, steps } = buildPlan({
      manifest: manifest([ci2]),
      state: stateOf([ci]),
      observation: observation([[ci, echo(ci)]]),
    });
    const rc = plan.resource_changes[0];
    assert.deepEqual(rc.change.actions, ['delete', 'create']);
    assert.equal(rc.replace_order, 'delete-before-create');
    assert.deepEqual(rc.replace_paths, ['/properties/properties/vmSize']);
    assert.equal(rc.change.paths[0].reason, 'replace: properties.properties.vmSize is create-only');
    assert.deepEqual(steps[0].deleteTarget?.query, { underlyingResourceAction: 'Delete' });
    assert.match(renderPlan(plan), /-\/\+ Team\/ci-alice/);
  });

  test('an instance idle shutdown change is a POST action, not a replace', () => {
    const ci = instance('ci-alice', 'mlw-test', { idle: 'PT30M' });
    const ci2 = instance('ci-alice', 'mlw-test', { idle: 'PT90M' });
    const { plan, steps } = buildPlan({
      manifest: manifest([ci2]),
      state: stateOf([ci]),
      observation: observation([[ci, echo(ci)]]),
    });
    assert.deepEqual(plan.resource_changes[0].change.actions, ['action']);
    assert.deepEqual(steps[0].fieldActions, [
      { name: 'updateIdleShutdownSetting', body: { idleTimeBeforeShutdown: 'PT90M' } },
    ]);
  });

  test('cluster tags are updated in place; an extra tag added outside is kept, unless the stack owns all tags', () => {
    const c = cluster('gpu', 'mlw-test', { tags: { team: 'a' } });
    const c2 = cluster('gpu', 'mlw-test', { tags: { team: 'b' } });
    const input = {
      state: stateOf([c]),
      observation: observation([[c, echo(c, (b) => (b.tags = { team: 'a', extra: 'x' }))]]),
    };
    const kept = buildPlan({ ...input, manifest: manifest([c2]) });
    const rc = kept.plan.resource_changes[0];
    assert.deepEqual(rc.change.actions, ['update']);
    assert.deepEqual(
      rc.change.paths.map((p) => p.path),
      ['/tags/team'],
    );
    // The PUT sends the tag back as Azure has it, so the update does not remove it.
    assert.deepEqual(kept.steps[0].keepTags, { extra: 'x' });
    const m = manifest([c2]);
    const owned = buildPlan({ ...input, manifest: { ...m, stack: { ...m.stack, ownAllTags: true } } });
    assert.deepEqual(owned.plan.resource_changes[0].change.paths.map((p) => p.path).sort(), [
      '/tags/extra',
      '/tags/team',
    ]);
    assert.equal(owned.steps[0].keepTags, undefined);
  });

  test('removed from the program: delete (Delete for managed, Detach for attached), Retain forgets, protect refuses', () => {
    const c = cluster('gpu');
    const attached = {
      ...cluster('aks'),
      body: {
        properties: {
          computeType: 'Kubernetes',
          resourceId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerService/managedClusters/aks',
          properties: { namespace: 'ml' },
        },
      },
    };
    const kept = { ...cluster('kept'), options: { protect: false, deletePolicy: 'Retain' as const } };
    const { plan, steps } = buildPlan({
      manifest: manifest([]),
      state: stateOf([c, attached, kept]),
      observation: observation([
        [c, echo(c)],
        [attached, echo(attached)],
        [kept, echo(kept)],
      ]),
    });
    assert.deepEqual(
      plan.resource_changes.map((r) => [r.address, r.change.actions[0]]),
      [
        ['Team/gpu', 'delete'],
        ['Team/aks', 'delete'],
        ['Team/kept', 'forget'],
      ],
    );
    assert.deepEqual(
      steps.map((s) => s.deleteTarget?.query),
      [{ underlyingResourceAction: 'Delete' }, { underlyingResourceAction: 'Detach' }, undefined],
    );
    const prot = { ...cluster('gpu'), options: { protect: true, deletePolicy: 'Delete' as const } };
    const refused = buildPlan({
      manifest: manifest([]),
      state: stateOf([prot]),
      observation: observation([[prot, echo(prot)]]),
    });
    assert.equal(refused.plan.errors[0].code, 'ResourceProtected');
    assert.match(renderPlan(refused.plan), /ResourceProtected/);
  });

  test('protect refuses a replacement at plan time', () => {
    const ci = { ...instance('ci-alice'), options: { protect: true, deletePolicy: 'Delete' as const } };
    const ci2 = {
      ...instance('ci-alice', 'mlw-test', { vmSize: 'Standard_DS4_v2' }),
      options: { protect: true, deletePolicy: 'Delete' as const },
    };
    const { plan } = buildPlan({
      manifest: manifest([ci2]),
      state: stateOf([ci]),
      observation: observation([[ci, echo(ci)]]),
    });
    assert.equal(plan.errors.length, 1);
    assert.equal(plan.errors[0].code, 'ResourceProtected');
    assert.match(plan.errors[0].message, /vmSize/);
  });

  test('workspace: storage account change replaces and takes its computes along; isolation back to Disabled is refused', () => {
    const ws = workspace('mlw-test', { managedNetwork: { isolationMode: 'AllowOnlyApprovedOutbound' } });
    const c = cluster('gpu');
    const ws2 = workspace('mlw-test', {
      managedNetwork: { isolationMode: 'Disabled' },
      storageAccount: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/other',
    });
    const { plan } = buildPlan({
      manifest: manifest([ws2, c]),
      state: stateOf([ws, c]),
      observation: observation([
        [ws, echo(ws)],
        [c, echo(c)],
      ]),
    });
    assert.deepEqual(
      plan.resource_changes.map((r) => r.change.actions.join(',')),
      ['delete,create', 'delete,create'],
    );
    assert.equal(plan.resource_changes[1].action_reason, 'replace_because_parent_replaced');
    assert.equal(plan.errors[0].code, 'OneWayChangeRefused');
  });

  test('secrets are masked in the plan and a changed reference is a change', () => {
    const base = cluster('gpu');
    const withSecret = (ref: string): ManifestResource => ({
      ...base,
      secrets: ['/properties/properties/userAccountCredentials/adminUserPassword'],
      body: {
        ...base.body,
        properties: {
          ...(base.body.properties as object),
          properties: {
            ...(base.body.properties as Json).properties,
            userAccountCredentials: { adminUserName: 'azureuser', adminUserPassword: { secretRef: ref } },
          },
        },
      },
    });
    const a = withSecret('env:PW1');
    const b = withSecret('env:PW2');
    const same = buildPlan({
      manifest: manifest([a]),
      state: stateOf([a]),
      observation: observation([
        [a, echo(a, (x) => delete x.properties.properties.userAccountCredentials.adminUserPassword)],
      ]),
    });
    assert.deepEqual(same.plan.resource_changes[0].change.actions, ['no-op']);
    const changed = buildPlan({
      manifest: manifest([b]),
      state: stateOf([a]),
      observation: observation([
        [a, echo(a, (x) => delete x.properties.properties.userAccountCredentials.adminUserPassword)],
      ]),
    });
    const rc = changed.plan.resource_changes[0];
    assert.deepEqual(rc.change.actions, ['delete', 'create']);
    const text = JSON.stringify(changed.plan);
    assert.ok(!text.includes('env:PW'), 'secret references never appear in a plan');
    assert.ok(text.includes('(sensitive)'));
  });

  test('a field removed from the program is removed when ARM still has it', () => {
    const c = cluster('gpu', 'mlw-test', { tags: { a: '1' } });
    const c2 = cluster('gpu');
    const { plan } = buildPlan({
      manifest: manifest([c2]),
      state: stateOf([c]),
      observation: observation([[c, echo(c)]]),
    });
    assert.deepEqual(plan.resource_changes[0].change.actions, ['update']);
    assert.deepEqual(
      plan.resource_changes[0].change.paths.map((p) => [p.path, p.after]),
      [['/tags/a', undefined]],
    );
  });

  test('renamed construct with the same ARM id moves in state instead of delete + create', () => {
    const c = cluster('gpu');
    const moved = { ...c, logicalId: 'Team/Renamed/gpu' };
    const { plan } = buildPlan({
      manifest: manifest([moved]),
      state: stateOf([c]),
      observation: observation([[c, echo(c)]]),
    });
    assert.deepEqual(
      plan.resource_changes.map((r) => [r.address, r.change.actions[0]]),
      [['Team/Renamed/gpu', 'no-op']],
    );
  });

  test('destroy plans a delete of everything owned, children before parents by dependsOn', () => {
    const ws = workspace();
    const c = cluster('gpu');
    const st = { ...stateOf([ws, c]), manifest: manifest([ws, c]) };
    const { plan, steps } = buildPlan({
      manifest: manifest([ws, c]),
      state: st,
      observation: observation([
        [ws, echo(ws)],
        [c, echo(c)],
      ]),
      mode: 'destroy',
    });
    assert.deepEqual(
      plan.resource_changes.map((r) => r.change.actions[0]),
      ['delete', 'delete'],
    );
    assert.deepEqual(steps.find((s) => s.change.address === 'Team/gpu')!.dependsOn, ['Team/mlw-test']);
  });

  test('the plan orders by the manifest dependsOn only: nothing is inferred from ids or parents at plan time', () => {
    const ws = workspace();
    // A cluster whose body names the workspace's key vault and whose id is below the workspace, but whose
    // synthesized graph (dependsOn) is empty: the plan must not add edges of its own.
    const c = cluster('gpu');
    const bare = { ...c, dependsOn: [], body: { ...c.body, note: ws.body.properties } };
    const { steps } = buildPlan({ manifest: manifest([ws, bare]), observation: observation([]) });
    assert.deepEqual(steps.find((s) => s.change.address === 'Team/gpu')!.dependsOn, []);
    const kept = buildPlan({ manifest: manifest([ws, c]), observation: observation([]) });
    assert.deepEqual(kept.steps.find((s) => s.change.address === 'Team/gpu')!.dependsOn, ['Team/mlw-test']);
  });

  test('the observed fingerprint moves when the observation moves', () => {
    const c = cluster('gpu');
    const a = buildPlan({ manifest: manifest([c]), observation: observation([[c, echo(c)]]) }).plan
      .observed_fingerprint;
    const b = buildPlan({
      manifest: manifest([c]),
      observation: observation([[c, echo(c, (x) => (x.properties.properties.scaleSettings.maxNodeCount = 9))]]),
    }).plan.observed_fingerprint;
    const a2 = buildPlan({
      manifest: manifest([c]),
      observation: observation([[c, echo(c, (x) => (x.properties.provisioningState = 'Updating'))]]),
    }).plan.observed_fingerprint;
    assert.notEqual(a, b);
    assert.equal(a, a2, 'read-only fields do not move the fingerprint');
  });
});

describe('diff and drift', () => {
  test('keyed arrays (NSG rules) compare by name, not position', () => {
    const rules = [
      { name: 'a', properties: { priority: 100, protocol: 'Tcp' } },
      { name: 'b', properties: { priority: 200, protocol: 'Udp' } },
    ];
    const observed = {
      properties: {
        securityRules: [
          { name: 'b', id: 'x', properties: { priority: 200, protocol: 'UDP', provisioningState: 'Succeeded' } },
          { name: 'a', properties: { priority: 100, protocol: 'TCP' } },
        ],
      },
    };
    assert.deepEqual(
      diffBodies({
        type: 'Microsoft.Network/networkSecurityGroups',
        desired: { properties: { securityRules: rules } },
        observed,
      }),
      [],
    );
    observed.properties.securityRules[0].properties.priority = 300;
    assert.equal(
      diffBodies({
        type: 'Microsoft.Network/networkSecurityGroups',
        desired: { properties: { securityRules: rules } },
        observed,
      }).length,
      1,
    );
  });

  test('role assignment roleDefinitionId casing is not a change', () => {
    const d = {
      properties: {
        roleDefinitionId: '/subscriptions/S/providers/Microsoft.Authorization/roleDefinitions/ABC',
        principalId: 'p',
        principalType: 'ServicePrincipal',
      },
    };
    const o = {
      properties: {
        roleDefinitionId: '/subscriptions/s/providers/microsoft.authorization/roleDefinitions/abc',
        principalId: 'p',
        principalType: 'ServicePrincipal',
        scope: '/x',
      },
    };
    assert.deepEqual(diffBodies({ type: 'Microsoft.Authorization/roleAssignments', desired: d, observed: o }), []);
  });

  test('drift reports exactly the path changed outside, and accepting it clears it', () => {
    const c = cluster('gpu');
    const state = stateOf([c]);
    const obs = observation([[c, echo(c, (b) => (b.properties.properties.scaleSettings.maxNodeCount = 10))]]);
    const report = computeDrift(state, obs);
    assert.equal(report.drifted.length, 1);
    assert.deepEqual(
      report.drifted[0].paths.map((p) => [p.path, p.expected, p.actual]),
      [['/properties/properties/scaleSettings/maxNodeCount', 4, 10]],
    );
    const accepted = acceptDrift(state, report, obs);
    assert.equal(computeDrift(accepted, obs).drifted.length, 0);
    const gone = computeDrift(state, observation([[c, null]]));
    assert.equal(gone.drifted[0].status, 'deleted');
  });
});
