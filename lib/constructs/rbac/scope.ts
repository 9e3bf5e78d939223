/**
 * Resolving "something with an ARM id" (a construct or a string) to the id, for role-assignment scopes and
 * private-endpoint targets.
 */
import type { IConstruct } from 'constructs';
import { AzureResource } from '../../core/resource.js';

/** Attribute names, in order, that hold a construct's ARM id when it is not an `AzureResource`. */
const ID_ATTRIBUTES = [
  'resourceId',
  'workspaceId',
  'computeId',
  'subnetId',
  'virtualNetworkId',
  'storageAccountId',
  'shareId',
  'networkSecurityGroupId',
  'privateEndpointId',
  'registryId',
  'keyVaultId',
  'identityId',
  'clusterId',
  'instanceId',
] as const;

/** A construct with an ARM id, or the id itself. */
export type ResourceIdLike = string | IConstruct;

/** The ARM id of a construct or string; `undefined` when a construct exposes none. */
export function resourceIdOf(x: ResourceIdLike): string | undefined {
  if (typeof x === 'string') return x;
  if (x === null || typeof x !== 'object') return undefined;
  if (AzureResource.isAzureResource(x)) return x.resourceId;
  const rec = x as unknown as Record<string, unknown>;
  for (const a of ID_ATTRIBUTES) if (typeof rec[a] === 'string' && rec[a].startsWith('/')) return rec[a];
  return undefined;
}

/** The ARM resource type of an id (`Microsoft.Storage/storageAccounts/fileServices/shares`), or undefined. */
export function armTypeOfId(id: string): string | undefined {
  const m = /\/providers\/([^/]+)\/(.+)$/i.exec(id);
  if (!m) return undefined;
  const rest = m[2].split('/');
  if (rest.length % 2 !== 0) return undefined;
  const types = [m[1]];
  for (let i = 0; i < rest.length; i += 2) types.push(rest[i]);
  return `${types[0]}/${types.slice(1).join('/')}`;
}

const SEGMENT = '[^/]+';
const SCOPE_RES = [
  new RegExp(`^/subscriptions/${SEGMENT}$`, 'i'),
  new RegExp(`^/subscriptions/${SEGMENT}/resourceGroups/${SEGMENT}$`, 'i'),
  new RegExp(
    `^/subscriptions/${SEGMENT}/resourceGroups/${SEGMENT}/providers/${SEGMENT}(/${SEGMENT}/${SEGMENT})+$`,
    'i',
  ),
];

/** Whether `s` is a scope amlcdk can assign a role at: a subscription, a resource group or a resource. */
export function isRoleScope(s: unknown): s is string {
  return typeof s === 'string' && SCOPE_RES.some((re) => re.test(s));
}

/** Subscription id of a scope. */
export function subscriptionOfScope(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
}
