/**
 * Deploy-time values as strings, like the AWS CDK's tokens: `cluster.identity.principalId` is a `string` that stands
 * for the value Azure assigns when the cluster is created, so it can go wherever a string goes (a role
 * assignment's principal, a grant, another construct's prop). When a resource is rendered, each such string in its
 * body becomes a manifest reference `{ "ref": { "resource": "<construct path>", "attribute": "<path>" } }`
 * (lib/manifest/refs.ts) that synthesis checks and every engine resolves.
 *
 * The string is self-describing (the construct path and the attribute), so nothing global is needed to read it.
 * It must be a whole value: a reference inside a longer string cannot be resolved by Azure Resource Manager and is
 * reported (`ReferenceInString`).
 */
import type { IConstruct } from 'constructs';

const OPEN = '${amlcdk:ref:';
const WHOLE = /^\$\{amlcdk:ref:([^#}]+)#([A-Za-z0-9_.]+)\}$/;

let issued = 0;

/** A parsed reference: the construct path of the resource and the attribute path. */
export interface ReferenceTarget {
  readonly resource: string;
  readonly attribute: string;
}

/** Deploy-time reference strings. */
export class Reference {
  /**
   * The string that stands for `attribute` of `target` (a resource construct), e.g. `identity.principalId`.
   *
   * @example
   * const principalId: string = Reference.to(cluster, 'identity.principalId');
   */
  public static to(target: IConstruct, attribute: string): string {
    issued += 1;
    return `${OPEN}${encodeURIComponent(target.node.path)}#${attribute}}`;
  }

  /** Whether `s` is exactly one reference. */
  public static isReference(s: unknown): boolean {
    return typeof s === 'string' && s.startsWith(OPEN) && WHOLE.test(s);
  }

  /** Whether `s` contains a reference anywhere (a whole one or one inside a longer string). */
  public static contains(s: unknown): boolean {
    return typeof s === 'string' && s.includes(OPEN);
  }

  /** The resource path and attribute of a reference string, or undefined. */
  public static parse(s: unknown): ReferenceTarget | undefined {
    if (typeof s !== 'string') return undefined;
    const m = WHOLE.exec(s);
    return m ? { resource: decodeURIComponent(m[1]), attribute: m[2] } : undefined;
  }

  /** Whether any reference was made in this process: when none was, bodies need no scan for them. */
  public static get anyIssued(): boolean {
    return issued > 0;
  }

  /** The construct a reference names, looked up from the root of `scope`'s tree. */
  public static targetOf(scope: IConstruct, s: string): IConstruct | undefined {
    const t = Reference.parse(s);
    if (!t) return undefined;
    let c: IConstruct | undefined = scope.node.root;
    for (const id of t.resource.split('/')) {
      c = c?.node.tryFindChild(id);
      if (!c) return undefined;
    }
    return c;
  }
}

/**
 * `value` with every reference string turned into a manifest reference object. A reference inside a longer string
 * or in a member name is handed to `misplaced` (with its JSON pointer), which should report it.
 */
export function referencesToManifest(value: unknown, misplaced: (pointer: string) => void, pointer = ''): unknown {
  if (typeof value === 'string') {
    if (!Reference.contains(value)) return value;
    const t = Reference.parse(value);
    if (t) return { ref: { resource: t.resource, attribute: t.attribute } };
    misplaced(pointer);
    return value;
  }
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    let out: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const x = referencesToManifest(items[i], misplaced, `${pointer}/${i}`);
      if (x !== items[i]) (out ??= [...items])[i] = x;
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const p = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (Reference.contains(k)) misplaced(p);
      const x = referencesToManifest(v, misplaced, p);
      if (x !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = x;
    }
    return out ?? value;
  }
  return value;
}
