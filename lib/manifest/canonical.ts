import { createHash } from 'node:crypto';
import { isSorted } from './canonical-copy.js';

/**
 * Canonical JSON: object keys sorted by code point, no insignificant white space unless `indent` is given,
 * `undefined` members dropped. The same value always gives the same bytes, which makes manifests diffable and
 * their hash stable.
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(canonicalView(value), null, indent);
}

/**
 * The value with its object keys sorted and undefined members dropped, copied only where needed: the value itself
 * when `JSON.stringify` gives the same text for it as for a sorted copy (a plain object or array, keys in sorted
 * order, no `__proto__` or `toJSON` key, every member itself canonical), otherwise a sorted copy of what differs.
 * Bodies read back from ARM or from a canonical file are mostly in order already, and plans and state hash them
 * whole: the copy of everything was a large part of planning.
 */
function canonicalView(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      // A hole: copied with `map`, which keeps it (a plain copy of every element).
      if (!(i in value)) return value.map(canonicalView);
      const x: unknown = value[i];
      const v = canonicalView(x);
      if (out === undefined && v !== x) out = value.slice(0, i);
      if (out !== undefined) out.push(v);
    }
    if (out === undefined && Object.getPrototypeOf(value) === Array.prototype && !('toJSON' in value)) return value;
    return out ?? value.map(canonicalView);
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  const proto: unknown = Object.getPrototypeOf(obj);
  let reuse = (proto === Object.prototype || proto === null) && !('toJSON' in obj) && isSorted(keys);
  // The members' views, allocated only once one differs from its member (most bodies need none).
  let views: unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const x = obj[k];
    const v = x === undefined ? undefined : canonicalView(x);
    if (k === '__proto__') reuse = false;
    if (views === undefined && v !== x) {
      views = new Array(keys.length);
      for (let j = 0; j < i; j++) views[j] = obj[keys[j]];
    }
    if (views !== undefined) views[i] = v;
  }
  if (reuse && views === undefined) return obj;
  // A copy: keys sorted, undefined members dropped.
  const order = keys.map((k, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const i of order) {
    const v = views ? views[i] : obj[keys[i]];
    if (v !== undefined) out[keys[i]] = v;
  }
  return out;
}

/** `sha256:<hex>` of the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return 'sha256:' + createHash('sha256').update(canonicalJson(value)).digest('hex');
}
