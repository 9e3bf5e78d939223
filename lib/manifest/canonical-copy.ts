/**
 * A fast path to canonical JSON for synthesis: a deep copy with sorted keys and JSON semantics (toJSON, undefined
 * dropped in objects and null in arrays, non-finite numbers as null), so `JSON.stringify(copy)` is exactly
 * `canonicalJson(value)` and the copy equals `JSON.parse` of it, without a parse of the whole document.
 */
export function canonicalCopy(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null; // -0 prints as 0
    case 'object': {
      const v = value as { toJSON?: () => unknown };
      if (typeof v.toJSON === 'function') return canonicalCopy(v.toJSON());
      if (Array.isArray(value)) {
        const out = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const x = canonicalCopy(value[i]);
          out[i] = x === undefined ? null : x;
        }
        return out;
      }
      const keys = Object.keys(value);
      if (!isSorted(keys)) keys.sort();
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const x = canonicalCopy((value as Record<string, unknown>)[k]);
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
function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
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
export function writeObjectText(sink: (piece: string) => void, obj: Record<string, unknown>, arrays: Readonly<Record<string, readonly string[]>> = {}): void {
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

const RESOURCE_KEYS = new Set(['actions', 'apiVersion', 'body', 'construct', 'dependsOn', 'id', 'logicalId', 'name', 'options', 'secrets', 'source', 'suppressions', 'type']);
const DIAGNOSTIC_KEYS = new Set(['acknowledged', 'allowed', 'code', 'fix', 'level', 'message', 'path', 'source', 'value']);
const isEnumerable = Object.prototype.propertyIsEnumerable;
/** An own enumerable member, as Object.keys (and so canonicalCopy) sees it. */
const has = (o: object, k: string): boolean => isEnumerable.call(o, k);

/** Whether `value` is a plain object without toJSON whose enumerable keys are all in `keys`. */
function plainWithKeysIn(value: unknown, keys: ReadonlySet<string>): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const k in value) if (!keys.has(k)) return false;
  return true;
}

/**
 * `canonicalCopy` of a rendered manifest resource, the same result: the envelope's members are written out in
 * sorted order (named stores, no key list to build and check per resource); anything unexpected takes the general path.
 */
export function canonicalResourceCopy(r: unknown): unknown {
  if (!plainWithKeysIn(r, RESOURCE_KEYS)) return canonicalCopy(r);
  const out: Record<string, unknown> = {};
  let x: unknown;
  if (has(r, 'actions') && (x = canonicalCopy(r.actions)) !== undefined) out.actions = x;
  if (has(r, 'apiVersion') && (x = canonicalCopy(r.apiVersion)) !== undefined) out.apiVersion = x;
  if (has(r, 'body') && (x = canonicalCopy(r.body)) !== undefined) out.body = x;
  if (has(r, 'construct') && (x = canonicalCopy(r.construct)) !== undefined) out.construct = x;
  if (has(r, 'dependsOn') && (x = canonicalCopy(r.dependsOn)) !== undefined) out.dependsOn = x;
  if (has(r, 'id') && (x = canonicalCopy(r.id)) !== undefined) out.id = x;
  if (has(r, 'logicalId') && (x = canonicalCopy(r.logicalId)) !== undefined) out.logicalId = x;
  if (has(r, 'name') && (x = canonicalCopy(r.name)) !== undefined) out.name = x;
  if (has(r, 'options') && (x = canonicalCopy(r.options)) !== undefined) out.options = x;
  if (has(r, 'secrets') && (x = canonicalCopy(r.secrets)) !== undefined) out.secrets = x;
  if (has(r, 'source') && (x = canonicalCopy(r.source)) !== undefined) out.source = x;
  if (has(r, 'suppressions') && (x = canonicalCopy(r.suppressions)) !== undefined) out.suppressions = x;
  if (has(r, 'type') && (x = canonicalCopy(r.type)) !== undefined) out.type = x;
  return out;
}

/** `canonicalCopy` of a diagnostic, the same result, written out like {@link canonicalResourceCopy}. */
export function canonicalDiagnosticCopy(d: unknown): unknown {
  if (!plainWithKeysIn(d, DIAGNOSTIC_KEYS)) return canonicalCopy(d);
  const out: Record<string, unknown> = {};
  let x: unknown;
  if (has(d, 'acknowledged') && (x = canonicalCopy(d.acknowledged)) !== undefined) out.acknowledged = x;
  if (has(d, 'allowed') && (x = canonicalCopy(d.allowed)) !== undefined) out.allowed = x;
  if (has(d, 'code') && (x = canonicalCopy(d.code)) !== undefined) out.code = x;
  if (has(d, 'fix') && (x = canonicalCopy(d.fix)) !== undefined) out.fix = x;
  if (has(d, 'level') && (x = canonicalCopy(d.level)) !== undefined) out.level = x;
  if (has(d, 'message') && (x = canonicalCopy(d.message)) !== undefined) out.message = x;
  if (has(d, 'path') && (x = canonicalCopy(d.path)) !== undefined) out.path = x;
  if (has(d, 'source') && (x = canonicalCopy(d.source)) !== undefined) out.source = x;
  if (has(d, 'value') && (x = canonicalCopy(d.value)) !== undefined) out.value = x;
  return out;
}
