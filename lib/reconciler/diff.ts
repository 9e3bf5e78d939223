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
import { compareKindAt, compareTrieFor, scalarEqual, writeOnlyPathsFor, type CompareKind } from './normalize.js';

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

type Trie = ReturnType<typeof compareTrieFor>;

interface Ctx {
  readonly trie: Trie;
  readonly secretPaths: ReadonlySet<string>;
  readonly out: PathDiff[];
}

/** Does `observed` contain `desired` (by the compare rules)? Records differences at the deepest useful path. */
function containsInto(ctx: Ctx, desired: unknown, observed: unknown, segs: string[]): void {
  // The path string is only needed for a secret lookup or a difference: most visited paths have neither.
  if ((ctx.secretPaths.size > 0 && ctx.secretPaths.has(joinPath(segs))) || isSecretRef(desired)) return; // write-only: handled against L
  const rule = compareKindAt(ctx.trie, segs);
  if (rule?.kind === 'write-only') return; // never echoed: handled against L
  if (isPlainObject(desired)) {
    if (!isPlainObject(observed)) {
      if (Object.keys(desired).length === 0 && observed === undefined) return;
      ctx.out.push({ path: joinPath(segs), before: observed, after: desired });
      return;
    }
    for (const [k, v] of Object.entries(desired)) {
      if (v === undefined) continue;
      segs.push(k);
      containsInto(ctx, v, observed[k], segs);
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
      arrayByKey(ctx, desired, observed, segs, rule);
      return;
    }
    if (desired.length !== observed.length) {
      ctx.out.push({ path: joinPath(segs), before: observed, after: desired });
      return;
    }
    // Element-wise; if any element differs, report the whole array (positions are not meaningful to users).
    const sub: Ctx = { ...ctx, out: [] };
    for (let i = 0; i < desired.length; i++) {
      segs.push(String(i));
      containsInto(sub, desired[i], observed[i], segs);
      segs.pop();
    }
    if (sub.out.length > 0) ctx.out.push({ path: joinPath(segs), before: observed, after: desired });
    return;
  }
  if (desired === null) {
    if (observed !== null && observed !== undefined) ctx.out.push({ path: joinPath(segs), before: observed, after: null });
    return;
  }
  if (!scalarEqual(desired, observed, rule)) ctx.out.push({ path: joinPath(segs), before: observed, after: desired });
}

function arrayByKey(ctx: Ctx, desired: unknown[], observed: unknown[], segs: string[], rule: Extract<CompareKind, { kind: 'keyed-array' }>): void {
  const path = joinPath(segs);
  const keyOf = (v: unknown): string | undefined => (isPlainObject(v) && typeof v[rule.key] === 'string' ? String(v[rule.key]).toLowerCase() : undefined);
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
    containsInto(sub, d, byKey.get(k), segs);
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

/** Leaf paths of a body (objects descended; arrays and scalars are leaves). */
function leaves(value: unknown, segs: string[], out: string[][]): void {
  if (isPlainObject(value) && !isSecretRef(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) {
      segs.push(k);
      leaves(v, segs, out);
      segs.pop();
    }
    return;
  }
  out.push([...segs]);
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
  const ctx: Ctx = { trie: compareTrieFor(input.type), secretPaths, out: [] };
  containsInto(ctx, input.desired, input.observed, []);
  if (input.lastApplied !== undefined && input.lastApplied !== null) {
    // Removed from the program but still in Azure.
    const last: string[][] = [];
    leaves(input.lastApplied, [], last);
    for (const segs of last) {
      if (segs.length === 0) continue;
      if (get(input.desired, segs) !== undefined) continue;
      // An ancestor the program still sets as a whole value (array/scalar) covers it already.
      let covered = false;
      for (let i = 1; i < segs.length; i++) {
        const anc = get(input.desired, segs.slice(0, i));
        if (anc !== undefined && !isPlainObject(anc)) covered = true;
      }
      if (covered) continue;
      const path = joinPath(segs);
      if (secretPaths.has(path) || isSecretRef(get(input.lastApplied, segs))) {
        ctx.out.push({ path, before: '(sensitive)', after: undefined, sensitive: true });
        continue;
      }
      const o = get(input.observed, segs);
      if (o !== undefined && o !== null && !ctx.out.some((d) => d.path === path)) ctx.out.push({ path, before: o, after: undefined });
    }
    // Write-only values (not echoed by ARM): a change is what we send now vs what we sent last time.
    for (const p of writeOnlyPathsFor(input.type)) {
      const segs = splitPath(p);
      const d = get(input.desired, segs);
      const l = get(input.lastApplied, segs);
      if (d === undefined || isSecretRef(d) || ctx.out.some((x) => x.path === p)) continue;
      if (JSON.stringify(d) !== JSON.stringify(l)) ctx.out.push({ path: p, before: l === undefined ? '(write-only, not set)' : '(write-only)', after: d, sensitive: true });
    }
    // Secret references that changed since the last apply (the values themselves are write-only).
    for (const p of secretPaths) {
      const segs = splitPath(p);
      const d = get(input.desired, segs);
      const l = get(input.lastApplied, segs);
      if (JSON.stringify(d) !== JSON.stringify(l)) ctx.out.push({ path: p, before: '(sensitive)', after: '(sensitive)', sensitive: true });
    }
  }
  return ctx.out;
}
