/**
 * Team state in Azure Blob Storage: `azblob://<account>/<container>/<prefix>`.
 *
 *   <prefix>/state/<stack>.json             block blob, replaced in one committed upload (atomic by nature)
 *   <prefix>/journal/<stack>/<000000>.jsonl append blobs; each entry is one committed Append Block (the durable
 *                                           write), guarded by `appendPosition` so an SDK retry never doubles a line;
 *                                           a new segment starts before the 50,000-block limit of an append blob
 *   <prefix>/locks/<stack>.lock             the lock: a 60 s blob lease renewed every 20 s while held, holder in
 *                                           the blob's metadata; a crashed holder's lease lapses within a minute
 *
 * Credentials: a connection string (option or `AZURE_STORAGE_CONNECTION_STRING`, e.g. Azurite's well-known
 * development account), an account key, or `DefaultAzureCredential` (needs "Storage Blob Data Contributor").
 * None of them is ever written to state, logs or error messages.
 */
import type { BlobServiceClient, ContainerClient, BlobLeaseClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import { AmlcdkError, InputError } from '../core/errors.js';
import {
  checkStackName,
  decodeState,
  encodeJournalLine,
  encodeState,
  parseJournal,
  type JournalParse,
} from './format.js';
import { StateLockLostError, StateLockedError, currentHolder, describeHolder, goneOnThisHost } from './lock-holder.js';
import type { Journal, JournalEntry, JournalInput, Lock, LockHolder, StackState, StateStore } from './types.js';

export interface BlobStateStoreOptions {
  /**
   * Connection string (never logged). @default process.env.AZURE_STORAGE_CONNECTION_STRING
   */
  readonly connectionString?: string;
  /** Shared account key (never logged); used with `endpoint` when no connection string is given. */
  readonly accountKey?: string;
  /** Token credential. @default DefaultAzureCredential */
  readonly credential?: TokenCredential;
  /**
   * Blob endpoint, e.g. Azurite's `http://127.0.0.1:10000/devstoreaccount1`.
   * @default https://<account>.blob.core.windows.net
   */
  readonly endpoint?: string;
  /** Lease length of the lock, 15-60 s. @default 60 */
  readonly leaseSeconds?: number;
  /** Append blocks per journal segment before a new one starts (append blobs take at most 50,000). @default 40000 */
  readonly segmentBlocks?: number;
  /** Where notices go. @default stderr */
  readonly onNotice?: (message: string) => void;
}

export interface BlobLocation {
  readonly account: string;
  readonly container: string;
  /** '' or ending in '/'. */
  readonly prefix: string;
}

const ALLOWED =
  'azblob://<account>/<container>[/<prefix>] with a 3-24 character lower-case account name and a 3-63 character container name (lower case, digits, hyphens)';

/** Parse and validate an `azblob://` location. */
export function parseBlobLocation(location: string): BlobLocation {
  const m = /^azblob:\/\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(location);
  const bad = (why: string): InputError =>
    new InputError('InvalidStateLocation', `state location ${JSON.stringify(location)} ${why}; allowed: ${ALLOWED}.`, {
      fix: 'set "state" in amlcdk.json, e.g. "azblob://mystateacct/amlcdk-state/team-a"',
    });
  if (!m) throw bad('is not of the form azblob://<account>/<container>[/<prefix>]');
  const [, account, container, rawPrefix] = m as unknown as [string, string, string, string | undefined];
  if (!/^[a-z0-9]{3,24}$/.test(account)) throw bad(`has an invalid storage account name "${account}"`);
  if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(container))
    throw bad(`has an invalid container name "${container}"`);
  const parts = (rawPrefix ?? '').split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) throw bad('has "." or ".." in its prefix');
  return { account, container, prefix: parts.length ? `${parts.join('/')}/` : '' };
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' ? s : undefined;
}
function codeOf(err: unknown): string | undefined {
  const c =
    (err as { code?: unknown; details?: { errorCode?: unknown } })?.details?.errorCode ??
    (err as { code?: unknown })?.code;
  return typeof c === 'string' ? c : undefined;
}

function holderToMetadata(h: LockHolder): Record<string, string> {
  return {
    amlcdkid: h.id ?? '',
    who: encodeURIComponent(h.who),
    host: encodeURIComponent(h.host),
    pid: String(h.pid),
    ...(h.pidStart ? { pidstart: h.pidStart } : {}),
    operation: encodeURIComponent(h.operation),
    since: h.since,
  };
}

