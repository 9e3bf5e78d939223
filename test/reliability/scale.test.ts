/**
 * Scale (issue 17 item 5): an estate (bench/estate-program.ts: one team per resource group with a workspace,
 * personal compute instances and their grants) applied to the emulator with fast LROs and ARM-shaped token buckets
 * whose refill is scaled up; then a re-plan of every stack shows 0 changes, reading by lists: one list per
 * (resource group, type) and per workspace, every page counted, GETs only for the types without a list, and a
 * re-apply makes 0 writes. The emulator's counters show exactly one create per resource id.
 * Size: AMLCDK_SCALE_RESOURCES (`npm test`: 1,000 in 2 resource groups; `npm run test:reliability`: 10,000 in 20).
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Manifest } from '../../lib/manifest/types.js';
import { applyStack, planStack } from '../../lib/reconciler/apply.js';
import { listCallFor } from '../../lib/reconciler/list-sources.js';
import { defaultResourceGroups, estateManifests } from '../../bench/estate-program.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { envCount, record } from './support.js';

const RESOURCES = envCount('AMLCDK_SCALE_RESOURCES', 1000);
const GROUPS = defaultResourceGroups(RESOURCES);
const PAGE = 100;
/** Scaled with the size: 10,000 resources take several minutes on 2 shared cores. */
const TIMEOUT_MS = Math.max(300_000, RESOURCES * 150);

/**
 * The reads of observing `stacks` by lists, from their resources alone: per list (a resource group's collection of
 * a type, a workspace's computes, a resource group's role assignments) one read per page of `PAGE` items, at least
 * one; one GET per resource of a type without a list.
 */
function readsByLists(stacks: readonly Manifest[]): number {
  const perList = new Map<string, number>();
  let gets = 0;
  for (const r of stacks.flatMap((m) => m.resources)) {
    const call = listCallFor(r.id, r.type);
    if (!call) gets += 1;
    else perList.set(call.path.toLowerCase(), (perList.get(call.path.toLowerCase()) ?? 0) + 1);
  }
  let pages = 0;
  for (const n of perList.values()) pages += Math.max(1, Math.ceil(n / PAGE));
  return pages + gets;
}

describe(`scale: ${RESOURCES} resources in ${GROUPS} resource groups`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      quotas: { cpuDefault: 100_000_000 },
      // ARM's bucket sizes, refilled 100× faster so the test spends its time in the engine, not waiting.
      throttle: { scale: 100 },
      pageSize: PAGE,
    });
  });
  afterAll(async () => {
    h?.client.close();
    await h?.close();
  });

  test(
    'apply converges with one create per resource id; a re-plan shows 0 changes reading by lists; a re-apply writes nothing',
    async () => {
      const stacks = estateManifests({ resources: RESOURCES });
      const resources = stacks.reduce((n, m) => n + m.resources.length, 0);
      assert.equal(stacks.length, GROUPS);
      assert.ok(resources >= RESOURCES * 0.95, `the estate has ${resources} resources`);

      const t0 = Date.now();
      for (const m of stacks) {
        const r = await applyStack({
          client: h.client,
          store: h.store,
          manifest: m,
          ensureResourceGroup: true,
          concurrency: 64,
        });
        assert.equal(
          r.summary.failed + r.summary.skipped,
          0,
          JSON.stringify(r.outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped').slice(0, 5)),
        );
        assert.equal(r.summary.done, m.resources.length);
      }
      const applyMs = Date.now() - t0;

      // Exactly one create per resource id of the estate, and none for anything else but the resource groups.
      const creates = h.emu.counters().creates;
      const ids = new Set(stacks.flatMap((m) => m.resources.map((r) => r.id.toLowerCase())));
      for (const id of ids) assert.equal(creates[id], 1, `creates of ${id}`);
      const extra = Object.keys(creates).filter((id) => !ids.has(id) && !/\/resourcegroups\/[^/]+$/.test(id));
      assert.deepEqual(extra, [], 'nothing outside the estate was created (besides the resource groups)');

      const since = h.lastSeq();
      const t1 = Date.now();
      let confirmed = 0;
      for (const m of stacks) {
        const state = await h.store.load(m.stack.name);
        assert.equal(Object.keys(state!.resources).length, m.resources.length);
        const { plan, observation } = await planStack(h.client, m, state);
        const s = plan.summary;
        assert.deepEqual(
          { create: s.create, update: s.update, replace: s.replace, delete: s.delete, forget: s.forget },
          { create: 0, update: 0, replace: 0, delete: 0, forget: 0 },
          m.stack.name,
        );
        assert.equal(s.noop, m.resources.length);
        confirmed += observation.calls.confirmed ?? 0;
      }
      const replanMs = Date.now() - t1;
      const replanReads = h.emu.log(since).filter((e) => e.kind === 'read').length;
      // One read per list page and per resource without a list, nothing more (no resource confirmed by a GET: the
      // lists are current).
      assert.equal(confirmed, 0);
      assert.equal(replanReads, readsByLists(stacks));

      const since2 = h.lastSeq();
      for (const m of stacks) {
        const again = await applyStack({ client: h.client, store: h.store, manifest: m, ensureResourceGroup: true });
        assert.equal(again.summary.done + again.summary.failed, 0);
      }
      assert.deepEqual(h.writesSince(since2), [], 'a no-op re-apply makes 0 writes');
      const c = h.emu.counters();
      const figures = {
        resources,
        resourceGroups: stacks.length,
        creates: Object.values(creates).reduce((a, b) => a + b, 0),
        duplicateCreates: Object.values(creates).filter((n) => n > 1).length,
        replanChanges: 0,
        replanReads,
        readsGoal: Math.floor(resources / 50),
        pageSize: PAGE,
        replanMs,
        noopWrites: 0,
        throttled: c.throttled,
        applyMs,
      };
      record('scale', figures);
      process.stdout.write(`# scale: ${JSON.stringify(figures)}\n`);
    },
    TIMEOUT_MS,
  );
});
