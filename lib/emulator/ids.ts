/**
 * Parsing of ARM request paths into scope, resource type, name and action. Handles resource groups,
 * nested types (`workspaces/{ws}/computes/{c}`), extension resources at any scope
 * (`{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}`), collections and POST actions.
 */

export interface ParsedPath {
  readonly subscription: string;
  /** Lower-case full type such as `microsoft.machinelearningservices/workspaces/computes`. */
  readonly typeKey: string;
  /** Type segments as written in the request (for messages). */
  readonly typeAsWritten: string;
  readonly namespace: string;
  /** Resource name, absent for a collection GET. */
  readonly name?: string;
  /** ARM id of the resource (as written), absent for a collection. */
  readonly id?: string;
  /** ARM id of what contains it: a resource group, a parent resource, or the scope of an extension resource. */
  readonly parentId: string;
  /** Resource group name, if under one. */
  readonly resourceGroup?: string;
  /** Trailing action segment for POST (`start`, `listKeys`...). */
  readonly action?: string;
  /** The collection path (parent + type segment), for nextLink. */
  readonly collectionPath: string;
  /** True when the path addresses the parent's scope across resource groups (`/subscriptions/{s}/providers/...`). */
  readonly subscriptionWide: boolean;
}

/** Operation status / result URL: `/subscriptions/{s}/providers/{ns}/locations/{loc}/operation(Statuses|Results)/{id}`. */
export interface ParsedOperationPath {
  readonly subscription: string;
  readonly kind: 'status' | 'result';
  readonly operationId: string;
}

const OP_RE =
  /^\/subscriptions\/([^/]+)\/providers\/[^/]+\/locations\/[^/]+\/(operationStatuses|operationResults|asyncoperations|operations)\/([^/]+)$/i;

export function parseOperationPath(path: string): ParsedOperationPath | undefined {
  const m = OP_RE.exec(path);
  if (!m) return undefined;
  const kind = m[2].toLowerCase() === 'operationresults' ? 'result' : 'status';
  return { subscription: m[1], kind, operationId: decodeURIComponent(m[3]) };
}

/**
 * Parse an ARM path. Returns undefined when it does not start with `/subscriptions/{id}`.
 * `isPost` decides whether an odd trailing segment is an action.
 */
export function parseArmPath(rawPath: string, isPost: boolean): ParsedPath | undefined {
  const segs = rawPath
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => decodeURIComponent(s));
  if (segs.length < 2 || segs[0].toLowerCase() !== 'subscriptions') return undefined;
  const subscription = segs[1];
  const subPrefix = `/subscriptions/${subscription}`;
  if (segs.length === 2) return undefined;

  // Resource groups: /subscriptions/{s}/resourceGroups[/{rg}]
  if (segs[2].toLowerCase() === 'resourcegroups' && segs.length <= 4) {
    const name = segs[3];
    return {
      subscription,
      typeKey: 'microsoft.resources/resourcegroups',
      typeAsWritten: 'resourceGroups',
      namespace: 'Microsoft.Resources',
      name,
      id: name !== undefined ? `${subPrefix}/resourceGroups/${name}` : undefined,
      parentId: subPrefix,
      resourceGroup: name,
      collectionPath: `${subPrefix}/resourceGroups`,
      subscriptionWide: false,
    };
  }

  // Find the LAST `providers` segment: anything before it is the scope (for extension resources) or the
  // resource group; after it come namespace, then type/name pairs.
  let p = -1;
  for (let i = segs.length - 1; i >= 2; i--) {
    if (segs[i].toLowerCase() === 'providers' && i + 1 < segs.length) {
      p = i;
      break;
    }
  }
  if (p < 0) return undefined;
  const scopeSegs = segs.slice(0, p);
  const scopeId = '/' + scopeSegs.join('/');
  let resourceGroup: string | undefined;
  if (scopeSegs.length >= 4 && scopeSegs[2].toLowerCase() === 'resourcegroups') resourceGroup = scopeSegs[3];
  const namespace = segs[p + 1];
  const rest = segs.slice(p + 2);
  if (rest.length === 0) return undefined;
  let action: string | undefined;
  // rest = type, name, type, name, ... [, action] (POST) or [, type] (collection)
  if (isPost && rest.length % 2 === 1 && rest.length >= 3) action = rest.pop();
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    types.push(rest[i]);
    if (i + 1 < rest.length) names.push(rest[i + 1]);
  }
  const isCollection = names.length < types.length;
  const typeAsWritten = types.join('/');
  const typeKey = `${namespace}/${typeAsWritten}`.toLowerCase();
  // Parent: scope + providers/ns + all complete pairs except the last.
  const pairCount = isCollection ? names.length : names.length - 1;
  let parentId = scopeId;
  if (pairCount > 0) {
    parentId += `/providers/${namespace}`;
    for (let i = 0; i < pairCount; i++) parentId += `/${types[i]}/${names[i]}`;
  }
  const name = isCollection ? undefined : names[names.length - 1];
  const collectionPath = `${parentId}${pairCount > 0 ? '' : `/providers/${namespace}`}/${types[types.length - 1]}`;
  return {
    subscription,
    typeKey,
    typeAsWritten,
    namespace,
    name,
    id:
      name !== undefined
        ? `${parentId}${pairCount > 0 ? '' : `/providers/${namespace}`}/${types[types.length - 1]}/${name}`
        : undefined,
    parentId,
    resourceGroup,
    action,
    collectionPath,
    subscriptionWide: scopeSegs.length === 2 && pairCount === 0,
  };
}

/** Lower-case key of an id, without a trailing slash. */
export function keyOf(id: string): string {
  return id.replace(/\/+$/, '').toLowerCase();
}

/** Resource group id of an ARM id, lower-cased, if any. */
export function resourceGroupKeyOf(id: string): string | undefined {
  const m = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+/i.exec(id);
  return m ? m[0].toLowerCase() : undefined;
}
