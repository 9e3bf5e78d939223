/**
 * Construct ids are path segments and keys of the constructs library's child map: an empty id, a non-string, or a
 * name every object already has (`__proto__`, `constructor`, `valueOf`…) gave uncoded errors from deep inside
 * `constructs` ("There is already a Construct with name '__proto__'"). Checked before the construct is created.
 */
import type { IConstruct } from 'constructs';
import { ValidationError } from './errors.js';

/** The longest construct id. */
export const MAX_CONSTRUCT_ID_LENGTH = 255;

/**
 * `id` if it can name a construct under `scope`, else a ValidationError `InvalidConstructId`.
 *
 * @example
 * super(scope, checkConstructId(scope, id));
 */
export function checkConstructId(scope: IConstruct | undefined, id: unknown): string {
  let where = '<root>';
  try {
    where = scope?.node.path || '<root>';
  } catch {
    // an odd scope: the constructs library reports it
  }
  const problem =
    typeof id !== 'string'
      ? `is ${id === null ? 'null' : typeof id}, not a string`
      : id === ''
        ? 'is empty'
        : id.length > MAX_CONSTRUCT_ID_LENGTH
          ? `has ${id.length} characters (at most ${MAX_CONSTRUCT_ID_LENGTH})`
          : id in Object.prototype
            ? `"${id}" is a name every JavaScript object has`
            : id.includes('/')
              ? 'contains "/" (the path separator)'
              : undefined;
  if (problem === undefined) return id as string;
  throw new ValidationError('InvalidConstructId', `the construct id ${problem}`, `${where}/?`, {
    allowed: `1-${MAX_CONSTRUCT_ID_LENGTH} characters without "/", not a member name of Object (__proto__, constructor, valueOf…)`,
    fix: "give the construct a descriptive id such as 'GpuCluster'",
  });
}
