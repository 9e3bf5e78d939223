/**
 * The emulator's state: resources, long-running operations, soft-deleted resources (workspaces, key vaults),
 * detached managed computes and the directory's principals, in memory (maps keyed by lower-case id) and persisted
 * in `<dataDir>`.
 *
 * On disk: a snapshot, `state.json` (the whole state, written atomically with write-file-atomic: temp file,
 * fsync, rename), and a journal, `state.log`: a header line naming the snapshot's generation, then one JSON line
 * per changed record (resource, operation, soft-deleted workspace or detached compute; put or delete). Loading
 * reads the snapshot and replays the journal on top of it when its generation matches the snapshot's. A
 * journal of another generation is the leftover of a compaction that stopped between its two steps, and is
 * ignored: the snapshot already holds it.
 *
 * Durability guarantee: a write is acknowledged (2xx) only after the state that contains it is on disk: its
 * changed records are appended to the journal and fsynced. Concurrent writes share one append (group commit),
 * and an append holds only the records changed since the last one, so its cost follows the change, not the
 * size of the state. Changes that only follow from time (an LRO reaching its end) are deterministic and are
 * saved soon after, or with the next write at the latest.
 *
 * Compaction writes a new snapshot (generation + 1) atomically, then starts a new journal. It runs when the
 * journal outgrows the snapshot (2× its size, at least 256 KiB) or reaches 10,000 lines, on reset, on close,
 * and on the first write after loading a data directory of the old format (state.json only). It also drops
 * terminal operations older than a day, which keeps the operation history bounded.
 *
 * After a crash the journal may end with an incomplete line (an append that was never acknowledged): it is
 * ignored, and cut off before the next append. A line that cannot be read anywhere else is corruption, and
 * loading fails with `EmulatorStateCorrupt` naming the file and the line.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AmlcdkError } from '../core/errors.js';

export type OperationKind = 'create' | 'update' | 'delete' | 'action';

/** What happens when an in-flight operation ends. */
export interface PendingOperation {
  readonly opId: string;
  readonly kind: OperationKind;
  /** The body the resource gets on success; `null` removes the resource (delete). */
  readonly final: Record<string, unknown> | null;
  /** Body patch applied on failure (e.g. `state: CreateFailed`). */
  readonly onFailure?: Record<string, unknown>;
  /** A create the service refuses asynchronously: on failure the resource is gone instead of `Failed`. */
  readonly removeOnFailure?: boolean;
}

export interface ResourceRecord {
  /** Id with the casing of the first PUT. */
  id: string;
  /** Lower-case full type. */
  typeKey: string;
  /** Lower-case id of the parent (resource group, parent resource or extension scope). */
  parentKey: string;
  /** The resource as GET returns it (never holds secrets). */
  body: Record<string, unknown>;
  pending?: PendingOperation;
  /** Region used for quota and compute name uniqueness. */
  location?: string;
  /** Emulator time (ms) of the PUT that created it: list answers leave it out during the list lag. */
  createdAt?: number;
}

export interface OperationRecord {
  id: string;
  /** ARM id of the resource the operation acts on. */
  resourceId: string;
  resourceKey: string;
  kind: OperationKind;
  /** Action name for POSTs. */
  action?: string;
  /** Query string of a DELETE (`underlyingResourceAction`, `forceToPurge`), applied when it ends. */
  deleteQuery?: string;
  namespace: string;
  location: string;
  startTime: number;
  doneAt: number;
  endTime?: number;
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';
  error?: { code: string; message: string };
  /** Injected part-way failure. */
  fail?: { afterPolls: number; code: string; message: string };
  polls: number;
  /** Body returned by the Location (operationResults) URL when done, for PUT/PATCH/POST. */
  resultBody?: unknown;
}

/** A soft-deleted workspace or key vault: its name stays blocked until `purgeAt` (or a purge). */
export interface SoftDeletedResource {
  readonly id: string;
  readonly body: Record<string, unknown>;
  readonly deletedAt: number;
  readonly purgeAt: number;
}

