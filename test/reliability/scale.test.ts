/**
 * Scale (issue 8 item 2): the synthetic large program (bench/large-program.ts) applied to the emulator with fast
 * LROs and ARM-shaped token buckets whose refill is scaled up, then a re-plan shows 0 changes and a re-apply
 * makes 0 writes; the emulator's counters show exactly one create per resource id.
 * Size: AMLCDK_SCALE_RESOURCES (default 2,000).
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { App } from '../../lib/core/app.js';
import { applyStack, planStack } from '../../lib/reconciler/apply.js';
import { buildLargeProgram } from '../../bench/large-program.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { envCount, record } from './support.js';

const RESOURCES = envCount('AMLCDK_SCALE_RESOURCES', 2000);

describe(`scale: ${RESOURCES} resources`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      quotas: { cpuDefault: 10_000_000 },
      // ARM's bucket sizes, refilled 100× faster so the test spends its time in the engine, not waiting.
      throttle: { scale: 100 },
      pageSize: 100,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('apply converges with one create per resource id; re-plan shows 0 changes; re-apply writes nothing', async () => {
    const app = new App();
    buildLargeProgram({ resources: RESOURCES }, app);
    const m = app.synth({ write: false }).manifests[0];
    assert.ok(m.resources.length >= RESOURCES * 0.95, `program has ${m.resources.length} resources`);

    const t0 = Date.now();
    const first = await applyStack({
      client: h.client,
      store: h.store,
      manifest: m,
      ensureResourceGroup: true,
      concurrency: 64,
    });
    const applyMs = Date.now() - t0;
    assert.equal(
      first.summary.failed + first.summary.skipped,
      0,
      JSON.stringify(first.outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped').slice(0, 5)),
    );
    assert.equal(first.summary.done, m.resources.length);

    // Exactly one create per resource id of the manifest, and none for anything else.
    const creates = h.emu.counters().creates;
    const ids = new Set(m.resources.map((r) => r.id.toLowerCase()));
    for (const id of ids) assert.equal(creates[id], 1, `creates of ${id}`);
    const extra = Object.keys(creates).filter((id) => !ids.has(id) && !/\/resourcegroups\/[^/]+$/.test(id));
    assert.deepEqual(extra, [], 'nothing outside the manifest was created (besides the resource group)');
    const state = await h.store.load(m.stack.name);
    assert.equal(Object.keys(state!.resources).length, m.resources.length);

    const replan = await planStack(h.client, m, state);
    const s = replan.plan.summary;
    assert.deepEqual(
      { create: s.create, update: s.update, replace: s.replace, delete: s.delete, forget: s.forget },
      { create: 0, update: 0, replace: 0, delete: 0, forget: 0 },
    );
    assert.equal(s.noop, m.resources.length);

    const since = h.lastSeq();
    const again = await applyStack({ client: h.client, store: h.store, manifest: m, ensureResourceGroup: true });
    assert.equal(again.summary.done + again.summary.failed, 0);
    assert.deepEqual(h.writesSince(since), [], 'a no-op re-apply makes 0 writes');
    const c = h.emu.counters();
    const figures = {
      resources: m.resources.length,
      creates: Object.values(creates).reduce((a, b) => a + b, 0),
      duplicateCreates: Object.values(creates).filter((n) => n > 1).length,
      replanChanges: 0,
      noopWrites: 0,
      throttled: c.throttled,
      applyMs,
    };
    record('scale', figures);
    process.stdout.write(`# scale: ${JSON.stringify(figures)}\n`);
  });
});
