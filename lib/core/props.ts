/**
 * Run-time prop checks for JavaScript callers and bad casts: a prop of the wrong type becomes a coded
 * `InvalidPropType` error with the prop name, never a TypeError deep inside rendering.
 */
import type { IConstruct } from 'constructs';
import { types } from 'node:util';
import { Annotations } from './annotations.js';
import { checkConstructId } from './construct-id.js';
import { describeKind } from './text.js';

/** The most items an array prop may hold (a sparse million-item array took minutes to synthesize). */
export const MAX_PROP_ARRAY_ITEMS = 1000;
/** The deepest plain data a prop may nest (objects and arrays). */
export const MAX_PROP_DEPTH = 16;

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || types.isProxy(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Why a prop value cannot be used at all, whatever its prop expects, or `undefined`. Plain data (objects and arrays)
 * is walked; class instances (constructs, VmSize, Secret…) are left to the prop's own type check. Reading a value
 * here never runs user code: no getters, `toString` or Proxy traps are called.
 */
export function propHazard(v: unknown, depth = 0, seen: Set<object> = new Set()): string | undefined {
  if (typeof v === 'bigint') return 'a BigInt';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v !== 'object' || v === null) return undefined;
  if (types.isProxy(v)) return 'a Proxy';
  if (!Array.isArray(v) && !isPlainObject(v)) return undefined;
  // Messages print what was given: an object without a prototype, or with its own toString/valueOf, cannot be
  // printed safely (String() throws or runs user code). Props are data: neither has a use here.
  if (!Array.isArray(v) && Object.getPrototypeOf(v) === null) return 'an object without a prototype';
  if (seen.has(v)) return 'a circular value';
  if (depth >= MAX_PROP_DEPTH) return `data nested deeper than ${MAX_PROP_DEPTH} levels`;
  seen.add(v);
  try {
    if (Array.isArray(v)) {
      if (v.length > MAX_PROP_ARRAY_ITEMS) return `an array of ${v.length} items (at most ${MAX_PROP_ARRAY_ITEMS})`;
      for (let i = 0; i < v.length; i++) {
        const d = Object.getOwnPropertyDescriptor(v, i);
        if (d === undefined) return 'an array with holes';
        if (!('value' in d)) return 'an array with a getter';
        const h = propHazard(d.value, depth + 1, seen);
        if (h) return h;
      }
      return undefined;
    }
    for (const k of Object.keys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      if (d && !('value' in d)) return `an object with a getter (${k.slice(0, 40)})`;
      if (typeof d?.value === 'function') return `an object with a function (${k.slice(0, 40)})`;
      const h = propHazard(d?.value, depth + 1, seen);
      if (h) return h;
    }
    return undefined;
  } finally {
    seen.delete(v);
  }
}

/** One expected prop type: a predicate and how to describe it. */
export interface PropType {
  readonly test: (v: unknown) => boolean;
  readonly expected: string;
}

export const T = {
  string: { test: (v: unknown) => typeof v === 'string', expected: 'a string' },
  boolean: { test: (v: unknown) => typeof v === 'boolean', expected: 'true or false' },
  number: { test: (v: unknown) => typeof v === 'number' && Number.isFinite(v), expected: 'a number' },
  array: { test: (v: unknown) => Array.isArray(v), expected: 'an array' },
  object: { test: (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v), expected: 'an object' },
  /** Plain data such as tags: an object literal, not a construct or class instance. */
  record: { test: isPlainObject, expected: 'an object literal' },
  // Classes with private constructors (enum-like) are accepted too: only `prototype` is needed for instanceof.
  instance: (cls: { readonly prototype: object }, name: string): PropType => ({
    test: (v: unknown) => typeof v === 'object' && v !== null && Object.prototype.isPrototypeOf.call(cls.prototype, v),
    expected: `a ${name}`,
  }),
  arrayOf: (item: PropType): PropType => ({
    test: (v: unknown) => Array.isArray(v) && v.every((x) => item.test(x)),
    expected: `an array of ${item.expected.replace(/^an? /, '')}`,
  }),
} as const;

