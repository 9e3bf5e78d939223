/**
 * Observe: read what exists with as few ARM reads as possible. ARM grants a principal 250 reads at once and 25 per
 * second after that (lib/arm/token-bucket.ts), so one GET per resource makes a 10,000-resource plan wait minutes.
 *
 * - One paged list per collection: a resource group's storage accounts, vaults, networks…, a workspace's computes,
 *   a zone's links (the types and the evidence for each list are in list-sources.ts). Subnets come inside their
 *   VNets' list. Every target in one collection shares the list.
 * - One list per resource group for role assignments: it holds every assignment at, above and below it.
 * - A GET for each resource of a type without a usable list.
 * - A resource that the state says exists but its list does not show is confirmed with one GET before it is
 *   reported absent: ARM's lists can lag behind the resource provider, and planning a re-create (or a delete from
 *   state) on a lagging list is worse than one more read. When the list's parent is gone (404), its children are.
 *
 * The result is keyed by lower-case ARM id.
 */
import type { ArmClient, ArmResource } from '../arm/types.js';
import { listCallFor, type ListCall } from './list-sources.js';
import { normalizeObserved } from './normalize.js';

export interface ObserveTarget {
  readonly id: string;
  readonly type: string;
  readonly apiVersion: string;
  /**
   * The state says this resource exists (we created or adopted it): missing from its list, it is confirmed with a
   * GET before it is reported absent. @default false
   */
  readonly expected?: boolean;
}

export interface ObservedResource {
  readonly raw: ArmResource;
  /** Envelope and read-only paths removed (see normalize.ts). */
  readonly normalized: Record<string, unknown>;
}

/** What observing cost. */
export interface ObserveCalls {
  /** List requests, every `nextLink` page included (each is one read). */
  readonly list: number;
  /** GETs: types without a list, and resources missing from their list confirmed one by one. */
  readonly get: number;
  /** Of `get`, those that confirmed a resource missing from its list. @default 0 */
  readonly confirmed?: number;
  /** Elapsed ms during which a read waited for the client's read budget. @default 0 */
  readonly waitedMs?: number;
}

export interface Observation {
  /** Lower-case id → the resource, or `null` when it does not exist. */
  readonly resources: Map<string, ObservedResource | null>;
  readonly calls: ObserveCalls;
}

export interface ObserveOptions {
  /** Reads in flight at once. @default 16 */
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

/** One list request and the targets it observes. */
interface ListJob {
  readonly call: ListCall;
  readonly apiVersion: string;
  readonly targets: ObserveTarget[];
  /** Children the listed parents embed that are targets too: property under `properties` → child type. */
  readonly embedded: Map<string, string>;
  /** Pages answered; 0 after the list means its parent does not exist. */
  pages: number;
  /** Lower-case id → item (embedded children included) once listed. */
  items?: Map<string, ArmResource>;
}

function observed(r: ArmResource): ObservedResource {
  return { raw: r, normalized: normalizeObserved(r) };
}

/** Index listed items by lower-case id, with the children they embed under `properties.<property>`. */
function indexItems(items: readonly ArmResource[], embedded: ReadonlyMap<string, string>): Map<string, ArmResource> {
  const byId = new Map<string, ArmResource>();
  for (const item of items) {
    byId.set(item.id.toLowerCase(), item);
    for (const [property, childType] of embedded) {
      const children = (item.properties as Record<string, unknown> | undefined)?.[property];
      if (!Array.isArray(children)) continue;
      for (const c of children as unknown[]) {
        const child = c as { id?: unknown; name?: unknown };
        if (typeof child?.id !== 'string') continue;
        const name = typeof child.name === 'string' ? child.name : child.id.slice(child.id.lastIndexOf('/') + 1);
        // The embedded copy may leave out `type` (VirtualNetworkList.json does): it is the target's.
        byId.set(child.id.toLowerCase(), { ...(c as object), id: child.id, name, type: childType });
      }
    }
  }
  return byId;
}

export async function observe(
  client: ArmClient,
  targets: readonly ObserveTarget[],
  options: ObserveOptions = {},
): Promise<Observation> {
  const resources = new Map<string, ObservedResource | null>();
  const unique = new Map<string, ObserveTarget>();
  for (const t of targets) {
    const key = t.id.toLowerCase();
    const seen = unique.get(key);
    if (!seen) unique.set(key, t);
    else if (t.expected && !seen.expected) unique.set(key, { ...seen, expected: true });
  }

  const jobs = new Map<string, ListJob>();
  const singles: ObserveTarget[] = [];
  for (const t of unique.values()) {
    const call = listCallFor(t.id, t.type);
    if (!call) {
      singles.push(t);
      continue;
    }
    // A VNet and its subnets share one list: the key is the request, not what is read from it.
    const key = `${call.path.toLowerCase()}?${JSON.stringify(call.query ?? {})}`;
    let job = jobs.get(key);
    if (!job) {
      job = { call, apiVersion: t.apiVersion, targets: [], embedded: new Map(), pages: 0 };
      jobs.set(key, job);
    }
    job.targets.push(t);
    if (call.embedded) job.embedded.set(call.embedded, t.type);
  }

  let list = 0;
  let get = 0;
  const signal = options.signal ? { signal: options.signal } : {};
  const limit = options.concurrency ?? 16;
  const waitedBefore = client.budgetWaitMs?.('reads') ?? 0;
  const read = async (t: ObserveTarget): Promise<void> => {
    get += 1;
    const r = await client.get(t.id, t.apiVersion, signal);
    resources.set(t.id.toLowerCase(), r ? observed(r) : null);
  };
  type Task = { readonly job: ListJob } | { readonly single: ObserveTarget };
  const tasks: Task[] = [...[...jobs.values()].map((job) => ({ job })), ...singles.map((single) => ({ single }))];
  await mapLimit(tasks, limit, async (task) => {
    if ('single' in task) return read(task.single);
    const { job } = task;
    const items = await client.list(job.call.path, job.apiVersion, {
      ...signal,
      ...(job.call.query ? { query: job.call.query } : {}),
      onPage: () => {
        job.pages += 1;
        list += 1;
      },
    });
    job.items = indexItems(items, job.embedded);
  });

  const confirm: ObserveTarget[] = [];
  for (const job of jobs.values()) {
    for (const t of job.targets) {
      const r = job.items?.get(t.id.toLowerCase());
      if (r) resources.set(t.id.toLowerCase(), observed(r));
      // Missing from a list that answered: lists can lag, so what the state says exists gets a GET first.
      else if (t.expected && job.pages > 0) confirm.push(t);
      else resources.set(t.id.toLowerCase(), null);
    }
  }
  await mapLimit(confirm, limit, read);
  const waitedMs = (client.budgetWaitMs?.('reads') ?? 0) - waitedBefore;
  return { resources, calls: { list, get, confirmed: confirm.length, waitedMs } };
}

/** `observed N resources with L lists and G gets, waited W s for read budget` (what `plan` and `apply` print). */
export function describeObservation(o: Observation): string {
  let found = 0;
  for (const r of o.resources.values()) if (r) found += 1;
  const c = o.calls;
  const confirmed = c.confirmed ? ` (${c.confirmed} confirming resources missing from a list)` : '';
  return `observed ${found} resources with ${c.list} lists and ${c.get} gets${confirmed}, waited ${((c.waitedMs ?? 0) / 1000).toFixed(1)} s for read budget`;
}
