/**
 * Azure's lifecycle traps (issue 12, traps 1–9), end to end: the reconciler against the emulator over HTTPS, with
 * the quickstart. Each test drives the trap as Azure sets it and checks what plan says and what apply does.
 */
import { describe, test, afterEach } from '@jest/globals';
import assert from 'node:assert/strict';
import { App } from '../../lib/core/app.js';
import type { ArmClient, ArmResource } from '../../lib/arm/index.js';
import { ComputeCluster, VmSize } from '../../lib/index.js';
import { contentHash } from '../../lib/manifest/canonical.js';
import type { Manifest, ManifestResource, ResourceOptions } from '../../lib/manifest/types.js';
import { applyStack, planStack, type ApplyEvent } from '../../lib/reconciler/apply.js';
import { detectDrift } from '../../lib/reconciler/drift.js';
import { renderPlan } from '../../lib/reconciler/render.js';
import { QuickstartStack, QUICKSTART_DEFAULTS } from '../../examples/quickstart/stack.js';
import { findCompute, startHarness, synthExample, withBody, type Harness } from './harness.js';
import type { Json } from '../helpers/json.js';

const KV = 'Microsoft.KeyVault/vaults';
const RA = 'Microsoft.Authorization/roleAssignments';
const OTHER_SUB = '00000000-0000-0000-0000-00000000cccc';

/** The manifest with only the resources `keep` selects (hash recomputed, as synthesis would). */
function subset(m: Manifest, keep: (r: ManifestResource) => boolean): Manifest {
  return rehash({ ...m, resources: m.resources.filter(keep) });
}

function rehash(m: Omit<Manifest, 'hash'> & { hash?: string }): Manifest {
  const { hash: _h, ...rest } = m;
  void _h;
  return { ...rest, hash: contentHash(rest) };
}

function withOptions(m: Manifest, type: string, options: Partial<ResourceOptions>): Manifest {
  return rehash({
    ...m,
    resources: m.resources.map((r) => (r.type === type ? { ...r, options: { ...r.options, ...options } } : r)),
  });
}

function byType(m: Manifest, type: string): ManifestResource {
  const r = m.resources.find((x) => x.type === type);
  if (!r) throw new Error(`no ${type} in ${m.stack.name}`);
  return r;
}

function instanceOf(m: Manifest): ManifestResource {
  return findCompute(m, 'ComputeInstance')!;
}

function clusterOf(m: Manifest): ManifestResource {
  return findCompute(m, 'AmlCompute')!;
}

async function apply(h: Harness, m: Manifest, extra: Partial<Parameters<typeof applyStack>[0]> = {}) {
  return applyStack({ client: h.client, store: h.store, manifest: m, ensureResourceGroup: true, ...extra });
}

async function applyOk(h: Harness, m: Manifest, extra: Partial<Parameters<typeof applyStack>[0]> = {}) {
  const r = await apply(h, m, extra);
  const bad = r.outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped');
  assert.deepEqual(
    bad.map((b) => `${b.address}: ${b.error?.message ?? b.status}`),
    [],
  );
  return r;
}

async function replan(h: Harness, m: Manifest) {
  return planStack(h.client, m, await h.store.load(m.stack.name));
}

function changes(plan: Awaited<ReturnType<typeof replan>>['plan']): string[] {
  return plan.resource_changes
    .filter((c) => c.change.actions[0] !== 'no-op')
    .map((c) => `${c.address} ${c.change.actions.join(',')}`);
}

const ARM = (m: Manifest) => `/subscriptions/${m.stack.subscriptionId}/resourceGroups/${m.stack.resourceGroup}`;

