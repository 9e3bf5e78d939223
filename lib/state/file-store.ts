/**
 * The default state store: files under `.amlcdk/` of the working directory.
 *
 *   .amlcdk/state/<stack>.json        state, replaced atomically (temp file + fsync + rename + dir fsync)
 *   .amlcdk/state/<stack>.prev.json   the previous state (a hard link, no copy), for recovery by hand
 *   .amlcdk/journal/<stack>.jsonl     write-ahead journal, each line checksummed and fsynced before append resolves
 *   .amlcdk/locks/<stack>.lock        exclusive lock: the holder record, created with link(2) so it appears whole
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, unlinkSync } from 'node:fs';
import {
  link,
  mkdir,
  open,
  readFile,
  rename,
  stat,
  unlink,
  utimes,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AmlcdkError } from '../core/errors.js';
import {
  checkStackName,
  decodeState,
  encodeJournalLine,
  encodeState,
  parseJournal,
  type JournalParse,
} from './format.js';
import {
  StateLockLostError,
  StateLockedError,
  currentHolder,
  describeHolder,
  goneOnThisHost,
  pidAlive,
} from './lock-holder.js';
import type { Journal, JournalEntry, JournalInput, Lock, LockHolder, StackState, StateStore } from './types.js';

export interface FileStateStoreOptions {
  /** The store directory. @default '.amlcdk' under `cwd` */
  readonly dir?: string;
  /** Base for a relative `dir` and for names in messages. @default process.cwd() */
  readonly cwd?: string;
  /** Where notices go (a dropped torn journal line, a released lock that was not ours). @default stderr */
  readonly onNotice?: (message: string) => void;
  /** How often a held lock touches its file, so other hosts can tell a live lock from an abandoned one. @default 30000 */
  readonly heartbeatMs?: number;
}

const defaultNotice = (m: string): void => {
  process.stderr.write(`amlcdk: ${m}\n`);
};

/** Locks held by this process, removed on exit so a normal exit never leaves one behind. */
const heldLockFiles = new Map<string, string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [file, id] of heldLockFiles) {
      try {
        const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
        if (h.id === id) unlinkSync(file);
      } catch {
        // already gone or unreadable: nothing to clean
      }
    }
  });
}