function holderFromMetadata(meta: Record<string, string> | undefined): LockHolder | undefined {
  if (!meta || !meta.who) return undefined;
  const dec = (v: string | undefined): string => {
    try {
      return decodeURIComponent(v ?? '');
    } catch {
      return v ?? '';
    }
  };
  return {
    ...(meta.amlcdkid ? { id: meta.amlcdkid } : {}),
    who: dec(meta.who),
    host: dec(meta.host),
    pid: Number(meta.pid ?? 0),
    ...(meta.pidstart ? { pidStart: meta.pidstart } : {}),
    operation: dec(meta.operation),
    since: meta.since ?? '',
  };
}

interface HeldLease {
  readonly lease: BlobLeaseClient;
  lost?: string;
}

/**
 * @example
 * const store = new BlobStateStore('azblob://mystateacct/amlcdk-state/team-a'); // DefaultAzureCredential
 */
export class BlobStateStore implements StateStore {
  public readonly location: string;
  public readonly parsed: BlobLocation;
  private readonly options: BlobStateStoreOptions;
  private readonly leaseSeconds: number;
  private readonly onNotice: (message: string) => void;
  private containerPromise?: Promise<ContainerClient>;
  private containerReady?: Promise<void>;
  private readonly journals = new Map<string, BlobJournal>();
  private readonly held = new Map<string, HeldLease>();

  constructor(location: string, options: BlobStateStoreOptions = {}) {
    this.parsed = parseBlobLocation(location);
    this.location = `azblob://${this.parsed.account}/${this.parsed.container}${this.parsed.prefix ? `/${this.parsed.prefix.slice(0, -1)}` : ''}`;
    this.options = options;
    this.leaseSeconds = options.leaseSeconds ?? 60;
    if (!Number.isInteger(this.leaseSeconds) || this.leaseSeconds < 15 || this.leaseSeconds > 60) {
      throw new InputError(
        'InvalidStateOption',
        `leaseSeconds must be an integer from 15 to 60 (blob lease limits), got ${this.leaseSeconds}`,
        { fix: 'use 60' },
      );
    }
    this.onNotice = options.onNotice ?? ((m) => process.stderr.write(`amlcdk: ${m}\n`));
    const cs = options.connectionString ?? process.env.AZURE_STORAGE_CONNECTION_STRING;
    const csAccount = cs ? /(?:^|;)\s*AccountName=([^;]+)/i.exec(cs)?.[1] : undefined;
    if (csAccount && csAccount !== this.parsed.account) {
      throw new InputError(
        'StateLocationMismatch',
        `the storage connection string is for account "${csAccount}" but the state location names "${this.parsed.account}"`,
        {
          fix: `use azblob://${csAccount}/${this.parsed.container}/… or the connection string of ${this.parsed.account}`,
        },
      );
    }
  }

  /** The blob name (inside the container) of a stack's state, journal segment or lock. */
  public blobName(kind: 'state' | 'lock' | 'journal', stack: string, segment = 0): string {
    const p = this.parsed.prefix;
    if (kind === 'state') return `${p}state/${stack}.json`;
    if (kind === 'lock') return `${p}locks/${stack}.lock`;
    return `${p}journal/${stack}/${String(segment).padStart(6, '0')}.jsonl`;
  }

  /** A blob's name for messages (no credentials). */
  public shown(name: string): string {
    return `azblob://${this.parsed.account}/${this.parsed.container}/${name}`;
  }

  private container(): Promise<ContainerClient> {
    this.containerPromise ??= (async () => {
      const sb = await import('@azure/storage-blob');
      const cs = this.options.connectionString ?? process.env.AZURE_STORAGE_CONNECTION_STRING;
      const endpoint = (this.options.endpoint ?? `https://${this.parsed.account}.blob.core.windows.net`).replace(
        /\/+$/,
        '',
      );
      let service: BlobServiceClient;
      if (cs) service = sb.BlobServiceClient.fromConnectionString(cs);
      else if (this.options.accountKey)
        service = new sb.BlobServiceClient(
          endpoint,
          new sb.StorageSharedKeyCredential(this.parsed.account, this.options.accountKey),
        );
      else {
        const credential = this.options.credential ?? new (await import('@azure/identity')).DefaultAzureCredential();
        service = new sb.BlobServiceClient(endpoint, credential);
      }
      return service.getContainerClient(this.parsed.container);
    })();
    return this.containerPromise;
  }

  /** The container, created on first write. */
  private async writableContainer(): Promise<ContainerClient> {
    const c = await this.container();
    this.containerReady ??= c
      .createIfNotExists()
      .then(() => undefined)
      .catch((err: unknown) => {
        this.containerReady = undefined;
        throw this.wrap(err, `create container ${this.parsed.container} for`);
      });
    await this.containerReady;
    return c;
  }

