/**
 * Observe: read what exists with as few ARM calls as possible. Children of a collection that can be listed in
 * one call (a workspace's computes and datastores, a VNet's subnets) are read with one `list` per parent; the
 * rest with one GET each, a bounded number at a time. The result is keyed by lower-case ARM id.
 */
import type { ArmClient, ArmResource } from '../arm/types.js';
import { normalizeObserved } from './normalize.js';

/** Types read through one list of their parent collection. */
export const LISTED_TYPES: ReadonlySet<string> = new Set([
  'microsoft.machinelearningservices/workspaces/computes',
  'microsoft.machinelearningservices/workspaces/datastores',
  'microsoft.network/virtualnetworks/subnets',
]);

export interface ObserveTarget {
  readonly id: string;
  readonly type: string;
  readonly apiVersion: string;
}

export interface ObservedResource {
  readonly raw: ArmResource;
  /** Envelope and read-only paths removed (see normalize.ts). */
  readonly normalized: Record<string, unknown>;
}

export interface Observation {
  /** Lower-case id → the resource, or `null` when it does not exist. */
  readonly resources: Map<string, ObservedResource | null>;
  readonly calls: { readonly list: number; readonly get: number };
}

export interface ObserveOptions {
  /** GETs in flight at once. @default 16 */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/** Run `fn` over items with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function parentCollection(id: string): string {
  return id.slice(0, id.lastIndexOf('/'));
}

export async function observe(
  client: ArmClient,
  targets: readonly ObserveTarget[],
  options: ObserveOptions = {},
): Promise<Observation> {
  const resources = new Map<string, ObservedResource | null>();
  const unique = new Map<string, ObserveTarget>();
  for (const t of targets) if (!unique.has(t.id.toLowerCase())) unique.set(t.id.toLowerCase(), t);

  const collections = new Map<string, { apiVersion: string; ids: string[] }>();
  const singles: ObserveTarget[] = [];
  for (const [lower, t] of unique) {
    if (LISTED_TYPES.has(t.type.toLowerCase())) {
      const c = parentCollection(t.id);
      const entry = collections.get(c.toLowerCase()) ?? { apiVersion: t.apiVersion, ids: [] };
      entry.ids.push(lower);
      collections.set(c.toLowerCase(), entry);
    } else singles.push(t);
  }
  let list = 0;
  let get = 0;
  const callOpts = options.signal ? { signal: options.signal } : {};
  const limit = options.concurrency ?? 16;
  const colls = [...collections.entries()];
  await mapLimit(colls, limit, async ([collection, entry]) => {
    list += 1;
    const items = await client.list(collection, entry.apiVersion, callOpts);
    const byId = new Map(items.map((r) => [r.id.toLowerCase(), r]));
    for (const id of entry.ids) {
      const r = byId.get(id);
      resources.set(id, r ? { raw: r, normalized: normalizeObserved(r) } : null);
    }
  });
  await mapLimit(singles, limit, async (t) => {
    get += 1;
    const r = await client.get(t.id, t.apiVersion, callOpts);
    resources.set(t.id.toLowerCase(), r ? { raw: r, normalized: normalizeObserved(r) } : null);
  });
  return { resources, calls: { list, get } };
}