/** An object of the emulator's Entra directory (see directory.ts). */
export interface DirectoryPrincipal {
  /** Lower-case object id. */
  readonly objectId: string;
  readonly type: string;
  readonly displayName?: string;
  /** When it was created (emulator clock, ms). */
  readonly createdAt: number;
  /** When role assignments can see it: `createdAt` plus the replication delay. */
  readonly visibleAt: number;
}

/** A managed compute removed with `underlyingResourceAction=Detach`: its VM pool lives on (azure-rest-api-specs#18889). */
export interface DetachedCompute {
  readonly id: string;
  readonly properties: Record<string, unknown>;
}

interface PersistedState {
  readonly format: 'amlcdk-emulator-state';
  readonly version: 1;
  /** Generation of the journal that continues this snapshot. Absent in the old format (snapshot only). */
  readonly generation?: number;
  readonly resources: ResourceRecord[];
  readonly operations: OperationRecord[];
  readonly softDeleted: SoftDeletedResource[];
  readonly detached: DetachedCompute[];
  /** Absent in files written before the directory existed. */
  readonly principals?: DirectoryPrincipal[];
}

const LOG_FORMAT = 'amlcdk-emulator-log';

/** First line of `state.log`. */
interface LogHeader {
  readonly format: typeof LOG_FORMAT;
  readonly version: 1;
  readonly generation: number;
}

/** What a journal line is about: r(esource), o(peration), s(oft-deleted resource), d(etached compute), p(rincipal). */
type RecordKind = 'r' | 'o' | 's' | 'd' | 'p';
const RECORD_KINDS: readonly RecordKind[] = ['r', 'o', 's', 'd', 'p'];

/** One journal line: the record's new value (`v`), or its removal (no `v`). */
interface LogEntry {
  readonly t: RecordKind;
  readonly k: string;
  readonly v?: unknown;
}

/** The journal is compacted into a new snapshot beyond this many lines... */
const COMPACT_LINES = 10_000;
/** ...or beyond this many times the snapshot's size, */
const COMPACT_RATIO = 2;
/** but never for less than this many bytes. */
const COMPACT_MIN_BYTES = 256 * 1024;
/** Terminal operations older than this are dropped at compaction. */
const OPERATION_RETENTION_MS = 24 * 3600 * 1000;

/** The data directory holds something the emulator cannot read. */
export class EmulatorStateError extends AmlcdkError {
  constructor(message: string) {
    super('EmulatorStateCorrupt', message);
  }
}

/** A map that reports every key it sets or deletes (the journal's change tracking). */
class TrackedMap<V> extends Map<string, V> {
  onChange: ((key: string) => void) | undefined;

  override set(key: string, value: V): this {
    super.set(key, value);
    this.onChange?.(key);
    return this;
  }

  override delete(key: string): boolean {
    const had = super.delete(key);
    if (had) this.onChange?.(key);
    return had;
  }
}

export class Store {
  readonly resources = new Map<string, ResourceRecord>();
  /** parentKey → (child key → record), for lists and cascades. */
  readonly children = new Map<string, Map<string, ResourceRecord>>();
  readonly operations = new TrackedMap<OperationRecord>();
  readonly softDeleted = new TrackedMap<SoftDeletedResource>();
  readonly detached = new TrackedMap<DetachedCompute>();
  /** The directory: object id (lower-case) → principal. */
  readonly principals = new TrackedMap<DirectoryPrincipal>();

  /** Keys changed since the last append, per kind; the append writes their current value (or removal). */
  private readonly changed: Record<RecordKind, Set<string>> = {
    r: new Set(),
    o: new Set(),
    s: new Set(),
    d: new Set(),
    p: new Set(),
  };

  private readonly file: string;
  private readonly logFile: string;
  private readonly dataDir: string;
  /** Generation of the snapshot on disk; `undefined` until one of this format exists. */
  private generation: number | undefined;
  /** Highest generation seen on disk (snapshot or journal header): the next snapshot's is above it. */
  private lastGeneration = 0;
  /** The journal on disk continues the snapshot (header of the same generation); else the next save compacts. */
  private logValid = false;
  /** Bytes of the journal that hold complete lines (a torn tail beyond them is cut off before appending). */
  private logBytes = 0;
  private logLines = 0;
  private snapshotBytes = 0;
  private log: FileHandle | undefined;
  private compactNext = false;

