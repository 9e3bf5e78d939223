/**
 * Defensive reading of list props: JavaScript callers (and `as any`) can pass anything, and a bad value must become a
 * coded ValidationError on the construct, never a TypeError.
 */
import type { IConstruct } from 'constructs';
import { recordError } from '../../core/annotations.js';
import { ValidationError } from '../../core/errors.js';

/**
 * `value` as a list of strings. `undefined` gives `[]`; anything else that is not an array of strings records
 * `InvalidPropType` on `scope` and gives the string elements only.
 */
export function stringList(scope: IConstruct, value: unknown, field: string, example: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    recordError(
      scope,
      new ValidationError('InvalidPropType', `${field} must be a list of strings`, scope, {
        value,
        allowed: `an array such as ${example}`,
        fix: `pass ${field} as an array`,
      }),
    );
    return [];
  }
  const bad = value.filter((v) => typeof v !== 'string' || v.length === 0);
  if (bad.length) {
    recordError(
      scope,
      new ValidationError(
        'InvalidPropType',
        `${field} holds ${bad.length} value(s) that are not non-empty strings`,
        scope,
        { value: bad, allowed: `strings, e.g. ${example}`, fix: `fix ${field}` },
      ),
    );
  }
  return value.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Like {@link stringList} for lists of ports (numbers or strings). */
export function portList(scope: IConstruct, value: unknown, field: string): Array<string | number> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    recordError(
      scope,
      new ValidationError('InvalidPropType', `${field} must be a list of ports`, scope, {
        value,
        allowed: 'an array such as [443, "8000-8100", "*"]',
        fix: `pass ${field} as an array`,
      }),
    );
    return [];
  }
  return value as Array<string | number>;
}

/** `value` as an array (of anything), recording `InvalidPropType` when it is not one. */
export function list<T>(scope: IConstruct, value: unknown, field: string, example: string): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    recordError(
      scope,
      new ValidationError('InvalidPropType', `${field} must be a list`, scope, {
        value: typeof value === 'object' ? '(object)' : value,
        allowed: `an array such as ${example}`,
        fix: `pass ${field} as an array`,
      }),
    );
    return [];
  }
  return value as T[];
}
