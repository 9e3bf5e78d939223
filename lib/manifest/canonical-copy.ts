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
      if (keys.length > 1) keys.sort();
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
