/**
 * Corrupted state and journal files (issue 8 item 3). A real apply against the emulator produces the state file
 * and, caught mid-run, a real journal; seeded mutations then damage them (a byte replaced, the file truncated, a
 * run of NUL bytes) and a plan or apply runs on the damage. Every mutation must be either refused with the coded
 * error naming the file (`StateCorrupt` / `StateVersionUnsupported` / `JournalCorrupt` with its line), with the
 * file byte for byte as it was and no write sent to ARM, or be harmless (the state loads with exactly the same
 * stack, manifest and resources: only the header's serial or stack label, which no decision reads, was touched).
 *
 * Journal mutations stay off the final newline and NUL-free last lines on purpose: a last line without its newline
 * (or NUL-padded) is what a crash mid-append leaves, and dropping it is the designed recovery (test/state).
 * Also on the Azure Blob store (Azurite), and through the CLI (exit code 2, no stack trace).
 * Mutations per kind: AMLCDK_CORRUPT_MUTATIONS (default 20 in `npm test`; more under test:reliability).
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { seededRandom } from '../../lib/arm/retry.js';
import { InputError } from '../../lib/core/errors.js';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import { applyStack } from '../../lib/reconciler/apply.js';
import { BlobStateStore } from '../../lib/state/blob-store.js';
import type { StackState, StateStore } from '../../lib/state/types.js';
import { startAzurite, type Azurite } from '../helpers/azurite.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { STACK_TRACE, killAll, runCli } from '../helpers/cli.js';
import { envCount, fleet, record } from './support.js';

const MUTATIONS = envCount('AMLCDK_CORRUPT_MUTATIONS', 20);
const SEED = envCount('AMLCDK_CORRUPT_SEED', 3);
const STATE_CODES = new Set(['StateCorrupt', 'StateVersionUnsupported']);

type Mutation = { readonly kind: 'replace' | 'truncate' | 'nul-run'; readonly at: number; readonly bytes: Buffer };

/** Seeded damage to `original`. `positions` limits where replacements and NUL runs land (journal: not the final newline). */
function mutate(
  original: Buffer,
  random: () => number,
  kinds: readonly Mutation['kind'][],
  positions?: (b: Buffer) => number[],
): Mutation {
  const kind = kinds[Math.floor(random() * kinds.length)];
  const allowed = positions ? positions(original) : [...original.keys()];
  const at = allowed[Math.floor(random() * allowed.length)];
  const bytes = Buffer.from(original);
  if (kind === 'truncate') return { kind, at, bytes: bytes.subarray(0, at) };
  if (kind === 'nul-run') {
    const len = 1 + Math.floor(random() * 16);
    for (let i = at; i < Math.min(at + len, bytes.length) && (!positions || allowed.includes(i)); i++) bytes[i] = 0;
    return { kind, at, bytes };
  }
  // A different printable character (never a newline: that case is the torn-line recovery, tested in test/state).
  let c = 0x21 + Math.floor(random() * 94);
  if (c === bytes[at]) c = c === 0x7e ? 0x21 : c + 1;
  bytes[at] = c;
  return { kind, at, bytes };
}

/** Journal positions a mutation may touch: every byte but the final newline; NUL runs only off the last line. */
function journalPositions(b: Buffer): number[] {
  return [...b.keys()].filter((i) => i < b.length - 1);
}

function sameContent(a: StackState, b: StackState): boolean {
  try {
    assert.deepEqual(
      { stack: a.stack, manifest: a.manifest, resources: a.resources, updatedAt: a.updatedAt },
      { stack: b.stack, manifest: b.manifest, resources: b.resources, updatedAt: b.updatedAt },
    );
    return true;
  } catch {
    return false;
  }
}

interface Tally {
  mutations: number;
  refused: number;
  harmless: number;
  /** Loaded, but with different content: must stay 0. */
  acceptedDamaged: number;
  /** Files whose bytes changed after the refused run: must stay 0. */
  overwritten: number;
  /** ARM writes made by a refused run: must stay 0. */
  writes: number;
  byKind: Record<string, number>;
}
const tally = (): Tally => ({
  mutations: 0,
  refused: 0,
  harmless: 0,
  acceptedDamaged: 0,
  overwritten: 0,
  writes: 0,
  byKind: {},
});