  /** Something changed that must be saved (a commit, or a time-driven change to save soon). */
  private dirty = false;
  private writing: Promise<void> | undefined;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private closing = false;
  private closed = false;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.file = join(dataDir, 'state.json');
    this.logFile = join(dataDir, 'state.log');
    this.operations.onChange = (k) => this.changedKey('o', k);
    this.softDeleted.onChange = (k) => this.changedKey('s', k);
    this.detached.onChange = (k) => this.changedKey('d', k);
    this.principals.onChange = (k) => this.changedKey('p', k);
  }

  load(): void {
    if (existsSync(this.file)) {
      const text = readFileSync(this.file, 'utf8');
      let raw: Partial<PersistedState>;
      try {
        raw = JSON.parse(text) as Partial<PersistedState>;
      } catch (err) {
        throw new EmulatorStateError(
          `${this.file} is not valid JSON (${(err as Error).message}); the emulator state cannot be loaded.`,
        );
      }
      if (raw.format !== 'amlcdk-emulator-state')
        throw new EmulatorStateError(`${this.file} is not an emulator state file`);
      for (const r of raw.resources ?? []) this.put(r);
      for (const o of raw.operations ?? []) this.operations.set(o.id, o);
      for (const s of raw.softDeleted ?? []) this.softDeleted.set(s.id.toLowerCase(), s);
      for (const d of raw.detached ?? []) this.detached.set(d.id.toLowerCase(), d);
      for (const p of raw.principals ?? []) this.principals.set(p.objectId, p);
      this.generation = typeof raw.generation === 'number' ? raw.generation : undefined;
      this.lastGeneration = this.generation ?? 0;
      this.snapshotBytes = Buffer.byteLength(text);
    }
    this.replayLog();
    for (const s of Object.values(this.changed)) s.clear();
    this.dirty = false;
  }

  /** Replays `state.log` on top of the snapshot when it continues it (same generation). */
  private replayLog(): void {
    this.logValid = false;
    if (!existsSync(this.logFile)) return;
    const buf = readFileSync(this.logFile);
    // Everything after the last newline is an append that did not complete (never acknowledged): ignored.
    const complete = buf.lastIndexOf(0x0a) + 1;
    if (complete === 0) return; // empty, or a header that was never completed
    const lines = buf
      .subarray(0, complete - 1)
      .toString('utf8')
      .split('\n');
    const header = this.parseLine(lines[0], 1) as Partial<LogHeader>;
    if (header.format !== LOG_FORMAT || typeof header.generation !== 'number') {
      throw new EmulatorStateError(
        `${this.logFile}:1: not an emulator journal header; the emulator state cannot be loaded.`,
      );
    }
    this.lastGeneration = Math.max(this.lastGeneration, header.generation);
    // A journal of another generation was compacted into the snapshot already (or the snapshot is of the old
    // format, written by an older emulator after this journal): the snapshot is the state.
    if (header.generation !== this.generation) return;
    for (let i = 1; i < lines.length; i++) {
      const e = this.parseLine(lines[i], i + 1) as Partial<LogEntry>;
      if (typeof e.k !== 'string' || !RECORD_KINDS.includes(e.t as RecordKind)) {
        throw new EmulatorStateError(
          `${this.logFile}:${i + 1}: not a journal entry; the emulator state cannot be loaded.`,
        );
      }
      this.apply(e as LogEntry);
    }
    this.logValid = true;
    this.logBytes = complete;
    this.logLines = lines.length;
  }

  private parseLine(line: string, n: number): unknown {
    try {
      const v = JSON.parse(line) as unknown;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v;
    } catch {
      // reported below
    }
    throw new EmulatorStateError(
      `${this.logFile}:${n}: corrupt journal line (not a JSON object); the emulator state cannot be loaded. Only the last line may be incomplete after a crash.`,
    );
  }

  private apply(e: LogEntry): void {
    const present = Object.prototype.hasOwnProperty.call(e, 'v');
    switch (e.t) {
      case 'r':
        if (present) this.put(e.v as ResourceRecord);
        else this.remove(e.k);
        break;
      case 'o':
        if (present) this.operations.set(e.k, e.v as OperationRecord);
        else this.operations.delete(e.k);
        break;
      case 's':
        if (present) this.softDeleted.set(e.k, e.v as SoftDeletedResource);
        else this.softDeleted.delete(e.k);
        break;
      case 'p':
        if (present) this.principals.set(e.k, e.v as DirectoryPrincipal);
        else this.principals.delete(e.k);
        break;
      case 'd':
        if (present) this.detached.set(e.k, e.v as DetachedCompute);
        else this.detached.delete(e.k);
        break;
    }
  }

  private changedKey(kind: RecordKind, key: string, save = true): void {
    this.changed[kind].add(key);
    if (save) this.dirty = true;
  }

  get(key: string): ResourceRecord | undefined {
    return this.resources.get(key);
  }

  /** Adds or replaces a record; also call it after changing a stored record in place. */
  put(rec: ResourceRecord): void {
    const key = rec.id.toLowerCase();
    this.resources.set(key, rec);
    let m = this.children.get(rec.parentKey);
    if (!m) {
      m = new Map();
      this.children.set(rec.parentKey, m);
    }
    m.set(key, rec);
    this.changedKey('r', key);
  }

  remove(key: string): void {
    const rec = this.resources.get(key);
    if (!rec) return;
    this.resources.delete(key);
    this.children.get(rec.parentKey)?.delete(key);
    this.changedKey('r', key);
  }

  /**
   * A stored operation was changed in place. `save: false` for bookkeeping that does not need a write of its
   * own (a poll count): it is saved with the next one.
   */
  touchOperation(id: string, save = true): void {
    this.changedKey('o', id, save);
  }

  /** A stored resource was changed in place (see {@link touchOperation} for `save`). */
  touchResource(key: string, save = true): void {
    this.changedKey('r', key, save);
  }

  childrenOf(parentKey: string): ResourceRecord[] {
    const m = this.children.get(parentKey);
    return m ? [...m.values()] : [];
  }

  /** Every record whose id starts with `prefixKey/` (descendants, including extension resources on them). */
  descendantsOf(prefixKey: string): ResourceRecord[] {
    const p = prefixKey + '/';
    const out: ResourceRecord[] = [];
    for (const [k, r] of this.resources) if (k.startsWith(p)) out.push(r);
    return out;
  }

  clear(): void {
    this.resources.clear();
    this.children.clear();
    this.operations.clear();
    this.softDeleted.clear();
    this.detached.clear();
    this.principals.clear();
    for (const s of Object.values(this.changed)) s.clear();
    // The next save writes an empty snapshot and starts a new journal.
    this.compactNext = true;
    this.dirty = true;
  }

  /** Resolves once everything changed so far is on disk. */
  commit(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the emulator state is closed'));
    this.dirty = true;
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Save soon without waiting (time-driven changes). */
  saveLater(): void {
    if (this.dirty) this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => void this.flushLoop());
  }

  private async flushLoop(): Promise<void> {
    if (this.writing) await this.writing.catch(() => undefined);
    this.scheduled = false;
    // close() saves what is left itself.
    if (this.closing || (!this.dirty && this.waiters.length === 0)) return;
    const waiters = this.waiters;
    this.waiters = [];
    this.dirty = false;
    this.writing = this.save();
    try {
      await this.writing;
      for (const w of waiters) w.resolve();
    } catch (err) {
      this.dirty = true;
      for (const w of waiters) w.reject(err);
    } finally {
      this.writing = undefined;
    }
    if (this.waiters.length > 0 || this.dirty) this.schedule();
  }

  /** Writes what changed since the last save: a journal append, or a compaction when one is due. */
  private async save(): Promise<void> {
    if (this.compactNext || !this.logValid) return this.compact();
    const lines = this.drainChanges();
    if (lines.length > 0) await this.append(lines.join(''), lines.length);
  }

  /** The journal lines for every changed key (its current value, or its removal), and forgets the keys. */
  private drainChanges(): string[] {
    const out: string[] = [];
    const maps: Record<RecordKind, Map<string, unknown>> = {
      r: this.resources,
      o: this.operations,
      s: this.softDeleted,
      d: this.detached,
      p: this.principals,
    };
    for (const t of RECORD_KINDS) {
      const set = this.changed[t];
      if (set.size === 0) continue;
      const map = maps[t];
      for (const k of set) {
        const v = map.get(k);
        out.push(JSON.stringify(v === undefined ? { t, k } : { t, k, v }) + '\n');
      }
      set.clear();
    }
    return out;
  }

  private async append(text: string, lines: number): Promise<void> {
    try {
      if (!this.log) {
        this.log = await open(this.logFile, 'a');
        // Cut off an incomplete line left by a crash, so that the append starts on a line of its own.
        if ((await this.log.stat()).size !== this.logBytes) await this.log.truncate(this.logBytes);
      }
      const buf = Buffer.from(text);
      await this.log.write(buf);
      await this.log.sync();
      this.logBytes += buf.length;
      this.logLines += lines;
    } catch (err) {
      // The journal's end is unknown now: the next save rewrites the whole state.
      this.logValid = false;
      throw err;
    }
    if (
      this.logLines >= COMPACT_LINES ||
      this.logBytes > Math.max(COMPACT_MIN_BYTES, COMPACT_RATIO * this.snapshotBytes)
    ) {
      // In the background: this commit is durable already.
      this.compactNext = true;
      this.dirty = true;
    }
  }

  /** Writes the whole state as a new snapshot (generation + 1), then starts its journal. */
  private async compact(): Promise<void> {
    this.compactNext = false;
    this.logValid = false;
    // Above every generation on disk, so that a journal left behind can never pass for this snapshot's.
    const generation = Math.max(this.generation ?? 0, this.lastGeneration) + 1;
    const text = this.serialize(generation);
    for (const s of Object.values(this.changed)) s.clear();
    try {
      await writeFileAtomic(this.file, text, { fsync: true });
      this.generation = generation;
      this.lastGeneration = generation;
      this.snapshotBytes = Buffer.byteLength(text);
      // The old journal (previous generation) is ignored from now on; empty it and write the new header.
      const header = JSON.stringify({ format: LOG_FORMAT, version: 1, generation } satisfies LogHeader) + '\n';
      const created = !existsSync(this.logFile);
      this.log ??= await open(this.logFile, 'a');
      await this.log.truncate(0);
      await this.log.write(header);
      await this.log.sync();
      if (created) syncDir(this.dataDir);
      this.logBytes = Buffer.byteLength(header);
      this.logLines = 1;
      this.logValid = true;
    } catch (err) {
      // Whatever changed is in no file yet: the next save compacts again.
      this.compactNext = true;
      throw err;
    }
  }

  private serialize(generation: number): string {
    // Keep the operation history bounded: terminal operations older than a day are dropped.
    const cutoff = Date.now() - OPERATION_RETENTION_MS;
    for (const [k, o] of this.operations)
      if (o.status !== 'InProgress' && (o.endTime ?? 0) < cutoff) this.operations.delete(k);
    const state: PersistedState = {
      format: 'amlcdk-emulator-state',
      version: 1,
      generation,
      resources: [...this.resources.values()],
      operations: [...this.operations.values()],
      softDeleted: [...this.softDeleted.values()],
      detached: [...this.detached.values()],
      principals: [...this.principals.values()],
    };
    return JSON.stringify(state);
  }

  /** Write what is pending (as a fresh snapshot, so the next start has no journal to replay) and stop saving. */
  async close(): Promise<void> {
    this.closing = true;
    do {
      while (this.writing) await this.writing.catch(() => undefined);
      const waiters = this.waiters;
      this.waiters = [];
      const changes = Object.values(this.changed).some((s) => s.size > 0);
      if (!(changes || this.dirty || waiters.length > 0 || this.compactNext || (this.logValid && this.logLines > 1)))
        continue;
      this.dirty = false;
      this.writing = this.compact();
      try {
        await this.writing;
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      } finally {
        this.writing = undefined;
      }
    } while (this.waiters.length > 0);
    this.closed = true;
    const log = this.log;
    this.log = undefined;
    await log?.close();
  }
}

/** Makes a new directory entry (the journal's creation) durable. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported on every platform (Windows); the file's own fsync is what matters there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
