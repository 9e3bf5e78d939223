/**
 * Forged state and journals (issue 14 finding 1). A state file's checksum proves it is whole, not who wrote it:
 * anyone who can write `.amlcdk/` can recompute it. Each trial applies a small stack for real against the
 * emulator, then forges its state (or its journal) with one id outside the stack — a plain foreign id in another
 * subscription or resource group, an id whose `..` segments resolve there once it becomes a URL, and odd forms
 * (`.`, `//`, a query, `%2e`, a backslash, a trailing `/`, other casing, a bare resource group, a subscription-level
 * id) — with a recomputed checksum, and runs plan, apply, destroy and drift on it. Every run must be refused with
 * a coded error before it sends a single request outside the stack's resource group, and the victims (a workspace
 * in another resource group and one in another subscription) must still exist.
 * Trials: AMLCDK_FORGED_TRIALS (default: one per forged id in `npm test`; more rounds under test:reliability).
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { AmlcdkError } from '../../lib/core/errors.js';
import { applyStack, planStack } from '../../lib/reconciler/apply.js';
import { detectDrift } from '../../lib/reconciler/drift.js';
import { StackScope, scopedClient } from '../../lib/reconciler/scope.js';
import { armIdProblem } from '../../lib/core/arm-id.js';
import { encodeJournalLine, encodeState } from '../../lib/state/format.js';
import type { JournalEntry, StackState } from '../../lib/state/types.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { SUB } from '../reconciler/fixtures.js';
import { envCount, fleet, record } from './support.js';

const RG = 'rg-forge';
const OTHER_SUB = '00000000-0000-0000-0000-0000000000ff';
const ML = '2025-09-01';
const RG_API = '2025-04-01';
const victimInRg = `/subscriptions/${SUB}/resourceGroups/rg-victim/providers/Microsoft.MachineLearningServices/workspaces/victim`;
const victimInSub = `/subscriptions/${OTHER_SUB}/resourceGroups/rg-other/providers/Microsoft.MachineLearningServices/workspaces/victim2`;
const mine = `/subscriptions/${SUB}/resourceGroups/${RG}`;

/** Ids a forger would plant, by kind. Each either names a resource outside the stack or is not canonical. */
const FORGED: readonly { readonly kind: string; readonly id: string }[] = [
  { kind: 'foreign subscription', id: victimInSub },
  { kind: 'foreign resource group', id: victimInRg },
  { kind: '".." segments', id: `${mine}/../rg-victim/providers/Microsoft.MachineLearningServices/workspaces/victim` },
  {
    kind: '".." to another subscription',
    id: `${mine}/../../../${OTHER_SUB}/resourceGroups/rg-other/providers/Microsoft.MachineLearningServices/workspaces/victim2`,
  },
  { kind: '"." segment', id: `${mine}/./providers/Microsoft.MachineLearningServices/workspaces/mlw-fg` },
  { kind: 'double slash', id: `${mine}//providers/Microsoft.MachineLearningServices/workspaces/mlw-fg` },
  { kind: 'query', id: `${victimInRg}?x=${mine}` },
  {
    kind: 'percent escape',
    id: `${mine}/%2e%2e/rg-victim/providers/Microsoft.MachineLearningServices/workspaces/victim`,
  },
  { kind: 'backslash', id: `${mine}\\..\\rg-victim/providers/Microsoft.MachineLearningServices/workspaces/victim` },
  { kind: 'trailing slash', id: `${victimInRg}/` },
  { kind: 'other casing', id: victimInRg.toUpperCase() },
  { kind: 'a whole resource group', id: `/subscriptions/${SUB}/resourceGroups/rg-victim` },
  {
    kind: 'subscription-level id',
    id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-0000000000aa`,
  },
];
const ROUNDS = Math.max(1, Math.ceil(envCount('AMLCDK_FORGED_TRIALS', FORGED.length) / FORGED.length));

let h: Harness;
const m = fleet(1, RG, 'fg', 'Forge');

/** Requests the emulator logged after `since` that addressed something outside the stack's resource group. */
function outside(since: number): string[] {
  return h.emu
    .log(since)
    .filter((e) => e.kind !== 'admin' && e.kind !== 'poll')
    .filter((e) => {
      const id = (e.resourceId ?? e.path).toLowerCase();
      return !(id === mine.toLowerCase() || id.startsWith(`${mine.toLowerCase()}/`));
    })
    .map((e) => `${e.method} ${e.path}`);
}

async function victimsAlive(): Promise<boolean> {
  return Boolean((await h.client.get(victimInRg, ML)) && (await h.client.get(victimInSub, ML)));
}

function forgeState(state: StackState, id: string): void {
  const forged: StackState = {
    ...state,
    resources: {
      ...state.resources,
      'Team/forged': {
        logicalId: 'Team/forged',
        id,
        type: 'Microsoft.MachineLearningServices/workspaces',
        apiVersion: ML,
        applied: { location: 'westeurope' },
        ownership: 'created',
        options: { protect: false, deletePolicy: 'Delete' },
      },
    },
  };
  // The checksum is recomputed, exactly as a forger with write access to .amlcdk/ would.
  writeFileSync(h.store.statePath(m.stack.name), encodeState(forged, (state.serial ?? 0) + 1));
}

function forgeJournal(id: string): void {
  const entries: JournalEntry[] = [
    { seq: 1, at: '2026-01-01T00:00:00.000Z', kind: 'begin', runId: 'r', manifestHash: m.hash },
    {
      seq: 2,
      at: '2026-01-01T00:00:00.000Z',
      kind: 'intent',
      runId: 'r',
      opId: 'r:1',
      logicalId: 'Team/forged',
      resourceId: id,
      op: 'delete',
      method: 'DELETE',
      apiVersion: ML,
    },
  ];
  writeFileSync(h.store.journalPath(m.stack.name), entries.map(encodeJournalLine).join(''));
}

const CODES = new Set(['ResourceOutOfScope', 'NonCanonicalResourceId']);
const isRefusal = (e: unknown): boolean => e instanceof AmlcdkError && CODES.has(e.code);

beforeAll(async () => {
  h = await startHarness();
  for (const [rg, ws, sub] of [
    ['rg-victim', victimInRg, SUB],
    ['rg-other', victimInSub, OTHER_SUB],
  ] as const) {
    await h.client.put(`/subscriptions/${sub}/resourceGroups/${rg}`, RG_API, { location: 'westeurope' });
    await h.client.put(ws, ML, m.resources[0].body);
  }
  const r = await applyStack({ client: h.client, store: h.store, manifest: m, ensureResourceGroup: true });
  assert.equal(r.summary.failed, 0);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('forged ids', () => {
  test('every forged id is either non-canonical or outside the stack scope', () => {
    const scope = StackScope.of(m);
    for (const f of FORGED) {
      const problem = armIdProblem(f.id);
      assert.ok(problem !== undefined || !scope.allows(f.id), `${f.kind} (${f.id}) passes the guard`);
    }
    // The stack's own ids pass.
    for (const r of m.resources) assert.ok(armIdProblem(r.id) === undefined && scope.allows(r.id), r.id);
  });

  test('plan, apply, destroy and drift on a forged state or journal send nothing outside the stack', async () => {
    const stateFile = h.store.statePath(m.stack.name);
    const journalFile = h.store.journalPath(m.stack.name);
    const good = readFileSync(stateFile);
    const tally = { trials: 0, refused: 0, runs: 0, outsideRequests: 0, victimsDeleted: 0, kinds: FORGED.length };
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const f of FORGED) {
        for (const where of ['state', 'journal'] as const) {
          tally.trials += 1;
          writeFileSync(stateFile, good);
          writeFileSync(journalFile, '');
          const state = (await h.store.load(m.stack.name))!;
          if (where === 'state') forgeState(state, f.id);
          else forgeJournal(f.id);
          const since = h.emu.log().at(-1)?.seq ?? 0;
          const runs: [string, () => Promise<unknown>][] = [
            ['apply', () => applyStack({ client: h.client, store: h.store, manifest: m })],
            ['destroy', () => applyStack({ client: h.client, store: h.store, manifest: m, mode: 'destroy' })],
          ];
          if (where === 'state') {
            runs.push(['plan', async () => planStack(h.client, m, await h.store.load(m.stack.name))]);
            runs.push(['drift', async () => detectDrift(h.client, (await h.store.load(m.stack.name))!)]);
          }
          let refusedAll = true;
          for (const [name, run] of runs) {
            tally.runs += 1;
            const err = await run().then(
              () => undefined,
              (e: unknown) => e,
            );
            if (!isRefusal(err)) {
              refusedAll = false;
              failures.push(`${f.kind} in the ${where}: ${name} was not refused (${String(err)})`);
            }
          }
          if (refusedAll) tally.refused += 1;
          const out = outside(since);
          tally.outsideRequests += out.length;
          if (out.length) failures.push(`${f.kind} in the ${where}: requests outside the stack: ${out.join(', ')}`);
        }
      }
    }
    if (!(await victimsAlive())) tally.victimsDeleted += 1;
    writeFileSync(stateFile, good);
    writeFileSync(journalFile, '');
    record('forged-state', { ...tally, rounds: ROUNDS });
    assert.deepEqual(failures, []);
    assert.equal(tally.outsideRequests, 0);
    assert.equal(tally.victimsDeleted, 0);
    // The untouched state still applies cleanly afterwards.
    const again = await applyStack({ client: h.client, store: h.store, manifest: m });
    assert.equal(again.summary.failed, 0);
  }, 300_000);

  test('the guarded client refuses writes outside the scope before sending them, and lets the stack through', async () => {
    const client = scopedClient(h.client, StackScope.of(m));
    const since = h.emu.log().at(-1)?.seq ?? 0;
    for (const f of FORGED) {
      await assert.rejects(client.beginDelete(f.id, ML), isRefusal, `DELETE ${f.kind}`);
      await assert.rejects(client.beginPut(f.id, ML, {}), isRefusal, `PUT ${f.kind}`);
      await assert.rejects(client.beginPatch(f.id, ML, {}), isRefusal, `PATCH ${f.kind}`);
      await assert.rejects(client.beginPost(f.id, 'stop', ML), isRefusal, `POST ${f.kind}`);
    }
    await assert.rejects(client.beginPost(m.resources[1].id, '../../x', ML), isRefusal, 'POST action with a path');
    assert.deepEqual(outside(since), []);
    assert.equal(h.emu.log(since).length, 0);
    assert.ok(await victimsAlive());
    // In scope: the request is sent (the emulator refuses this PATCH body, as ARM does, but it got there).
    await client.beginPatch(m.resources[1].id, ML, { tags: { a: 'b' } }).catch(() => undefined);
    assert.ok(h.emu.log(since).length > 0);
  });
});