describe(`corrupted state and journal (${MUTATIONS} mutations per kind, seed ${SEED})`, () => {
  let h: Harness;
  let az: Azurite | undefined;
  const m = fleet(3, 'rg-corrupt', 'cor');
  let stateBytes: Buffer;
  let journalBytes: Buffer;
  let original: StackState;
  const figures: Record<
    string,
    Tally | { runs: number; refusedExit2: number; stackTraces: number; overwritten: number }
  > = {};

  beforeAll(async () => {
    h = await startHarness({ quotas: { cpuDefault: 1_000_000 } });
    // A real journal: snapshot it while the apply runs (after the first resource finished), as a crash would leave it.
    let snapshot: Buffer | undefined;
    const r = await applyStack({
      client: h.client,
      store: h.store,
      manifest: m,
      ensureResourceGroup: true,
      concurrency: 1,
      onEvent: (e) => {
        if (e.kind === 'done' && !snapshot) snapshot = readFileSync(h.store.journalPath(m.stack.name));
      },
    });
    assert.equal(r.summary.failed + r.summary.skipped, 0);
    assert.ok(snapshot && snapshot.toString().split('\n').length >= 4, 'the mid-run journal has entries');
    journalBytes = snapshot;
    stateBytes = readFileSync(h.store.statePath(m.stack.name));
    original = (await h.store.load(m.stack.name))!;
  });
  afterAll(async () => {
    killAll();
    record('corrupted-state', { seed: SEED, mutationsPerKind: MUTATIONS, ...figures });
    await h?.close();
    await az?.stop();
  });

  /** Load, then apply, on damaged files; tally the outcome. */
  async function check(
    t: Tally,
    store: StateStore,
    kind: string,
    read: () => Promise<Buffer>,
    expected: (e: InputError) => boolean,
    damaged: Buffer,
  ): Promise<void> {
    t.mutations += 1;
    const k = kind.split('@')[0];
    t.byKind[k] = (t.byKind[k] ?? 0) + 1;
    let loaded: StackState | undefined;
    try {
      loaded = await store.load(m.stack.name);
      await store.journal(m.stack.name).read();
    } catch (err) {
      assert.ok(
        err instanceof InputError && expected(err),
        `${kind}: a coded refusal naming the file, got ${String(err)}`,
      );
      const since = h.lastSeq();
      await assert.rejects(
        applyStack({ client: h.client, store, manifest: m, ensureResourceGroup: true }),
        (e: unknown) => e instanceof InputError && expected(e),
      );
      t.writes += h.writesSince(since).length;
      assert.deepEqual(h.writesSince(since), [], 'a refused apply sends no write');
      const after = await read();
      if (!after.equals(damaged)) t.overwritten += 1;
      assert.ok(after.equals(damaged), `${kind}: the damaged file is left byte for byte`);
      t.refused += 1;
      return;
    }
    if (loaded && sameContent(loaded, original)) t.harmless += 1;
    else t.acceptedDamaged += 1;
    assert.ok(loaded && sameContent(loaded, original), `${kind}: damage was accepted as different content`);
  }

  test('file store: damaged state files are refused (StateCorrupt naming the file) or harmless; nothing is overwritten', async () => {
    const t = tally();
    figures.fileState = t;
    const random = seededRandom(SEED);
    const file = h.store.statePath(m.stack.name);
    writeFileSync(h.store.journalPath(m.stack.name), '');
    for (let i = 0; i < MUTATIONS; i++) {
      const mu = mutate(stateBytes, random, ['replace', 'truncate', 'nul-run']);
      writeFileSync(file, mu.bytes);
      await check(
        t,
        h.store,
        `state ${mu.kind}@${mu.at}`,
        async () => readFileSync(file),
        (e) => STATE_CODES.has(e.code) && e.message.includes(`${m.stack.name}.json`),
        mu.bytes,
      );
    }
    writeFileSync(file, stateBytes);
    assert.equal(t.acceptedDamaged + t.overwritten, 0);
    assert.ok(t.refused > 0);
  });

  test('file store: a damaged journal is refused as JournalCorrupt with the file and line; nothing is overwritten', async () => {
    const t = tally();
    figures.fileJournal = t;
    const random = seededRandom(SEED + 1);
    const file = h.store.journalPath(m.stack.name);
    writeFileSync(h.store.statePath(m.stack.name), stateBytes);
    const lastLineStart = journalBytes.lastIndexOf(0x0a, journalBytes.length - 2) + 1;
    for (let i = 0; i < MUTATIONS; i++) {
      // NUL runs stay off the last line (a NUL-padded last line is a torn append, dropped by design).
      const mu = mutate(journalBytes, random, ['replace', 'nul-run'], journalPositions);
      if (mu.kind === 'nul-run' && mu.bytes.subarray(lastLineStart).includes(0)) continue;
      await h.store.journal(m.stack.name).close();
      writeFileSync(file, mu.bytes);
      await check(
        t,
        h.store,
        `journal ${mu.kind}@${mu.at}`,
        async () => readFileSync(file),
        (e) =>
          e.code === 'JournalCorrupt' &&
          e.message.includes(`${m.stack.name}.jsonl`) &&
          typeof e.line === 'number' &&
          e.line >= 1,
        mu.bytes,
      );
    }
    writeFileSync(file, '');
    assert.equal(t.harmless + t.acceptedDamaged + t.overwritten, 0, 'every damaged journal is refused');
    assert.ok(t.refused > 0);
  });

  test('blob store (Azurite): damaged state and journal blobs are refused naming the blob, and left as they were', async () => {
    az = await startAzurite();
    const location = `azblob://${az.account}/corrupt/team`;
    const store = new BlobStateStore(location, { connectionString: az.connectionString, onNotice: () => undefined });
    await store.save(original);
    const container = BlobServiceClient.fromConnectionString(az.connectionString).getContainerClient('corrupt');
    const stateBlob = container.getBlockBlobClient(store.blobName('state', m.stack.name));
    const blobState = await stateBlob.downloadToBuffer();
    const journalName = store.blobName('journal', m.stack.name);
    const putJournal = async (bytes: Buffer): Promise<void> => {
      const ab = container.getAppendBlobClient(journalName);
      await ab.deleteIfExists();
      await ab.create();
      if (bytes.length) await ab.appendBlock(bytes, bytes.length);
    };
    const t = tally();
    figures.blob = t;
    const random = seededRandom(SEED + 2);
    const n = Math.max(3, Math.ceil(MUTATIONS / 4));
    for (let i = 0; i < n; i++) {
      const mu = mutate(blobState, random, ['replace', 'truncate']);
      await stateBlob.upload(mu.bytes, mu.bytes.length);
      await check(
        t,
        store,
        `blob state ${mu.kind}@${mu.at}`,
        () => stateBlob.downloadToBuffer(),
        (e) =>
          STATE_CODES.has(e.code) &&
          e.message.includes(`azblob://${az!.account}/corrupt/team/state/${m.stack.name}.json`),
        mu.bytes,
      );
    }
    await stateBlob.upload(blobState, blobState.length);
    for (let i = 0; i < n; i++) {
      const mu = mutate(journalBytes, random, ['replace'], journalPositions);
      await putJournal(mu.bytes);
      await check(
        t,
        store,
        `blob journal ${mu.kind}@${mu.at}`,
        () => container.getBlobClient(journalName).downloadToBuffer(),
        (e) =>
          e.code === 'JournalCorrupt' &&
          e.message.includes(`azblob://${az!.account}/corrupt/team/journal/${m.stack.name}/`) &&
          typeof e.line === 'number',
        mu.bytes,
      );
    }
    assert.equal(t.acceptedDamaged + t.overwritten, 0);
    assert.ok(t.refused > 0);
  });

  test('CLI: plan on a damaged state and apply on a damaged journal exit 2 with the coded message, no stack trace, files unchanged', async () => {
    const c = { runs: 0, refusedExit2: 0, stackTraces: 0, overwritten: 0 };
    figures.cli = c;
    const manifestFile = join(h.dir, 'fleet.manifest.json');
    writeFileSync(manifestFile, canonicalJson(m, 2));
    const stateFile = h.store.statePath(m.stack.name);
    const journalFile = h.store.journalPath(m.stack.name);
    await h.store.journal(m.stack.name).close();
    const damagedState = Buffer.from(stateBytes);
    damagedState[damagedState.length - 10] = damagedState[damagedState.length - 10] === 0x41 ? 0x42 : 0x41;
    writeFileSync(stateFile, damagedState);
    writeFileSync(journalFile, '');
    const runs: { args: string[]; file: string; bytes: Buffer; code: RegExp }[] = [
      {
        args: ['plan', '--manifest', manifestFile],
        file: stateFile,
        bytes: damagedState,
        code: /StateCorrupt: state \.amlcdk[\\/]state[\\/]Fleet-cor\.json is corrupt: checksum mismatch/,
      },
    ];
    const lines = journalBytes.toString('utf8').split('\n');
    lines[1] = lines[1].replace('"kind":"', '"kind":"x');
    const damagedJournal = Buffer.from(lines.join('\n'));
    runs.push({
      args: ['apply', '--manifest', manifestFile, '--yes'],
      file: journalFile,
      bytes: damagedJournal,
      code: /JournalCorrupt: journal \.amlcdk[\\/]journal[\\/]Fleet-cor\.jsonl line 2 fails its checksum/,
    });
    for (const [k, r] of runs.entries()) {
      writeFileSync(stateFile, k === 0 ? damagedState : stateBytes);
      writeFileSync(journalFile, k === 1 ? damagedJournal : '');
      const since = h.lastSeq();
      const res = await runCli(r.args, h.dir, { emu: h.emu });
      c.runs += 1;
      if (res.code === 2) c.refusedExit2 += 1;
      if (STACK_TRACE.test(res.stderr + res.stdout)) c.stackTraces += 1;
      if (!readFileSync(r.file).equals(r.bytes)) c.overwritten += 1;
      assert.equal(res.code, 2, `${r.args[0]}: exit 2 for damaged input:\n${res.stdout}${res.stderr}`);
      assert.match(res.stderr, r.code);
      assert.match(res.stderr, /fix: /);
      assert.doesNotMatch(res.stderr + res.stdout, STACK_TRACE);
      assert.ok(readFileSync(r.file).equals(r.bytes), 'file unchanged');
      assert.deepEqual(h.writesSince(since), [], 'no ARM write');
    }
  });
});
