/**
 * Concurrent applies (issue 8 item 3): two real `amlcdk apply --yes` processes started at the same moment on the
 * same stack and the same state, on the file store and on the Azure Blob store (Azurite). Exactly one proceeds;
 * the other is refused with `StateLocked` naming the holder (its pid and operation), exit code 1, no stack trace
 * and no write to ARM. Then the winner converges: everything live is in the state, nothing was created twice, the
 * journal is empty and a re-plan shows 0 changes.
 *
 * No timing is assumed: the workspace create takes minutes of the emulator's clock, so the winner holds the lock
 * until the test has seen the loser's refusal and moves the clock forward.
 * Pairs per store: AMLCDK_CONCURRENT_PAIRS (default 1 in `npm test`; `npm run test:reliability` runs more).
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpArmClient, LocalCredential } from '../../lib/arm/index.js';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import { planStack } from '../../lib/reconciler/apply.js';
import { BlobStateStore } from '../../lib/state/blob-store.js';
import { FileStateStore } from '../../lib/state/file-store.js';
import type { StateStore } from '../../lib/state/types.js';
import { startAzurite, type Azurite } from '../helpers/azurite.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { STACK_TRACE, killAll, startCli, type CliResult, type CliRun } from '../helpers/cli.js';
import { consistency, duplicateCreates, envCount, fleet, record } from './support.js';

const PAIRS = Math.min(10, envCount('AMLCDK_CONCURRENT_PAIRS', 1));
// How long the winner's workspace create takes on the emulator's clock. The clock moves forward by a little more
// per pair, and the total move must stay under the 1 h lifetime of the local credential's tokens (minted with the
// real clock), hence a fresh emulator per store and at most 10 pairs per store.
const HOLD_MS = 4 * 60_000;

interface PairFigures {
  store: 'file' | 'azblob';
  pair: number;
  proceeded: number;
  refusedStateLocked: number;
  refusalNamedHolder: boolean;
  converged: boolean;
  orphans: number;
  duplicateCreates: number;
  replanChanges: number;
}

describe(`concurrent applies on one stack (${PAIRS} pair(s) per store)`, () => {
  let az: Azurite;
  let dir: string;
  const pairs: PairFigures[] = [];

  beforeAll(async () => {
    az = await startAzurite();
    dir = mkdtempSync(join(tmpdir(), 'amlcdk-concurrent-'));
  });
  afterAll(async () => {
    killAll();
    record('concurrent-apply', {
      pairs: pairs.length,
      proceeded: pairs.reduce((n, p) => n + p.proceeded, 0),
      refusedStateLocked: pairs.reduce((n, p) => n + p.refusedStateLocked, 0),
      refusalsNamingHolder: pairs.filter((p) => p.refusalNamedHolder).length,
      converged: pairs.filter((p) => p.converged).length,
      orphans: pairs.reduce((n, p) => n + p.orphans, 0),
      duplicateCreates: pairs.reduce((n, p) => n + p.duplicateCreates, 0),
      byStore: pairs,
    });
    await az?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function pair(emu: TestEmulator, client: HttpArmClient, kind: 'file' | 'azblob', i: number): Promise<void> {
    const tag = `cc${kind === 'file' ? 'f' : 'b'}${i}`;
    const m = fleet(4, `rg-${tag}`, tag);
    const work = mkdtempSync(join(dir, `${tag}-`));
    const file = join(work, 'fleet.manifest.json');
    writeFileSync(file, canonicalJson(m, 2));
    const state = kind === 'file' ? 'file' : `azblob://${az.account}/concurrent/${tag}`;
    const env = kind === 'azblob' ? { AZURE_STORAGE_CONNECTION_STRING: az.connectionString } : {};
    const store: StateStore =
      kind === 'file'
        ? new FileStateStore({ dir: join(work, '.amlcdk'), onNotice: () => undefined })
        : new BlobStateStore(state, { connectionString: az.connectionString, onNotice: () => undefined });
    const figures: PairFigures = {
      store: kind,
      pair: i,
      proceeded: 0,
      refusedStateLocked: 0,
      refusalNamedHolder: false,
      converged: false,
      orphans: 0,
      duplicateCreates: 0,
      replanChanges: -1,
    };
    pairs.push(figures);

    // Both start at once; the first to take the lock is held inside the workspace create (an hour of emulator
    // time), so the first process to end is the one that was refused.
    const args = ['apply', '--manifest', file, '--yes', '--state', state];
    const runs: CliRun[] = [startCli(args, work, { emu, env }), startCli(args, work, { emu, env })];
    const first = await Promise.race(runs.map((r, k) => r.done.then((res) => ({ k, res }))));
    const winner = runs[1 - first.k];
    const out = (r: CliResult): string => `${r.stdout}${r.stderr}`;
    assert.equal(first.res.code, 1, `the refused apply exits 1:\n${out(first.res)}`);
    assert.match(out(first.res), /StateLocked/);
    if (/StateLocked/.test(out(first.res))) figures.refusedStateLocked = 1;
    assert.doesNotMatch(out(first.res), STACK_TRACE, 'no stack trace for a refused apply');
    const named = out(first.res).includes(`pid ${winner.child.pid}`) && /\(pid \d+, apply, since /.test(out(first.res));
    figures.refusalNamedHolder = named;
    assert.ok(named, `the refusal names the holder (pid ${winner.child.pid}, apply):\n${out(first.res)}`);

    // Let the winner finish: once its workspace create is in flight (the refusal can come before the winner's
    // first write), move the emulator's clock past the create's end.
    const wsId = m.resources[0].id.toLowerCase();
    let winnerEnded = false;
    void winner.done.then(() => (winnerEnded = true));
    while (!winnerEnded && !(emu.counters().creates[wsId] ?? 0)) await new Promise((r) => setTimeout(r, 20));
    emu.advanceClock(HOLD_MS + 30_000);
    const won = await winner.done;
    assert.equal(won.code, 0, `the apply holding the lock converges:\n${out(won)}`);
    figures.proceeded = 1;
    // Every write came from the winner: one create per resource, nothing orphaned, nothing left in the journal.
    const c = await consistency(client, store, m);
    const dup = duplicateCreates(
      Object.fromEntries(
        Object.entries(emu.counters().creates).filter(([id]) => id.includes(`/resourcegroups/rg-${tag}/`)),
      ),
    );
    figures.orphans = c.orphans.length;
    figures.duplicateCreates = dup.length;
    assert.deepEqual(c.orphans, [], 'orphans');
    assert.deepEqual(c.ghosts, [], 'state entries without a resource');
    assert.equal(c.owned, m.resources.length);
    assert.deepEqual(dup, [], 'duplicate creates');
    assert.deepEqual(await store.journal(m.stack.name).read(), [], 'journal empty after the converged run');
    const replan = await planStack(client, m, await store.load(m.stack.name));
    const s = replan.plan.summary;
    figures.replanChanges = s.create + s.update + s.replace + s.delete + s.forget;
    assert.equal(figures.replanChanges, 0, 're-plan shows 0 changes');
    // The lock is free again: a later run can take it.
    const lock = await store.lock(m.stack.name, 'check');
    await lock.release();
    figures.converged = true;
  }

  for (const kind of ['file', 'azblob'] as const) {
    test(`${kind} store: of two applies started together, one proceeds and one is refused with StateLocked naming it; the result is consistent`, async () => {
      const emu = await startTestEmulator({
        quotas: { cpuDefault: 1_000_000 },
        durations: {
          default: { create: 0, update: 0, delete: 0, action: 0 },
          types: { 'Microsoft.MachineLearningServices/workspaces': { create: HOLD_MS } },
        },
      });
      try {
        const client = new HttpArmClient({
          endpoint: emu.url,
          credential: new LocalCredential(),
          caCertPem: emu.caCertPem,
        });
        for (let i = 0; i < PAIRS; i++) await pair(emu, client, kind, i);
      } finally {
        killAll();
        await emu.close();
      }
    });
  }
});
