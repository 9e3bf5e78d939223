/**
 * jest runs each test file in its own V8 context, while Node's built-ins (structuredClone, fs) build their arrays and
 * objects in the main one. node:assert's strict deep equality compares prototypes, so an equal value from the other
 * realm fails it. This copies plain objects and arrays into the test's realm, keeping every key (undefined included).
 */
export function inThisRealm<T>(value: T): T {
  if (Array.isArray(value)) return value.map(inThisRealm) as T;
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return value; // a class instance: leave it alone
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = inThisRealm(v);
  return out as T;
}
