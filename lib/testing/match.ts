import { hasBrand } from '../core/brand.js';
/**
 * Patterns for `Template.hasResourceProperties` and the `toHaveResource` matcher: plain objects match deeply and
 * partially; `Match.*` matchers say more (exact, absent, any value, regular expression, array containing).
 */
const MATCHER = Symbol.for('amlcdk.testing.Matcher');

/** A custom matcher. */
export abstract class Matcher {
  constructor() {
    Object.defineProperty(this, MATCHER, { value: true });
  }
  public static isMatcher(x: unknown): x is Matcher {
    return hasBrand(x, MATCHER);
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

/** Problems of `actual` against `pattern` (empty when it matches), each prefixed with the JSON path. */
export function matchValue(pattern: unknown, actual: unknown, path: string, exact: boolean): string[] {
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
