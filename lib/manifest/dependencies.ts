/**
 * The one dependency graph of a stack (DESIGN §2 "References and dependencies"). Synthesis computes every edge here
 * and writes it into each resource's `dependsOn`; the reconciler and the Pulumi component read only that list and
 * infer nothing of their own. The edge sources, each a function of its own so a test can hold each one to account:
 *
 * - declared: `addDependency` / `node.addDependency` (already expanded to resources by synthesis);
 * - ARM parent: a resource whose id starts with another resource's id plus `/` (a compute and its workspace, a role
 *   assignment and its scope, a subnet and its virtual network);
 * - ARM ids in bodies: any string (value or member name) equal, case-insensitively, to another resource's id (a
 *   compute and its subnet, a workspace and its key vault, a compute and the user-assigned identity it runs as);
 * - references: a `{ "ref": { "resource": … } }` value (lib/manifest/refs.ts) waits for the resource it reads.
 */
import { isManifestRef } from './refs.js';

/** What the graph needs of a resource. */
export interface GraphResource {
  readonly logicalId: string;
  readonly id: string;
  readonly body: unknown;
  /** Declared dependencies (logicalIds). */
  readonly dependsOn: readonly string[];
}

/** Lower-case ARM ids of a stack's resources, for the id-based edge sources. */
export interface IdIndex {
  /** Lower-case ARM id → logicalId. */
  readonly byId: ReadonlyMap<string, string>;
  /** `endSignature` of every id: a cheap necessary condition for a prefix to be an id. */
  readonly ends: ReadonlySet<number>;
  /** Length of the shortest id (no prefix shorter than it can be an id). */
  readonly minLength: number;
}

/**
 * A cheap necessary condition for `s.slice(0, len)` to be one of the ids: an id of that length ending in the same
 * two characters exists. Ids of a program mostly share a few lengths, so the length alone rules out little.
 */
function endSignature(s: string, len: number): number {
  return len * 0x100000000 + s.charCodeAt(len - 1) * 0x10000 + (len > 1 ? s.charCodeAt(len - 2) : 0);
}

/** The id index of a set of resources (`lowerIds[i]` is `resources[i].id.toLowerCase()` when given). */
export function idIndex(resources: readonly GraphResource[], lowerIds?: readonly string[]): IdIndex {
  const byId = new Map<string, string>();
  const ends = new Set<number>();
  let minLength = Infinity;
  for (let i = 0; i < resources.length; i++) {
    const id = lowerIds?.[i] ?? resources[i].id.toLowerCase();
    byId.set(id, resources[i].logicalId);
    if (id.length > 0) ends.add(endSignature(id, id.length));
    if (id.length < minLength) minLength = id.length;
  }
  return { byId, ends, minLength };
}

/** `out.push(x)` of an insertion-ordered set, on an array: a resource has few dependencies. */
function add(out: string[], x: string, self: string): void {
  if (x !== self && !out.includes(x)) out.push(x);
}

/** ARM ancestors of `r` that are resources of the stack: cut the id at every `/` and look the prefix up. */
export function parentEdges(r: GraphResource, index: IdIndex, out: string[] = [], lowerId?: string): string[] {
  const id = lowerId ?? r.id.toLowerCase();
  for (let i = id.lastIndexOf('/'); i > 0 && i >= index.minLength; i = id.lastIndexOf('/', i - 1)) {
    if (!index.ends.has(endSignature(id, i))) continue;
    const owner = index.byId.get(id.slice(0, i));
    if (owner !== undefined) add(out, owner, r.logicalId);
  }
  return out;
}

/**
 * One walk of a body for the two body sources: ARM ids (string values and member names) when `index` is given,
 * references when `refs` is true. A module-level recursion rather than a closure per body: it runs for every
 * resource of the program.
 */
function walkBody(r: GraphResource, index: IdIndex | undefined, refs: boolean, out: string[]): void {
  visitValue(r.body, r.logicalId, index, refs, out);
}

function visitValue(v: unknown, self: string, index: IdIndex | undefined, refs: boolean, out: string[]): void {
  if (typeof v === 'string') {
    // An ARM id starts with '/' and is no shorter than the shortest id; most strings are neither.
    if (index && v.charCodeAt(0) === 47 && v.length >= index.minLength) {
      const owner = index.byId.get(v.toLowerCase());
      if (owner !== undefined) add(out, owner, self);
    }
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) visitValue(v[i], self, index, refs, out);
  } else if (v !== null && typeof v === 'object') {
    if (refs && isManifestRef(v)) {
      add(out, v.ref.resource, self);
      return;
    }
    for (const k in v) {
      if (index && k.charCodeAt(0) === 47) visitValue(k, self, index, refs, out);
      visitValue((v as Record<string, unknown>)[k], self, index, refs, out);
    }
  }
}

/** Resources whose ARM id appears in the body as a string value or as a member name (`userAssignedIdentities`). */
export function bodyIdEdges(r: GraphResource, index: IdIndex, out: string[] = []): string[] {
  walkBody(r, index, false, out);
  return out;
}

/** Resources the body reads deploy-time values from (`{ "ref": { "resource": … } }`). */
export function referenceEdges(r: GraphResource, out: string[] = []): string[] {
  walkBody(r, undefined, true, out);
  return out;
}

/** Every edge of every resource, sorted per resource (declared, parent, body ids, references). */
export function computeDependsOn(resources: readonly GraphResource[]): string[][] {
  const lowerIds = resources.map((r) => r.id.toLowerCase());
  const index = idIndex(resources, lowerIds);
  return resources.map((r, i) => {
    const out: string[] = [];
    for (const d of r.dependsOn) add(out, d, r.logicalId);
    parentEdges(r, index, out, lowerIds[i]);
    // The body sources in one walk (bodyIdEdges + referenceEdges).
    walkBody(r, index, true, out);
    return out.sort();
  });
}

/**
 * A dependency cycle among `nodes` (logicalId → its dependencies), as the path that closes it
 * (`[a, b, c, a]`), or undefined. Kahn's algorithm on indices first (the common, acyclic case costs one pass);
 * only when nodes are left over is a cycle walked out among them.
 */
export function findCycle(nodes: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const ids = [...nodes.keys()];
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) index.set(ids[i], i);
  const pending = new Int32Array(ids.length); // unfinished dependencies of each node
  const dependents: number[][] = ids.map(() => []);
  for (let i = 0; i < ids.length; i++) {
    for (const d of nodes.get(ids[i])!) {
      const j = index.get(d);
      if (j === undefined || j === i) continue;
      pending[i]++;
      dependents[j].push(i);
    }
  }
  const ready: number[] = [];
  for (let i = 0; i < ids.length; i++) if (pending[i] === 0) ready.push(i);
  let done = 0;
  while (ready.length) {
    const i = ready.pop()!;
    done++;
    for (const k of dependents[i]) if (--pending[k] === 0) ready.push(k);
  }
  if (done === ids.length) return undefined;
  // Every left-over node waits for another left-over node: follow dependencies until one repeats.
  const seen = new Map<number, number>(); // node → position in the walk
  const walk: number[] = [];
  let cur = pending.findIndex((p) => p > 0);
  while (!seen.has(cur)) {
    seen.set(cur, walk.length);
    walk.push(cur);
    const next = nodes
      .get(ids[cur])!
      .map((d) => index.get(d))
      .find((j): j is number => j !== undefined && j !== cur && pending[j] > 0);
    cur = next!;
  }
  return [...walk.slice(seen.get(cur)), cur].map((i) => ids[i]);
}
