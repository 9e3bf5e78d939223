/**
 * The "Done when", end to end against the emulator over HTTPS, for every example: apply; a re-plan shows
 * 0 changes and a re-apply makes 0 writes (emulator log); destroy leaves nothing (attached compute detached).
 * On the quickstart also: raising a cluster's max nodes is a single PATCH; changing an instance's VM size is a
 * replace naming the path and reason; an out-of-band change made with @azure/arm-machinelearning shows in drift
 * as exactly that path.
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { LocalCredential } from '../../lib/arm/index.js';
import { applyStack, planStack } from '../../lib/reconciler/apply.js';
import { detectDrift } from '../../lib/reconciler/drift.js';
import { renderPlan } from '../../lib/reconciler/render.js';
import type { Manifest } from '../../lib/manifest/types.js';
import { findCompute, startHarness, synthExample, withBody, type Harness } from './harness.js';
import type { Json } from '../helpers/json.js';

const EXAMPLES = ['quickstart', 'secure-gpu-team', 'attach-existing', 'insecure', 'identity-grants'] as const;

/** Key Vault references resolve from AMLCDK_KEYVAULT_<VAULT>_<NAME> on the local target. */
const SECRETS_ENV = {
  ...process.env,
  AMLCDK_KEYVAULT_KV_ML_SHARED_DSVM_SSH_KEY:
    '-----BEGIN OPENSSH PRIVATE KEY-----test-only-----END OPENSSH PRIVATE KEY-----',
};

async function applyOk(h: Harness, m: Manifest): Promise<void> {
  const r = await applyStack({
    client: h.client,
    store: h.store,
    manifest: m,
    ensureResourceGroup: true,
    env: SECRETS_ENV,
  });
  const bad = r.outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped');
  assert.deepEqual(
    bad.map((b) => `${b.address}: ${b.error?.message ?? b.status}`),
    [],
    `apply of ${m.stack.name} failed`,
  );
}

for (const name of EXAMPLES) {
  describe(`example ${name}`, () => {
    let h: Harness;
    let m: Manifest;
    beforeAll(async () => {
      h = await startHarness({ quotas: { gpuDefault: 1000 } });
      m = await synthExample(name);
      if (name === 'attach-existing') await createExistingWorld(h, m);
    });
    afterAll(async () => {
      await h?.close();
    });

    test('apply, then re-plan shows 0 changes and re-apply makes 0 writes', async () => {
      await applyOk(h, m);
      const state = await h.store.load(m.stack.name);
      assert.equal(Object.keys(state!.resources).length, m.resources.length);
      const { plan } = await planStack(h.client, m, state);
      const changed = plan.resource_changes.filter((c) => c.change.actions[0] !== 'no-op');
      assert.deepEqual(
        changed.map((c) => JSON.stringify({ address: c.address, actions: c.change.actions, paths: c.change.paths })),
        [],
        renderPlan(plan),
      );
      const since = h.lastSeq();
      const again = await applyStack({ client: h.client, store: h.store, manifest: m });
      assert.equal(again.summary.done, 0);
      assert.deepEqual(h.writesSince(since), [], 'a no-op apply sends no writes');
    });

    test('destroy leaves nothing; attached compute is detached, not deleted', async () => {
      if (m.resources.some((r) => r.options.protect)) {
        // protect refuses: nothing is deleted until the program drops it (and that apply is recorded).
        await assert.rejects(
          applyStack({ client: h.client, store: h.store, manifest: m, mode: 'destroy' }),
          (e: Error & { code?: string }) => e.code === 'PlanRefused' && /ResourceProtected/.test(e.message),
        );
        const unprotected = {
          ...m,
          resources: m.resources.map((r) => ({ ...r, options: { ...r.options, protect: false } })),
        };
        const since = h.lastSeq();
        await applyOk(h, unprotected);
        assert.deepEqual(h.writesSince(since), [], 'dropping protect changes only the state');
      }
      const planned = await planStack(h.client, m, await h.store.load(m.stack.name), 'destroy');
      const r = await applyStack({ client: h.client, store: h.store, manifest: m, mode: 'destroy' });
      assert.equal(r.summary.failed + r.summary.skipped, 0, JSON.stringify(r.outcomes));
      for (const res of m.resources) {
        if (res.options.deletePolicy === 'Retain') continue;
        assert.equal(
          await h.client.get(res.id, res.apiVersion),
          undefined,
          `${res.logicalId} still exists after destroy`,
        );
      }
      for (const res of m.resources.filter((x) => x.type.endsWith('/computes'))) {
        const underlying = (res.body.properties as { resourceId?: unknown }).resourceId;
        const step = planned.steps.find((s) => s.change.address === res.logicalId)!;
        assert.deepEqual(step.deleteTarget?.query, {
          underlyingResourceAction: typeof underlying === 'string' ? 'Detach' : 'Delete',
        });
        if (typeof underlying === 'string' && /managedClusters/i.test(underlying)) {
          assert.ok(
            await h.client.get(underlying, '2024-09-01'),
            `the attached cluster ${underlying} must survive a detach`,
          );
        }
      }
      const state = await h.store.load(m.stack.name);
      assert.deepEqual(
        Object.keys(state!.resources).filter(
          (k) => m.resources.find((x) => x.logicalId === k)?.options.deletePolicy !== 'Retain',
        ),
        [],
      );
    });
  });
}

