/**
 * Apply-time handling of Azure's lifecycle traps (see ./lifecycle.ts for the plan side):
 *
 * - a write answered 400 `PrincipalNotFound` (a new identity or group not replicated in Entra ID yet) is sent again
 *   with backoff, up to a bound (default 5 minutes), each retry reported as a progress event;
 * - a role assignment create answered 409 `RoleAssignmentExists` adopts the existing assignment, whose name Azure
 *   gives in the message without dashes ("The ID of the existing role assignment is 2f9290b01a8244fea959b441c49c84cb.");
 * - an update sends back, as Azure has them, the tags the program never declared and the values at
 *   `ignoreChanges` paths.
 */
import { AmlcdkError } from '../core/errors.js';
import { ArmError, type ArmClient, type ArmResource } from '../arm/types.js';
import { setAt } from './json-path.js';
import { assignmentScope } from './lifecycle-observe.js';

export const DEFAULT_PRINCIPAL_WAIT_MS = 300_000;
const FIRST_WAIT_MS = 500;
const MAX_WAIT_MS = 30_000;

export interface RetryProgress {
  readonly code: string;
  readonly attempt: number;
  readonly waitedMs: number;
  readonly boundMs: number;
  readonly nextInMs: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Run `send`; while it fails with `PrincipalNotFound`, wait (500 ms, doubling, at most 30 s) and send it again, until
 * `boundMs` has passed since the first attempt. Then fail with a coded error that says how long it waited.
 */
export async function sendWithRetries<T>(
  send: () => Promise<T>,
  options: {
    readonly address: string;
    readonly boundMs?: number;
    readonly onRetry?: (p: RetryProgress) => void;
    readonly signal?: AbortSignal;
  },
): Promise<T> {
  const bound = options.boundMs ?? DEFAULT_PRINCIPAL_WAIT_MS;
  const t0 = Date.now();
  let wait = FIRST_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof ArmError) || err.armCode !== 'PrincipalNotFound') throw err;
      const waited = Date.now() - t0;
      if (waited >= bound) {
        throw new AmlcdkError(
          'PrincipalNotFound',
          `${options.address}: Azure still answers PrincipalNotFound after ${Math.round(waited / 1000)} s and ${attempt} attempt(s): ${err.message}. Fix: check that the principal's object id is right and exists in the tenant of the subscription; for a principal created just now, apply again later or set principalType on the assignment (amlcdk sets it unless the body was overridden).`,
        );
      }
      const next = Math.min(wait, bound - waited);
      options.onRetry?.({ code: err.armCode, attempt, waitedMs: waited, boundMs: bound, nextInMs: next });
      await sleep(next, options.signal);
      wait = Math.min(wait * 2, MAX_WAIT_MS);
    }
  }
}

/**
 * The existing assignment a 409 `RoleAssignmentExists` names, read back (undefined when the error is not that, or
 * names nothing readable).
 */
export async function adoptExistingAssignment(
  client: ArmClient,
  err: unknown,
  desiredId: string,
  apiVersion: string,
  signal?: AbortSignal,
): Promise<ArmResource | undefined> {
  if (!(err instanceof ArmError) || err.armCode !== 'RoleAssignmentExists') return undefined;
  const m = /existing role assignment is\s+'?([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})/i.exec(
    err.message,
  );
  if (!m) return undefined;
  const hex = m[1].replace(/-/g, '').toLowerCase();
  const guid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const id = `${assignmentScope(desiredId)}/providers/Microsoft.Authorization/roleAssignments/${guid}`;
  return client.get(id, apiVersion, signal ? { signal } : {});
}

/** A copy of `body` with the undeclared tags and the `ignoreChanges` values Azure holds put back. */
export function withKeptValues(
  body: unknown,
  keepTags: Readonly<Record<string, string>> | undefined,
  keepValues: readonly { readonly segs: readonly string[]; readonly value: unknown }[] | undefined,
  onlyExisting = false,
): unknown {
  if ((!keepTags || Object.keys(keepTags).length === 0) && (!keepValues || keepValues.length === 0)) return body;
  const out = JSON.parse(JSON.stringify(body ?? {})) as Record<string, unknown>;
  if (keepTags && Object.keys(keepTags).length) out.tags = { ...keepTags, ...(out.tags ?? {}) };
  for (const { segs, value } of keepValues ?? []) {
    if (onlyExisting && !has(out, segs)) continue;
    setAt(out, segs, value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  }
  return out;
}

function has(v: unknown, segs: readonly string[]): boolean {
  let cur = v;
  for (const s of segs) {
    if (!cur || typeof cur !== 'object' || !(s in (cur as Record<string, unknown>))) return false;
    cur = (cur as Record<string, unknown>)[s];
  }
  return true;
}
