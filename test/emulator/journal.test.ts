/**
 * Incremental persistence: the snapshot (state.json) plus the journal (state.log) replayed on top of it. Restarts
 * are simulated by loading a new Store from the data directory without closing the first one (as after a crash),
 * or by closing it (compaction). Sizes are counted in bytes on disk, never in time.
 */
import { describe, test, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorStateError, Store, type OperationRecord, type ResourceRecord } from '../../lib/emulator/store.js';
import { startTestEmulator, paths, V } from '../helpers/emulator.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'amlcdk-emu-journal-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SUB = '/subscriptions/00000000-0000-0000-0000-00000000aaaa';
const rgId = (i: number): string => `${SUB}/resourceGroups/rg-${i}`;
const rg = (i: number, extra: Record<string, unknown> = {}): ResourceRecord => ({
  id: rgId(i),
  typeKey: 'microsoft.resources/resourcegroups',
  parentKey: SUB.toLowerCase(),
  body: { id: rgId(i), name: `rg-${i}`, location: 'westeurope', ...extra },
  location: 'westeurope',
});
const op = (id: string, status: OperationRecord['status'] = 'InProgress'): OperationRecord => ({
  id,
  resourceId: rgId(1),
  resourceKey: rgId(1).toLowerCase(),
  kind: 'create',
  namespace: 'Microsoft.Resources',
  location: 'westeurope',
  startTime: Date.now(),
  doneAt: Date.now() + 1000,
  status,
  polls: 0,
});

function open(dir: string): Store {
  const s = new Store(dir);
  s.load();
  return s;
}
const ids = (s: Store): string[] => [...s.resources.values()].map((r) => r.id).sort();
const logLines = (dir: string): string[] =>
  readFileSync(join(dir, 'state.log'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
const snapshot = (dir: string): { generation?: number; resources: ResourceRecord[] } =>
  JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));

