/**
 * Observe by lists against the emulator: a small estate (two teams, each in its own resource group) applied, then
 * planned again. The emulator pages lists at 5 items, so every multi-item list follows nextLinks; its operations
 * log is the witness of what observe read.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { ArmRateLimiter, HttpArmClient, LocalCredential } from '../../lib/arm/index.js';
import type { Manifest } from '../../lib/manifest/types.js';
import { applyStack, planStack } from '../../lib/reconciler/apply.js';
import { LIST_SOURCES, listCallFor } from '../../lib/reconciler/list-sources.js';
import { describeObservation } from '../../lib/reconciler/observe.js';
import { contentHash } from '../../lib/manifest/canonical.js';
import { estateManifests } from '../../bench/estate-program.js';
import { startHarness, type Harness } from '../e2e/harness.js';

let h: Harness;
let stacks: Manifest[];

const PAGE = 5;

/** Reads (GETs) the emulator logged after `since`, with the path each addressed. */
function readsSince(since: number): { path: string; status: number }[] {
  return h.emu
    .log(since)
    .filter((e) => e.kind === 'read')
    .map((e) => ({ path: e.path.toLowerCase(), status: e.status }));
}

beforeAll(async () => {
  h = await startHarness({ pageSize: PAGE, quotas: { cpuDefault: 1_000_000 } });
  stacks = estateManifests({ resources: 60, resourceGroups: 2, prefix: 'Obs' });
  for (const m of stacks) {
    const r = await applyStack({ client: h.client, store: h.store, manifest: m, ensureResourceGroup: true });
    assert.equal(r.summary.failed + r.summary.skipped, 0, JSON.stringify(r.outcomes.filter((o) => o.error)));
  }
});
afterAll(async () => {
  h?.client.close();
  await h?.close();
});

describe('observe by lists', () => {
  test('a re-plan reads each collection once (every page), lists role assignments per resource group, and GETs only types without a list', async () => {
    const since = h.lastSeq();
    let lists = 0;
    let gets = 0;
    for (const m of stacks) {
      const state = await h.store.load(m.stack.name);
      const { plan, observation } = await planStack(h.client, m, state);
      assert.equal(plan.summary.noop, m.resources.length, JSON.stringify(plan.summary));
      lists += observation.calls.list;
      gets += observation.calls.get;
      assert.equal(observation.calls.confirmed ?? 0, 0, 'nothing missing from a current list');
    }
    const reads = readsSince(since);
    // The counts observe reports are the reads ARM saw.
    assert.equal(lists + gets, reads.length);

    const all = stacks.flatMap((m) => m.resources);
    const ids = new Map(all.map((r) => [r.id.toLowerCase(), r.type.toLowerCase()]));
    // A GET of a resource only for types that have no list.
    const gotById = reads.filter((r) => ids.has(r.path));
    for (const r of gotById) assert.equal(LIST_SOURCES.has(ids.get(r.path)!), false, `GET of a listed type: ${r.path}`);
    assert.equal(gotById.length, gets);
    // Every other read is a list: role assignments once per resource group (not per scope), and multi-page lists
    // followed to the end.
    const listed = reads.filter((r) => !ids.has(r.path));
    const raLists = new Set(listed.filter((r) => r.path.endsWith('/roleassignments')).map((r) => r.path));
    assert.deepEqual(
      [...raLists].sort(),
      stacks
        .map(
          (m) =>
            `/subscriptions/${m.stack.subscriptionId}/resourcegroups/${m.stack.resourceGroup}/providers/microsoft.authorization/roleassignments`,
        )
        .sort(),
    );
    const pagesPerList = new Map<string, number>();
    for (const r of listed) pagesPerList.set(r.path, (pagesPerList.get(r.path) ?? 0) + 1);
    for (const m of stacks) {
      const computes = m.resources.filter((r) => r.type.endsWith('/computes'));
      const collection = computes[0].id.slice(0, computes[0].id.lastIndexOf('/')).toLowerCase();
      assert.equal(pagesPerList.get(collection), Math.ceil(computes.length / PAGE), `pages of ${collection}`);
    }
    // GET per resource would be one read each; by lists it is a fraction.
    assert.ok(reads.length * 2 < all.length, `${reads.length} reads for ${all.length} resources`);
  });

  test('a resource deleted out of band is detected when its list omits it; a lagging list makes no false delete', async () => {
    const [m] = stacks;
    const instances = m.resources.filter((r) => r.type.endsWith('/computes'));
    const gone = instances[0];
    const deleted = await h.client.delete(gone.id, gone.apiVersion, { query: { underlyingResourceAction: 'Delete' } });
    assert.equal(deleted.status, 'Succeeded');
    // The instance and its owner's grant on it (an extension resource of the instance, deleted with it).
    const goneIds = m.resources.filter((r) => r.id.startsWith(gone.id)).map((r) => r.id);
    assert.equal(goneIds.length, 2);
    // A grant the program no longer has: still in state, so plan deletes it (it must not be taken for gone).
    const dropped = m.resources.find((r) => r.type.endsWith('/roleAssignments') && !r.id.includes('/computes/'))!;
    const rest = m.resources.filter((r) => r !== dropped);
    const { hash: _h, ...body } = { ...m, resources: rest };
    void _h;
    const smaller: Manifest = { ...body, hash: contentHash(body) };
    const state = await h.store.load(m.stack.name);

    // Current lists: the deleted resources are missing from their lists, each confirmed by one GET (404), and
    // planned to be created again.
    let since = h.lastSeq();
    let planned = await planStack(h.client, smaller, state);
    for (const id of goneIds) {
      const recreate = planned.plan.resource_changes.find((c) => c.id === id)!;
      assert.deepEqual(recreate.change.actions, ['create']);
      assert.equal(recreate.action_reason, 'create_because_deleted_outside');
    }
    assert.equal(planned.observation.calls.confirmed, goneIds.length);
    const lower = new Set(goneIds.map((id) => id.toLowerCase()));
    assert.deepEqual(
      readsSince(since)
        .filter((r) => lower.has(r.path))
        .sort((a, b) => a.path.localeCompare(b.path)),
      [...lower].sort().map((path) => ({ path, status: 404 })),
    );

    // Every list lags an hour: all resources are missing from their lists, each is confirmed with a GET, and only
    // the one really deleted is planned as gone.
    h.emu.configure({ listLagMs: 3_600_000 });
    try {
      since = h.lastSeq();
      planned = await planStack(h.client, smaller, state);
    } finally {
      h.emu.configure({ listLagMs: 0 });
    }
    const byAction = new Map<string, string[]>();
    for (const c of planned.plan.resource_changes)
      byAction.set(c.change.actions.join('+'), [...(byAction.get(c.change.actions.join('+')) ?? []), c.id]);
    assert.deepEqual(byAction.get('create')?.sort(), [...goneIds].sort());
    assert.deepEqual(byAction.get('delete'), [dropped.id]);
    assert.equal(byAction.get('no-op')?.length, m.resources.length - 1 - goneIds.length);
    const del = planned.plan.resource_changes.find((c) => c.id === dropped.id)!;
    assert.notEqual(del.change.before, null, 'the dropped grant was observed (a real DELETE), not taken for gone');
    assert.equal(del.notes?.includes('already gone from Azure: only removed from state'), false);
    const listed = m.resources.filter((r) => listCallFor(r.id, r.type)).length;
    assert.equal(planned.observation.calls.confirmed, listed, 'every listed resource was confirmed by a GET');
    const listedReads = readsSince(since).filter((r) => r.path.endsWith('/computes')).length;
    assert.ok(listedReads >= 1, 'the lists were still read');
  });

  test('plan reports the wait for read budget when the read bucket runs dry', async () => {
    const client = new HttpArmClient({
      endpoint: h.emu.url,
      credential: new LocalCredential(),
      caCertPem: h.emu.caCertPem,
      // 3 reads at once, then 20 a second: the ~10 reads of a plan must queue.
      limiter: new ArmRateLimiter({ limits: { reads: { burst: 3, perSecond: 20 } } }),
    });
    try {
      const m = stacks[1];
      const { observation } = await planStack(client, m, await h.store.load(m.stack.name));
      assert.ok(observation.calls.list + observation.calls.get > 3);
      assert.ok((observation.calls.waitedMs ?? 0) > 0, 'reads waited for the bucket');
      assert.match(
        describeObservation(observation),
        new RegExp(
          `^observed ${m.resources.length} resources with ${observation.calls.list} lists and ${observation.calls.get} gets, waited \\d+\\.\\d s for read budget$`,
        ),
      );
    } finally {
      client.close();
    }
  });
});

