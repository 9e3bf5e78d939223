/**
 * Declared dependencies of a stack's constructs (`resource.addDependency(x)`, `node.addDependency(x)`), expanded to
 * resources as cdk8s does: a resource stands for itself, any other construct (a wrapper) for every resource below
 * it, on both ends of the edge. A dependency that expands to no resource would be silently dropped, so it is an
 * error (`DependencyWithoutResource`) naming both ends.
 */
import type { IConstruct } from 'constructs';
import type { Diagnostic } from './errors.js';
import { AzureResource } from './resource.js';

/** The resources a construct stands for in a dependency. */
function resourcesOf(c: IConstruct, cache: Map<IConstruct, AzureResource[]>): AzureResource[] {
  let out = cache.get(c);
  if (!out) {
    out = AzureResource.isAzureResource(c) ? [c] : c.node.findAll().filter((x) => AzureResource.isAzureResource(x));
    cache.set(c, out);
  }
  return out;
}

/**
 * For each resource of `members` that waits for something: the logicalIds it waits for (not sorted, no repeats).
 * Problems are appended to `diagnostics`.
 */
export function declaredDependencies(
  members: readonly IConstruct[],
  diagnostics: Diagnostic[],
): Map<AzureResource, string[]> {
  const out = new Map<AzureResource, string[]>();
  const cache = new Map<IConstruct, AzureResource[]>();
  for (const c of members) {
    const deps = c.node.dependencies;
    if (deps.length === 0) continue;
    const sources = resourcesOf(c, cache);
    for (const d of deps) {
      const targets = resourcesOf(d, cache);
      if (targets.length === 0 || sources.length === 0) {
        const empty = targets.length === 0 ? d : c;
        diagnostics.push({
          level: 'error',
          code: 'DependencyWithoutResource',
          path: c.node.path,
          value: d.node.path || '<app>',
          message:
            targets.length === 0
              ? `${c.node.path} depends on ${d.node.path || 'the app'}, which renders no resource, so nothing could wait for it`
              : `${c.node.path} renders no resource, so its dependency on ${d.node.path} would have no effect`,
          allowed: 'a dependency between constructs that each are, or contain, at least one resource',
          fix: `remove the dependency, or make it on the construct that holds the resources (${empty.node.path || 'the app'} has none${AzureResource.isAzureResource(empty) ? '' : '; imported references such as Workspace.fromWorkspaceId are not deployed by this stack'})`,
          ...(sourceOf(c) ? { source: sourceOf(c) } : {}),
        });
        continue;
      }
      for (const s of sources) {
        let list = out.get(s);
        if (!list) out.set(s, (list = []));
        for (const t of targets) if (t !== s && !list.includes(t.node.path)) list.push(t.node.path);
      }
    }
  }
  return out;
}

function sourceOf(c: IConstruct): AzureResource['source'] {
  if (AzureResource.isAzureResource(c)) return c.source;
  for (const x of c.node.findAll()) if (AzureResource.isAzureResource(x) && x.source) return x.source;
  return undefined;
}