async function fsyncDir(dir: string): Promise<void> {
  // Directory fsync makes a rename or create durable; some platforms (Windows) cannot open directories.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * @example
 * const store = new FileStateStore(); // ./.amlcdk
 * const lock = await store.lock('dev', 'apply');
 * try { await store.journal('dev').append({ kind: 'begin', runId, manifestHash }); } finally { await lock.release(); }
 */
export class FileStateStore implements StateStore {
  public readonly location: string;
  public readonly dir: string;
  private readonly cwd: string;
  private readonly onNotice: (message: string) => void;
  private readonly heartbeatMs: number;
  private readonly journals = new Map<string, FileJournal>();
  /** stack → lock id held through this store. */
  private readonly held = new Map<string, string>();

  constructor(options: FileStateStoreOptions = {}) {
    this.cwd = options.cwd ?? process.cwd();
    this.dir = resolve(this.cwd, options.dir ?? '.amlcdk');
    const rel = relative(this.cwd, this.dir) || '.';
    this.location = `file://${rel.startsWith('..') ? this.dir : rel}`;
    this.onNotice = options.onNotice ?? defaultNotice;
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
  }

  public statePath(stack: string): string {
    return join(this.dir, 'state', `${stack}.json`);
  }
  public journalPath(stack: string): string {
    return join(this.dir, 'journal', `${stack}.jsonl`);
  }
  public lockPath(stack: string): string {
    return join(this.dir, 'locks', `${stack}.lock`);
  }
  /** A path for messages: relative to cwd when inside it. */
  private shown(p: string): string {
    const r = relative(this.cwd, p);
    return r.startsWith('..') ? p : r;
  }

  // ------------------------------------------------------------------ locks

  public async lock(stack: string, operation: string): Promise<Lock> {
    checkStackName(stack);
    const file = this.lockPath(stack);
    await mkdir(dirname(file), { recursive: true });
    const holder = currentHolder(operation);
    const text = JSON.stringify(holder);
    const tmp = `${file}.${holder.id}.tmp`;
    await writeFileDurable(tmp, text);
    let tookOver: Lock['tookOver'];
    try {
      for (let attempt = 0; !(await createLockFile(tmp, file, text)); attempt++) {
        // Held. A holder that ran on this host and is provably gone (pid gone or reused) is taken over; anything
        // else (alive, another host, unreadable) is refused with the holder named.
        const current = await readHolderSettled(file);
        const reason = goneOnThisHost(current);
        if (!current || !reason || attempt >= 3) throw await this.refusal(stack, file, current);
        if (await takeOver(file, current, tmp, text)) {
          tookOver = { holder: current, reason };
          break;
        }
        await new Promise((r) => setTimeout(r, 20 + 30 * attempt));
      }
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    if (tookOver)
      this.onNotice(
        `took over the lock on stack "${stack}" from ${describeHolder(tookOver.holder)}: ${tookOver.reason}. Its unfinished work, if any, is resumed from the journal`,
      );
    await fsyncDir(dirname(file));
    this.held.set(stack, holder.id!);
    heldLockFiles.set(file, holder.id!);
    installExitHook();
    const heartbeat = setInterval(() => {
      const now = new Date();
      utimes(file, now, now).catch(() => undefined);
    }, this.heartbeatMs);
    heartbeat.unref();
    let released = false;
    return {
      holder,
      ...(tookOver ? { tookOver } : {}),
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(heartbeat);
        this.held.delete(stack);
        heldLockFiles.delete(file);
        const current = await readHolder(file);
        if (current?.id === holder.id) {
          await unlink(file).catch((err: unknown) => {
            if (errno(err) !== 'ENOENT') throw err;
          });
          await fsyncDir(dirname(file));
        } else {
          this.onNotice(
            `the lock on stack "${stack}" was broken while this run held it${current ? `; it is now held by ${describeHolder(current)}` : ''}; leaving it alone`,
          );
        }
      },
    };
  }

  private async refusal(stack: string, file: string, holder: LockHolder | undefined): Promise<StateLockedError> {
    let stale = false;
    let staleReason = goneOnThisHost(holder);
    if (staleReason) {
      // Only when a take-over kept losing races with other runs: say so rather than hide it.
      stale = true;
    } else if (holder && holder.host !== hostname()) {
      const st = await stat(file).catch(() => undefined);
      const age = st ? Date.now() - st.mtimeMs : 0;
      if (age > 5 * this.heartbeatMs) {
        stale = true;
        staleReason = `its heartbeat stopped ${Math.round(age / 1000)} s ago (a live holder touches the lock every ${Math.round(this.heartbeatMs / 1000)} s)`;
      }
    }
    return new StateLockedError({
      stack,
      location: `${this.location} (${this.shown(file)})`,
      holder,
      stale,
      staleReason,
    });
  }

  public async breakLock(stack: string): Promise<LockHolder | undefined> {
    checkStackName(stack);
    const file = this.lockPath(stack);
    if (!existsSync(file)) return undefined;
    const holder = await readHolder(file);
    // Move it aside first so a concurrent break or release never removes a lock taken in between.
    const aside = `${file}.broken-${process.pid}-${Date.now()}`;
    try {
      await rename(file, aside);
    } catch (err) {
      if (errno(err) === 'ENOENT') return undefined;
      throw err;
    }
    await unlink(aside).catch(() => undefined);
    await fsyncDir(dirname(file));
    return (
      holder ?? {
        who: 'unknown (unreadable lock record)',
        host: 'unknown',
        pid: 0,
        operation: 'unknown',
        since: 'unknown',
      }
    );
  }

  /** Throws StateLockLost when this store took the stack's lock and someone broke it since. */
  public assertHeld(stack: string): void {
    const id = this.held.get(stack);
    if (!id) return;
    let current: LockHolder | undefined;
    try {
      current = JSON.parse(readFileSync(this.lockPath(stack), 'utf8')) as LockHolder;
    } catch {
      current = undefined;
    }
    if (current?.id !== id)
      throw new StateLockLostError(
        stack,
        this.location,
        current ? `now held by ${describeHolder(current)}` : 'the lock was broken',
      );
  }

  // ------------------------------------------------------------------ state

  public async load(stack: string): Promise<StackState | undefined> {
    checkStackName(stack);
    const file = this.statePath(stack);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if (errno(err) === 'ENOENT') return undefined;
      throw new AmlcdkError(
        'StateUnreadable',
        `cannot read state ${this.shown(file)}: ${(err as Error).message}. Fix: check the file's permissions`,
      );
    }
    return decodeState(text, this.shown(file), stack);
  }

  public async save(state: StackState): Promise<void> {
    checkStackName(state.stack);
    this.assertHeld(state.stack);
    const file = this.statePath(state.stack);
    await mkdir(dirname(file), { recursive: true });
    const previous = await this.currentSerial(file);
    const text = encodeState(state, previous + 1);
    if (previous > 0) {
      // Keep the previous state by hard link (no copy); a failure here must not block the save.
      const prev = join(dirname(file), `${state.stack}.prev.json`);
      const tmp = `${prev}.${process.pid}.tmp`;
      try {
        await unlink(tmp).catch(() => undefined);
        await link(file, tmp);
        await rename(tmp, prev);
      } catch {
        await unlink(tmp).catch(() => undefined);
      }
    }
    // write-file-atomic: temp file in the same directory, fsync, rename over the old one.
    await writeFileAtomic(file, text, { fsync: true });
    await fsyncDir(dirname(file));
  }

  /** The serial of the state on disk (0 when none, or when unreadable: a corrupt file is replaced, never merged). */
  private async currentSerial(file: string): Promise<number> {
    let text: string;
    try {
      const fh = await open(file, 'r');
      try {
        const buf = Buffer.alloc(512);
        const { bytesRead } = await fh.read(buf, 0, 512, 0);
        text = buf.subarray(0, bytesRead).toString('utf8');
      } finally {
        await fh.close();
      }
    } catch {
      return 0;
    }
    const m = /"serial":(\d+)/.exec(text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length));
    return m ? Number(m[1]) : 0;
  }

  public journal(stack: string): FileJournal {
    checkStackName(stack);
    let j = this.journals.get(stack);
    if (!j) {
      j = new FileJournal(this.journalPath(stack), this.shown(this.journalPath(stack)), this.onNotice, () =>
        this.assertHeld(stack),
      );
      this.journals.set(stack, j);
    }
    return j;
  }

  /** Close open journal files (tests, and the CLI before exit). */
  public async close(): Promise<void> {
    for (const j of this.journals.values()) await j.close();
  }
}

