/**
 * Brand checks behind the `isX(x)` type guards (symbol-based, so they work across copies of the library). A guard
 * answers for any value: `in` on a Proxy runs its `has` trap, which may throw, so a Proxy is never branded.
 */
import { types } from 'node:util';

/**
 * True when `x` is an object carrying `brand`.
 *
 * @example
 * public static isWorkspace(x: unknown): x is Workspace { return hasBrand(x, WORKSPACE); }
 */
export function hasBrand(x: unknown, brand: symbol): boolean {
  return typeof x === 'object' && x !== null && !types.isProxy(x) && brand in x;
}

/** True for an object that is not a Proxy: one whose properties and prototype can be read without running a trap. */
export function isReadableObject(x: unknown): x is object {
  return typeof x === 'object' && x !== null && !types.isProxy(x);
}
