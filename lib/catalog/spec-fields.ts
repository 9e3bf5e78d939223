/**
 * Lookups over the spec-derived data (lib/catalog/spec-fields.generated.ts, written by scripts/gen-spec-fields.ts from
 * trimmed extracts of Azure/azure-rest-api-specs): the one place where the OpenAPI's `readOnly`, `x-ms-mutability`,
 * `x-ms-secret`, `enum` and `required` markers enter amlcdk. The field tables build their ignore and replace rules
 * from it, and the normalizer its write-only paths.
 */
import { SPEC_FIELDS, SPEC_FIELD_SOURCES, type SpecField, type SpecSource } from './spec-fields.generated.js';

export { SPEC_FIELDS, SPEC_FIELD_SOURCES, type SpecField, type SpecSource };

function specKey(type: string, computeType?: string): string | undefined {
  const lower = `${type}|${computeType ?? ''}`.toLowerCase();
  return Object.keys(SPEC_FIELDS).find((k) => (k.includes('|') ? k : `${k}|`).toLowerCase() === lower);
}

/**
 * The spec's marked paths for a type (and, for Azure ML computes, a compute type); empty for types no extract covers.
 *
 * @example specFieldsFor('Microsoft.MachineLearningServices/workspaces/computes', 'AmlCompute')
 */
export function specFieldsFor(type: string, computeType?: string): readonly SpecField[] {
  const k = specKey(type, computeType);
  return k ? SPEC_FIELDS[k] : [];
}

/** True when an extract covers the type (and compute type). */
export function hasSpecFields(type: string, computeType?: string): boolean {
  return specKey(type, computeType) !== undefined;
}

/** The api-version and spec file a field came from, for a rule's `source`. */
export function specCitation(f: SpecField): string {
  const file = f.from.split('#')[0];
  const src = SPEC_FIELD_SOURCES.find((s) => s.path.endsWith(`/${file}`));
  return src ? `${f.from} @ ${src.apiVersion}` : f.from;
}

/**
 * Write-only paths of a type (x-ms-secret), over every compute type, without wildcards: compared with the last
 * applied body, never with Azure.
 */
export function specSecretPaths(type: string): readonly SpecField[] {
  const t = type.toLowerCase();
  const seen = new Map<string, SpecField>();
  for (const [k, fields] of Object.entries(SPEC_FIELDS)) {
    if (k.split('|')[0].toLowerCase() !== t) continue;
    for (const f of fields) if (f.secret && !f.path.includes('*') && !seen.has(f.path)) seen.set(f.path, f);
  }
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}