/** The attach-existing example attaches to things that exist before amlcdk: create them. */
async function createExistingWorld(h: Harness, m: Manifest): Promise<void> {
  const sub = m.stack.subscriptionId;
  const loc = m.stack.location;
  for (const rg of ['rg-ml-shared', 'rg-aks', 'rg-vms'])
    await h.client.put(`/subscriptions/${sub}/resourceGroups/${rg}`, '2024-03-01', { location: loc });
  const ws = `/subscriptions/${sub}/resourceGroups/rg-ml-shared/providers/Microsoft.MachineLearningServices/workspaces/shared-ws`;
  const prov = `/subscriptions/${sub}/resourceGroups/rg-ml-shared/providers`;
  await h.client.put(`${prov}/Microsoft.Storage/storageAccounts/stmlshared`, '2025-01-01', {
    location: loc,
    kind: 'StorageV2',
    sku: { name: 'Standard_LRS' },
    properties: {},
  });
  await h.client.put(`${prov}/Microsoft.KeyVault/vaults/kv-ml-shared`, '2024-11-01', {
    location: loc,
    properties: {
      tenantId: '11111111-1111-1111-1111-111111111111',
      sku: { family: 'A', name: 'standard' },
      enableRbacAuthorization: true,
    },
  });
  await h.client.put(`${prov}/Microsoft.Insights/components/appi-ml-shared`, '2020-02-02', {
    location: loc,
    kind: 'web',
    properties: { Application_Type: 'web' },
  });
  await h.client.put(ws, '2025-09-01', {
    location: loc,
    identity: { type: 'SystemAssigned' },
    properties: {
      storageAccount: `${prov}/Microsoft.Storage/storageAccounts/stmlshared`,
      keyVault: `${prov}/Microsoft.KeyVault/vaults/kv-ml-shared`,
      applicationInsights: `${prov}/Microsoft.Insights/components/appi-ml-shared`,
    },
  });
  await h.client.put(
    `/subscriptions/${sub}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/inference-aks`,
    '2024-09-01',
    { location: loc, properties: { dnsPrefix: 'inference' } },
  );
}

describe('updates on the quickstart', () => {
  let h: Harness;
  let m: Manifest;
  beforeAll(async () => {
    h = await startHarness();
    m = await synthExample('quickstart');
    await applyOk(h, m);
  });
  afterAll(async () => {
    await h?.close();
  });

  test('raising a cluster max nodes is a single PATCH', async () => {
    const cluster = findCompute(m, 'AmlCompute')!;
    const before = (cluster.body as Json).properties.properties.scaleSettings.maxNodeCount as number;
    const m2 = withBody(m, cluster.logicalId, (b) => (b.properties.properties.scaleSettings.maxNodeCount = before + 4));
    const { plan } = await planStack(h.client, m2, await h.store.load(m.stack.name));
    const rc = plan.resource_changes.find((c) => c.address === cluster.logicalId)!;
    assert.deepEqual(rc.change.actions, ['patch']);
    assert.deepEqual(
      rc.change.paths.map((p) => [p.path, p.before, p.after]),
      [['/properties/properties/scaleSettings/maxNodeCount', before, before + 4]],
    );
    const since = h.lastSeq();
    await applyOk(h, m2);
    const writes = h.writesSince(since);
    assert.equal(writes.length, 1, JSON.stringify(writes));
    assert.equal(writes[0].method, 'PATCH');
    assert.ok(writes[0].path.toLowerCase().includes(`/computes/${cluster.name.toLowerCase()}`));
    m = m2;
  });

  test('changing an instance VM size is a replace that names the path and the reason', async () => {
    const ci = findCompute(m, 'ComputeInstance')!;
    const m2 = withBody(m, ci.logicalId, (b) => (b.properties.properties.vmSize = 'Standard_DS4_v2'));
    const { plan } = await planStack(h.client, m2, await h.store.load(m.stack.name));
    const rc = plan.resource_changes.find((c) => c.address === ci.logicalId)!;
    assert.deepEqual(rc.change.actions, ['delete', 'create']);
    assert.deepEqual(rc.replace_paths, ['/properties/properties/vmSize']);
    assert.equal(
      rc.change.paths.find((p) => p.path === '/properties/properties/vmSize')!.reason,
      'replace: properties.properties.vmSize is create-only',
    );
    assert.match(renderPlan(plan), /replace: properties\.properties\.vmSize is create-only/);
    const since = h.lastSeq();
    await applyOk(h, m2);
    const writes = h.writesSince(since).map((w) => w.method);
    assert.equal(writes[0], 'DELETE', 'delete before create (compute names are unique per region)');
    assert.ok(writes.includes('PUT'));
    const { plan: after } = await planStack(h.client, m2, await h.store.load(m.stack.name));
    assert.equal(after.summary.noop, m2.resources.length);
    m = m2;
  });

  test('an out-of-band change made with @azure/arm-machinelearning shows in drift as exactly that path', async () => {
    const cluster = findCompute(m, 'AmlCompute')!;
    const [, sub, , rg, , , , ws] = cluster.id.split('/').slice(1);
    void sub;
    const sdk = new AzureMachineLearningWorkspaces(new LocalCredential(), m.stack.subscriptionId, {
      endpoint: h.emu.url,
      agent: h.agent(),
      retryOptions: { maxRetries: 0 },
    });
    const scale = { ...(cluster.body as Json).properties.properties.scaleSettings, maxNodeCount: 17 };
    await sdk.computeOperations.beginUpdateAndWait(
      rg,
      ws,
      cluster.name,
      { properties: { scaleSettings: scale } },
      { updateIntervalInMs: 10 },
    );
    const state = await h.store.load(m.stack.name);
    const { report } = await detectDrift(h.client, state!);
    assert.deepEqual(
      report.drifted.map((d) => [d.address, d.paths.map((p) => [p.path, p.actual])]),
      [[cluster.logicalId, [['/properties/properties/scaleSettings/maxNodeCount', 17]]]],
    );
  });
});
