import { isProxy } from 'node:util/types';

/**
 * A value as text for messages and comparisons, never throwing: manifests, ARM bodies and props may hold anything,
 * including objects whose `toString` is Object's (`[object Object]`) or throws.
 */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === undefined || v === null) return '';
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '[value]';
  }
}

/** What kind of value `v` is, without reading it (no `toString`, getter or trap runs). */
export function describeKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return isProxy(v) ? 'a Proxy' : 'an object';
  return `a ${typeof v}`;
}
