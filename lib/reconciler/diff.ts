/**
 * Path-level diff of one resource. Three inputs (reference/reconciler.md §8.A):
 *   D = the desired body (manifest), O = the observed body (normalized), L = the body we last applied (state).
 *
 * A desired value is compared with the observed one only where the program sets it ("desired ⊆ observed"), so
 * server defaults and read-only echoes never show as changes. A path we set last time (in L) and no longer set
 * (not in D) is a change only when it is still present in O: removing it from the program removes it from Azure.
 * Secret paths are write-only: they change only when their reference changes (D vs L), never from O.
 */
import { joinPath, splitPath } from '../catalog/field-tables.js';
import {
  compareCursor,
  compareKindOf,
  compareTrieFor,
  descendCompare,
  echoOptionalSegmentsFor,
  scalarEqual,
  writeOnlySegmentsFor,
  type CompareCursor,
  type CompareKind,
} from './normalize.js';

export interface PathDiff {
  /** JSON-pointer-like path into the body. */
  readonly path: string;
  /** Observed value (undefined when absent). */
  readonly before: unknown;
  /** Desired value (undefined when the program no longer sets it). */
  readonly after: unknown;
  /** A secret path: values are never shown. */
  readonly sensitive?: boolean;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function isSecretRef(v: unknown): v is { secretRef: string } {
  return isPlainObject(v) && typeof v.secretRef === 'string' && Object.keys(v).length === 1;
}

interface Ctx {
  readonly secretPaths: ReadonlySet<string>;
  readonly out: PathDiff[];
}

/**
 * Does `observed` contain `desired` (by the compare rules)? Records differences at the deepest useful path.
 * `at` is where `segs` leads in the type's compare trie, carried down with the walk.
 */
function containsInto(ctx: Ctx, desired: unknown, observed: unknown, segs: string[], at: CompareCursor): void {
  // The path string is only needed for a secret lookup or a difference: most visited paths have neither.
  if ((ctx.secretPaths.size > 0 && ctx.secretPaths.has(joinPath(segs))) || isSecretRef(desired)) return; // write-only: handled against L
  const rule = compareKindOf(at);
  if (rule?.kind === 'write-only') return; // never echoed: handled against L
  if (rule?.kind === 'echo-optional' && observed === undefined) return; // not echoed this time: handled against L
  if (isPlainObject(desired)) {
    if (!isPlainObject(observed)) {
      if (Object.keys(desired).length === 0 && observed === undefined) return;
      ctx.out.push({ path: joinPath(segs), before: observed, after: desired });
      return;
    }
    for (const k of Object.keys(desired)) {
      const v = desired[k];
      if (v === undefined) continue;
      segs.push(k);
      containsInto(ctx, v, observed[k], segs, descendCompare(at, k));
      segs.pop();
    }
    if (rule?.kind === 'exact-keys') {
      for (const k of Object.keys(observed)) {
        if (!(k in desired)) ctx.out.push({ path: joinPath([...segs, k]), before: observed[k], after: undefined });
      }
    }
    return;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(observed)) {
      if (desired.length === 0 && (observed === undefined || observed === null)) return;
      ctx.out.push({ path: joinPath(segs), before: observed, after: desired });
      return;
    }
    if (rule?.kind === 'keyed-array') {
      arrayByKey(ctx, desired, observed, segs, rule, at);
      return;
    }
    if (desired.length !== observed.length) {
      ctx.out.push({ path: joinPath(segs), before: observed, after: desired });
      return;
    }
    // Element-wise; if any element differs, report the whole array (positions are not meaningful to users).
    const sub: Ctx = { ...ctx, out: [] };
    for (let i = 0; i < desired.length; i++) {
      const seg = String(i);
      segs.push(seg);
      containsInto(sub, desired[i], observed[i], segs, descendCompare(at, seg));
      segs.pop();
    }
    if (sub.out.length > 0) ctx.out.push({ path: joinPath(segs), before: observed, after: desired });
    return;
  }
  if (desired === null) {
    if (observed !== null && observed !== undefined)
      ctx.out.push({ path: joinPath(segs), before: observed, after: null });
    return;
  }
  if (!scalarEqual(desired, observed, rule)) ctx.out.push({ path: joinPath(segs), before: observed, after: desired });
}

function arrayByKey(
  ctx: Ctx,
  desired: unknown[],
  observed: unknown[],
  segs: string[],
  rule: Extract<CompareKind, { kind: 'keyed-array' }>,
  at: CompareCursor,
): void {
  const path = joinPath(segs);
  const keyOf = (v: unknown): string | undefined =>
    isPlainObject(v) && typeof v[rule.key] === 'string' ? String(v[rule.key]).toLowerCase() : undefined;
  const byKey = new Map<string, unknown>();
  for (const o of observed) {
    const k = keyOf(o);
    if (k !== undefined) byKey.set(k, o);
  }
  if (desired.length !== observed.length || desired.some((d) => keyOf(d) === undefined || !byKey.has(keyOf(d)!))) {
    ctx.out.push({ path, before: observed, after: desired });
    return;
  }
  const sub: Ctx = { ...ctx, out: [] };
  for (const d of desired) {
    const k = keyOf(d)!;
    segs.push(k);
    containsInto(sub, d, byKey.get(k), segs, descendCompare(at, k));
    segs.pop();
  }
  if (sub.out.length > 0) ctx.out.push({ path, before: observed, after: desired });
}

