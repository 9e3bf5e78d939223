/**
 * `amlcdk/testing`: synthesize a stack in memory and assert on its manifest.
 *
 * @example
 * const t = Template.fromStack(stack);
 * t.resourceCountIs('Microsoft.MachineLearningServices/workspaces/computes', 2);
 * t.hasResourceProperties('Microsoft.MachineLearningServices/workspaces/computes', {
 *   properties: { computeType: 'AmlCompute', properties: Match.objectLike({ vmPriority: 'LowPriority' }) },
 * });
 * t.hasWarning('azureml:cluster:lowPriorityIsSpot');
 */
import type { IConstruct } from 'constructs';
import { buildManifests } from '../core/synth.js';
import { Stack } from '../core/stack.js';
import type { Diagnostic } from '../core/errors.js';
import type { Manifest, ManifestResource } from '../manifest/types.js';
import { validateManifestDeep, type SchemaIssue } from '../manifest/schema.js';

const MATCHER = Symbol.for('amlcdk.testing.Matcher');

/** A custom matcher. */
export abstract class Matcher {
  constructor() {
    Object.defineProperty(this, MATCHER, { value: true });
  }
  public static isMatcher(x: unknown): x is Matcher {
    return typeof x === 'object' && x !== null && MATCHER in x;
  }
  /** Problems (empty when it matches), each prefixed with the JSON path. */
  public abstract test(actual: unknown, path: string): string[];
  /** For absent(): whether a missing key is acceptable. */
  public acceptsAbsent(): boolean {
    return false;
  }
}

class ObjectLike extends Matcher {
  constructor(
    private readonly pattern: Record<string, unknown>,
    private readonly exact: boolean,
  ) {
    super();
  }
  public test(actual: unknown, path: string): string[] {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return [`${path}: expected an object, got ${show(actual)}`];
    const a = actual as Record<string, unknown>;
    const out: string[] = [];
    for (const [k, v] of Object.entries(this.pattern)) {
      const p = `${path}/${k}`;
      if (!(k in a) || a[k] === undefined) {
        if (Matcher.isMatcher(v) && v.acceptsAbsent()) continue;
        out.push(`${p}: missing`);
        continue;
      }
      out.push(...matchValue(v, a[k], p, false));
    }
    if (this.exact) for (const k of Object.keys(a)) if (!(k in this.pattern)) out.push(`${path}/${k}: unexpected key`);
    return out;
  }
}

class ArrayWith extends Matcher {
  constructor(private readonly items: unknown[]) {
    super();
  }
  public test(actual: unknown, path: string): string[] {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`];
    const out: string[] = [];
    this.items.forEach((item, i) => {
      if (!actual.some((a) => matchValue(item, a, path, false).length === 0))
        out.push(`${path}: no element matches item ${i} ${show(item)}`);
    });
    return out;
  }
}

class Absent extends Matcher {
  public test(actual: unknown, path: string): string[] {
    return actual === undefined ? [] : [`${path}: expected absent, got ${show(actual)}`];
  }
  public override acceptsAbsent(): boolean {
    return true;
  }
}

class AnyValue extends Matcher {
  public test(actual: unknown, path: string): string[] {
    return actual === undefined || actual === null ? [`${path}: expected a value`] : [];
  }
}

class StringLike extends Matcher {
  constructor(private readonly re: RegExp) {
    super();
  }
  public test(actual: unknown, path: string): string[] {
    return typeof actual === 'string' && this.re.test(actual)
      ? []
      : [`${path}: expected a string matching ${this.re}, got ${show(actual)}`];
  }
}

class Exact extends Matcher {
  constructor(private readonly value: unknown) {
    super();
  }
  public test(actual: unknown, path: string): string[] {
    return matchValue(this.value, actual, path, true);
  }
}

/** Matchers for `hasResourceProperties`. Plain objects in patterns are deep partial matches (objectLike). */
export const Match = {
  /** Deep partial match of an object: listed keys must match, others are ignored. */
  objectLike: (pattern: Record<string, unknown>): Matcher => new ObjectLike(pattern, false),
  /** Exactly these keys. */
  objectEquals: (pattern: Record<string, unknown>): Matcher => new ObjectLike(pattern, true),
  /** An array containing elements matching each item (in any order). */
  arrayWith: (items: unknown[]): Matcher => new ArrayWith(items),
  /** The key must not be present. */
  absent: (): Matcher => new Absent(),
  /** Any non-null value. */
  anyValue: (): Matcher => new AnyValue(),
  /** A string matching a regular expression. */
  stringLikeRegexp: (re: RegExp | string): Matcher => new StringLike(typeof re === 'string' ? new RegExp(re) : re),
  /** Exactly this value (no partial matching of nested objects). */
  exact: (value: unknown): Matcher => new Exact(value),
};

function show(x: unknown): string {
  const s = JSON.stringify(x);
  return s === undefined ? String(x) : s.length > 80 ? s.slice(0, 77) + '...' : s;
}

function matchValue(pattern: unknown, actual: unknown, path: string, exact: boolean): string[] {
  if (Matcher.isMatcher(pattern)) return pattern.test(actual, path);
  if (Array.isArray(pattern)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`];
    if (pattern.length !== actual.length) return [`${path}: expected ${pattern.length} elements, got ${actual.length}`];
    return pattern.flatMap((p, i) => matchValue(p, actual[i], `${path}/${i}`, exact));
  }
  if (pattern !== null && typeof pattern === 'object')
    return new ObjectLike(pattern as Record<string, unknown>, exact).test(actual, path);
  return Object.is(pattern, actual) ? [] : [`${path}: expected ${show(pattern)}, got ${show(actual)}`];
}

