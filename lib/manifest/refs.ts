/**
 * Deploy-time references in manifest bodies: `{ "ref": { "resource": "<logicalId>", "attribute": "<path>" } }`
 * stands where a value Azure assigns (an identity's principal id, a client id) goes. Consumers resolve it from the
 * referenced resource once it exists (the reconciler from the observation, Pulumi from the resource's outputs)
 * and treat it as unknown until then. The attributes each ARM type exposes are in lib/catalog/attributes.ts.
 */
import { attributeOf, attributesOf, placeholderFor } from '../catalog/attributes.js';
import type { ManifestRef, ManifestResource } from './types.js';

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

/** A cheap necessary condition for a body's canonical text to hold a reference. */
export function mayHoldRefs(bodyText: string): boolean {
  return bodyText.includes('"ref":{');
}

/** Every reference in a value, with its JSON pointer. */
export function refsIn(
  v: unknown,
  pointer = '',
  out: Array<{ pointer: string; ref: ManifestRef['ref'] }> = [],
): Array<{ pointer: string; ref: ManifestRef['ref'] }> {
  if (isManifestRef(v)) out.push({ pointer, ref: v.ref });
  else if (Array.isArray(v)) v.forEach((x, i) => refsIn(x, `${pointer}/${i}`, out));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) refsIn(x, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  return out;
}

/** `v` with every reference replaced by what `value` returns for it (`undefined` keeps the reference). */
export function substituteRefs(v: unknown, value: (ref: ManifestRef['ref']) => unknown): unknown {
  if (isManifestRef(v)) {
    const x = value(v.ref);
    return x === undefined ? v : x;
  }
  if (Array.isArray(v)) {
    const arr = v as readonly unknown[];
    let out: unknown[] | undefined;
    for (let i = 0; i < arr.length; i++) {
      const x = substituteRefs(arr[i], value);
      if (x !== arr[i]) (out ??= [...arr])[i] = x;
    }
    return out ?? v;
  }
  // Only plain JSON objects (of any realm: their prototype's prototype is null) are walked; Pulumi Outputs and other
  // class instances are values of their own.
  const proto: unknown = v !== null && typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (v !== null && typeof v === 'object' && (proto === null || Object.getPrototypeOf(proto) === null)) {
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(v)) {
      const y = substituteRefs(x, value);
      if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
    }
    return out ?? v;
  }
  return v;
}

/**
 * The body with each reference replaced by a stand-in of the attribute's format (a GUID for principal ids), so the
 * type's closed schema checks everything around it. The stand-in is never sent anywhere.
 */
export function withRefPlaceholders(body: unknown): unknown {
  return substituteRefs(body, () => placeholderFor('guid'));
}

/** One problem with a reference, found by {@link checkReferences}. */
export interface ReferenceIssue {
  readonly logicalId: string;
  readonly code: 'UnknownReference' | 'ReferenceAttributeUnavailable';
  readonly message: string;
  readonly value: unknown;
  readonly allowed: string;
  readonly fix: string;
}

/**
 * Check that every reference of `r` names a resource of `resources` (the same manifest) that exposes the attribute
 * (lib/catalog/attributes.ts), with a system-assigned identity where the attribute needs one.
 */
export function checkReferences(
  r: ManifestResource,
  byLogicalId: ReadonlyMap<string, ManifestResource>,
  stackName: string,
): ReferenceIssue[] {
  const out: ReferenceIssue[] = [];
  for (const { pointer, ref } of refsIn(r.body)) {
    const where = `body ${pointer || '/'}`;
    const target = byLogicalId.get(ref.resource);
    if (!target) {
      out.push({
        logicalId: r.logicalId,
        code: 'UnknownReference',
        message: `${where} references ${ref.resource}, which is not a resource of stack ${stackName}`,
        value: ref,
        allowed: 'a deploy-time attribute of a resource in the same stack',
        fix: 'reference a resource of this stack; for a resource of another stack or outside the program, pass its value (e.g. the principal id) as a string',
      });
      continue;
    }
    const attr = attributeOf(target.type, ref.attribute);
    const known = attributesOf(target.type).map((a) => a.attribute);
    if (!attr) {
      out.push({
        logicalId: r.logicalId,
        code: 'ReferenceAttributeUnavailable',
        message: `${where} references ${ref.resource}.${ref.attribute}, which a ${target.type} does not expose`,
        value: ref,
        allowed: known.length ? known.join(', ') : `nothing: ${target.type} exposes no deploy-time attribute`,
        fix: known.length ? `use one of ${known.join(', ')}` : 'reference another resource',
      });
      continue;
    }
    if (attr.needsSystemIdentity) {
      const type = (target.body as { identity?: { type?: unknown } }).identity?.type;
      if (typeof type !== 'string' || !/systemassigned/i.test(type)) {
        out.push({
          logicalId: r.logicalId,
          code: 'ReferenceAttributeUnavailable',
          message: `${where} references ${ref.resource}.${ref.attribute}, but ${ref.resource} has no system-assigned identity (identity type ${typeof type === 'string' ? type : 'none'})`,
          value: ref,
          allowed: `a resource whose identity type contains SystemAssigned`,
          fix: `give ${ref.resource} a system-assigned identity (identity: ComputeIdentity.systemAssigned() or systemAndUserAssigned(...)), or grant the user-assigned identity it runs as (uai.principalId)`,
        });
      }
    }
  }
  return out;
}
