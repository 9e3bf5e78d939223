import type { ManifestRule, ResourceRule } from '../types.js';

/** Rule docs anchor in docs/rules.md. */
export function docsLink(id: string): string {
  return `docs/rules.md#${id.toLowerCase()}`;
}

export function resourceRule(r: Omit<ResourceRule, 'kind' | 'docs'> & { docs?: string }): ResourceRule {
  return { kind: 'resource', docs: docsLink(r.id), ...r };
}

export function manifestRule(r: Omit<ManifestRule, 'kind' | 'docs'> & { docs?: string }): ManifestRule {
  return { kind: 'manifest', docs: docsLink(r.id), graph: true, ...r };
}