/** Create the lock file from the fully written `tmp`: true when created, false when a lock exists already. */
async function createLockFile(tmp: string, file: string, text: string): Promise<boolean> {
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    if (errno(err) !== 'EPERM' && errno(err) !== 'ENOTSUP' && errno(err) !== 'EXDEV') throw err;
  }
  // Filesystems without hard links: an O_EXCL create (the record is written right after).
  try {
    await writeFile(file, text, { flag: 'wx' });
    return true;
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Replace the lock of a holder that is provably gone with ours. One take-over at a time (a `.takeover` gate created
 * exclusively), and only if the lock file still holds exactly that holder, so two runs that both saw the dead holder
 * never both proceed, and a live lock taken in between is never removed. False when someone else won.
 */
async function takeOver(file: string, gone: LockHolder, tmp: string, text: string): Promise<boolean> {
  const gate = `${file}.takeover`;
  try {
    await writeFile(gate, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }), {
      flag: 'wx',
    });
  } catch (err) {
    if (errno(err) !== 'EEXIST') throw err;
    // Another take-over is under way, or one died half-way (its gate names a pid that is gone on this host).
    const g = await readHolder(gate, false);
    if (g && g.host === hostname() && !pidAlive(g.pid)) await unlink(gate).catch(() => undefined);
    return false;
  }
  try {
    const now = await readHolder(file);
    if (!now || now.id !== gone.id || now.pid !== gone.pid || now.since !== gone.since) return false;
    const aside = `${file}.gone-${process.pid}-${Date.now()}`;
    try {
      await rename(file, aside);
    } catch (err) {
      if (errno(err) === 'ENOENT') return false;
      throw err;
    }
    await unlink(aside).catch(() => undefined);
    return await createLockFile(tmp, file, text);
  } finally {
    await unlink(gate).catch(() => undefined);
  }
}

