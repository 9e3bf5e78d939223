/**
 * `contentHash` (lib/manifest/canonical.ts) without copying what is already canonical. `contentHash` makes a
 * sorted deep copy of the whole value before `JSON.stringify`; a plan hashes the whole normalized observation
 * (every resource body) to fingerprint it, and that copy was a large part of planning. Here an object whose own
 * keys are already in sorted order, and whose members need no change, is serialized as it is; only the objects
 * that are out of order (and their ancestors) are copied, exactly as `contentHash` copies them. The bytes hashed
 * are the same.
 */
import { createHash } from 'node:crypto';
import { isSorted } from '../manifest/canonical-copy.js';

/**
 * What `sortKeys` of lib/manifest/canonical.ts returns, up to identity: the value itself when `JSON.stringify` gives
 * the same text for it as for the sorted copy (a plain object or array, keys in sorted order, no `__proto__` or
 * `toJSON` key, every member itself canonical), otherwise the same copy `sortKeys` makes.
 */
function canonicalView(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      // A hole: `map` keeps it, so the copy is made the way sortKeys makes it.
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
    const k = keys[i]!;
    const x = obj[k];
    const v = x === undefined ? undefined : canonicalView(x);
    if (k === '__proto__') reuse = false;
    if (views === undefined && v !== x) {
      views = new Array(keys.length);
      for (let j = 0; j < i; j++) views[j] = obj[keys[j]!];
    }
    if (views !== undefined) views[i] = v;
  }
  if (reuse && views === undefined) return obj;
  // The copy sortKeys makes: keys sorted, undefined members dropped.
  const order = keys.map((k, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const i of order) {
    const v = views ? views[i] : obj[keys[i]!];
    if (v !== undefined) out[keys[i]!] = v;
  }
  return out;
}

/** The same `sha256:<hex>` as `contentHash(value)`. */
export function jsonContentHash(value: unknown): string {
  return 'sha256:' + createHash('sha256').update(JSON.stringify(canonicalView(value))).digest('hex');
}
