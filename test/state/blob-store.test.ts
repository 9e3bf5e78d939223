/**
 * BlobStateStore against a real Azurite blob service started by the test on 127.0.0.1.
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { BlobStateStore, parseBlobLocation } from '../../lib/state/blob-store.js';
import { StateLockedError } from '../../lib/state/lock-holder.js';
import { AmlcdkError, InputError } from '../../lib/core/errors.js';
import { startAzurite, type Azurite } from '../helpers/azurite.js';
import { bigState } from './fixtures/states.js';

let az: Azurite;
const children: ChildProcess[] = [];
beforeAll(async () => {
  az = await startAzurite();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await az?.stop();
});

let n = 0;
function store(
  extra: Partial<ConstructorParameters<typeof BlobStateStore>[1]> = {},
  notices: string[] = [],
): BlobStateStore {
  return new BlobStateStore(`azblob://${az.account}/state${++n}/team-a/dev`, {
    connectionString: az.connectionString,
    onNotice: (m) => notices.push(m),
    ...extra,
  });
}
function sameAs(
  s: BlobStateStore,
  extra: Partial<ConstructorParameters<typeof BlobStateStore>[1]> = {},
): BlobStateStore {
  return new BlobStateStore(s.location, { connectionString: az.connectionString, ...extra });
}
function container(s: BlobStateStore) {
  return BlobServiceClient.fromConnectionString(az.connectionString).getContainerClient(s.parsed.container);
}

describe('locations', () => {
  test('azblob locations are parsed and validated', () => {
    assert.deepEqual(parseBlobLocation('azblob://acct01/amlcdk-state/team-a/prod'), {
      account: 'acct01',
      container: 'amlcdk-state',
      prefix: 'team-a/prod/',
    });
    assert.deepEqual(parseBlobLocation('azblob://acct01/state'), { account: 'acct01', container: 'state', prefix: '' });
    for (const bad of [
      'azblob://Acct/state',
      'azblob://acct01',
      'azblob://acct01/S',
      'azblob://acct01/state/../x',
      'azblob://acct01/-bad',
    ]) {
      assert.throws(
        () => parseBlobLocation(bad),
        (e: unknown) => e instanceof InputError && e.code === 'InvalidStateLocation',
        bad,
      );
    }
  });
  test('a connection string for another account is refused', () => {
    assert.throws(
      () => new BlobStateStore('azblob://otheracct/state', { connectionString: az.connectionString }),
      (e: unknown) => e instanceof InputError && e.code === 'StateLocationMismatch',
    );
  });
});

describe('blob state', () => {
  test('load before any write resolves undefined (container absent); save/load round-trips with serials', async () => {
    const s = store();
    assert.equal(await s.load('dev'), undefined);
    const st = bigState('dev', 'one', 20);
    await s.save(st);
    const l1 = await s.load('dev');
    assert.equal(l1?.serial, 1);
    assert.deepEqual(l1?.resources, st.resources);
    await s.save(bigState('dev', 'two', 3));
    const l2 = await s.load('dev');
    assert.equal(l2?.serial, 2);
    assert.equal(Object.keys(l2.resources).length, 3);
    const names: string[] = [];
    for await (const b of container(s).listBlobsFlat()) names.push(b.name);
    assert.ok(names.includes('team-a/dev/state/dev.json'), names.join(','));
  });

  test('a damaged state blob is StateCorrupt naming the blob, and is not overwritten by the failed load', async () => {
    const s = store();
    await s.save(bigState('dev', 'x', 4));
    const blob = container(s).getBlockBlobClient('team-a/dev/state/dev.json');
    const text = (await blob.downloadToBuffer()).toString('utf8').replace('"tag":"x"', '"tag":"y"');
    await blob.upload(text, Buffer.byteLength(text));
    await assert.rejects(
      s.load('dev'),
      (e: unknown) =>
        e instanceof InputError &&
        e.code === 'StateCorrupt' &&
        e.message.includes(`azblob://${az.account}/${s.parsed.container}/team-a/dev/state/dev.json`),
    );
    assert.equal((await blob.downloadToBuffer()).toString('utf8'), text);
  });

  test('a wrong account key is StateStoreForbidden, and the key never appears in the message', async () => {
    const wrongKey = Buffer.from('definitely-not-the-key-0123456789').toString('base64');
    const s = new BlobStateStore(`azblob://${az.account}/forbidden`, {
      connectionString: az.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`),
    });
    await assert.rejects(s.save(bigState('dev', 'x', 1)), (e: unknown) => {
      assert.ok(e instanceof AmlcdkError);
      assert.equal(e.code, 'StateStoreForbidden');
      assert.ok(!e.message.includes(wrongKey) && !e.message.includes(az.accountKey));
      assert.match(e.message, /Storage Blob Data Contributor/);
      return true;
    });
  });
});

describe('blob journal', () => {
  test('entries append in order across append-blob segments, survive a new store instance, and truncate', async () => {
    const s = store({ segmentBlocks: 3 });
    const j = s.journal('dev');
    await j.append({ kind: 'begin', runId: 'r1', manifestHash: 'sha256:h' });
    for (let i = 0; i < 6; i++) await j.append({ kind: 'done', runId: 'r1', opId: `o${i}`, outcome: 'succeeded' });
    const entries = await j.read();
    assert.deepEqual(
      entries.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6, 7],
    );
    const segs: string[] = [];
    for await (const b of container(s).listBlobsFlat({ prefix: 'team-a/dev/journal/dev/' })) segs.push(b.name);
    assert.deepEqual(segs, [
      'team-a/dev/journal/dev/000000.jsonl',
      'team-a/dev/journal/dev/000001.jsonl',
      'team-a/dev/journal/dev/000002.jsonl',
    ]);
    const later = sameAs(s, { segmentBlocks: 3 });
    await later.journal('dev').append({ kind: 'end', runId: 'r1', outcome: 'succeeded' });
    assert.deepEqual(
      (await later.journal('dev').read()).map((e) => e.seq),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    await later.journal('dev').truncate();
    assert.deepEqual(await later.journal('dev').read(), []);
    await later.journal('dev').append({ kind: 'begin', runId: 'r2', manifestHash: 'sha256:h' });
    assert.deepEqual(
      (await later.journal('dev').read()).map((e) => [e.seq, e.runId]),
      [[1, 'r2']],
    );
  });

  test('a damaged journal block is JournalCorrupt with its line', async () => {
    const s = store();
    const j = s.journal('dev');
    for (let i = 0; i < 3; i++) await j.append({ kind: 'done', runId: 'r', opId: `o${i}`, outcome: 'succeeded' });
    const blob = container(s).getBlockBlobClient('team-a/dev/journal/dev/000000.jsonl');
    const text = (await blob.downloadToBuffer()).toString('utf8').replace('"o1"', '"o7"');
    await container(s).getAppendBlobClient('team-a/dev/journal/dev/000000.jsonl').delete();
    const ab = container(s).getAppendBlobClient('team-a/dev/journal/dev/000000.jsonl');
    await ab.create();
    await ab.appendBlock(text, Buffer.byteLength(text));
    await assert.rejects(
      sameAs(s).journal('dev').read(),
      (e: unknown) => e instanceof InputError && e.code === 'JournalCorrupt' && e.line === 2,
    );
  });
});

describe('blob lease lock', () => {
  test('a concurrent lock is refused naming the holder read from the lock blob; release frees it', async () => {
    const a = store();
    const b = sameAs(a);
    const lock = await a.lock('dev', 'apply');
    await assert.rejects(b.lock('dev', 'destroy'), (e: unknown) => {
      assert.ok(e instanceof StateLockedError);
      assert.equal(e.holder?.id, lock.holder.id);
      assert.equal(e.holder?.who, lock.holder.who);
      assert.equal(e.holder?.pid, process.pid);
      assert.ok(e.message.includes(lock.holder.who));
      assert.match(e.message, /apply, since/);
      assert.match(e.message, /lease/);
      return true;
    });
    await lock.release();
    const again = await b.lock('dev', 'apply');
    await again.release();
  });

  test('breakLock breaks the lease and returns the holder; the broken run cannot save any more', async () => {
    const notices: string[] = [];
    const a = store({}, notices);
    const b = sameAs(a);
    const lockA = await a.lock('dev', 'apply');
    await a.save(bigState('dev', 'a', 1));
    const holder = await b.breakLock('dev');
    assert.equal(holder?.id, lockA.holder.id);
    assert.equal(await b.breakLock('dev'), undefined);
    const lockB = await b.lock('dev', 'apply');
    await assert.rejects(
      a.save(bigState('dev', 'a2', 1)),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'StateLockLost',
    );
    await assert.rejects(
      a.journal('dev').append({ kind: 'end', runId: 'r', outcome: 'failed' }),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'StateLockLost',
    );
    await lockA.release();
    assert.match(notices.join('\n'), /lost while this run held it/);
    await assert.rejects(sameAs(a).lock('dev', 'apply'), StateLockedError, "A's release did not free B's lease");
    await lockB.release();
  });

  test('a lock held by another process is refused naming that process; once it is killed the next lock takes the lease over', async () => {
    const a = store();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'state-child.ts'), 'blob-lock', a.location, 'dev'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, AZURE_STORAGE_CONNECTION_STRING: az.connectionString },
      },
    );
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('locked')) resolve();
      });
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.once('exit', (code) => reject(new Error(`child exited ${code}: ${out}`)));
    });
    await assert.rejects(
      a.lock('dev', 'apply'),
      (e: unknown) =>
        e instanceof StateLockedError && e.holder?.pid === child.pid && e.message.includes(`pid ${child.pid}`),
    );
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    // Same host, pid gone: the next lock takes the lease over at once, naming the old holder, without
    // break-lock and without waiting for the lease to lapse (issue 14 finding 9).
    const notices: string[] = [];
    const c = sameAs(a, { onNotice: (m) => notices.push(m) });
    const lock = await c.lock('dev', 'apply');
    assert.equal(lock.tookOver?.holder.pid, child.pid);
    assert.match(notices.join('\n'), new RegExp(`took over the lock on stack "dev" from .*pid ${child.pid}`));
    await assert.rejects(sameAs(a).lock('dev', 'apply'), StateLockedError, 'the new lease holds');
    await lock.release();
  });

  test('a lease held for a holder on another host is refused, never taken over', async () => {
    const a = store();
    const lock = await a.lock('dev', 'apply');
    // Rewrite the holder as a dead process on another host (metadata under the live lease).
    const blob = container(a).getBlockBlobClient(a.blobName('lock', 'dev'));
    await blob.setMetadata(
      { amlcdkid: 'remote', who: 'bob%40ci-9', host: 'ci-9', pid: '999999', operation: 'apply', since: 'x' },
      { conditions: { leaseId: lock.holder.id } },
    );
    await assert.rejects(
      sameAs(a).lock('dev', 'apply'),
      (e: unknown) => e instanceof StateLockedError && e.holder?.host === 'ci-9' && /bob@ci-9/.test(e.message),
    );
    await lock.release();
  });
});
