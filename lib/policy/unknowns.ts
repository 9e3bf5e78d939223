/**
 * Rules never pass or fail on a value known only at deploy time (lib/manifest/unknown.ts). While the engine runs a
 * rule on a manifest that holds such values, every read of one through the rule helpers (`get`, `tag`, graph
 * lookups) is noted here; the engine then reports "not judged" for that rule and resource instead of the rule's
 * verdict, which was built on a guess.
 */
import { describeDeployTimeValue, isDeployTimeValue, type DeployTimeValue } from '../manifest/unknown.js';
import { isManifestRef } from '../manifest/refs.js';

/** One deploy-time value a rule read. */
export interface UnknownRead {
  /** Dotted body path (or `name`, `id`), relative to the resource it belongs to. */
  readonly path: string;
  /** What it is, in words. */
  readonly what: string;
  /** A reference to a value Azure assigns to a resource of the program (else a template expression or name part). */
  readonly reference?: true;
}

let active: UnknownRead[] | undefined;

/** Whether reads are being watched (false for manifests without deploy-time values: the common, fast case). */
export let watching = false;

/** Run `fn`, returning what it returned and the deploy-time values it read. */
export function withUnknownWatch<T>(fn: () => T): { result: T; reads: readonly UnknownRead[] } {
  const saved = active;
  const reads: UnknownRead[] = [];
  active = reads;
  watching = true;
  try {
    return { result: fn(), reads };
  } finally {
    active = saved;
    watching = saved !== undefined;
  }
}

/** Note a read of a deploy-time value (no-op when nothing watches). */
export function noteUnknown(path: string, v: DeployTimeValue | string): void {
  if (!active) return;
  active.push({
    path,
    what:
      typeof v === 'string' ? `${v} (a name or id with a part known only at deploy time)` : describeDeployTimeValue(v),
    ...(isManifestRef(v) ? { reference: true as const } : {}),
  });
}

/** Note a read recorded earlier (graph indexes built before the rule ran). */
export function noteUnknownRead(read: UnknownRead): void {
  active?.push(read);
}

/** `v`, or undefined after noting it when it is a deploy-time value. */
export function known(path: string, v: unknown): unknown {
  if (active && isDeployTimeValue(v)) {
    noteUnknown(path, v);
    return undefined;
  }
  return v;
}
