/**
 * On-disk (and in-blob) formats of the state and the journal, shared by both stores.
 *
 * State file: two lines, each a JSON value (so `jq` reads it as a stream):
 *   1. a header `{"checksum":"sha256:…","format":"amlcdk-state","serial":N,"stack":"…","version":1}`
 *   2. the canonical JSON of the `StackState` (without `serial`).
 * The checksum is the sha256 of line 2's exact bytes, which are the canonical content, so it is verified on load
 * without re-canonicalising (fast for 10k resources).
 *
 * Journal: JSON Lines, one entry per line, `{"e":<canonical entry>,"h":"<sha256 hex of the entry's bytes>"}`.
 * The hash has a fixed length, so the entry's bytes are sliced out and verified exactly.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { STACK_NAME_ALLOWED, stackNameProblem } from '../core/stack-name.js';
import { canonicalJson } from '../manifest/canonical.js';
import { checkStateSchema } from './schema.js';
import type { JournalEntry, StackState } from './types.js';

export const STATE_FORMAT = 'amlcdk-state';
const JOURNAL_PREFIX = '{"e":';
const JOURNAL_SUFFIX_LEN = ',"h":"'.length + 64 + '"}'.length;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Stack names become file and blob names: one rule with the Stack construct (lib/core/stack-name.ts). */
export function checkStackName(stack: string): void {
  const problem = stackNameProblem(stack);
  if (problem) {
    throw new InputError(
      'InvalidStackName',
      `stack name ${JSON.stringify(typeof stack === 'string' ? stack.slice(0, 200) : stack)} cannot name a state file: ${problem}; allowed: ${STACK_NAME_ALLOWED}.`,
      { fix: 'rename the Stack construct (its id is the stack name)' },
    );
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function containsNull(v: unknown): boolean {
  if (v === null) return true;
  if (Array.isArray(v)) return v.some(containsNull);
  if (isPlainObject(v)) return Object.values(v).some(containsNull);
  return false;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 7386 merge patch turning `from` into `to` (exact when `to` holds no nulls). */
function mergeDiff(from: unknown, to: unknown): unknown {
  if (!isPlainObject(from) || !isPlainObject(to)) return to;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(to)) {
    if (to[k] === undefined) continue;
    if (!(k in from) || from[k] === undefined) out[k] = to[k];
    else if (!jsonEqual(from[k], to[k]))
      out[k] = isPlainObject(from[k]) && isPlainObject(to[k]) ? mergeDiff(from[k], to[k]) : to[k];
  }
  for (const k of Object.keys(from)) if (from[k] !== undefined && (!(k in to) || to[k] === undefined)) out[k] = null;
  return out;
}

/** Apply an RFC 7386 merge patch; unchanged subtrees of `target` are shared (loaded state is read-only). */
function mergeApply(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) delete out[k];
    else out[k] = mergeApply(out[k], v);
  }
  return out;
}

/**
 * `observed` is mostly `applied` plus server fields: store it as a merge patch against `applied`
 * (`observedDelta`), which halves the state's size and its parse time. Falls back to the full value when the
 * observed body holds nulls (a merge patch cannot say "null").
 */
function compactResources(resources: StackState['resources']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, r] of Object.entries(resources)) {
    if (
      r.observed !== undefined &&
      isPlainObject(r.applied) &&
      isPlainObject(r.observed) &&
      !containsNull(r.observed)
    ) {
      const { observed, ...rest } = r;
      out[key] = { ...rest, observedDelta: mergeDiff(r.applied, observed) as Json };
    } else out[key] = r;
  }
  return out;
}

function expandResources(resources: Record<string, unknown>): StackState['resources'] {
  for (const key of Object.keys(resources)) {
    const r = resources[key] as Record<string, unknown>;
    if (r && 'observedDelta' in r) {
      // A member loop rather than `{ observedDelta, ...rest }`: object rest is a slow path in V8, and a 10k state
      // expands 10k of these; entries built in the same member order share one shape.
      const out: Record<string, unknown> = {};
      for (const k in r) if (k !== 'observedDelta') out[k] = r[k];
      out.observed = mergeApply(r.applied, r.observedDelta);
      resources[key] = out;
    }
  }
  return resources as unknown as StackState['resources'];
}

/** Encode a state for writing; `serial` is the serial the new file carries. */
export function encodeState(state: StackState, serial: number): string {
  const { serial: _ignored, ...rest } = state;
  const body = canonicalJson({ ...rest, resources: compactResources(rest.resources) });
  const header = canonicalJson({
    checksum: `sha256:${sha256Hex(body)}`,
    format: STATE_FORMAT,
    serial,
    stack: state.stack,
    version: 1,
  });
  return `${header}\n${body}\n`;
}

function corrupt(where: string, what: string): InputError {
  return new InputError('StateCorrupt', `state ${where} is corrupt: ${what}. Nothing was changed.`, {
    file: where,
    fix: `restore it from the previous copy (file store: ${'<stack>'}.prev.json next to it; blob store: blob versioning/soft delete), or rebuild it with \`amlcdk import\`; never edit the state by hand`,
  });
}