  /** An SDK failure as an AmlcdkError that names the location but never a credential. */
  public wrap(err: unknown, what: string, blob?: string): AmlcdkError {
    if (err instanceof AmlcdkError) return err;
    const status = statusOf(err);
    const code = codeOf(err);
    const where = blob ? this.shown(blob) : this.location;
    if (status === 403 || status === 401) {
      return new AmlcdkError(
        'StateStoreForbidden',
        `cannot ${what} ${where}: HTTP ${status} ${code ?? ''}. Fix: give the identity "Storage Blob Data Contributor" on the container, or set AZURE_STORAGE_CONNECTION_STRING`.replace(
          '  ',
          ' ',
        ),
      );
    }
    const detail =
      status !== undefined
        ? `HTTP ${status} ${code ?? ''}`.trim()
        : (code ?? (err as Error)?.message?.split('\n')[0] ?? String(err));
    return new AmlcdkError(
      'StateStoreUnavailable',
      `cannot ${what} ${where}: ${detail}. Fix: check the account name, network access to the storage account, and the endpoint`,
    );
  }

  // ------------------------------------------------------------------ locks

  public async lock(stack: string, operation: string): Promise<Lock> {
    checkStackName(stack);
    const c = await this.writableContainer();
    const name = this.blobName('lock', stack);
    const blob = c.getBlockBlobClient(name);
    try {
      await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
    } catch (err) {
      if (statusOf(err) !== 409 && statusOf(err) !== 412) throw this.wrap(err, 'create the lock blob', name);
    }
    const holder = currentHolder(operation);
    const lease = blob.getBlobLeaseClient(holder.id);
    let tookOver: Lock['tookOver'];
    try {
      await lease.acquireLease(this.leaseSeconds);
    } catch (err) {
      if (statusOf(err) !== 409) throw this.wrap(err, 'lease the lock blob', name);
      // Leased. A holder that ran on this host and is provably gone is taken over at once (no wait for the lease to
      // lapse): its lease is broken only if the blob is still exactly as read (ETag), then leased again. A holder on
      // another host is refused: its lease lapses by itself within the lease time if it died.
      const seen = await blob.getProperties().catch(() => undefined);
      const gone = holderFromMetadata(seen?.metadata);
      const reason = goneOnThisHost(gone);
      if (!seen?.etag || !gone || !reason) throw await this.refusal(stack, name);
      try {
        await blob.getBlobLeaseClient().breakLease(0, { conditions: { ifMatch: seen.etag } });
        await lease.acquireLease(this.leaseSeconds);
      } catch (err2) {
        if (statusOf(err2) === 409 || statusOf(err2) === 412) throw await this.refusal(stack, name);
        throw this.wrap(err2, 'take over the lease of', name);
      }
      tookOver = { holder: gone, reason };
      this.onNotice(
        `took over the lock on stack "${stack}" from ${describeHolder(gone)}: ${reason}. Its unfinished work, if any, is resumed from the journal`,
      );
    }
    try {
      await blob.setMetadata(holderToMetadata(holder), { conditions: { leaseId: holder.id } });
    } catch (err) {
      await lease.releaseLease().catch(() => undefined);
      throw this.wrap(err, 'record the lock holder on', name);
    }
    const state: HeldLease = { lease };
    this.held.set(stack, state);
    const renew = setInterval(
      () => {
        lease.renewLease().catch((err: unknown) => {
          state.lost ??= `renewing the lease failed: ${statusOf(err) ?? ''} ${codeOf(err) ?? ''}`.trim();
        });
      },
      Math.floor((this.leaseSeconds * 1000) / 3),
    );
    renew.unref();
    let released = false;
    return {
      holder,
      ...(tookOver ? { tookOver } : {}),
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renew);
        this.held.delete(stack);
        if (state.lost) {
          this.onNotice(
            `the lock on stack "${stack}" was lost while this run held it (${state.lost}); leaving the lock blob alone`,
          );
          return;
        }
        try {
          await blob.setMetadata({}, { conditions: { leaseId: holder.id } });
          await lease.releaseLease();
        } catch (err) {
          this.onNotice(
            `could not release the lock on stack "${stack}" (${statusOf(err) ?? ''} ${codeOf(err) ?? ''}); its lease lapses within ${this.leaseSeconds} s`,
          );
        }
      },
    };
  }

  private async refusal(stack: string, name: string): Promise<StateLockedError> {
    const c = await this.container();
    let holder: LockHolder | undefined;
    try {
      const props = await c.getBlockBlobClient(name).getProperties();
      holder = holderFromMetadata(props.metadata);
      if (!holder) {
        // The winner may be between acquiring its lease and writing its name: look once more.
        await new Promise((r) => setTimeout(r, 300));
        holder = holderFromMetadata((await c.getBlockBlobClient(name).getProperties()).metadata);
      }
    } catch {
      holder = undefined;
    }
    return new StateLockedError({
      stack,
      location: this.shown(name),
      holder,
      stale: false,
      hint: `its ${this.leaseSeconds} s lease is renewed while that run lives, so a crashed run frees the lock by itself within ${this.leaseSeconds} s`,
    });
  }

  public async breakLock(stack: string): Promise<LockHolder | undefined> {
    checkStackName(stack);
    const c = await this.container();
    const name = this.blobName('lock', stack);
    const blob = c.getBlockBlobClient(name);
    let props;
    try {
      props = await blob.getProperties();
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw this.wrap(err, 'read the lock', name);
    }
    if (props.leaseState !== 'leased') return undefined;
    const holder = holderFromMetadata(props.metadata) ?? {
      who: 'unknown (no holder recorded on the lock blob)',
      host: 'unknown',
      pid: 0,
      operation: 'unknown',
      since: 'unknown',
    };
    try {
      await blob.getBlobLeaseClient().breakLease(0);
      await blob.setMetadata({}).catch(() => undefined);
    } catch (err) {
      throw this.wrap(err, 'break the lease of', name);
    }
    return holder;
  }

  /** Throws StateLockLost when this store held the stack's lease and lost it. */
  public assertHeld(stack: string): void {
    const h = this.held.get(stack);
    if (h?.lost) throw new StateLockLostError(stack, this.location, h.lost);
  }

  /** Renew now (before a state save) so a lease lost while this process was suspended is noticed before writing. */
  private async confirmHeld(stack: string): Promise<void> {
    const h = this.held.get(stack);
    if (!h) return;
    if (!h.lost) {
      try {
        await h.lease.renewLease();
      } catch (err) {
        h.lost = `the lease could not be renewed (${statusOf(err) ?? ''} ${codeOf(err) ?? ''})`.trim();
      }
    }
    this.assertHeld(stack);
  }

  // ------------------------------------------------------------------ state

  public async load(stack: string): Promise<StackState | undefined> {
    checkStackName(stack);
    const c = await this.container();
    const name = this.blobName('state', stack);
    let buf: Buffer;
    try {
      buf = await c.getBlockBlobClient(name).downloadToBuffer();
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw this.wrap(err, 'read state', name);
    }
    return decodeState(buf.toString('utf8'), this.shown(name), stack);
  }

  public async save(state: StackState): Promise<void> {
    checkStackName(state.stack);
    await this.confirmHeld(state.stack);
    const c = await this.writableContainer();
    const name = this.blobName('state', state.stack);
    const blob = c.getBlockBlobClient(name);
    let previous = 0;
    try {
      const head = await blob.downloadToBuffer(0, 512);
      const line = head.toString('utf8').split('\n')[0] ?? '';
      previous = Number(/"serial":(\d+)/.exec(line)?.[1] ?? 0);
    } catch (err) {
      if (statusOf(err) !== 404 && statusOf(err) !== 416) throw this.wrap(err, 'read state', name);
    }
    const text = encodeState(state, previous + 1);
    try {
      await blob.upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: 'application/json' } });
    } catch (err) {
      throw this.wrap(err, 'write state', name);
    }
  }

  public journal(stack: string): BlobJournal {
    checkStackName(stack);
    let j = this.journals.get(stack);
    if (!j) {
      j = new BlobJournal(
        this,
        stack,
        () => this.writableContainer(),
        () => this.container(),
        this.options.segmentBlocks ?? 40_000,
        this.onNotice,
        () => this.assertHeld(stack),
      );
      this.journals.set(stack, j);
    }
    return j;
  }

  /** Release nothing remote; stop timers of locks still held (tests). Locks should be released with `release()`. */
  public async close(): Promise<void> {
    for (const [stack, h] of this.held) h.lost ??= `store closed with stack "${stack}" still locked`;
  }
}