function get(value: unknown, segs: readonly string[]): unknown {
  let v = value;
  for (const s of segs) {
    if (Array.isArray(v)) v = v[Number(s)];
    else if (isPlainObject(v)) v = v[s];
    else return undefined;
  }
  return v;
}

/** One step of `get`: arrays by index, plain objects by key, anything else has no children. */
function step(v: unknown, s: string): unknown {
  if (Array.isArray(v)) return v[Number(s)];
  if (isPlainObject(v)) return v[s];
  return undefined;
}

/** A node `leaves` descends into: a plain object with keys that is not a SecretRef (everything else is a leaf). */
function isBranch(v: unknown): v is Record<string, unknown> {
  if (!isPlainObject(v) || isSecretRef(v)) return false;
  for (const _ in v) if (Object.prototype.hasOwnProperty.call(v, _)) return true;
  return false;
}

/**
 * Paths we set last time (leaves of L) that the program no longer sets (absent from D) and Azure still has (in O).
 * One walk down L with D and O alongside, in L's key order; a leaf is skipped when D has a value there or when a D
 * ancestor below the root is a whole value (array, scalar, null) that covers it.
 */
function removedInto(
  ctx: Ctx,
  last: Record<string, unknown>,
  desired: unknown,
  observed: unknown,
  segs: string[],
): void {
  for (const k of Object.keys(last)) {
    const l = last[k];
    const d = step(desired, k);
    segs.push(k);
    if (isBranch(l)) {
      // Below a D value that is not an object, every leaf is covered by it.
      if (d === undefined || isPlainObject(d)) removedInto(ctx, l, d, step(observed, k), segs);
    } else if (d === undefined) {
      const path = joinPath(segs);
      if (ctx.secretPaths.has(path) || isSecretRef(l)) {
        ctx.out.push({ path, before: '(sensitive)', after: undefined, sensitive: true });
      } else {
        const o = step(observed, k);
        if (o !== undefined && o !== null && !ctx.out.some((x) => x.path === path))
          ctx.out.push({ path, before: o, after: undefined });
      }
    }
    segs.pop();
  }
}

export interface DiffInput {
  readonly type: string;
  readonly desired: unknown;
  /** Normalized observed body, or undefined when the resource does not exist. */
  readonly observed: unknown;
  /** The body we last applied, if we own the resource. */
  readonly lastApplied?: unknown;
  /** JSON pointers of secret values in `desired` (and `lastApplied`). */
  readonly secrets?: readonly string[];
}

/** Differences between desired and observed (plus removals and secret reference changes against L). */
export function diffBodies(input: DiffInput): PathDiff[] {
  const secretPaths = new Set(input.secrets ?? []);
  const ctx: Ctx = { secretPaths, out: [] };
  containsInto(ctx, input.desired, input.observed, [], compareCursor(compareTrieFor(input.type)));
  if (input.lastApplied !== undefined && input.lastApplied !== null) {
    // Removed from the program but still in Azure.
    if (isBranch(input.lastApplied)) removedInto(ctx, input.lastApplied, input.desired, input.observed, []);
    // Write-only values (not echoed by ARM): a change is what we send now vs what we sent last time.
    for (const { path: p, segs } of writeOnlySegmentsFor(input.type)) {
      const d = get(input.desired, segs);
      if (d === undefined || isSecretRef(d) || ctx.out.some((x) => x.path === p)) continue;
      const l = get(input.lastApplied, segs);
      if (JSON.stringify(d) !== JSON.stringify(l))
        ctx.out.push({
          path: p,
          before: l === undefined ? '(write-only, not set)' : '(write-only)',
          after: d,
          sensitive: true,
        });
    }
    // Values Azure left out of its answer: a change is what we send now vs what we sent last time.
    for (const { path: p, segs } of echoOptionalSegmentsFor(input.type)) {
      if (get(input.observed, segs) !== undefined || ctx.out.some((x) => x.path === p)) continue;
      const d = get(input.desired, segs);
      const l = get(input.lastApplied, segs);
      if (d !== undefined && l !== undefined && JSON.stringify(d) !== JSON.stringify(l))
        ctx.out.push({ path: p, before: l, after: d });
    }
    // Secret references that changed since the last apply (the values themselves are write-only).
    for (const p of secretPaths) {
      const segs = splitPath(p);
      const d = get(input.desired, segs);
      const l = get(input.lastApplied, segs);
      if (JSON.stringify(d) !== JSON.stringify(l))
        ctx.out.push({ path: p, before: '(sensitive)', after: '(sensitive)', sensitive: true });
    }
  }
  return ctx.out;
}
