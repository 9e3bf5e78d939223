/**
 * Deploy-time references in plan and apply: "(known after apply)" until the identity exists, then read from the
 * observation; apply creates the identity first and writes its principal id into the assignment; the re-plan is
 * a no-op. The emulator (over HTTPS) assigns the principal ids, as Azure does.
 */
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  App,
  BuiltInRole,
  ComputeCluster,
  ComputeIdentity,
  Stack,
  UserAssignedIdentity,
  VmSize,
  Workspace,
  type Manifest,
} from '../../lib/index.js';
import { buildManifests } from '../../lib/core/synth.js';
import { applyStack, planStack } from '../../lib/reconciler/apply.js';
import { detectDrift } from '../../lib/reconciler/drift.js';
import { KNOWN_AFTER_APPLY, buildPlan } from '../../lib/reconciler/plan.js';
import { renderPlan } from '../../lib/reconciler/render.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { HATCH_ROUTE_TABLE_ID, hatchProgram } from '../helpers/hatch-program.js';
import type { Json } from '../helpers/json.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';

function program(): Manifest {
  const app = new App();
  const stack = new Stack(app, 'Refs', { subscriptionId: SUB, resourceGroup: 'rg-refs', location: 'westeurope' });
  const ws = new Workspace(stack, 'Ws', { tenantId: TENANT });
  const gpu = new ComputeCluster(ws, 'Gpu', {
    vmSize: VmSize.STANDARD_DS3_V2,
    maxNodeCount: 1,
    identity: ComputeIdentity.systemAssigned(),
  });
  gpu.identity.grant(ws.storageAccount!, BuiltInRole.STORAGE_BLOB_DATA_READER);
  const uai = new UserAssignedIdentity(stack, 'Uai');
  uai.grant(ws.containerRegistry!, BuiltInRole.ACR_PULL);
  const { manifests, diagnostics } = buildManifests(app);
  assert.deepEqual(
    diagnostics.filter((d) => d.level === 'error'),
    [],
  );
  return manifests[0];
}

describe('references in plan and apply', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('a first plan shows the principal ids as (known after apply)', () => {
    const m = program();
    const { plan } = buildPlan({ manifest: m, observation: { resources: new Map(), calls: { list: 0, get: 0 } } });
    const grants = plan.resource_changes.filter((c) => c.type === 'Microsoft.Authorization/roleAssignments');
    assert.equal(grants.length, 2);
    for (const g of grants) {
      assert.deepEqual(g.change.actions, ['create']);
      assert.equal((g.change.after as Json).properties.principalId, KNOWN_AFTER_APPLY);
      assert.ok(g.notes?.some((n) => n.includes(KNOWN_AFTER_APPLY)));
    }
    assert.match(renderPlan(plan), /properties\.principalId: \(known after apply\)/);
  });

  test('apply writes the principal ids Azure assigned; the re-plan reads them back and changes nothing', async () => {
    const m = program();
    const r = await applyStack({ client: h.client, store: h.store, manifest: m, ensureResourceGroup: true });
    assert.deepEqual(
      r.outcomes.filter((o) => o.status !== 'done').map((o) => `${o.address}: ${o.error?.message ?? o.status}`),
      [],
    );
    const gpuId = m.resources.find((x) => x.logicalId === 'Refs/Ws/Gpu')!.id;
    const uaiId = m.resources.find((x) => x.logicalId === 'Refs/Uai')!.id;
    const gpu = await h.client.get(gpuId, '2025-12-01');
    const uai = await h.client.get(uaiId, '2023-01-31');
    const gpuPrincipal = (gpu as Json).identity.principalId as string;
    const uaiPrincipal = (uai as Json).properties.principalId as string;
    assert.match(gpuPrincipal, /^[0-9a-f-]{36}$/);
    const assigned = new Map<string, string>();
    for (const g of m.resources.filter((x) => x.type === 'Microsoft.Authorization/roleAssignments')) {
      const live = await h.client.get(g.id, g.apiVersion);
      assigned.set(g.logicalId, (live as Json).properties.principalId as string);
    }
    assert.deepEqual([...assigned.values()].sort(), [gpuPrincipal, uaiPrincipal].sort());

    const state = await h.store.load(m.stack.name);
    const { plan } = await planStack(h.client, m, state);
    assert.deepEqual(
      plan.resource_changes.filter((c) => c.change.actions[0] !== 'no-op').map((c) => c.address),
      [],
      renderPlan(plan),
    );
  });

  test('escape hatches: an override and a GenericResource are applied like any resource, re-plan as no-op, drift and are put back', async () => {
    const { app } = hatchProgram();
    const m = buildManifests(app).manifests[0];
    const r = await applyStack({ client: h.client, store: h.store, manifest: m, ensureResourceGroup: true });
    assert.deepEqual(
      r.outcomes.filter((o) => o.status !== 'done').map((o) => `${o.address}: ${o.error?.message ?? o.status}`),
      [],
    );
    const wsId = m.resources.find((x) => x.logicalId === 'Hatch/Ws')!.id;
    const rtId = HATCH_ROUTE_TABLE_ID;
    const wsLive = (await h.client.get(wsId, '2025-12-01')) as Json;
    assert.equal(wsLive.properties.allowPublicAccessWhenBehindVnet, true);
    const rt = (await h.client.get(rtId, '2024-05-01')) as Json;
    assert.equal(rt.properties.disableBgpRoutePropagation, true);
    const { plan } = await planStack(h.client, m, await h.store.load(m.stack.name));
    assert.deepEqual(
      plan.resource_changes.filter((c) => c.change.actions[0] !== 'no-op').map((c) => c.address),
      [],
      renderPlan(plan),
    );

    // Changed outside amlcdk: drift names the overridden path and the raw resource's, and plan puts them back.
    await h.client.patch(wsId, '2025-12-01', { properties: { allowPublicAccessWhenBehindVnet: false } });
    await h.client.put(rtId, '2024-05-01', {
      location: 'westeurope',
      properties: { disableBgpRoutePropagation: false },
    });
    const state = (await h.store.load(m.stack.name))!;
    const { report } = await detectDrift(h.client, state);
    assert.deepEqual(
      report.drifted.map((d) => [d.address, d.paths.map((p) => [p.path, p.expected, p.actual])]),
      [
        ['Hatch/Routes', [['/properties/disableBgpRoutePropagation', true, false]]],
        ['Hatch/Ws', [['/properties/allowPublicAccessWhenBehindVnet', true, false]]],
      ],
    );
    const { plan: back } = await planStack(h.client, m, state);
    assert.deepEqual(
      back.resource_changes
        .filter((c) => c.change.actions[0] !== 'no-op')
        .map((c) => [c.address, c.change.actions])
        .sort(),
      [
        ['Hatch/Routes', ['update']],
        ['Hatch/Ws', ['update']],
      ],
      renderPlan(back),
    );
  });
});