/** Thrown by failed assertions (an Error with a readable report; works with node:assert and any runner). */
export class AssertionFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionFailure';
  }
}

/** The in-memory synthesis of one stack (or of every stack below a scope). */
export class Template {
  /**
   * Synthesize the app that holds `stack` in memory (nothing written, nothing thrown for validation errors) and
   * keep the stack's manifest and every diagnostic.
   */
  public static fromStack(stack: Stack): Template {
    const root = stack.node.root;
    const { manifests, diagnostics } = buildManifests(root);
    const manifest = manifests.find((m) => m.stack.name === stack.stackName);
    if (!manifest) throw new AssertionFailure(`stack ${stack.node.path} produced no manifest`);
    const prefix = stack.node.path;
    const own = diagnostics.filter((d) => d.path === prefix || d.path.startsWith(`${prefix}/`));
    return new Template(manifest, own);
  }

  /** Synthesize the app that holds `scope` and keep every diagnostic (for tests of errors). */
  public static synthScope(scope: IConstruct): Template {
    const { manifests, diagnostics } = buildManifests(scope.node.root);
    const stack = manifests[0];
    return new Template(stack ?? emptyManifest(), diagnostics, manifests);
  }

  private constructor(
    /** The stack's manifest. */
    public readonly manifest: Manifest,
    /** Every diagnostic (errors, warnings, info) of the stack. */
    public readonly diagnostics: readonly Diagnostic[],
    /** All manifests of the app (for synthScope). */
    public readonly manifests: readonly Manifest[] = [manifest],
  ) {}

  /** Resources of `type` (case-insensitive), optionally filtered by a pattern on the body. */
  public findResources(type: string, bodyPattern?: Record<string, unknown> | Matcher): ManifestResource[] {
    const t = type.toLowerCase();
    return this.allResources().filter(
      (r) => r.type.toLowerCase() === t && (!bodyPattern || matchValue(bodyPattern, r.body, '', false).length === 0),
    );
  }

  /** The resource with this logicalId (construct path). */
  public resource(logicalId: string): ManifestResource {
    const r = this.allResources().find((x) => x.logicalId === logicalId);
    if (!r)
      throw new AssertionFailure(
        `no resource ${logicalId}; have: ${this.allResources()
          .map((x) => x.logicalId)
          .join(', ')}`,
      );
    return r;
  }

  /** Assert that exactly `count` resources of `type` exist. */
  public resourceCountIs(type: string, count: number): void {
    const n = this.findResources(type).length;
    if (n !== count) throw new AssertionFailure(`expected ${count} ${type}, found ${n}`);
  }

  /** Assert that at least one resource of `type` has a body matching `pattern` (deep partial). */
  public hasResourceProperties(type: string, pattern: Record<string, unknown> | Matcher): void {
    const candidates = this.findResources(type);
    if (candidates.length === 0) throw new AssertionFailure(`no resource of type ${type}`);
    const reports: string[] = [];
    for (const r of candidates) {
      const problems = matchValue(pattern, r.body, '', false);
      if (problems.length === 0) return;
      reports.push(`${r.logicalId}:\n    ${problems.slice(0, 8).join('\n    ')}`);
    }
    throw new AssertionFailure(`no ${type} matches:\n  ${reports.join('\n  ')}`);
  }

  /** Assert there is an error with this code (optionally on a construct path). */
  public hasError(code: string, path?: string): Diagnostic {
    return this.find('error', code, path);
  }

  /** Assert there is a warning with this id (optionally on a construct path). */
  public hasWarning(id: string, path?: string): Diagnostic {
    return this.find('warning', id, path);
  }

  /** Assert there is no error at all (reports every error otherwise). */
  public hasNoErrors(): void {
    const errs = this.errors();
    if (errs.length)
      throw new AssertionFailure(
        `expected no errors, got:\n  ${errs.map((e) => `${e.code} [${e.path}] ${e.message}`).join('\n  ')}`,
      );
  }

  /** Assert there is no warning with this id. */
  public hasNoWarning(id: string): void {
    const w = this.diagnostics.find((d) => d.level === 'warning' && d.code === id);
    if (w) throw new AssertionFailure(`unexpected warning ${id} at ${w.path}: ${w.message}`);
  }

  public errors(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.level === 'error');
  }

  public warnings(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.level === 'warning');
  }

  /** Schema issues of the manifest and every body (empty when valid). */
  public schemaIssues(): SchemaIssue[] {
    return this.manifests.flatMap((m) => validateManifestDeep(m));
  }

  /** The manifest as plain JSON (for snapshots). */
  public toJSON(): Manifest {
    return this.manifest;
  }

  private allResources(): ManifestResource[] {
    return this.manifests.flatMap((m) => [...m.resources]);
  }

  private find(level: 'error' | 'warning', code: string, path?: string): Diagnostic {
    const hit = this.diagnostics.find(
      (d) => d.level === level && d.code === code && (path === undefined || d.path === path),
    );
    if (!hit) {
      const have = this.diagnostics.map((d) => `${d.level} ${d.code} [${d.path}]`).join('\n  ');
      throw new AssertionFailure(
        `expected ${level} ${code}${path ? ` at ${path}` : ''}; diagnostics:\n  ${have || '(none)'}`,
      );
    }
    return hit;
  }
}

function emptyManifest(): Manifest {
  return {
    schemaVersion: 1,
    stack: { name: '', subscriptionId: '', resourceGroup: '', location: '', tags: {} },
    resources: [],
    hash: '',
  };
}

export { Stack };
