/**
 * Tampered saved plans (issue 14 finding 2). A stack is applied for real against the emulator, a change to it is
 * planned and saved as `amlcdk plan --out` saves it, and the file is then tampered with the way an attacker with
 * `contentHash` at hand would: a value edited in the embedded manifest with every hash recomputed, the reviewed
 * changes edited, a foreign resource slipped into the manifest, required fields (the fingerprint, the manifest
 * hash, the changes) removed or emptied. Each tampered file goes through what `amlcdk apply <file>` does (read the
 * file, then apply it) and must be refused with a coded error, with 0 writes sent. The untampered file applies.
 * Rounds: AMLCDK_TAMPER_ROUNDS (default 1 in `npm test`; more under test:reliability).
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSavedPlan } from '../../lib/cli/commands/plan.js';
import { AmlcdkError } from '../../lib/core/errors.js';
import { canonicalJson, contentHash } from '../../lib/manifest/canonical.js';
import type { Manifest } from '../../lib/manifest/types.js';
import { applyStack, planStack } from '../../lib/reconciler/apply.js';
import type { SavedPlan } from '../../lib/reconciler/plan.js';
import { startHarness, withBody, type Harness } from '../e2e/harness.js';
import type { Json } from '../helpers/json.js';
import { envCount, fleet, record } from './support.js';

const ROUNDS = envCount('AMLCDK_TAMPER_ROUNDS', 1);
const CODES = new Set(['PlanMismatch', 'PlanStale', 'PlanInvalid', 'ManifestHashMismatch', 'ResourceOutOfScope']);

let h: Harness;
let base: Manifest;
let target: Manifest;
let file: string;

/** A manifest with its hash recomputed, as a forger would. */
function rehash(m: Omit<Manifest, 'hash'> & { hash?: string }): Manifest {
  const { hash: _h, ...rest } = m;
  void _h;
  return { ...rest, hash: contentHash(rest) };
}

/** The tampering kinds: each takes the saved plan (parsed) and returns the tampered document. */
const TAMPERS: Record<string, (p: Json) => Json> = {
  'value edited, manifest and plan hashes recomputed': (p) => {
    const m = JSON.parse(JSON.stringify(p.manifest));
    m.resources[1].body.properties.properties.scaleSettings.maxNodeCount = 400;
    const manifest = rehash(m as Manifest);
    return { ...p, manifest, manifest_hash: manifest.hash };
  },
  'reviewed change edited (after value)': (p) => {
    const q = JSON.parse(JSON.stringify(p));
    q.resource_changes[1].change.after.properties.properties.scaleSettings.maxNodeCount = 3;
    return q;
  },
  'foreign resource added to the manifest, hashes recomputed': (p) => {
    const m = JSON.parse(JSON.stringify(p.manifest));
    const victim = JSON.parse(JSON.stringify(m.resources[1]));
    victim.logicalId = 'Team/victim';
    victim.id = String(victim.id).replace('/resourceGroups/rg-tamper/', '/resourceGroups/rg-victim/');
    m.resources.push(victim);
    const manifest = rehash(m as Manifest);
    return { ...p, manifest, manifest_hash: manifest.hash };
  },
  'change dropped from resource_changes': (p) => ({ ...p, resource_changes: p.resource_changes.slice(0, 1) }),
  'resource_changes emptied': (p) => ({ ...p, resource_changes: [] }),
  'observed_fingerprint removed': (p) => {
    const { observed_fingerprint: _f, ...rest } = p;
    void _f;
    return rest;
  },
  'observed_fingerprint replaced': (p) => ({ ...p, observed_fingerprint: contentHash('something else') }),
  'manifest_hash removed': (p) => {
    const { manifest_hash: _m, ...rest } = p;
    void _m;
    return rest;
  },
  'manifest_hash of another manifest': (p) => ({ ...p, manifest_hash: base.hash }),
  'resource_changes removed': (p) => {
    const { resource_changes: _r, ...rest } = p;
    void _r;
    return rest;
  },
  'manifest edited without recomputing its hash': (p) => {
    const q = JSON.parse(JSON.stringify(p));
    q.manifest.resources[1].body.properties.properties.scaleSettings.maxNodeCount = 400;
    return q;
  },
  'stack renamed': (p) => ({ ...p, stack: 'Other' }),
};

beforeAll(async () => {
  h = await startHarness();
  base = fleet(1, 'rg-tamper', 'tp', 'Tamper');
  const r = await applyStack({ client: h.client, store: h.store, manifest: base, ensureResourceGroup: true });
  assert.equal(r.summary.failed, 0);
  target = withBody(base, base.resources[1].logicalId, (b) => (b.properties.properties.scaleSettings.maxNodeCount = 7));
  const { plan } = await planStack(h.client, target, await h.store.load(target.stack.name));
  const saved: SavedPlan = { ...plan, manifest: target, target: 'local' };
  file = join(h.dir, 'plan.json');
  writeFileSync(file, canonicalJson(saved, 2) + '\n');
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** What `amlcdk apply <file>` does with a plan file. */
async function applyFile(path: string): Promise<unknown> {
  const saved = readSavedPlan(path);
  return applyStack({ client: h.client, store: h.store, manifest: saved.manifest!, savedPlan: saved });
}

describe('saved plans are bound to their content', () => {
  test('every tampered plan is refused with a coded error and writes nothing; the untampered plan applies', async () => {
    const original = JSON.parse(readFileSync(file, 'utf8'));
    const tally = { trials: 0, refused: 0, applied: 0, writes: 0, kinds: Object.keys(TAMPERS).length };
    const failures: string[] = [];
    const codes: Record<string, string> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [kind, tamper] of Object.entries(TAMPERS)) {
        tally.trials += 1;
        const bad = join(h.dir, 'tampered.json');
        writeFileSync(bad, canonicalJson(tamper(original), 2));
        const since = h.lastSeq();
        const err = await applyFile(bad).then(
          () => undefined,
          (e: unknown) => e,
        );
        const writes = h.writesSince(since).length;
        tally.writes += writes;
        if (err instanceof AmlcdkError && CODES.has(err.code)) {
          tally.refused += 1;
          codes[kind] = err.code;
        } else {
          failures.push(`${kind}: not refused (${String(err)})`);
          if (err === undefined) tally.applied += 1;
        }
        if (writes) failures.push(`${kind}: ${writes} write(s) sent`);
      }
    }
    record('tampered-plan', { ...tally, rounds: ROUNDS, codes });
    assert.deepEqual(failures, []);
    assert.equal(tally.applied, 0);
    assert.equal(tally.writes, 0);
    // The reviewed file, untouched, applies exactly its one patch.
    const since = h.lastSeq();
    await applyFile(file);
    assert.deepEqual(
      h.writesSince(since).map((w) => w.method),
      ['PATCH'],
    );
  });
});
