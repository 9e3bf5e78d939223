/**
 * A bounded memo for pure lookups asked again and again on hot paths (the same few keys across thousands of
 * resources or findings): cleared when it reaches `max` entries, so a pathological input cannot grow it without end.
 */

/**
 * `compute(key)`, remembered in `cache` (cleared first when it holds `max` entries).
 *
 * @example
 * const kinds = new Map<string, string>();
 * const kindOf = (type: string) => remember(kinds, 1_000, type, () => type.split('/').pop()!);
 */
export function remember<K, V>(cache: Map<K, V>, max: number, key: K, compute: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined || cache.has(key)) return hit as V;
  if (cache.size >= max) cache.clear();
  const value = compute();
  cache.set(key, value);
  return value;
}
