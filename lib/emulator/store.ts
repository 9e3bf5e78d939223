/**
 * The emulator's state: resources, long-running operations, soft-deleted workspaces and detached managed
 * computes, in memory (maps keyed by lower-case id) and persisted to `<dataDir>/state.json`.
 *
 * Durability guarantee: a write is acknowledged (2xx) only after the state that contains it has been written
 * atomically (write-file-atomic: temp file, fsync, rename). Concurrent writes share one file write (group
 * commit), so throughput stays high without weakening the guarantee. Changes that only follow from time
 * (an LRO reaching its end) are deterministic and are saved with the next write.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

export type OperationKind = 'create' | 'update' | 'delete' | 'action';

/** What happens when an in-flight operation ends. */
export interface PendingOperation {
  readonly opId: string;
  readonly kind: OperationKind;
  /** The body the resource gets on success; `null` removes the resource (delete). */
  readonly final: Record<string, unknown> | null;
  /** Body patch applied on failure (e.g. `state: CreateFailed`). */
  readonly onFailure?: Record<string, unknown>;
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

export interface SoftDeletedWorkspace {
  readonly id: string;
  readonly body: Record<string, unknown>;
  readonly deletedAt: number;
  readonly purgeAt: number;
}

/** A managed compute removed with `underlyingResourceAction=Detach`: its VM pool lives on (azure-rest-api-specs#18889). */
export interface DetachedCompute {
  readonly id: string;
  readonly properties: Record<string, unknown>;
}

interface PersistedState {
  readonly format: 'amlcdk-emulator-state';
  readonly version: 1;
  readonly resources: ResourceRecord[];
  readonly operations: OperationRecord[];
  readonly softDeleted: SoftDeletedWorkspace[];
  readonly detached: DetachedCompute[];
}

export class Store {
  readonly resources = new Map<string, ResourceRecord>();
  /** parentKey → (child key → record), for lists and cascades. */
  readonly children = new Map<string, Map<string, ResourceRecord>>();
  readonly operations = new Map<string, OperationRecord>();
  readonly softDeleted = new Map<string, SoftDeletedWorkspace>();
  readonly detached = new Map<string, DetachedCompute>();

  private readonly file: string;
  private dirty = false;
  private writing: Promise<void> | undefined;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private closed = false;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'state.json');
  }

  load(): void {
    if (!existsSync(this.file)) return;
    const raw = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<PersistedState>;
    if (raw.format !== 'amlcdk-emulator-state') throw new Error(`${this.file} is not an emulator state file`);
    for (const r of raw.resources ?? []) this.put(r);
    for (const o of raw.operations ?? []) this.operations.set(o.id, o);
    for (const s of raw.softDeleted ?? []) this.softDeleted.set(s.id.toLowerCase(), s);
    for (const d of raw.detached ?? []) this.detached.set(d.id.toLowerCase(), d);
    this.dirty = false;
  }

  get(key: string): ResourceRecord | undefined {
    return this.resources.get(key);
  }

  put(rec: ResourceRecord): void {
    const key = rec.id.toLowerCase();
    this.resources.set(key, rec);
    let m = this.children.get(rec.parentKey);
    if (!m) {
      m = new Map();
      this.children.set(rec.parentKey, m);
    }
    m.set(key, rec);
    this.dirty = true;
  }

  remove(key: string): void {
    const rec = this.resources.get(key);
    if (!rec) return;
    this.resources.delete(key);
    this.children.get(rec.parentKey)?.delete(key);
    this.dirty = true;
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

  markDirty(): void {
    this.dirty = true;
  }

  clear(): void {
    this.resources.clear();
    this.children.clear();
    this.operations.clear();
    this.softDeleted.clear();
    this.detached.clear();
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
    if (!this.dirty && this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    this.dirty = false;
    const text = this.serialize();
    this.writing = writeFileAtomic(this.file, text, { fsync: true });
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

  private serialize(): string {
    // Keep the operation history bounded: terminal operations older than a day are dropped.
    const cutoff = Date.now() - 24 * 3600 * 1000;
    for (const [k, o] of this.operations) if (o.status !== 'InProgress' && (o.endTime ?? 0) < cutoff) this.operations.delete(k);
    const state: PersistedState = {
      format: 'amlcdk-emulator-state',
      version: 1,
      resources: [...this.resources.values()],
      operations: [...this.operations.values()],
      softDeleted: [...this.softDeleted.values()],
      detached: [...this.detached.values()],
    };
    return JSON.stringify(state);
  }

  /** Write what is pending and stop accepting background saves. */
  async close(): Promise<void> {
    if (this.writing) await this.writing.catch(() => undefined);
    if (this.dirty || this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      this.dirty = false;
      try {
        await writeFileAtomic(this.file, this.serialize(), { fsync: true });
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.closed = true;
  }
}
