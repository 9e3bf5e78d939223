/**
 * Retry policy for ARM calls: which failures are retried, how long to wait (exponential backoff with full
 * jitter, or exactly what `Retry-After` says), and how many attempts. The random source is injectable so tests
 * are deterministic.
 */

/** Returns a float in [0, 1). */
export type Random = () => number;

/** mulberry32: a small, fast, seedable PRNG (good enough for jitter, not for secrets). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RetryOptions {
  /** Attempts in total, the first included. @default 6 */
  readonly maxAttempts?: number;
  /** Backoff base: the cap of the first retry's jitter window. @default 1000 */
  readonly baseDelayMs?: number;
  /** Largest backoff window. @default 60000 */
  readonly maxDelayMs?: number;
  /** Longest `Retry-After` honoured before giving up on the call instead of waiting. @default 300000 */
  readonly maxRetryAfterMs?: number;
  /** @default Math.random */
  readonly random?: Random;
}

export interface ResolvedRetryOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly random: Random;
}

export function resolveRetryOptions(o: RetryOptions = {}): ResolvedRetryOptions {
  const maxAttempts = o.maxAttempts ?? 6;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError(`retry.maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  return {
    maxAttempts,
    baseDelayMs: o.baseDelayMs ?? 1000,
    maxDelayMs: o.maxDelayMs ?? 60_000,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 300_000,
    random: o.random ?? Math.random,
  };
}

/**
 * Full-jitter backoff (AWS architecture blog, "Exponential Backoff And Jitter"): a uniform wait in
 * [0, min(max, base * 2^retry)). `retry` counts from 0 for the first retry.
 */
export function backoffMs(retry: number, o: ResolvedRetryOptions): number {
  const window = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, retry));
  return Math.floor(o.random() * window);
}

/**
 * `Retry-After` in ms: delta-seconds (`"7"`, also fractional as some emulators send) or an HTTP date. Undefined
 * when absent or unparsable; never negative.
 */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (!/[A-Za-z]{3}/.test(v)) return undefined; // an HTTP date names its day/month; "-3" is not a date
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/**
 * ARM error codes that mean "another operation holds this resource (or its parent) right now": retry later, it
 * is contention, not throttling (reconciler.md §1.6, §5).
 */
export const IN_PROGRESS_CODES: ReadonlySet<string> = new Set(
  [
    'AnotherOperationInProgress',
    'OperationInProgress',
    'OperationNotAllowedDueToOperationInProgress',
    'RetryableErrorDueToAnotherOperation',
    'RetryableError',
    'ConflictingOperationInProgress',
    'ResourceBusy',
    'ResourceOperationInProgress',
  ].map((c) => c.toLowerCase()),
);

export function isInProgressCode(code: string): boolean {
  return IN_PROGRESS_CODES.has(code.toLowerCase());
}

/** Node socket errors that mean the connection dropped before a complete answer arrived. */
const DROPPED_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

/** True when a transport error means the connection dropped (the request may or may not have been applied). */
export function isDroppedConnection(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && DROPPED_CODES.has(e.code)) return true;
  const msg = typeof e.message === 'string' ? e.message : '';
  if (
    /socket hang up|ECONNRESET|EPIPE|ECONNREFUSED|other side closed|premature close|aborted/i.test(msg) &&
    !/The operation was aborted/i.test(msg)
  )
    return true;
  return e.cause !== undefined && e.cause !== err ? isDroppedConnection(e.cause) : false;
}
