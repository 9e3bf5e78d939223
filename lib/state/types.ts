/**
 * State, journal and lock: what the engine remembers between runs. Two stores implement `StateStore`: local
 * files under `.amlcdk/` (default) and Azure Blob (`azblob://account/container/prefix`, lease as the lock).
 */
import type { Manifest } from '../manifest/types.js';

/** What the engine owns for one stack after an apply. */
export interface StackState {
  readonly version: 1;
  readonly stack: string;
  /** The manifest last applied (fully, or as far as `resources` says). */
  readonly manifest?: Manifest;
  /** One entry per resource the engine created or adopted and has not deleted or forgotten. */
  readonly resources: Readonly<Record<string, OwnedResource>>;
  /** ISO time of the last write. */
  readonly updatedAt: string;
  /**
   * How many times the state was saved (set by the store on load; ignored on save, where the store writes the
   * previous serial + 1). Plans record it so a plan made against an older state can be refused.
   */
  readonly serial?: number;
  /**
   * Resources this stack deleted that Azure keeps soft-deleted (key vaults, Azure ML workspaces), by lower-case ARM
   * id: a later create of the same id knows the stack owned it (recover a vault) or that its name is blocked.
   * (Added by the reconciler; additive.)
   */
  readonly softDeleted?: Readonly<Record<string, SoftDeletedEntry>>;
}

/** One resource the stack deleted and Azure keeps soft-deleted. */
export interface SoftDeletedEntry {
  readonly logicalId: string;
  readonly id: string;
  readonly type: string;
  /** ISO time of the delete. */
  readonly deletedAt: string;
  /** ISO time until which Azure keeps it (and its name), when known. */
  readonly purgeAt?: string;
}

export interface OwnedResource {
  readonly logicalId: string;
  readonly id: string;
  readonly type: string;
  readonly apiVersion: string;
  /** The body we last applied (secrets as references), used for drift: "what we set" vs "what is there". */
  readonly applied: unknown;
  /** The normalized observed resource right after our last write. */
  readonly observed?: unknown;
  /** `created` by us, or `adopted` through import. */
  readonly ownership: 'created' | 'adopted';
  readonly options?: { readonly protect: boolean; readonly deletePolicy: string };
  /**
   * `afterCreate` actions (manifest `actions[].name`) not yet run: the resource was created but the run stopped
   * or the action failed. The next plan runs them. (Added by the reconciler; additive.)
   */
  readonly pendingActions?: readonly string[];
}

/** A write-ahead journal entry. `intent` is fsynced before the write is sent; `started` carries the resume URL. */
export type JournalEntry =
  | {
      readonly seq: number;
      readonly at: string;
      readonly kind: 'begin';
      readonly runId: string;
      readonly manifestHash: string;
    }
  | {
      readonly seq: number;
      readonly at: string;
      readonly kind: 'intent';
      readonly runId: string;
      readonly opId: string;
      readonly logicalId: string;
      readonly resourceId: string;
      readonly op: 'create' | 'update' | 'patch' | 'delete' | 'action';
      readonly method: 'PUT' | 'PATCH' | 'DELETE' | 'POST';
      readonly apiVersion: string;
      readonly action?: string;
    }
  | {
      readonly seq: number;
      readonly at: string;
      readonly kind: 'started';
      readonly runId: string;
      readonly opId: string;
      readonly pollUrl?: string;
      readonly pollKind?: 'azure-async-operation' | 'location';
      readonly status: number;
    }
  | {
      readonly seq: number;
      readonly at: string;
      readonly kind: 'done';
      readonly runId: string;
      readonly opId: string;
      readonly outcome: 'succeeded' | 'failed';
      readonly error?: string;
    }
  | {
      readonly seq: number;
      readonly at: string;
      readonly kind: 'end';
      readonly runId: string;
      readonly outcome: 'succeeded' | 'failed' | 'partial';
    };

/** Distributive Omit, so each journal entry variant keeps its own fields. */
export type JournalInput = JournalEntry extends infer E
  ? E extends JournalEntry
    ? Omit<E, 'seq' | 'at'>
    : never
  : never;

export interface Journal {
  /** Append and make durable (fsync / committed block) before resolving. */
  append(entry: JournalInput): Promise<void>;
  /** Every entry, in order. Throws InputError `JournalCorrupt` when a checksum does not match. */
  read(): Promise<JournalEntry[]>;
  /** Start empty (after a run completed and its effects are in the state). */
  truncate(): Promise<void>;
}

/** Who holds a lock, shown when a second apply is refused. */
export interface LockHolder {
  /** Random id of this lock acquisition (shown to the user; a release only removes a lock with its own id). */
  readonly id?: string;
  readonly who: string;
  readonly host: string;
  readonly pid: number;
  /** When the holder process started (Linux /proc start time), to tell a reused pid from the holder. */
  readonly pidStart?: string;
  readonly operation: string;
  readonly since: string;
}

export interface Lock {
  readonly holder: LockHolder;
  /**
   * Set when this lock was taken over from a holder that is provably gone (same host, pid gone or reused): who held
   * it and why it was taken over. The store also reports it through its notice channel.
   */
  readonly tookOver?: { readonly holder: LockHolder; readonly reason: string };
  release(): Promise<void>;
}

export interface StateStore {
  /** A human description, e.g. `file://.amlcdk` or `azblob://acct/container/prefix`. */
  readonly location: string;
  /** Take the stack's exclusive lock. Throws AmlcdkError `StateLocked` naming the current holder. */
  lock(stack: string, operation: string): Promise<Lock>;
  /** Break a stale lock (explicit user command only). */
  breakLock(stack: string): Promise<LockHolder | undefined>;
  /** Resolves undefined when there is no state yet. Throws InputError `StateCorrupt` on a checksum mismatch. */
  load(stack: string): Promise<StackState | undefined>;
  /** Atomic: a crash leaves either the old or the new state, never a torn file. */
  save(state: StackState): Promise<void>;
  journal(stack: string): Journal;
}
