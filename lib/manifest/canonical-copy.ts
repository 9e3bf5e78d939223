/**
 * A fast path to canonical JSON for synthesis: a deep copy with sorted keys and JSON semantics (toJSON, undefined
 * dropped in objects and null in arrays, non-finite numbers as null), so `JSON.stringify(copy)` is exactly
 * `canonicalJson(value)` and the copy equals `JSON.parse` of it, without a parse of the whole document.
 */
import { AmlcdkError } from '../core/errors.js';

/** The deepest value a manifest holds (ARM bodies nest a few levels; 200 is far beyond any real one). */
const MAX_DEPTH = 200;

export function canonicalCopy(value: unknown, depth = 0): unknown {
  if (value === null) return null;
  // A circular value (a construct passed where data belongs) would overflow the stack: a coded error instead.
  if (depth > MAX_DEPTH)
    throw new AmlcdkError(
      'ValueTooDeep',
      `a value in the manifest is circular or nested deeper than ${MAX_DEPTH} levels (a construct or class instance passed where plain data belongs?)`,
    );
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null; // -0 prints as 0
    case 'object': {
      const v = value as { toJSON?: () => unknown };
      if (typeof v.toJSON === 'function') return canonicalCopy(v.toJSON(), depth + 1);
      if (Array.isArray(value)) {
        const out = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const x = canonicalCopy(value[i], depth + 1);
          out[i] = x === undefined ? null : x;
        }
        return out;
      }
      const keys = Object.keys(value);
      if (!isSorted(keys)) keys.sort();
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const x = canonicalCopy((value as Record<string, unknown>)[k], depth + 1);
        if (x !== undefined) out[k] = x;
      }
      return out;
    }
    default:
      return undefined; // undefined, functions, symbols (bigint: JSON.stringify would throw; dropped here)
  }
}

/**
 * Whether keys are already in the order `sort()` gives (UTF-16 code units): rendered bodies often are, and the
 * check is much cheaper than a sort.
 */
export function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/** Canonical text of an object whose members are already canonical copies, with some members given as text. */
export function objectText(obj: Record<string, unknown>, given: Readonly<Record<string, string>> = {}): string {
  const keys = Object.keys(obj).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const text = given[k] ?? JSON.stringify(obj[k]);
    if (text !== undefined) parts.push(`${JSON.stringify(k)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The canonical text of `obj` (members already canonical copies), handed to `sink` in pieces, so a large document
 * can be hashed without building its text. A member of `arrays` is written as a JSON array of the given element
 * texts. `writeObjectText(s, obj, { m: texts })` writes what `objectText(obj, { m: `[${texts.join(',')}]` })` returns.
 */
export function writeObjectText(
  sink: (piece: string) => void,
  obj: Record<string, unknown>,
  arrays: Readonly<Record<string, readonly string[]>> = {},
): void {
  const keys = Object.keys(obj).sort();
  let first = true;
  for (const k of keys) {
    const items = Object.hasOwn(arrays, k) ? arrays[k] : undefined;
    const text = items === undefined ? JSON.stringify(obj[k]) : undefined;
    if (items === undefined && text === undefined) continue;
    sink(`${first ? '{' : ','}${JSON.stringify(k)}:`);
    first = false;
    if (text !== undefined) sink(text);
    else {
      if (items!.length === 0) sink('[]');
      for (let i = 0; i < items!.length; i++) sink(i === 0 ? `[${items![i]}` : `,${items![i]}`);
      if (items!.length) sink(']');
    }
  }
  sink(first ? '{}' : '}');
}

/**
 * The canonical text of `obj` (members already canonical copies) with a member `key` added, cut where that member's
 * value goes: `before + valueText + after` is `objectText({ ...obj, [key]: value })`. Lets synthesis stream the
 * `resources` array into a hash between text it knows up front.
 */
export function objectTextAround(obj: Record<string, unknown>, key: string): [before: string, after: string] {
  const keys = Object.keys(obj).filter((k) => k !== key);
  keys.push(key);
  keys.sort();
  let before = '';
  let after = '';
  let seen = false;
  for (const k of keys) {
    const text = k === key ? '' : JSON.stringify(obj[k]);
    if (text === undefined) continue;
    const piece = `${before || seen ? ',' : '{'}${JSON.stringify(k)}:${text}`;
    if (k === key) {
      before += piece;
      seen = true;
    } else if (seen) after += piece;
    else before += piece;
  }
  return [before, `${after}}`];
}

/** The members a rendered manifest resource and a diagnostic can have, in sorted order. */
const RESOURCE_KEYS = [
  'actions',
  'aliases',
  'apiVersion',
  'body',
  'construct',
  'defaults',
  'dependsOn',
  'generic',
  'id',
  'logicalId',
  'name',
  'options',
  'overrides',
  'secrets',
  'source',
  'suppressions',
  'type',
] as const;
const DIAGNOSTIC_KEYS = [
  'acknowledged',
  'allowed',
  'code',
  'fix',
  'level',
  'message',
  'path',
  'source',
  'value',
] as const;
const RESOURCE_KEY_SET: ReadonlySet<string> = new Set(RESOURCE_KEYS);
const DIAGNOSTIC_KEY_SET: ReadonlySet<string> = new Set(DIAGNOSTIC_KEYS);
// eslint-disable-next-line @typescript-eslint/unbound-method -- always invoked with .call(obj, key)
const isEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * `canonicalCopy` of an object of a known shape, the same result: its members are copied in the known sorted order
 * (no key list to build and check per object); anything else (another key, a prototype, toJSON) takes the
 * general path.
 */
function copyKnownShape(value: unknown, sortedKeys: readonly string[], keySet: ReadonlySet<string>): unknown {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return canonicalCopy(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalCopy(value);
  for (const k in value) if (!keySet.has(k)) return canonicalCopy(value);
  const out: Record<string, unknown> = {};
  for (const k of sortedKeys) {
    // Own enumerable members only, as Object.keys (and so canonicalCopy) sees them.
    if (!isEnumerable.call(value, k)) continue;
    const x = canonicalCopy((value as Record<string, unknown>)[k]);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

/** `canonicalCopy` of a rendered manifest resource (synthesis copies thousands). */
export function canonicalResourceCopy(r: unknown): unknown {
  return copyKnownShape(r, RESOURCE_KEYS, RESOURCE_KEY_SET);
}

/** `canonicalCopy` of a diagnostic. */
export function canonicalDiagnosticCopy(d: unknown): unknown {
  return copyKnownShape(d, DIAGNOSTIC_KEYS, DIAGNOSTIC_KEY_SET);
}
