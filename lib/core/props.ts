/**
 * Run-time prop checks for JavaScript callers and bad casts: a prop of the wrong type becomes a coded
 * `InvalidPropType` error with the prop name, never a TypeError deep inside rendering.
 */
import type { IConstruct } from 'constructs';
import { Annotations } from './annotations.js';

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
  const out = { ...props } as Record<string, unknown>;
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
