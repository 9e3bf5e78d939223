/**
 * Deploy-time references in manifest bodies: `{ "ref": { "resource": "<logicalId>", "attribute": "<path>" } }`
 * stands where a value Azure assigns (an identity's principal id, a client id) goes. Consumers resolve it from the
 * referenced resource once it exists (the reconciler from the observation, Pulumi from the resource's outputs)
 * and treat it as unknown until then.
 */
import type { ManifestRef } from './types.js';

/** Whether a value is a reference object (exactly one member `ref` with string `resource` and `attribute`). */
export function isManifestRef(v: unknown): v is ManifestRef {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = (v as { ref?: unknown }).ref;
  if (r === null || typeof r !== 'object') return false;
  let n = 0;
  for (const _ in v) n++;
  return (
    n === 1 &&
    typeof (r as { resource?: unknown }).resource === 'string' &&
    typeof (r as { attribute?: unknown }).attribute === 'string'
  );
}