describe('listCallFor', () => {
  const rg = '/subscriptions/s1/resourceGroups/rg1';
  const ra = 'Microsoft.Authorization/roleAssignments';
  test('role assignments: the resource group list for any scope inside it, atScope() at a subscription, GET above', () => {
    assert.deepEqual(listCallFor(`${rg}/providers/Microsoft.Storage/storageAccounts/sa/providers/${ra}/g1`, ra), {
      path: `${rg}/providers/${ra}`,
    });
    assert.deepEqual(listCallFor(`${rg}/providers/${ra}/g2`, ra), { path: `${rg}/providers/${ra}` });
    assert.deepEqual(listCallFor(`/subscriptions/s1/providers/${ra}/g3`, ra), {
      path: `/subscriptions/s1/providers/${ra}`,
      query: { $filter: 'atScope()' },
    });
    assert.equal(listCallFor(`/providers/Microsoft.Management/managementGroups/mg/providers/${ra}/g4`, ra), undefined);
  });
  test('subnets are read from their VNet list; a child collection from its parent; unlisted types are GETs', () => {
    const vnet = `${rg}/providers/Microsoft.Network/virtualNetworks/v1`;
    assert.deepEqual(listCallFor(`${vnet}/subnets/a`, 'Microsoft.Network/virtualNetworks/subnets'), {
      path: `${rg}/providers/Microsoft.Network/virtualNetworks`,
      embedded: 'subnets',
    });
    const ws = `${rg}/providers/Microsoft.MachineLearningServices/workspaces/w`;
    assert.deepEqual(listCallFor(`${ws}/computes/c`, 'Microsoft.MachineLearningServices/workspaces/computes'), {
      path: `${ws}/computes`,
    });
    assert.equal(listCallFor(ws, 'Microsoft.MachineLearningServices/workspaces'), undefined);
  });
});