describe('Azure lifecycle traps, end to end', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  test('trap 1: a workspace replace under soft delete is refused unless the delete policy is Purge', async () => {
    h = await startHarness();
    const m = await synthExample('quickstart');
    await applyOk(h, m);
    const ws = byType(m, 'Microsoft.MachineLearningServices/workspaces');
    const changed = withBody(m, ws.logicalId, (b) => (b.properties.hbiWorkspace = true));
    const { plan } = await replan(h, changed);
    const e = plan.errors.find((x) => x.address === ws.logicalId);
    assert.equal(e?.code, 'WorkspaceReplaceBlockedBySoftDelete', renderPlan(plan));
    assert.match(e.message, /soft delete: Azure keeps the deleted workspace for 14 days/);
    assert.match(e.fix, /deletePolicy: 'Purge'/);
    const since = h.lastSeq();
    await assert.rejects(apply(h, changed), (err: Error & { code?: string }) => err.code === 'PlanRefused');
    assert.deepEqual(h.writesSince(since), [], 'nothing was written');
    // With Purge the old workspace is purged, so the new one can take its name.
    const purging = withOptions(changed, 'Microsoft.MachineLearningServices/workspaces', { deletePolicy: 'Purge' });
    const p2 = (await replan(h, purging)).plan;
    assert.deepEqual(p2.errors, []);
    await applyOk(h, purging);
    const writes = h.writesSince(since);
    assert.ok(writes.some((w) => w.method === 'DELETE' && /workspaces\/[^/]+$/.test(w.path.split('?')[0])));
    assert.equal(
      (await h.emu.request('GET', `${ws.id}?api-version=${ws.apiVersion}`)).body.properties.hbiWorkspace,
      true,
    );
  });

  test('trap 2: a destroyed key vault is soft-deleted; applying again recovers it; Purge purges unless protected', async () => {
    h = await startHarness();
    const full = await synthExample('quickstart');
    const m = subset(full, (r) => r.type === KV);
    const kv = byType(m, KV);
    await applyOk(h, m);
    await applyOk(h, m, { mode: 'destroy' });
    const deletedUrl = `/subscriptions/${m.stack.subscriptionId}/providers/Microsoft.KeyVault/locations/${m.stack.location}/deletedVaults/${kv.name}?api-version=${kv.apiVersion}`;
    assert.equal((await h.emu.request('GET', deletedUrl)).status, 200, 'soft-deleted, not gone');
    const { plan } = await replan(h, m);
    assert.deepEqual(plan.errors, []);
    assert.ok(
      plan.resource_changes[0].notes?.some((n) => n.startsWith('recover:')),
      renderPlan(plan),
    );
    await applyOk(h, m);
    assert.equal((await h.emu.request('GET', `${kv.id}?api-version=${kv.apiVersion}`)).status, 200);
    assert.equal((await h.emu.request('GET', deletedUrl)).status, 404, 'recovered');
    assert.deepEqual(changes((await replan(h, m)).plan), []);
    // A vault of that name soft-deleted by someone else (no record in this stack's state) is not recovered.
    const other = await startHarness();
    try {
      await other.emu.request('PUT', `${ARM(m)}?api-version=2024-03-01`, { location: m.stack.location });
      await other.emu.waitFor(await other.emu.request('PUT', `${kv.id}?api-version=${kv.apiVersion}`, { ...kv.body }));
      const d = await other.emu.request('DELETE', `${kv.id}?api-version=${kv.apiVersion}`);
      if (d.headers['azure-asyncoperation']) await other.emu.waitFor(d);
      const foreign = (await planStack(other.client, m, undefined)).plan;
      const err = foreign.errors.find((x) => x.code === 'KeyVaultSoftDeleted');
      assert.ok(err, renderPlan(foreign));
      assert.match(err.fix, /az keyvault recover --name/);
    } finally {
      await other.close();
    }
    // deletePolicy Purge: destroy purges, the name is free at once.
    const purging = withOptions(m, KV, { deletePolicy: 'Purge' });
    await applyOk(h, purging);
    await applyOk(h, purging, { mode: 'destroy' });
    assert.equal((await h.emu.request('GET', deletedUrl)).status, 404, 'purged');
    // Purge protection: destroy does not try to purge (Azure would refuse), and says so.
    const protectedVault = withBody(purging, kv.logicalId, (b) => (b.properties.enablePurgeProtection = true));
    await applyOk(h, protectedVault);
    const destroyPlan = (await planStack(h.client, protectedVault, await h.store.load(m.stack.name), 'destroy')).plan;
    assert.ok(
      destroyPlan.resource_changes[0].notes?.some((n) => /purge protection/.test(n)),
      renderPlan(destroyPlan),
    );
    const since = h.lastSeq();
    await applyOk(h, protectedVault, { mode: 'destroy' });
    assert.equal(
      h.writesSince(since).filter((w) => /\/purge/.test(w.path)).length,
      0,
      'no purge of a purge-protected vault',
    );
    assert.equal((await h.emu.request('GET', deletedUrl)).body.properties.purgeProtectionEnabled, true);
  });

  test('trap 3: a compute that ends provisioningState Failed plans as a replace with the error, and apply repairs it', async () => {
    h = await startHarness();
    const m = await synthExample('quickstart');
    const c = clusterOf(m);
    h.emu.configure({
      faults: [
        {
          method: 'PUT',
          path: `/computes/${c.name}$`,
          times: 1,
          lroFailure: { afterPolls: 1, code: 'ResizeFailed', message: 'Allocation failed: no capacity in westeurope.' },
        },
      ],
    });
    const first = await apply(h, m);
    assert.equal(first.outcomes.find((o) => o.address === c.logicalId)?.status, 'failed');
    const { plan } = await replan(h, m);
    const rc = plan.resource_changes.find((x) => x.address === c.logicalId)!;
    assert.deepEqual(rc.change.actions, ['delete', 'create'], renderPlan(plan));
    assert.equal(rc.action_reason, 'replace_because_provisioning_failed');
    assert.ok(
      rc.change.paths.some(
        (p) =>
          p.reason === 'replace (provisioning failed: ResizeFailed: Allocation failed: no capacity in westeurope.)',
      ),
    );
    await applyOk(h, m);
    const got = await h.emu.request('GET', `${c.id}?api-version=${c.apiVersion}`);
    assert.equal(got.body.properties.provisioningState, 'Succeeded');
    assert.deepEqual(changes((await replan(h, m)).plan), []);
  });

  test('trap 4a: a role assignment that exists under another name is adopted (plan says adopt; 409 at apply too)', async () => {
    h = await startHarness();
    const m = await synthExample('quickstart');
    const grant = byType(m, RA);
    await applyOk(
      h,
      subset(m, (r) => r.type !== RA),
    );
    const scope = grant.id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/.*$/, '');
    const theirs = `${scope}/providers/Microsoft.Authorization/roleAssignments/7d1e6a2c-1d1f-4a57-9c1e-0d6b1f0f7a11`;
    assert.equal((await h.emu.request('PUT', `${theirs}?api-version=${grant.apiVersion}`, grant.body)).status, 201);
    const { plan } = await replan(h, m);
    const rc = plan.resource_changes.find((x) => x.address === grant.logicalId)!;
    assert.deepEqual(rc.change.actions, ['adopt'], renderPlan(plan));
    assert.match(renderPlan(plan), /adopted into the state/);
    const since = h.lastSeq();
    await applyOk(h, m);
    assert.equal(h.writesSince(since).length, 0, 'adopting writes nothing');
    const state = await h.store.load(m.stack.name);
    assert.equal(state!.resources[grant.logicalId].id.toLowerCase(), theirs.toLowerCase());
    assert.equal(state!.resources[grant.logicalId].ownership, 'adopted');
    assert.deepEqual(changes((await replan(h, m)).plan), []);

    // The same assignment appearing between plan and apply: Azure answers 409 RoleAssignmentExists, apply adopts it.
    const h2 = await startHarness();
    try {
      await applyStack({
        client: h2.client,
        store: h2.store,
        manifest: subset(m, (r) => r.type !== RA),
        ensureResourceGroup: true,
      });
      const events: ApplyEvent[] = [];
      const r = await applyStack({
        client: h2.client,
        store: h2.store,
        manifest: m,
        onEvent: (e) => events.push(e),
        confirm: async () => {
          await h2.emu.request('PUT', `${theirs}?api-version=${grant.apiVersion}`, grant.body);
          return true;
        },
      });
      assert.equal(r.outcomes.find((o) => o.address === grant.logicalId)?.status, 'done');
      assert.ok(events.some((e) => e.kind === 'note' && /RoleAssignmentExists/.test(e.message)));
      const s2 = await h2.store.load(m.stack.name);
      assert.equal(s2!.resources[grant.logicalId].id.toLowerCase(), theirs.toLowerCase());
    } finally {
      await h2.close();
    }
  });

  test('trap 4b: PrincipalNotFound (not replicated yet) is retried with backoff, shown in progress, up to a bound', async () => {
    h = await startHarness();
    const m = await synthExample('quickstart');
    const grant = byType(m, RA);
    // A group created just now: Entra ID replicates it in 10 minutes of the emulator's clock, which moves on at the
    // first retry (no race with the machine's speed). Without principalType, RBAC looks it up.
    const group = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
    const untyped = withBody(m, grant.logicalId, (b) => {
      b.properties.principalId = group;
      delete b.properties.principalType;
    });
    h.emu.addPrincipal({ objectId: group, type: 'Group', replicationDelayMs: 600_000 });
    const events: ApplyEvent[] = [];
    const emu = h.emu;
    await applyOk(h, untyped, {
      onEvent: (e) => {
        events.push(e);
        if (e.kind === 'retry' && events.filter((x) => x.kind === 'retry').length === 1) emu.advanceClock(600_001);
      },
    });
    const retries = events.filter((e) => e.kind === 'retry');
    assert.ok(retries.length >= 1, 'retried');
    assert.ok(retries.every((e) => e.kind === 'retry' && e.code === 'PrincipalNotFound' && e.boundMs === 300_000));
    assert.ok(
      h.emu.log().some((e) => e.errorCode === 'PrincipalNotFound'),
      'Azure said PrincipalNotFound first',
    );
    // A principal that never appears fails after the bound, saying how long it waited.
    const ghost = withBody(m, grant.logicalId, (b) => {
      b.properties.principalId = '6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e';
      delete b.properties.principalType;
    });
    const r = await apply(h, ghost, { principalWaitMs: 1200 });
    const failed = r.outcomes.find((o) => o.address === grant.logicalId);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error?.code, 'PrincipalNotFound');
    assert.match(failed.error.message, /still answers PrincipalNotFound after \d+ s and \d+ attempt/);
  });

  test('trap 5: a schedule edit on an existing instance is a replace that says why; no updateSchedules is sent', async () => {
    h = await startHarness();
    const m = await synthExample('quickstart');
    await applyOk(h, m);
    const ci = instanceOf(m);
    const edited = withBody(m, ci.logicalId, (b) => {
      b.properties.properties.schedules.computeStartStop[0].cron.expression = '0 20 * * 1-5';
    });
    const { plan } = await replan(h, edited);
    const rc = plan.resource_changes.find((x) => x.address === ci.logicalId)!;
    assert.deepEqual(rc.change.actions, ['delete', 'create'], renderPlan(plan));
    assert.ok(
      rc.change.paths.some((p) => /POST updateSchedules is in no stable spec/.test(p.reason)),
      JSON.stringify(rc.change.paths),
    );
    const since = h.lastSeq();
    await applyOk(h, edited);
    assert.equal(h.writesSince(since).filter((w) => /updateSchedules/.test(w.path)).length, 0);
    const got = await h.emu.request('GET', `${ci.id}?api-version=${ci.apiVersion}`);
    assert.equal(got.body.properties.properties.schedules.computeStartStop[0].cron.expression, '0 20 * * 1-5');
  });

  test('trap 6: a tag added out of band shows in drift but is neither replaced nor removed; ignoreChanges; ownAllTags', async () => {
    h = await startHarness();
    const m = await synthExample('quickstart');
    await applyOk(h, m);
    const ci = instanceOf(m);
    const url = `${ci.id}?api-version=${ci.apiVersion}`;
    // Azure Policy `modify` adds a tag to the instance.
    const now = (await h.emu.request('GET', url)).body;
    await h.emu.waitFor(await h.emu.request('PUT', url, { ...now, tags: { ...now.tags, costCenter: 'cc-42' } }));
    const drift = (await detectDrift(h.client, (await h.store.load(m.stack.name))!)).report;
    const d = drift.drifted.find((x) => x.address === ci.logicalId);
    assert.deepEqual(
      d?.paths.map((p) => p.path),
      ['/tags/costCenter'],
    );
    assert.deepEqual(changes((await replan(h, m)).plan), [], 'the instance is not replaced');
    const since = h.lastSeq();
    const again = await apply(h, m);
    assert.equal(again.summary.done, 0);
    assert.deepEqual(h.writesSince(since), []);
    // ignoreChanges: a scale change made outside stays, and an update sends Azure's value back.
    const c = clusterOf(m);
    const curl = `${c.id}?api-version=${c.apiVersion}`;
    await h.emu.waitFor(
      await h.emu.request('PATCH', curl, {
        properties: { properties: { scaleSettings: { maxNodeCount: 7, minNodeCount: 0 } } },
      }),
    );
    await h.emu.waitFor(
      await h.emu.request('PUT', curl, {
        ...(await h.emu.request('GET', curl)).body,
        tags: { ...(c.body.tags as Json), owner: 'ml-platform', billing: 'x' },
      }),
    );
    const ignoring = rehash({
      ...m,
      resources: m.resources.map((r) =>
        r.logicalId === c.logicalId
          ? {
              ...r,
              body: { ...r.body, tags: { ...(r.body.tags as Json), project: 'quickstart-2' } },
              options: { ...r.options, ignoreChanges: ['/properties/properties/scaleSettings/maxNodeCount'] },
            }
          : r,
      ),
    });
    const p = (await replan(h, ignoring)).plan;
    const crc = p.resource_changes.find((x) => x.address === c.logicalId)!;
    assert.deepEqual(crc.change.actions, ['update'], renderPlan(p));
    assert.deepEqual(
      crc.change.paths.map((x) => x.path),
      ['/tags/project'],
    );
    await applyOk(h, ignoring);
    const after = (await h.emu.request('GET', curl)).body;
    assert.equal(after.properties.properties.scaleSettings.maxNodeCount, 7, 'the ignored value was sent back');
    assert.equal(after.tags.billing, 'x', 'the out-of-band tag was sent back');
    assert.equal(after.tags.project, 'quickstart-2');
    // ownAllTags: the stack removes what it did not declare (a replace, for an instance).
    const owning = rehash({ ...m, stack: { ...m.stack, ownAllTags: true } });
    const po = (await replan(h, owning)).plan;
    const irc = po.resource_changes.find((x) => x.address === ci.logicalId)!;
    assert.deepEqual(irc.change.actions, ['delete', 'create'], renderPlan(po));
    assert.deepEqual(
      irc.change.paths.map((x) => x.path),
      ['/tags/costCenter'],
    );
  });

  test('trap 7: a storage account name taken in another subscription is a plan error with a fix', async () => {
    h = await startHarness();
    const m = await synthExample('quickstart');
    const sa = byType(m, 'Microsoft.Storage/storageAccounts');
    const elsewhere = `/subscriptions/${OTHER_SUB}/resourceGroups/rg-other`;
    await h.emu.request('PUT', `${elsewhere}?api-version=2024-03-01`, { location: 'westeurope' });
    await h.emu.waitFor(
      await h.emu.request(
        'PUT',
        `${elsewhere}/providers/Microsoft.Storage/storageAccounts/${sa.name}?api-version=${sa.apiVersion}`,
        {
          location: 'westeurope',
          sku: { name: 'Standard_LRS' },
        },
      ),
    );
    const { plan } = await planStack(h.client, m, undefined);
    const e = plan.errors.find((x) => x.address === sa.logicalId);
    assert.equal(e?.code, 'NameNotAvailable', renderPlan(plan));
    assert.match(e.message, /is already taken/);
    assert.match(e.fix, /choose another name/);
    const since = h.lastSeq();
    await assert.rejects(apply(h, m), (err: Error & { code?: string }) => err.code === 'PlanRefused');
    assert.deepEqual(h.writesSince(since), [], 'nothing was written');
  });

  test('trap 8: a cluster in another region is sent as Microsoft clients send it, and re-plans as unchanged', async () => {
    h = await startHarness();
    const app = new App();
    const stack = new QuickstartStack(app, 'Quickstart', QUICKSTART_DEFAULTS);
    new ComputeCluster(stack.workspace, 'NorthCluster', {
      vmSize: VmSize.STANDARD_D4S_V5,
      maxNodeCount: 2,
      nodePublicIp: false,
      computeLocation: 'northeurope',
    });
    const m = app.synth({ write: false }).manifests[0];
    const north = m.resources.find((r) => r.logicalId.endsWith('/NorthCluster'))!;
    assert.equal(north.body.location, 'northeurope');
    assert.equal('computeLocation' in (north.body.properties as Json), false);
    await applyOk(h, m);
    assert.equal(
      (await h.emu.request('GET', `${north.id}?api-version=${north.apiVersion}`)).body.location,
      'northeurope',
    );
    assert.deepEqual(changes((await replan(h, m)).plan), []);
  });

  test('trap 9: an instance GET without enableNodePublicIp is no difference; a change of it still replaces', async () => {
    h = await startHarness();
    const m = await synthExample('quickstart');
    await applyOk(h, m);
    const ci = instanceOf(m);
    // Recorded Azure echoes it (corpus ml/compute-instance-get.json); the spec example's GET
    // (Compute/get/ComputeInstance.json, 2025-12-01) has none. Reads through a client that drops it, as such a GET.
    const real = h.client;
    const strip = (r: ArmResource | undefined): ArmResource | undefined => {
      const pp = (r?.properties as { properties?: Record<string, unknown> } | undefined)?.properties;
      if (!r || r.id.toLowerCase() !== ci.id.toLowerCase() || !pp) return r;
      const { enableNodePublicIp: _dropped, ...rest } = pp;
      void _dropped;
      return { ...r, properties: { ...(r.properties as object), properties: rest } };
    };
    const specLike = new Proxy(real, {
      get(t, k) {
        if (k === 'get') return async (...a: Parameters<ArmClient['get']>) => strip(await t.get(...a));
        if (k === 'list')
          return async (...a: Parameters<ArmClient['list']>) => (await t.list(...a)).map((x) => strip(x)!);
        const v: unknown = Reflect.get(t, k);
        return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(t) : v;
      },
    });
    const state = await h.store.load(m.stack.name);
    assert.equal(
      'enableNodePublicIp' in ((await specLike.get(ci.id, ci.apiVersion))!.properties as Json).properties,
      false,
      'not echoed',
    );
    assert.deepEqual(changes((await planStack(specLike, m, state)).plan), []);
    const flipped = withBody(m, ci.logicalId, (b) => (b.properties.properties.enableNodePublicIp = true));
    const { plan } = await planStack(specLike, flipped, state);
    const rc = plan.resource_changes.find((x) => x.address === ci.logicalId)!;
    assert.deepEqual(rc.change.actions, ['delete', 'create']);
    assert.deepEqual(
      rc.change.paths.map((p) => p.path),
      ['/properties/properties/enableNodePublicIp'],
    );
  });
});