/**
 * Drop optional props of the wrong type (recording `InvalidPropType` with the prop name), so a JavaScript caller or
 * a bad cast gets a coded error instead of a TypeError deep inside rendering.
 */
export function normalizeProps<P extends object>(
  c: IConstruct,
  props: P | undefined,
  types: Partial<Record<keyof P, PropType>>,
): P {
  if (props === undefined || props === null || typeof props !== 'object') {
    Annotations.of(c).addError('InvalidPropType', 'props must be an object', {
      value: props === null ? null : typeof props,
      allowed: 'an object literal',
      fix: 'pass the props object',
    });
    return {} as P;
  }
  const cleaned = cleanProps(props);
  reportPropProblems(c, cleaned.problems);
  const out = cleaned.props as Record<string, unknown>;
  for (const [key, type] of Object.entries(types) as Array<[string, PropType]>) {
    const v = out[key];
    if (v === undefined || type.test(v)) continue;
    Annotations.of(c).addError('InvalidPropType', `${key} must be ${type.expected}`, {
      value: v === null || typeof v !== 'object' ? v : Array.isArray(v) ? 'an array' : 'an object',
      allowed: type.expected,
      fix: `pass ${type.expected} for ${key}, or leave it unset`,
    });
    delete out[key];
  }
  return out as P;
}

/** A prop value that was dropped by `cleanProps`, and why. */
export interface PropProblem {
  readonly message: string;
  readonly fix: string;
}

/**
 * The props' own values that can be used at all (see `propHazard`), read once each, and what was dropped. Needs no
 * construct, so a base class can clean its props before `super()` and report after it.
 */
export function cleanProps<P extends object>(props: P): { props: P; problems: PropProblem[] } {
  const problems: PropProblem[] = [];
  if (types.isProxy(props)) {
    problems.push({ message: 'props must be a plain object, not a Proxy', fix: 'pass the props object itself' });
    return { props: {} as P, problems };
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(props)) {
    const name = key.slice(0, 60);
    let v: unknown;
    try {
      v = (props as Record<string, unknown>)[key];
    } catch {
      problems.push({ message: `${name} could not be read (its getter threw)`, fix: `pass a plain value for ${name}` });
      continue;
    }
    const hazard = propHazard(v);
    if (hazard) {
      problems.push({
        message: `${name} is ${hazard}`,
        fix: `pass plain values (strings, numbers, booleans, object literals, arrays of at most ${MAX_PROP_ARRAY_ITEMS} items, amlcdk objects) for ${name}, or leave it unset`,
      });
      continue;
    }
    // defineProperty: a "__proto__" key stays data instead of replacing the prototype.
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return { props: out as P, problems };
}

/** Record `InvalidPropType` errors for what `cleanProps` dropped. */
export function reportPropProblems(c: IConstruct, problems: readonly PropProblem[]): void {
  for (const p of problems) Annotations.of(c).addError('InvalidPropType', p.message, { fix: p.fix });
}

/** What `prepareConstruct` returns: the checked id, the cleaned props and what was dropped from them. */
export interface PreparedConstruct<P> {
  readonly id: string;
  readonly props: P;
  readonly problems: readonly PropProblem[];
}

/**
 * The first step of a construct's constructor, before the id or a prop is used (names are derived from them before
 * `super`): the id checked (`InvalidConstructId`, thrown), the props cleaned (`cleanProps`). Report the problems
 * once the construct exists, with `reportPropProblems(this, prepared.problems)`.
 *
 * @example
 * const prepared = prepareConstruct(scope, id, props);
 * super(scope, prepared.id, …prepared.props…);
 * reportPropProblems(this, prepared.problems);
 */
export function prepareConstruct<P extends object>(
  scope: IConstruct,
  id: unknown,
  props: P | undefined,
): PreparedConstruct<P> {
  const checked = checkConstructId(scope, id);
  if (props === undefined) return { id: checked, props: {} as P, problems: [] };
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    return {
      id: checked,
      props: {} as P,
      problems: [{ message: `props must be an object, not ${describeKind(props)}`, fix: 'pass the props object' }],
    };
  }
  const cleaned = cleanProps(props);
  return { id: checked, props: cleaned.props, problems: cleaned.problems };
}
