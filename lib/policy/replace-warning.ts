/**
 * Fix texts warn when following them replaces the resource: changing a create-only property (per the field tables
 * the reconciler plans with, lib/catalog/field-tables.ts) deletes the resource and creates it again, so a compute
 * instance loses its disk and a workspace meets soft delete.
 */
import { classifyPath, computeTypeOf, fieldTableFor, splitPath } from '../catalog/field-tables.js';
import type { ManifestResource } from '../manifest/types.js';
import { remember } from '../core/memo.js';

const kinds = new Map<string, string>();

/** `roleAssignments` → `role assignment` (remembered: a large estate asks for the same few types). */
function humanKind(type: string): string {
  return remember(kinds, 1_000, type, () =>
    (type.split('/').pop() ?? type)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .replace(/s$/, ''),
  );
}

/**
 * Whether a change at `path` replaces a resource of this type: the field tables are static data, and a check of a
 * large estate asks the same few (type, compute type, path) questions thousands of times.
 */
const replacesAt = new Map<string, boolean>();

function replaces(type: string, computeType: string | undefined, path: string): boolean {
  return remember(replacesAt, 10_000, `${type}\u0000${computeType ?? ''}\u0000${path}`, () => {
    const segments = path.split('.').flatMap((s) => splitPath(`/${s.replace(/\[(\d+)\]/g, '/$1')}`));
    return classifyPath(fieldTableFor(type, computeType), segments).update === 'replace';
  });
}

/** `' (following it replaces …)'` when a change at the finding's path replaces the resource, else `''`. */
export function replaceWarning(r: Pick<ManifestResource, 'type' | 'body' | 'name'>, path: string, fix: string): string {
  if (!path || /\breplac/i.test(fix)) return '';
  const computeType = computeTypeOf(r.body);
  if (!replaces(r.type, computeType, path)) return '';
  return ` (following it replaces the ${computeType ?? humanKind(r.type)} "${r.name}": Azure cannot change that property in place)`;
}
