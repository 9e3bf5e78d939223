/**
 * jest matchers over a stack's synthesized manifest (`expect.extend(matchers)`), built on {@link Template}: each
 * passes or fails exactly as the Template assertion of the same name, with its report as the message.
 *
 * @example
 * import { matchers } from 'amlcdk/testing';
 * expect.extend(matchers);
 * expect(stack).toHaveResource('Microsoft.MachineLearningServices/workspaces/computes', {
 *   properties: { computeType: 'AmlCompute' },
 * });
 */
import { Stack } from '../core/stack.js';
import type { Matcher } from './match.js';
import { AssertionFailure, Template } from './template.js';

/** The matchers' signatures, for `expect(stackOrTemplate)`. */
export interface AmlcdkMatchers<R> {
  /** At least one resource of `type` (case-insensitive) whose body matches `props` (deep partial, or a Matcher). */
  toHaveResource(type: string, props?: Record<string, unknown> | Matcher): R;
  /** Exactly `count` resources of `type`. */
  toHaveResourceCount(type: string, count: number): R;
  /** A synthesis error with this code (optionally at this construct path). */
  toHaveError(code: string, path?: string): R;
  /** A synthesis warning with this id (optionally at this construct path). */
  toHaveWarning(id: string, path?: string): R;
  /** No synthesis error at all. */
  toHaveNoErrors(): R;
  /** The manifest and every resource body are valid against amlcdk's JSON Schemas. */
  toBeSchemaValid(): R;
}

declare global {
  // jest's global `expect` (the default with @types/jest, e.g. under ts-jest's preset) gets the matchers' types.
  // eslint-disable-next-line @typescript-eslint/no-namespace -- the shape @types/jest declares
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- @types/jest's parameters, repeated as merging requires
    interface Matchers<R, T = {}> extends AmlcdkMatchers<R> {}
  }
}

interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

function templateOf(received: unknown): Template {
  if (received instanceof Template) return received;
  if (Stack.isStack(received)) return Template.fromStack(received);
  throw new AssertionFailure(
    `expected a Stack or a Template (Template.fromStack(stack)), got ${received === null ? 'null' : typeof received}`,
  );
}

/**
 * Run a Template assertion: passing when it returns, failing with its report when it throws AssertionFailure.
 * `negated` is the message of a pass, which jest shows under `.not`.
 */
function assertion(received: unknown, negated: string, assert: (t: Template) => void): MatcherResult {
  const t = templateOf(received);
  try {
    assert(t);
    return { pass: true, message: () => negated };
  } catch (e) {
    if (!(e instanceof AssertionFailure)) throw e;
    return { pass: false, message: () => e.message };
  }
}

/** Pass to `expect.extend(matchers)` (jest, or any runner with jest's `expect`). */
export const matchers = {
  toHaveResource(received: unknown, type: string, props?: Record<string, unknown> | Matcher): MatcherResult {
    return assertion(received, `expected no ${type}${props ? ' matching the pattern' : ''}, but there is one`, (t) =>
      props === undefined ? t.hasResource(type) : t.hasResourceProperties(type, props),
    );
  },
  toHaveResourceCount(received: unknown, type: string, count: number): MatcherResult {
    return assertion(received, `expected a count of ${type} other than ${count}`, (t) =>
      t.resourceCountIs(type, count),
    );
  },
  toHaveError(received: unknown, code: string, path?: string): MatcherResult {
    return assertion(received, `expected no error ${code}${path ? ` at ${path}` : ''}, but there is one`, (t) => {
      t.hasError(code, path);
    });
  },
  toHaveWarning(received: unknown, id: string, path?: string): MatcherResult {
    return assertion(received, `expected no warning ${id}${path ? ` at ${path}` : ''}, but there is one`, (t) => {
      t.hasWarning(id, path);
    });
  },
  toHaveNoErrors(received: unknown): MatcherResult {
    return assertion(received, 'expected synthesis errors, but there are none', (t) => t.hasNoErrors());
  },
  toBeSchemaValid(received: unknown): MatcherResult {
    return assertion(received, 'expected schema violations, but the manifest is valid', (t) => t.hasValidSchema());
  },
};