/** The holder record; an O_EXCL fallback writer may still be writing it, so an unreadable one is read again once. */
async function readHolderSettled(file: string): Promise<LockHolder | undefined> {
  const h = await readHolder(file);
  if (h) return h;
  await new Promise((r) => setTimeout(r, 50));
  return readHolder(file);
}

async function readHolder(file: string, needWho = true): Promise<LockHolder | undefined> {
  try {
    const h = JSON.parse(await readFile(file, 'utf8')) as LockHolder;
    return h && (typeof h.who === 'string' || !needWho) && typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

async function writeFileDurable(file: string, text: string): Promise<void> {
  const fh = await open(file, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The journal of one stack in a file; appends are serialised, each fsynced before it resolves. */
export class FileJournal implements Journal {
  private fh?: FileHandle;
  private nextSeq = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    public readonly file: string,
    private readonly shownName: string,
    private readonly onNotice: (message: string) => void,
    private readonly guard: () => void,
  ) {}

  public append(entry: JournalInput): Promise<void> {
    const run = this.chain.then(async () => {
      this.guard();
      const fh = await this.openForAppend();
      const full = { ...entry, seq: this.nextSeq, at: new Date().toISOString() } as JournalEntry;
      const line = encodeJournalLine(full);
      await fh.write(line);
      await fh.datasync();
      this.nextSeq++;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  public async read(): Promise<JournalEntry[]> {
    return (await this.readDetailed()).entries;
  }

  /** Entries plus what was dropped (a torn last line). */
  public async readDetailed(): Promise<JournalParse> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if (errno(err) === 'ENOENT') return { entries: [], validBytes: 0 };
      throw err;
    }
    const parsed = parseJournal(text, this.shownName);
    if (parsed.torn) {
      this.onNotice(
        `journal ${this.shownName}: dropped a torn last line (line ${parsed.torn.line}, ${parsed.torn.bytes} bytes) left by a run that stopped mid-append; the entries before it are intact`,
      );
    }
    return parsed;
  }

  public truncate(): Promise<void> {
    const run = this.chain.then(async () => {
      this.guard();
      await this.close();
      await mkdir(dirname(this.file), { recursive: true });
      const fh = await open(this.file, 'w');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      this.nextSeq = 1;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  public async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    this.nextSeq = 0;
    if (fh) await fh.close();
  }

  private async openForAppend(): Promise<FileHandle> {
    if (this.fh) return this.fh;
    await mkdir(dirname(this.file), { recursive: true });
    const parsed = await this.readDetailed();
    const fh = await open(this.file, 'a+');
    if (parsed.torn) {
      // Cut the torn tail before appending, or the next line would be glued to it.
      await fh.truncate(parsed.validBytes);
      await fh.sync();
    }
    await fsyncDir(dirname(this.file));
    this.fh = fh;
    const last = parsed.entries[parsed.entries.length - 1];
    this.nextSeq = (last?.seq ?? 0) + 1;
    return fh;
  }
}
