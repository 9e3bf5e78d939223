/**
 * `replaceOnChanges` from the field tables (lib/catalog/field-tables.ts), the same data the reconciler diffs with.
 *
 * azure-native only replaces a resource when a top-level, non-updatable property changes; nested create-only
 * properties such as a compute's `properties.properties.vmSize` are sent as an in-place PUT that ARM rejects or
 * silently ignores (reference/azureml-api.md §14). So every body path the table classifies as `replace` becomes
 * a Pulumi property path in `replaceOnChanges`. For tables whose default is `replace` (compute instances,
 * clusters, attached compute, role assignments) the body is walked: a subtree is listed as a whole when nothing
 * below it is updatable, otherwise its children are examined, so `patch`/`in-place`/`action` paths (a cluster's
 * `scaleSettings`, an instance's idle shutdown) never trigger a replacement.
 */
import { classifyPath, computeTypeOf, fieldTableFor, splitPath, type FieldTable } from '../catalog/field-tables.js';
import { toPulumiPath, type TypeMapping } from './mapping.js';

function compatible(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== '*' && b[i] !== '*' && a[i].toLowerCase() !== b[i].toLowerCase()) return false;
  }
  return true;
}

function isSecretRef(v: unknown): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as { secretRef?: unknown }).secretRef === 'string' &&
    Object.keys(v).length === 1
  );
}

/** Body paths (segments) whose change must replace the resource. */
export function createOnlyBodyPaths(type: string, body: Readonly<Record<string, unknown>>): string[][] {
  const table: FieldTable = fieldTableFor(type, computeTypeOf(body));
  const updatable = table.rules
    .filter((r) => r.update !== 'replace' && r.update !== 'ignore')
    .map((r) => splitPath(r.path));
  const hasUpdatableBelow = (segs: readonly string[]): boolean =>
    updatable.some((rs) => rs.length > segs.length && compatible(segs, rs));
  const out = new Map<string, string[]>();
  const emit = (segs: string[]): void => {
    out.set(segs.join('\u0000'), segs);
  };

  const walk = (value: unknown, segs: string[]): void => {
    const update = classifyPath(table, segs).update;
    if (update === 'ignore') return;
    if (segs.length > 0 && update === 'replace' && !hasUpdatableBelow(segs)) {
      emit(segs);
      return;
    }
    if (isSecretRef(value) || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      if (value.length)
        walk(
          Object.assign(
            {},
            ...(value as unknown[]).filter((v): v is object => typeof v === 'object' && v !== null),
          ) as unknown,
          [...segs, '*'],
        );
      return;
    }
    for (const [k, v] of Object.entries(value)) walk(v, [...segs, k]);
  };
  walk(body, []);

  // Explicit replace rules also cover properties that are absent today and added later.
  for (const r of table.rules) {
    if (r.update !== 'replace') continue;
    const segs = splitPath(r.path);
    if (!hasUpdatableBelow(segs)) emit(segs);
  }
  // Drop paths already covered by a shorter one.
  const all = [...out.values()].sort((a, b) => a.length - b.length);
  const kept: string[][] = [];
  for (const p of all) {
    if (kept.some((k) => k.length < p.length && compatible(k, p) && k.every((s, i) => s === p[i] || s === '*')))
      continue;
    kept.push(p);
  }
  return kept.sort((a, b) => (a.join('/') < b.join('/') ? -1 : a.join('/') > b.join('/') ? 1 : 0));
}

/** `replaceOnChanges` property paths for one manifest resource. */
export function replaceOnChangesFor(m: TypeMapping, type: string, body: Readonly<Record<string, unknown>>): string[] {
  return [...new Set(createOnlyBodyPaths(type, body).map((segs) => toPulumiPath(m, segs)))].filter((p) => p.length > 0);
}