describe('journal', () => {
  test('restart with the changes in the journal only: every kind of record, puts and deletes', async () => {
    const dir = tempDir();
    const a = open(dir);
    await a.commit(); // the first save of a new directory writes the (empty) snapshot and starts the journal
    assert.equal(snapshot(dir).resources.length, 0);
    a.put(rg(1));
    a.put(rg(2));
    a.operations.set('op-1', op('op-1'));
    a.softDeleted.set('ws-key', { id: 'WS-Key', body: { name: 'ws' }, deletedAt: 1, purgeAt: 2 });
    a.detached.set('c-key', { id: 'C-Key', properties: { vmSize: 'STANDARD_DS3_V2' } });
    await a.commit();
    assert.equal(snapshot(dir).resources.length, 0, 'the snapshot was not rewritten');
    assert.equal(logLines(dir).length, 1 + 5);

    const b = open(dir); // a crash: a is never closed
    assert.deepEqual(ids(b), [rgId(1), rgId(2)]);
    assert.equal(b.operations.get('op-1')?.status, 'InProgress');
    assert.equal(b.softDeleted.get('ws-key')?.id, 'WS-Key');
    assert.equal(b.detached.get('c-key')?.properties.vmSize, 'STANDARD_DS3_V2');
    assert.deepEqual(
      b
        .childrenOf(SUB.toLowerCase())
        .map((r) => r.id)
        .sort(),
      [rgId(1), rgId(2)],
    );

    // In-place changes reported with touch*, removals, and a change that is only saved with the next write.
    const o = a.operations.get('op-1')!;
    o.status = 'Succeeded';
    a.touchOperation('op-1');
    a.remove(rgId(2).toLowerCase());
    a.softDeleted.delete('ws-key');
    a.detached.delete('c-key');
    a.operations.get('op-1')!.polls = 7;
    a.touchOperation('op-1', false);
    await a.commit();
    const c = open(dir);
    assert.deepEqual(ids(c), [rgId(1)]);
    assert.equal(c.operations.get('op-1')?.status, 'Succeeded');
    assert.equal(c.operations.get('op-1')?.polls, 7);
    assert.equal(c.softDeleted.size, 0);
    assert.equal(c.detached.size, 0);
    await a.close();
  });

  test('restart with a snapshot and a journal on top of it; close compacts to the snapshot alone', async () => {
    const dir = tempDir();
    const a = open(dir);
    for (let i = 0; i < 5; i++) a.put(rg(i));
    await a.commit();
    await a.close();
    assert.equal(snapshot(dir).resources.length, 5, 'close wrote the snapshot');
    assert.equal(logLines(dir).length, 1, 'and started an empty journal');
    assert.equal(JSON.parse(logLines(dir)[0]).generation, snapshot(dir).generation);

    const b = open(dir);
    b.put(rg(5));
    b.put(rg(1, { tags: { changed: 'yes' } }));
    b.remove(rgId(0).toLowerCase());
    await b.commit();
    assert.equal(snapshot(dir).resources.length, 5);
    const c = open(dir);
    assert.deepEqual(ids(c), [1, 2, 3, 4, 5].map(rgId).sort());
    assert.deepEqual(c.get(rgId(1).toLowerCase())?.body.tags, { changed: 'yes' });
    await b.close();
  });

  test('the journal is compacted into a new snapshot when it outgrows it; the history of old operations is dropped', async () => {
    const dir = tempDir();
    const a = open(dir);
    const old = op('op-old', 'Succeeded');
    old.endTime = Date.now() - 2 * 24 * 3600 * 1000;
    a.operations.set('op-old', old);
    a.operations.set('op-new', { ...op('op-new', 'Succeeded'), endTime: Date.now() });
    await a.commit();
    const gen0 = snapshot(dir).generation!;
    const pad = 'x'.repeat(2000);
    // > 256 KiB of journal: one commit per resource, as the server does.
    for (let i = 0; i < 200; i++) {
      a.put(rg(i, { pad }));
      await a.commit();
    }
    await a.commit(); // waits for the compaction started in the background, if it is still running
    const snap = snapshot(dir);
    assert.ok(snap.generation! > gen0, `a compaction happened (generation ${gen0} -> ${snap.generation})`);
    assert.ok(snap.resources.length > 100, `the snapshot holds the state (${snap.resources.length} resources)`);
    assert.ok(statSync(join(dir, 'state.log')).size < 256 * 1024 + 4096, 'the journal was started again');
    assert.equal(JSON.parse(logLines(dir)[0]).generation, snap.generation);
    const b = open(dir);
    assert.equal(b.resources.size, 200);
    assert.equal(b.operations.has('op-old'), false, 'terminal operation older than a day dropped');
    assert.equal(b.operations.has('op-new'), true);
    await a.close();
  });

  test('a compaction that stopped after its snapshot: the journal of the previous generation is ignored', async () => {
    const dir = tempDir();
    const a = open(dir);
    a.put(rg(1));
    await a.commit();
    a.put(rg(1, { tags: { v: '2' } }));
    await a.commit();
    const staleLog = readFileSync(join(dir, 'state.log'));
    a.put(rg(1, { tags: { v: '3' } }));
    await a.close(); // snapshot of the next generation holds v3
    writeFileSync(join(dir, 'state.log'), staleLog); // as if the crash came before the journal was started again
    const b = open(dir);
    assert.deepEqual(b.get(rgId(1).toLowerCase())?.body.tags, { v: '3' });
    b.put(rg(2));
    await b.commit(); // compacts, since the journal on disk does not continue the snapshot
    const c = open(dir);
    assert.deepEqual(ids(c), [rgId(1), rgId(2)]);
    assert.deepEqual(c.get(rgId(1).toLowerCase())?.body.tags, { v: '3' });
    await b.close();
  });

  test('a journal whose snapshot was deleted is ignored, and the next snapshot takes a generation above it', async () => {
    const dir = tempDir();
    const a = open(dir);
    a.put(rg(1));
    await a.commit();
    a.put(rg(2));
    await a.commit();
    await a.close();
    const oldGeneration = JSON.parse(logLines(dir)[0]).generation as number;
    rmSync(join(dir, 'state.json'));
    const b = open(dir);
    assert.equal(b.resources.size, 0);
    b.put(rg(3));
    await b.commit();
    assert.ok(snapshot(dir).generation! > oldGeneration, 'a journal left behind can never pass for the new snapshot');
    assert.deepEqual(ids(open(dir)), [rgId(3)]);
    await b.close();
  });

  test('an incomplete last line (an append cut short by a crash) is ignored, and cut off before the next append', async () => {
    const dir = tempDir();
    const a = open(dir);
    a.put(rg(1));
    await a.commit();
    a.put(rg(2));
    await a.commit();
    appendFileSync(
      join(dir, 'state.log'),
      '{"t":"r","k":"/subscriptions/00000000-0000-0000-0000-00000000aaaa/resourcegroups/rg-3","v":{"id":"/subs',
    );
    const b = open(dir);
    assert.deepEqual(ids(b), [rgId(1), rgId(2)]);
    b.put(rg(4));
    await b.commit();
    const lines = logLines(dir);
    assert.ok(
      lines.every((l) => JSON.parse(l)),
      'no partial line left in the journal',
    );
    const c = open(dir);
    assert.deepEqual(ids(c), [rgId(1), rgId(2), rgId(4)]);
    await b.close();
  });

  test('a corrupt line before the end is refused with EmulatorStateCorrupt naming the file and the line', async () => {
    const dir = tempDir();
    const a = open(dir);
    for (let i = 1; i <= 3; i++) {
      a.put(rg(i));
      await a.commit();
    }
    const lines = readFileSync(join(dir, 'state.log'), 'utf8').split('\n');
    lines[2] = lines[2].slice(0, 20) + '#garbage';
    writeFileSync(join(dir, 'state.log'), lines.join('\n'));
    assert.throws(
      () => open(dir),
      (err: unknown) => {
        assert.ok(err instanceof EmulatorStateError);
        assert.equal(err.code, 'EmulatorStateCorrupt');
        assert.ok(err.message.includes(`${join(dir, 'state.log')}:3:`), err.message);
        return true;
      },
    );
    await a.close();
  });

  test('a data directory of the old format (state.json only) loads, and the next write moves it to snapshot + journal', async () => {
    const dir = tempDir();
    const old = {
      format: 'amlcdk-emulator-state',
      version: 1,
      resources: [rg(1), rg(2)],
      operations: [op('op-1')],
      softDeleted: [{ id: 'WS', body: {}, deletedAt: 1, purgeAt: 2 }],
      detached: [{ id: 'C', properties: { vmSize: 'X' } }],
    };
    writeFileSync(join(dir, 'state.json'), JSON.stringify(old));
    const a = open(dir);
    assert.deepEqual(ids(a), [rgId(1), rgId(2)]);
    assert.equal(a.operations.size, 1);
    assert.ok(a.softDeleted.has('ws'));
    assert.ok(a.detached.has('c'));
    a.put(rg(3));
    await a.commit();
    assert.equal(typeof snapshot(dir).generation, 'number');
    assert.ok(existsSync(join(dir, 'state.log')));
    a.put(rg(4));
    await a.commit();
    const b = open(dir);
    assert.deepEqual(ids(b), [1, 2, 3, 4].map(rgId).sort());
    assert.ok(b.softDeleted.has('ws'));
    await a.close();
  });

  test('over HTTPS: after 500 resources one more PUT appends a few hundred bytes to the journal and leaves the snapshot alone', async () => {
    const dir = tempDir();
    const first = await startTestEmulator({ dataDir: dir, throttle: false });
    try {
      const queue = Array.from({ length: 500 }, (_, i) => i);
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
            const r = await first.request('PUT', `${paths.rg(`rg-many-${i}`)}?api-version=${V.rg}`, {
              location: 'westeurope',
              tags: { index: String(i) },
            });
            assert.equal(r.status, 201);
          }
        }),
      );
    } finally {
      await first.close();
    }
    const emu = await startTestEmulator({ dataDir: dir, throttle: false });
    try {
      const snapBefore = readFileSync(join(dir, 'state.json'));
      const logBefore = existsSync(join(dir, 'state.log')) ? statSync(join(dir, 'state.log')).size : 0;
      assert.ok(snapBefore.length > 100_000, `the state is large (${snapBefore.length} bytes)`);
      const r = await emu.request('PUT', `${paths.rg('rg-one-more')}?api-version=${V.rg}`, { location: 'westeurope' });
      assert.equal(r.status, 201);
      const logAfter = statSync(join(dir, 'state.log')).size;
      // Counted right after the 2xx: what the commit wrote is in the journal, and only that.
      assert.ok(
        logAfter - logBefore > 0 && logAfter - logBefore < 2048,
        `the PUT appended ${logAfter - logBefore} bytes`,
      );
      assert.ok(readFileSync(join(dir, 'state.json')).equals(snapBefore), 'the snapshot was not rewritten');
      const onDisk = open(dir);
      assert.equal(onDisk.resources.size, 501);
      assert.ok(onDisk.get(paths.rg('rg-one-more').toLowerCase()));
    } finally {
      await emu.close();
    }
  });

  test('over HTTPS: an LRO that ends by time alone is persisted (at the latest with the next write)', async () => {
    const dir = tempDir();
    const emu = await startTestEmulator({ dataDir: dir, durations: { default: { create: 0 } } });
    try {
      await emu.request('PUT', `${paths.rg('rg-lro')}?api-version=${V.rg}`, { location: 'westeurope' });
      emu.configure({ durations: { default: { create: 50 } } });
      const ws = paths.ws('rg-lro', 'ws-lro');
      const put = await emu.request('PUT', `${ws}?api-version=${V.ml}`, { location: 'westeurope' });
      assert.equal(put.status, 202);
      const opId = new URL(String(put.headers['azure-asyncoperation'])).pathname.split('/').pop()!;
      await emu.waitFor(put); // GETs only: the operation ends by time
      assert.equal(
        (await emu.request('PUT', `${paths.rg('rg-lro-2')}?api-version=${V.rg}`, { location: 'westeurope' })).status,
        201,
      );
      const onDisk = open(dir); // as after a crash
      assert.equal(onDisk.operations.get(opId)?.status, 'Succeeded');
      assert.equal(onDisk.get(ws.toLowerCase())?.pending, undefined);
      assert.equal(
        (onDisk.get(ws.toLowerCase())?.body.properties as { provisioningState?: string }).provisioningState,
        'Succeeded',
      );
    } finally {
      await emu.close();
    }
  });
});