/** Decode and verify a state file's text. `where` names the file or blob in errors. */
export function decodeState(text: string, where: string, expectedStack?: string): StackState {
  const nl = text.indexOf('\n');
  if (nl < 0) throw corrupt(where, 'it has no header line (truncated or not an amlcdk state file)');
  let header: { checksum?: unknown; format?: unknown; serial?: unknown; stack?: unknown; version?: unknown };
  try {
    header = JSON.parse(text.slice(0, nl)) as typeof header;
  } catch {
    throw corrupt(where, 'its header line is not JSON');
  }
  if (!header || header.format !== STATE_FORMAT)
    throw corrupt(where, `its header does not say format "${STATE_FORMAT}"`);
  if (header.version !== 1) {
    throw new InputError(
      'StateVersionUnsupported',
      `state ${where} has format version ${JSON.stringify(header.version)}; this amlcdk reads version 1.`,
      { file: where, fix: 'upgrade amlcdk to the version that wrote this state' },
    );
  }
  let body = text.slice(nl + 1);
  if (body.endsWith('\n')) body = body.slice(0, -1);
  const sum = `sha256:${sha256Hex(body)}`;
  if (sum !== header.checksum)
    throw corrupt(
      where,
      `checksum mismatch (header ${String(header.checksum).slice(0, 20)}…, content ${sum.slice(0, 20)}…)`,
    );
  let state: StackState;
  try {
    state = JSON.parse(body) as StackState;
  } catch {
    throw corrupt(where, 'its content is not JSON although the checksum matches');
  }
  if (!state || typeof state !== 'object' || Array.isArray(state)) {
    throw corrupt(where, 'its content is not a version 1 StackState');
  }
  // Whole is not the same as well-formed: every entry must have the shape the engine relies on.
  checkStateSchema(state, where);
  if (expectedStack !== undefined && state.stack !== expectedStack)
    throw corrupt(where, `it belongs to stack "${state.stack}", not "${expectedStack}"`);
  const serial = typeof header.serial === 'number' ? header.serial : 0;
  return { ...state, resources: expandResources(state.resources), serial };
}

/** One journal line (with its trailing newline). */
export function encodeJournalLine(entry: JournalEntry): string {
  const e = canonicalJson(entry);
  return `${JOURNAL_PREFIX}${e},"h":"${sha256Hex(e)}"}\n`;
}

export interface JournalParse {
  readonly entries: JournalEntry[];
  /** Bytes of valid, complete lines (where a repair truncates to). */
  readonly validBytes: number;
  /** A torn last line (a crash mid-append) that was dropped. */
  readonly torn?: { readonly line: number; readonly bytes: number };
}

function verifyLine(line: string): JournalEntry | undefined {
  if (!line.startsWith(JOURNAL_PREFIX) || line.length < JOURNAL_PREFIX.length + JOURNAL_SUFFIX_LEN + 2)
    return undefined;
  const entryText = line.slice(JOURNAL_PREFIX.length, line.length - JOURNAL_SUFFIX_LEN);
  const tail = line.slice(line.length - JOURNAL_SUFFIX_LEN);
  const m = /^,"h":"([0-9a-f]{64})"\}$/.exec(tail);
  if (!m || sha256Hex(entryText) !== m[1]) return undefined;
  try {
    const e = JSON.parse(entryText) as JournalEntry;
    return e && typeof e === 'object' && typeof e.seq === 'number' && typeof e.kind === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parse a journal. A bad line in the middle is corruption (`JournalCorrupt` with the line number); a bad *last*
 * line without its newline (or padded with NULs) is what a crash mid-append leaves, and is dropped.
 */
export function parseJournal(text: string, where: string): JournalParse {
  const entries: JournalEntry[] = [];
  let offset = 0;
  let lineNo = 0;
  let lastSeq = 0;
  while (offset < text.length) {
    lineNo++;
    const nl = text.indexOf('\n', offset);
    const complete = nl >= 0;
    const line = complete ? text.slice(offset, nl) : text.slice(offset);
    // A last line without its newline is torn even when its checksum holds: the append never resolved, so
    // nothing acted on it (write-ahead rule), and dropping it keeps the next append on a line of its own.
    const entry = !complete || line === '' ? undefined : verifyLine(line);
    if (!entry) {
      const isLast = !complete || /^\0*$/.test(text.slice(nl + 1));
      const tornLooking = !complete || line.includes('\0');
      if (isLast && tornLooking) {
        return {
          entries,
          validBytes: Buffer.byteLength(text.slice(0, offset)),
          torn: { line: lineNo, bytes: Buffer.byteLength(text.slice(offset)) },
        };
      }
      if (line === '' && complete) {
        throw new InputError(
          'JournalCorrupt',
          `journal ${where} line ${lineNo} is empty; every line must be a checksummed entry.`,
          { file: where, line: lineNo, fix: journalFix },
        );
      }
      throw new InputError(
        'JournalCorrupt',
        `journal ${where} line ${lineNo} fails its checksum (the file was edited or damaged).`,
        { file: where, line: lineNo, fix: journalFix },
      );
    }
    if (entry.seq <= lastSeq) {
      throw new InputError(
        'JournalCorrupt',
        `journal ${where} line ${lineNo} has seq ${entry.seq} after ${lastSeq}; entries must be in order (two writers without the lock?).`,
        { file: where, line: lineNo, fix: journalFix },
      );
    }
    lastSeq = entry.seq;
    entries.push(entry);
    offset = nl + 1;
  }
  return { entries, validBytes: Buffer.byteLength(text) };
}

const journalFix =
  'run `amlcdk plan` to re-observe what exists in Azure; the state still lists what completed runs applied. If the damage is understood, move the journal file aside and run again (the next apply re-observes every resource before writing)';
