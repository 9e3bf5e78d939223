/**
 * The fault matrix (issue 8): one row per failure mode, each a seeded apply of a workspace and N clusters
 * against an emulator injecting that fault. Every row must end "converged" (the faulty run itself converged) or
 * "stopped cleanly" (the run ended or threw with a coded error, the journal is readable and resumable) and then
 * converge on a rerun without faults. For every row: 0 duplicate creates (emulator counters, summed across
 * emulator restarts), 0 orphans (everything live is in the state, and the state has nothing that is gone), an
 * empty journal after the converged run, and a re-plan with 0 changes.
 *
 * test/e2e/faults.test.ts runs the faults all at once; this file isolates each so a regression names its cause.
 * Size: AMLCDK_FAULT_CLUSTERS (default 12 in `npm test`, 40 in `npm run test:reliability`).
 */
import { test, describe, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpArmClient, LocalCredential } from '../../lib/arm/index.js';
import { startEmulator, type RunningEmulator } from '../../lib/emulator/index.js';
import type { EmulatorOptions, FaultRule } from '../../lib/emulator/options.js';
import { applyStack, planStack, type ApplyResult } from '../../lib/reconciler/apply.js';
import { FileStateStore } from '../../lib/state/file-store.js';
import type { Manifest } from '../../lib/manifest/types.js';
import { consistency, duplicateCreates, envCount, fleet, record } from './support.js';

const CLUSTERS = envCount('AMLCDK_FAULT_CLUSTERS', 12);
const SEED = envCount('AMLCDK_FAULT_SEED', 8);
const COMPUTES = 'Microsoft.MachineLearningServices/workspaces/computes';

interface Row {
  readonly name: string;
  readonly faults: readonly FaultRule[];
  /** Close the emulator after this many writes during the faulty run and start it again on the same dir and port. */
  readonly restartAfterWrites?: number;
}

const ROWS: readonly Row[] = [
  {
    name: 'added latency (5–60 ms on every request)',
    faults: [{ latencyMs: [5, 60] }, { polls: true, latencyMs: [5, 60] }],
  },
  {
    name: '10% 5xx on every request and poll',
    faults: [
      { errorRate: 0.1, errorStatus: 503 },
      { polls: true, errorRate: 0.1, errorStatus: 500 },
    ],
  },
  {
    name: '429 storm on writes (1.5 s, Retry-After 1)',
    faults: [{ method: 'PUT', after: 3, storm: { durationMs: 1500, retryAfterSeconds: 1 } }],
  },
  {
    name: 'dropped connections (10% of PUT/GET, nothing processed)',
    faults: [{ method: ['PUT', 'GET'], dropRate: 0.1 }],
  },
  {
    name: 'half-failed LROs (50% of compute creates end Failed)',
    faults: [
      {
        method: 'PUT',
        resourceType: COMPUTES,
        lroFailure: {
          rate: 0.5,
          afterPolls: 2,
          code: 'InternalServerError',
          message: 'injected: the operation failed part-way',
        },
      },
    ],
  },
  { name: 'accepted then connection dropped (20% of PUTs)', faults: [{ method: 'PUT', acceptThenDropRate: 0.2 }] },
  {
    name: 'emulator restarts mid-apply (same data dir and port)',
    faults: [],
    restartAfterWrites: Math.max(3, Math.floor(CLUSTERS / 3)),
  },
];

interface RowResult {
  row: string;
  resources: number;
  outcome: 'converged' | 'stopped cleanly, then converged on rerun';
  firstRun: string;
  faultsInjected: number;
  restarts: number;
  duplicateCreates: number;
  /** Computes left Failed by the faulty run and replaced (repaired) by the rerun. */
  repairedFailed: number;
  orphans: number;
  replanChanges: number;
}

const results: RowResult[] = [];

afterAll(() => {
  record('fault-matrix', { clusters: CLUSTERS, seed: SEED, rows: results });
});

function client(emu: RunningEmulator): HttpArmClient {
  return new HttpArmClient({
    endpoint: emu.url,
    credential: new LocalCredential(),
    caCertPem: emu.caCertPem,
    poll: { initialDelayMs: 10, maxDelayMs: 200 },
    retry: { baseDelayMs: 20, maxDelayMs: 500 },
  });
}

function writes(emu: RunningEmulator): number {
  const c = emu.counters();
  return c.writes + c.deletes + c.actions;
}

