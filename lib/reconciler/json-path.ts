/**
 * Reading and writing a body at a field-table path split into segments (`['properties', 'scaleSettings',
 * 'maxNodeCount']`). Plan, drift and secret resolution all address bodies this way.
 */

/** The value at `segs`, or undefined when any step is missing or not an object. */
export function getAt(value: unknown, segs: readonly string[]): unknown {
  let v = value;
  for (const s of segs) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

/**
 * Set the value at `segs`, creating the objects on the way; `undefined` removes the key (a JSON body cannot hold
 * undefined, and an absent key is what ARM would echo).
 */
export function setAt(target: Record<string, unknown>, segs: readonly string[], value: unknown): void {
  let t = target;
  for (let i = 0; i < segs.length - 1; i++) {
    const k = segs[i];
    if (t[k] === null || typeof t[k] !== 'object') t[k] = {};
    t = t[k] as Record<string, unknown>;
  }
  const last = segs[segs.length - 1];
  if (value === undefined) delete t[last];
  else t[last] = value;
}

/** Replace the value at `segs` only where the path already exists (nothing is created). */
export function replaceAt(target: unknown, segs: readonly string[], value: unknown): void {
  const parent = getAt(target, segs.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return;
  (parent as Record<string, unknown>)[segs[segs.length - 1]] = value;
}
