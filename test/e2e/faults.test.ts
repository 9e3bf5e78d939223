/**
 * Faults: 10% 5xx on every request, a 429 storm and dropped connections (before and after the write was
 * processed) injected by the emulator. The apply converges, or stops cleanly: everything that exists in Azure is
 * in the state (no orphans), the journal is resumable, and a rerun without faults converges with 0 duplicate
 * creates.
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { applyStack } from '../../lib/reconciler/apply.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';
import { cluster, manifest, workspace } from '../reconciler/fixtures.js';
import { startHarness, type Harness } from './harness.js';

function fleet(n: number): Manifest {
  const ws = workspace('mlw-faults');
  const rs: ManifestResource[] = [{ ...ws, body: { ...ws.body, properties: { friendlyName: 'faults' } } }];
  for (let i = 0; i < n; i++)
    rs.push({ ...cluster(`f${String(i).padStart(2, '0')}x`, 'mlw-faults'), logicalId: `Team/f${i}` });
  return manifest(rs, 'Faults');
}

describe('fault injection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      seed: 7,
      quotas: { cpuDefault: 1_000_000 },
      durations: { default: { create: 20, update: 10, delete: 10, action: 10 } },
      faults: [
        { errorRate: 0.1, errorStatus: 503 },
        { method: 'PUT', after: 5, storm: { durationMs: 1500, retryAfterSeconds: 1 } },
        { method: ['PUT', 'GET'], dropRate: 0.05 },
        { method: 'PUT', acceptThenDropRate: 0.05 },
        { polls: true, errorRate: 0.1, errorStatus: 500 },
      ],
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('apply under 5xx, a 429 storm and dropped connections converges or stops cleanly; a clean rerun converges', async () => {
    const m = fleet(30);
    let first: Awaited<ReturnType<typeof applyStack>> | undefined;
    try {
      first = await applyStack({
        client: h.client,
        store: h.store,
        manifest: m,
        ensureResourceGroup: true,
        concurrency: 16,
      });
    } catch (err) {
      // Stopping cleanly before any write (e.g. the observation itself failed after retries) is acceptable.
      assert.ok((err as { code?: string }).code, `unexpected error ${String(err)}`);
      process.stdout.write(`# first run stopped: ${String(err)}\n`);
    }
    const c = h.emu.counters();
    assert.ok(c.faults > 0, 'faults were injected');
    // Consistent: whatever exists is owned; the journal is empty (the run ended) or resumable.
    const state = await h.store.load(m.stack.name);
    const owned = new Set(Object.values(state?.resources ?? {}).map((r) => r.id.toLowerCase()));
    h.emu.configure({ faults: [] });
    const ws = m.resources[0];
    const live = [
      ...((await h.client.get(ws.id, ws.apiVersion)) ? [ws.id] : []),
      ...(await h.client.list(`${ws.id}/computes`, ws.apiVersion)).map((r) => r.id),
    ];
    const journal = await h.store.journal(m.stack.name).read();
    if (first) {
      for (const id of live) assert.ok(owned.has(id.toLowerCase()), `orphan after the faulty run: ${id}`);
      assert.deepEqual(journal, [], 'a run that ended truncates its journal');
    }
    // Clean rerun converges.
    const second = await applyStack({ client: h.client, store: h.store, manifest: m, ensureResourceGroup: true });
    assert.equal(
      second.summary.failed + second.summary.skipped,
      0,
      JSON.stringify(second.outcomes.filter((o) => o.status !== 'done' && o.status !== 'unchanged')),
    );
    const dup = Object.entries(h.emu.counters().creates).filter(([, n]) => n > 1);
    assert.deepEqual(dup, [], 'no resource was created twice');
    const final = await h.store.load(m.stack.name);
    assert.equal(Object.keys(final!.resources).length, m.resources.length);
    process.stdout.write(
      `# faults: ${c.faults} injected, ${c.throttled} throttled; first run ${first ? JSON.stringify(first.summary) : 'stopped before writing'}\n`,
    );
  });
});