async function runRow(row: Row, index: number): Promise<RowResult> {
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-fault-'));
  const dataDir = join(dir, 'emulator');
  const options: EmulatorOptions = {
    dataDir,
    seed: SEED + index,
    retryAfterSeconds: 0,
    quotas: { cpuDefault: 1_000_000 },
    durations: { default: { create: 20, update: 10, delete: 10, action: 10 } },
    faults: row.faults,
  };
  let emu = await startEmulator(options);
  const creates: Record<string, number>[] = [];
  let faults = 0;
  let restarts = 0;
  try {
    const store = new FileStateStore({ dir: join(dir, '.amlcdk'), onNotice: () => undefined });
    const m: Manifest = fleet(CLUSTERS, `rg-fault-${index}`, `fm${index}`);
    let arm = client(emu);

    // The faulty run. A restart row closes the emulator under the running apply and brings it back.
    let restarting: Promise<void> | undefined;
    let watcher: NodeJS.Timeout | undefined;
    if (row.restartAfterWrites !== undefined) {
      const threshold = row.restartAfterWrites;
      watcher = setInterval(() => {
        if (restarting || writes(emu) < threshold) return;
        clearInterval(watcher);
        const port = emu.port;
        restarting = (async () => {
          creates.push(emu.counters().creates);
          faults += emu.counters().faults;
          await emu.close();
          await new Promise((r) => setTimeout(r, 150));
          emu = await startEmulator({ ...options, port });
          restarts += 1;
        })();
      }, 2);
    }
    let first: ApplyResult | undefined;
    let firstError: { code?: string; message: string } | undefined;
    try {
      first = await applyStack({
        client: arm,
        store,
        manifest: m,
        ensureResourceGroup: true,
        concurrency: 16,
        timeoutMs: 30_000,
      });
    } catch (err) {
      firstError = { code: (err as { code?: string }).code, message: String((err as Error).message) };
    } finally {
      if (watcher) clearInterval(watcher);
      await restarting;
    }
    if (firstError)
      assert.ok(firstError.code, `row "${row.name}": the faulty run threw an uncoded error: ${firstError.message}`);
    faults += emu.counters().faults;
    if (row.restartAfterWrites !== undefined) assert.equal(restarts, 1, 'the emulator was restarted during the apply');
    else assert.ok(faults > 0, `row "${row.name}": faults were injected`);

    // Stopped cleanly: with faults off, what exists is owned (or, after a throw, recorded in a journal that
    // reads back whole); the journal is empty when the run ended.
    emu.configure({ faults: [] });
    arm = client(emu);
    const journal = await store.journal(m.stack.name).read();
    if (first) {
      const c = await consistency(arm, store, m);
      assert.deepEqual(c.orphans, [], `row "${row.name}": orphans after the faulty run`);
      assert.deepEqual(journal, [], `row "${row.name}": a run that ended truncates its journal`);
    } else {
      assert.ok(
        journal.length > 0 || (await consistency(arm, store, m)).orphans.length === 0,
        `row "${row.name}": a stopped run leaves either no orphans or a journal to resume`,
      );
    }
    const convergedFirst = !!first && first.summary.failed + first.summary.skipped === 0 && !first.cancelled;

    // Rerun without faults converges. A compute whose create LRO ended Failed stays there, Failed (as in Azure):
    // the rerun replaces it, so its second create is the repair the plan names, not a duplicate.
    const repaired = new Set<string>();
    if (!convergedFirst) {
      const second = await applyStack({
        client: arm,
        store,
        manifest: m,
        ensureResourceGroup: true,
        concurrency: 16,
        timeoutMs: 30_000,
      });
      assert.equal(
        second.summary.failed + second.summary.skipped,
        0,
        `row "${row.name}": rerun did not converge: ${JSON.stringify(second.outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped'))}`,
      );
      for (const ch of second.plan.resource_changes)
        if (ch.change.paths.some((p) => p.reason?.startsWith('replace (provisioning failed: ')))
          repaired.add(ch.id.toLowerCase());
    }
    const c = await consistency(arm, store, m);
    assert.deepEqual(c.orphans, [], `row "${row.name}": orphans`);
    assert.deepEqual(c.ghosts, [], `row "${row.name}": state entries without a resource`);
    assert.equal(c.live, m.resources.length, `row "${row.name}": every resource exists`);
    assert.equal(c.owned, m.resources.length, `row "${row.name}": every resource is in the state`);
    creates.push(emu.counters().creates);
    const twice = duplicateCreates(...creates);
    const dup = twice.filter((id) => !repaired.has(id.toLowerCase()));
    // A repaired compute is created exactly twice: the failed attempt and the replacement.
    for (const id of twice.filter((x) => repaired.has(x.toLowerCase())))
      assert.equal(
        creates.reduce((n, c) => n + (c[id] ?? 0), 0),
        2,
        `row "${row.name}": ${id} created more than twice`,
      );
    assert.deepEqual(dup, [], `row "${row.name}": duplicate creates`);
    assert.deepEqual(
      await store.journal(m.stack.name).read(),
      [],
      `row "${row.name}": journal empty after convergence`,
    );
    const replan = await planStack(arm, m, await store.load(m.stack.name));
    const s = replan.plan.summary;
    const changes = s.create + s.update + s.replace + s.delete + s.forget;
    assert.equal(
      changes,
      0,
      `row "${row.name}": re-plan shows changes: ${JSON.stringify(replan.plan.resource_changes.filter((r) => !r.change.actions.every((a) => a === 'no-op')))}`,
    );
    return {
      row: row.name,
      resources: m.resources.length,
      outcome: convergedFirst ? 'converged' : 'stopped cleanly, then converged on rerun',
      firstRun: first
        ? `ended: ${first.summary.done} done, ${first.summary.failed} failed, ${first.summary.skipped} skipped`
        : `threw ${firstError!.code}`,
      faultsInjected: faults,
      restarts,
      duplicateCreates: dup.length,
      repairedFailed: repaired.size,
      orphans: c.orphans.length,
      replanChanges: changes,
    };
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe(`fault matrix (${CLUSTERS} clusters per row, seed ${SEED})`, () => {
  ROWS.forEach((row, i) => {
    test(`${row.name}: converges or stops cleanly, then converges; 0 duplicate creates, 0 orphans`, async () => {
      const r = await runRow(row, i);
      results.push(r);
      process.stdout.write(`# fault row: ${JSON.stringify(r)}\n`);
    });
  });
});