/** A stack's journal as append-blob segments. */
export class BlobJournal implements Journal {
  private open?: { segment: number; length: number; blocks: number; nextSeq: number };
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: BlobStateStore,
    private readonly stack: string,
    private readonly writable: () => Promise<ContainerClient>,
    private readonly readable: () => Promise<ContainerClient>,
    private readonly segmentBlocks: number,
    private readonly onNotice: (message: string) => void,
    private readonly guard: () => void,
  ) {}

  private get where(): string {
    return this.store.shown(this.store.blobName('journal', this.stack).replace(/[^/]+$/, ''));
  }

  private async segments(c: ContainerClient): Promise<string[]> {
    const dir = this.store.blobName('journal', this.stack).replace(/[^/]+$/, '');
    const names: string[] = [];
    try {
      for await (const b of c.listBlobsFlat({ prefix: dir })) if (/\/\d{6}\.jsonl$/.test(b.name)) names.push(b.name);
    } catch (err) {
      if (statusOf(err) === 404) return [];
      throw this.store.wrap(err, 'list the journal in', dir);
    }
    return names.sort();
  }

  public async read(): Promise<JournalEntry[]> {
    return (await this.readDetailed()).entries;
  }

  public async readDetailed(): Promise<
    JournalParse & { lastSegment?: { segment: number; length: number; blocks: number } }
  > {
    const c = await this.readable();
    const names = await this.segments(c);
    const texts: string[] = [];
    let lastSegment: { segment: number; length: number; blocks: number } | undefined;
    for (const name of names) {
      try {
        const blob = c.getAppendBlobClient(name);
        const buf = await blob.downloadToBuffer();
        texts.push(buf.toString('utf8'));
        if (name === names[names.length - 1]) {
          const props = await blob.getProperties();
          lastSegment = {
            segment: Number(/(\d{6})\.jsonl$/.exec(name)![1]),
            length: buf.length,
            blocks: props.blobCommittedBlockCount ?? 0,
          };
        }
      } catch (err) {
        throw this.store.wrap(err, 'read the journal', name);
      }
    }
    const parsed = parseJournal(texts.join(''), this.where);
    if (parsed.torn)
      this.onNotice(
        `journal ${this.where}: dropped a torn last line (line ${parsed.torn.line}, ${parsed.torn.bytes} bytes)`,
      );
    return { ...parsed, ...(lastSegment ? { lastSegment } : {}) };
  }

  public append(entry: JournalInput): Promise<void> {
    const run = this.chain.then(async () => {
      this.guard();
      const c = await this.writable();
      if (!this.open) {
        const parsed = await this.readDetailed();
        const last = parsed.entries[parsed.entries.length - 1];
        this.open = { ...(parsed.lastSegment ?? { segment: 0, length: 0, blocks: 0 }), nextSeq: (last?.seq ?? 0) + 1 };
        if (!parsed.lastSegment) await this.createSegment(c, 0);
      }
      const o = this.open;
      if (o.blocks >= this.segmentBlocks) {
        await this.createSegment(c, o.segment + 1);
        o.segment += 1;
        o.length = 0;
        o.blocks = 0;
      }
      const line = encodeJournalLine({ ...entry, seq: o.nextSeq, at: new Date().toISOString() });
      const bytes = Buffer.byteLength(line);
      const name = this.store.blobName('journal', this.stack, o.segment);
      const blob = c.getAppendBlobClient(name);
      try {
        await blob.appendBlock(line, bytes, { conditions: { appendPosition: o.length } });
      } catch (err) {
        // 412 after an SDK retry: the first attempt was committed. Verify the tail is our line, else another writer.
        if (statusOf(err) !== 412) throw this.store.wrap(err, 'append to the journal', name);
        const tail = await blob.downloadToBuffer(o.length, bytes).catch(() => Buffer.alloc(0));
        if (tail.toString('utf8') !== line) {
          throw new AmlcdkError(
            'JournalConflict',
            `journal ${this.store.shown(name)} changed under this run (another writer without the lock?); nothing more is appended. Fix: run again after the other run ends`,
          );
        }
      }
      o.length += bytes;
      o.blocks += 1;
      o.nextSeq += 1;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async createSegment(c: ContainerClient, segment: number): Promise<void> {
    const name = this.store.blobName('journal', this.stack, segment);
    try {
      await c.getAppendBlobClient(name).create({ conditions: { ifNoneMatch: '*' } });
    } catch (err) {
      if (statusOf(err) !== 409 && statusOf(err) !== 412) throw this.store.wrap(err, 'create a journal segment', name);
    }
  }

  public truncate(): Promise<void> {
    const run = this.chain.then(async () => {
      this.guard();
      const c = await this.writable();
      for (const name of await this.segments(c)) {
        try {
          await c.getAppendBlobClient(name).deleteIfExists();
        } catch (err) {
          throw this.store.wrap(err, 'truncate the journal', name);
        }
      }
      this.open = undefined;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
