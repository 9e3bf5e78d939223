/**
 * Values known only at deploy time, as they stand in a manifest body.
 *
 * Two shapes mean "unknown until Azure deploys it", and every consumer treats them alike (policy never passes or
 * fails a rule on one and says so; see lib/policy/unknowns.ts):
 * - `{ "unknown": { "expression": "[parameters('x')]", "reason": "…" } }`: an ARM template expression amlcdk cannot
 *   resolve offline (a parameter without value, `reference()`, `resourceGroup().location`, ...), written by the ARM
 *   template reader of `amlcdk check --arm-template`;
 * - `{ "ref": { "resource": "<logicalId>", "attribute": "<path>" } }`: a reference to a value Azure assigns to another
 *   resource of the program (DESIGN §3, lib/manifest/refs.ts), e.g. an identity's principal id.
 *
 * In names and ids, which must stay strings, an unknown part is written between `⟨` and `⟩` (`mlw⟨parameters('env')⟩`),
 * so resources still link to each other consistently.
 */
import { isManifestRef } from './refs.js';
import type { ManifestRef } from './types.js';

/** An ARM template expression that cannot be resolved before deployment. */
export interface UnknownValue {
  readonly unknown: {
    /** The template expression (or the part of it) that could not be resolved. */
    readonly expression: string;
    /** Why, in words: "parameter 'x' has no value", "reference() reads deployed state", ... */
    readonly reason: string;
  };
}

/** A reference to an attribute Azure assigns to another resource: the manifest's own `ManifestRef` (refs.ts). */
export type DeployTimeValue = UnknownValue | ManifestRef;

/** Opening and closing marks of an unknown part inside a name or id. */
export const UNKNOWN_OPEN = '⟨';
export const UNKNOWN_CLOSE = '⟩';

/** Whether a value is an unknown marker (exactly one member `unknown` with a string `expression`). */
export function isUnknownValue(v: unknown): v is UnknownValue {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1 || keys[0] !== 'unknown') return false;
  const inner = (v as { unknown?: unknown }).unknown;
  return (
    inner !== null && typeof inner === 'object' && typeof (inner as { expression?: unknown }).expression === 'string'
  );
}

/** True for either shape of a deploy-time value (and nothing else). */
export function isDeployTimeValue(v: unknown): v is DeployTimeValue {
  return isUnknownValue(v) || isManifestRef(v);
}

/** True when a name or id holds an unknown part. */
export function hasUnknownPart(s: unknown): boolean {
  return typeof s === 'string' && s.includes(UNKNOWN_OPEN);
}

/**
 * Words for a deploy-time value: "[parameters('x')] (parameter 'x' has no value), known only at deploy time" or
 * "identity.principalId of Team/Ws/Gpu, known only after apply".
 */
export function describeDeployTimeValue(v: DeployTimeValue): string {
  if ('unknown' in v) return `${v.unknown.expression} (${v.unknown.reason}), known only at deploy time`;
  return `${v.ref.attribute} of ${v.ref.resource}, known only after apply`;
}

/** True when anything in the value (deeply) is a deploy-time value or a name with an unknown part. */
export function containsDeployTimeValue(v: unknown): boolean {
  if (isDeployTimeValue(v)) return true;
  if (typeof v === 'string') return hasUnknownPart(v);
  if (Array.isArray(v)) return v.some(containsDeployTimeValue);
  if (v && typeof v === 'object') return Object.values(v).some(containsDeployTimeValue);
  return false;
}
