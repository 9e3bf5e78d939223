/**
 * FileStateStore with real files in a temp directory and real child processes for locks and crashes.
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore } from '../../lib/state/file-store.js';
import { StateLockedError } from '../../lib/state/lock-holder.js';
import { AmlcdkError, InputError } from '../../lib/core/errors.js';
import { seededRandom } from '../../lib/arm/retry.js';
import { bigState } from './fixtures/states.js';

let root: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'amlcdk-state-'));
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
function freshStore(notices: string[] = []): FileStateStore {
  return new FileStateStore({ cwd: root, dir: `s${++n}`, onNotice: (m) => notices.push(m) });
}

const CHILD = join(import.meta.dirname, 'fixtures', 'state-child.ts');
/** Start the fixture child and resolve once it printed `word`. */
function startChild(args: string[], word: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes(word)) resolve(child);
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before "${word}": ${out}`)));
  });
}
function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('state', () => {
  test('load of a stack with no state resolves undefined; save/load round-trips with a growing serial and keeps the previous state', async () => {
    const store = freshStore();
    assert.equal(await store.load('dev'), undefined);
    const s1 = bigState('dev', 'one', 3);
    await store.save(s1);
    const l1 = await store.load('dev');
    assert.equal(l1?.serial, 1);
    assert.deepEqual({ ...l1, serial: undefined }, { ...s1, serial: undefined });
    await store.save({ ...bigState('dev', 'two', 2), serial: 99 });
    const l2 = await store.load('dev');
    assert.equal(l2?.serial, 2, 'the store numbers saves, whatever serial the caller passed');
    assert.equal(Object.keys(l2.resources).length, 2);
    const prev = readFileSync(join(store.dir, 'state', 'dev.prev.json'), 'utf8');
    assert.match(prev.split('\n')[0], /"serial":1/);
    const header = JSON.parse(readFileSync(store.statePath('dev'), 'utf8').split('\n')[0]) as {
      checksum: string;
      format: string;
    };
    assert.match(header.checksum, /^sha256:[0-9a-f]{64}$/);
    assert.equal(header.format, 'amlcdk-state');
  });

  test('a damaged state file is refused as StateCorrupt naming the file, and is left byte for byte as it was', async () => {
    const store = freshStore();
    await store.save(bigState('prod', 'x', 5));
    const file = store.statePath('prod');
    const text = readFileSync(file, 'utf8');
    const damaged = text.replace('"maxNodeCount":5', '"maxNodeCount":6');
    assert.notEqual(damaged, text);
    writeFileSync(file, damaged);
    await assert.rejects(store.load('prod'), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.code, 'StateCorrupt');
      assert.match(e.message, /checksum mismatch/);
      assert.match(e.message, /state[\\/]prod\.json/);
      assert.ok(e.fix && /prev\.json/.test(e.fix));
      return true;
    });
    assert.equal(readFileSync(file, 'utf8'), damaged);
    writeFileSync(file, text.slice(0, 40));
    await assert.rejects(
      store.load('prod'),
      (e: unknown) => e instanceof InputError && e.code === 'StateCorrupt' && /no header line/.test(e.message),
    );
    writeFileSync(file, '{"format":"amlcdk-state","version":7}\n{}\n');
    await assert.rejects(
      store.load('prod'),
      (e: unknown) => e instanceof InputError && e.code === 'StateVersionUnsupported',
    );
  });

  test('state written for another stack is refused', async () => {
    const store = freshStore();
    await store.save(bigState('a', 'x', 1));
    writeFileSync(store.statePath('b'), readFileSync(store.statePath('a')));
    await assert.rejects(
      store.load('b'),
      (e: unknown) => e instanceof InputError && e.code === 'StateCorrupt' && /belongs to stack "a"/.test(e.message),
    );
  });

  test('stack names that would escape the directory are refused', async () => {
    const store = freshStore();
    await assert.rejects(
      store.load('../etc'),
      (e: unknown) => e instanceof InputError && e.code === 'InvalidStackName',
    );
    await assert.rejects(
      store.lock('a/b', 'apply'),
      (e: unknown) => e instanceof InputError && e.code === 'InvalidStackName',
    );
  });

  test('a save killed at 6 seeded random moments always leaves the old or the new state, never a torn one', async () => {
    const store = freshStore();
    const rnd = seededRandom(6);
    const counts = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const child = await startChild(['save-loop', store.dir, 'crash'], 'ready');
      await new Promise((r) => setTimeout(r, 5 + Math.floor(rnd() * 60)));
      await kill9(child);
      const loaded = await store.load('crash');
      assert.ok(loaded, 'a state is there');
      const count = Object.keys(loaded.resources).length;
      assert.ok(count === 400 || count === 900, `state is A or B, got ${count} resources`);
      counts.add(count);
    }
    // Leftover temp files from a kill never shadow the state.
    const names = readdirSync(join(store.dir, 'state'));
    assert.ok(names.includes('crash.json'));
  });
});

describe('journal', () => {
  test('append assigns increasing seq numbers and times, and each line carries its own sha256', async () => {
    const store = freshStore();
    const j = store.journal('dev');
    await j.append({ kind: 'begin', runId: 'r1', manifestHash: 'sha256:abc' });
    await j.append({
      kind: 'intent',
      runId: 'r1',
      opId: 'o1',
      logicalId: 'Dev/Ws',
      resourceId: '/subscriptions/s/x',
      op: 'create',
      method: 'PUT',
      apiVersion: '2025-09-01',
    });
    await j.append({
      kind: 'started',
      runId: 'r1',
      opId: 'o1',
      status: 201,
      pollUrl: 'https://management.azure.com/op/1',
      pollKind: 'azure-async-operation',
    });
    const entries = await j.read();
    assert.deepEqual(
      entries.map((e) => [e.seq, e.kind]),
      [
        [1, 'begin'],
        [2, 'intent'],
        [3, 'started'],
      ],
    );
    assert.ok(entries.every((e) => !Number.isNaN(Date.parse(e.at))));
    const lines = readFileSync(store.journalPath('dev'), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /,"h":"[0-9a-f]{64}"\}$/);
    // A second store instance (a later run) continues the numbering.
    await store.close();
    const again = new FileStateStore({ dir: store.dir });
    await again.journal('dev').append({ kind: 'end', runId: 'r1', outcome: 'succeeded' });
    assert.deepEqual(
      (await again.journal('dev').read()).map((e) => e.seq),
      [1, 2, 3, 4],
    );
    await again.close();
  });

  test('a damaged line in the middle is JournalCorrupt with its line number', async () => {
    const store = freshStore();
    const j = store.journal('dev');
    for (let i = 0; i < 3; i++) await j.append({ kind: 'done', runId: 'r', opId: `o${i}`, outcome: 'succeeded' });
    await store.close();
    const file = store.journalPath('dev');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1].replace('"o1"', '"o9"');
    writeFileSync(file, lines.join('\n'));
    await assert.rejects(store.journal('dev').read(), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.code, 'JournalCorrupt');
      assert.equal(e.line, 2);
      assert.match(e.message, /line 2 fails its checksum/);
      return true;
    });
    // A complete (newline-terminated) last line that fails its checksum is damage too, not a torn append.
    lines[1] = readFileSync(file, 'utf8').split('\n')[0].replace('"seq":1', '"seq":2');
    writeFileSync(file, [lines[0], lines[2], lines[1].replace('"o0"', '"oX"'), ''].join('\n'));
    await assert.rejects(
      store.journal('dev').read(),
      (e: unknown) => e instanceof InputError && e.code === 'JournalCorrupt' && e.line === 3,
    );
  });

  test('out-of-order entries (two writers) are JournalCorrupt', async () => {
    const store = freshStore();
    const j = store.journal('dev');
    await j.append({ kind: 'begin', runId: 'r', manifestHash: 'h' });
    await j.append({ kind: 'end', runId: 'r', outcome: 'failed' });
    await store.close();
    const [a, b] = readFileSync(store.journalPath('dev'), 'utf8').trimEnd().split('\n');
    writeFileSync(store.journalPath('dev'), `${b}\n${a}\n`);
    await assert.rejects(
      store.journal('dev').read(),
      (e: unknown) => e instanceof InputError && e.code === 'JournalCorrupt' && /seq 1 after 2/.test(e.message),
    );
  });

  test('a torn last line (crash mid-append) is dropped with a notice, then cut before the next append', async () => {
    const notices: string[] = [];
    const store = freshStore(notices);
    const j = store.journal('dev');
    await j.append({ kind: 'begin', runId: 'r', manifestHash: 'h' });
    await j.append({
      kind: 'intent',
      runId: 'r',
      opId: 'o1',
      logicalId: 'A',
      resourceId: '/subscriptions/s/a',
      op: 'create',
      method: 'PUT',
      apiVersion: '2025-09-01',
    });
    await store.close();
    appendFileSync(store.journalPath('dev'), '{"e":{"at":"2026-01-01T00:00:00.000Z","kind":"started","opId":"o1"');
    const reader = new FileStateStore({ dir: store.dir, onNotice: (m) => notices.push(m) });
    assert.deepEqual(
      (await reader.journal('dev').read()).map((e) => e.seq),
      [1, 2],
    );
    assert.equal(notices.length, 1);
    assert.match(notices[0], /dropped a torn last line \(line 3/);
    await reader.journal('dev').append({ kind: 'done', runId: 'r', opId: 'o1', outcome: 'succeeded' });
    const entries = await reader.journal('dev').read();
    assert.deepEqual(
      entries.map((e) => [e.seq, e.kind]),
      [
        [1, 'begin'],
        [2, 'intent'],
        [3, 'done'],
      ],
    );
    assert.equal(
      readFileSync(store.journalPath('dev'), 'utf8').split('\n').length,
      4,
      'three lines and the final newline',
    );
    await reader.close();
  });

  test('a journal appended by a process killed at 4 seeded moments reads back whole, in order', async () => {
    const store = freshStore();
    const rnd = seededRandom(11);
    for (let i = 0; i < 4; i++) {
      const child = await startChild(['append-loop', store.dir, 'crash'], 'ready');
      await new Promise((r) => setTimeout(r, 5 + Math.floor(rnd() * 40)));
      await kill9(child);
      const notices: string[] = [];
      const reader = new FileStateStore({ dir: store.dir, onNotice: (m) => notices.push(m) });
      const entries = await reader.journal('crash').read();
      assert.ok(entries.length >= 1 + i);
      entries.forEach((e, k) => assert.equal(e.seq, k + 1, 'no gaps, no duplicates'));
    }
  });

  test('truncate starts the journal afresh', async () => {
    const store = freshStore();
    const j = store.journal('dev');
    await j.append({ kind: 'begin', runId: 'r', manifestHash: 'h' });
    await j.truncate();
    assert.deepEqual(await j.read(), []);
    await j.append({ kind: 'begin', runId: 'r2', manifestHash: 'h' });
    assert.deepEqual(
      (await j.read()).map((e) => e.seq),
      [1],
    );
    await store.close();
  });
});

describe('locks', () => {
  test('a second lock (another store on the same directory) is refused naming the holder; release frees it', async () => {
    const a = freshStore();
    const b = new FileStateStore({ dir: a.dir });
    const lock = await a.lock('dev', 'apply');
    assert.equal(lock.holder.pid, process.pid);
    assert.match(lock.holder.who, /@/);
    await assert.rejects(b.lock('dev', 'destroy'), (e: unknown) => {
      assert.ok(e instanceof StateLockedError);
      assert.equal(e.code, 'StateLocked');
      assert.equal(e.stale, false);
      assert.equal(e.holder?.id, lock.holder.id);
      assert.ok(e.message.includes(lock.holder.who));
      assert.ok(e.message.includes(`pid ${process.pid}`));
      assert.match(e.message, /apply, since/);
      return true;
    });
    const other = await b.lock('other', 'apply');
    await other.release();
    await lock.release();
    const again = await b.lock('dev', 'apply');
    await again.release();
    assert.equal(existsSync(a.lockPath('dev')), false);
  });

  test('breakLock returns the holder; the broken run can no longer write state or journal, and its release leaves the new lock alone', async () => {
    const notices: string[] = [];
    const a = freshStore(notices);
    const b = new FileStateStore({ dir: a.dir });
    const lockA = await a.lock('dev', 'apply');
    await a.journal('dev').append({ kind: 'begin', runId: 'r', manifestHash: 'h' });
    const broken = await b.breakLock('dev');
    assert.equal(broken?.id, lockA.holder.id);
    assert.equal(await b.breakLock('dev'), undefined, 'nothing left to break');
    const lockB = await b.lock('dev', 'apply');
    await assert.rejects(
      a.journal('dev').append({ kind: 'end', runId: 'r', outcome: 'failed' }),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'StateLockLost',
    );
    await assert.rejects(
      a.save(bigState('dev', 'x', 1)),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'StateLockLost',
    );
    await lockA.release();
    assert.match(notices.join('\n'), /was broken while this run held it/);
    assert.ok(existsSync(b.lockPath('dev')), "A's release did not remove B's lock");
    await lockB.release();
    await a.close();
  });

  test('a lock held by another live process is refused naming it; once that process is killed the next lock takes it over, naming the old holder', async () => {
    const notices: string[] = [];
    const store = freshStore(notices);
    const child = await startChild(['lock', store.dir, 'dev'], 'locked');
    await assert.rejects(store.lock('dev', 'apply'), (e: unknown) => {
      assert.ok(e instanceof StateLockedError);
      assert.equal(e.holder?.pid, child.pid);
      assert.equal(e.stale, false);
      assert.ok(e.message.includes(`pid ${child.pid}`));
      assert.match(e.message, /Wait for that run to finish/);
      return true;
    });
    await kill9(child);
    // Same host, pid gone: provably dead, so no break-lock is needed (issue 14 finding 9).
    const lock = await store.lock('dev', 'apply');
    assert.equal(lock.tookOver?.holder.pid, child.pid);
    assert.match(lock.tookOver?.reason ?? '', new RegExp(`process ${child.pid} no longer runs`));
    assert.equal(notices.length, 1);
    assert.match(notices[0], new RegExp(`took over the lock on stack "dev" from .*pid ${child.pid}, apply`));
    // The new holder is the lock now: another run is refused naming it.
    await assert.rejects(
      new FileStateStore({ dir: store.dir }).lock('dev', 'apply'),
      (e: unknown) => e instanceof StateLockedError && e.holder?.id === lock.holder.id && !e.stale,
    );
    await lock.release();
    assert.equal(existsSync(store.lockPath('dev')), false);
  });

  test('a live pid that started at another time than the holder (a reused pid) is taken over too', async () => {
    const store = freshStore();
    const child = await startChild(['lock', store.dir, 'reused'], 'locked');
    try {
      // The record of a dead holder whose pid now belongs to another process (the child, alive).
      const rec = JSON.parse(readFileSync(store.lockPath('reused'), 'utf8')) as Record<string, unknown>;
      assert.equal(typeof rec.pidStart, 'string', 'the holder records its start time');
      writeFileSync(store.lockPath('reused'), JSON.stringify({ ...rec, id: 'old', pidStart: '1' }));
      const lock = await store.lock('reused', 'apply');
      assert.equal(lock.tookOver?.holder.id, 'old');
      assert.match(lock.tookOver?.reason ?? '', /pid was reused/);
      await lock.release();
      // The same record with the child's real start time is a live holder: refused.
      writeFileSync(store.lockPath('reused'), JSON.stringify(rec));
      await assert.rejects(
        store.lock('reused', 'apply'),
        (e: unknown) => e instanceof StateLockedError && e.holder?.pid === child.pid && !e.stale,
      );
    } finally {
      await kill9(child);
    }
  });

  test('runs racing to take over a dead holder: exactly one gets the lock, the others are refused naming it', async () => {
    const store = freshStore();
    const child = await startChild(['lock', store.dir, 'race'], 'locked');
    await kill9(child);
    const stores = Array.from({ length: 6 }, () => new FileStateStore({ dir: store.dir, onNotice: () => undefined }));
    const results = await Promise.allSettled(stores.map((s) => s.lock('race', 'apply')));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    const winner = won[0].value;
    assert.equal(winner.tookOver?.holder.pid, child.pid);
    for (const r of results)
      if (r.status === 'rejected')
        assert.ok(r.reason instanceof StateLockedError && r.reason.holder?.id === winner.holder.id, String(r.reason));
    await winner.release();
  });

  test('a lock from another host whose heartbeat stopped is reported stale', async () => {
    const store = new FileStateStore({ cwd: root, dir: `s${++n}`, heartbeatMs: 10 });
    const file = store.lockPath('dev');
    const { mkdirSync, utimesSync } = await import('node:fs');
    mkdirSync(join(store.dir, 'locks'), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        id: 'x',
        who: 'bob@ci-runner-9',
        host: 'ci-runner-9',
        pid: 1234,
        operation: 'apply',
        since: '2026-01-01T00:00:00.000Z',
      }),
    );
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    await assert.rejects(
      store.lock('dev', 'apply'),
      (e: unknown) =>
        e instanceof StateLockedError &&
        e.stale &&
        /bob@ci-runner-9/.test(e.message) &&
        /heartbeat stopped/.test(e.message),
    );
  });
});
