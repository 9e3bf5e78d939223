/**
 * Client-side token buckets matched to ARM's throttling model (regional token bucket per subscription, per
 * principal, per operation kind: reads 250 burst / 25 per s, writes 200 / 10, deletes 200 / 10). Staying under
 * them means the engine never provokes a 429, and a 429 never delays the recovery of the whole subscription.
 *
 * The bucket hands out *reservations*: taking a token may drive the balance negative, and the caller waits
 * until its reservation is covered by the refill. Callers are therefore served first come, first served, and a
 * waiter's delay is computed once, exactly, from the injectable clock (deterministic in tests).
 */

/** Milliseconds since some fixed point; `Date.now` by default. */
export type Clock = () => number;
/** Waits `ms` milliseconds, rejecting when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The three ARM operation classes that have their own bucket. */
export type OperationKind = 'reads' | 'writes' | 'deletes';

export interface BucketLimits {
  /** Maximum tokens (the burst). */
  readonly burst: number;
  /** Tokens added per second. */
  readonly perSecond: number;
}

/** ARM's documented per-principal limits (Microsoft Learn, "Understand how ARM throttles requests", 2024 model). */
export const ARM_LIMITS: Readonly<Record<OperationKind, BucketLimits>> = {
  reads: { burst: 250, perSecond: 25 },
  writes: { burst: 200, perSecond: 10 },
  deletes: { burst: 200, perSecond: 10 },
};

/** A sleep that honours an AbortSignal. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    if (ms <= 0) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * One token bucket.
 *
 * @example
 * const b = new TokenBucket({ burst: 200, perSecond: 10 });
 * await b.take(); // resolves at once while tokens remain, then at the refill rate
 */
export class TokenBucket {
  public readonly burst: number;
  public readonly perSecond: number;
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  /**
   * Whether ARM has told us what remains (an `x-ms-ratelimit-remaining-*` header). Until then the bucket's full
   * burst is only a guess: other tools of the same principal may have spent it.
   */
  public calibrated = false;
  private readonly clock: Clock;
  private readonly sleep: Sleep;

  /**
   * @param limits burst and refill rate (both > 0)
   * @param clock @default Date.now
   * @param sleep @default a setTimeout-based sleep
   */
  constructor(limits: BucketLimits, clock: Clock = Date.now, sleep: Sleep = realSleep) {
    if (!(limits.burst > 0) || !(limits.perSecond > 0)) {
      throw new RangeError(`token bucket limits must be positive, got burst=${limits.burst} perSecond=${limits.perSecond}`);
    }
    this.burst = limits.burst;
    this.perSecond = limits.perSecond;
    this.tokens = limits.burst;
    this.clock = clock;
    this.sleep = sleep;
    this.last = clock();
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
    }
  }

  /** Tokens available now (negative while reservations are outstanding). */
  public available(): number {
    this.refill(this.clock());
    return this.tokens;
  }

  /**
   * Reserve one token and return how long the caller must wait before using it (0 when a token was free).
   * The reservation is made even when the wait is long; use `take` to reserve and wait.
   */
  public reserve(): number {
    const now = this.clock();
    this.refill(now);
    this.tokens -= 1;
    const deficitWait = this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000);
    return Math.max(deficitWait, this.pausedUntil - now, 0);
  }

  /** Reserve a token and wait until it may be spent. Rejects when `signal` aborts (the token is returned). */
  public async take(signal?: AbortSignal): Promise<void> {
    let wait = this.reserve();
    try {
      while (wait > 0) {
        await this.sleep(wait, signal);
        // A 429 seen while we slept pauses the bucket: never send before ARM's Retry-After has elapsed.
        wait = Math.max(0, this.pausedUntil - this.clock());
      }
    } catch (err) {
      this.tokens = Math.min(this.burst, this.tokens + 1);
      throw err;
    }
  }

  /** ARM says only `remaining` requests of this kind are left: never plan to spend more than that. */
  public observeRemaining(remaining: number): void {
    if (!Number.isFinite(remaining) || remaining < 0) return;
    this.calibrated = true;
    this.refill(this.clock());
    if (remaining < this.tokens) this.tokens = remaining;
  }

  /** A throttling 429: nothing of this kind may be sent before `ms` from now. */
  public pause(ms: number): void {
    if (!(ms > 0)) return;
    const until = this.clock() + ms;
    if (until > this.pausedUntil) this.pausedUntil = until;
    // Requests sent during the pause are not processed by ARM; the bucket restarts empty afterwards.
    this.refill(this.clock());
    if (this.tokens > 0) this.tokens = 0;
  }

  /** Milliseconds left of a pause, 0 when none. */
  public pausedFor(): number {
    return Math.max(0, this.pausedUntil - this.clock());
  }
}

export interface RateLimiterOptions {
  /** Per-kind limits. @default ARM_LIMITS */
  readonly limits?: Partial<Record<OperationKind, BucketLimits>>;
  /**
   * Multiplies every burst and rate, e.g. 0.5 to leave half of the subscription's budget to other tools, or
   * 10 against an emulator whose buckets are scaled the same way. @default 1
   */
  readonly scale?: number;
  /**
   * Whether `scale` also multiplies the bursts (true) or only the refill rates (false: the local emulator's
   * `throttle.scale` semantics, so client and emulator buckets match exactly). @default true
   */
  readonly scaleBursts?: boolean;
  /** @default Date.now */
  readonly clock?: Clock;
  /** @default a setTimeout-based sleep */
  readonly sleep?: Sleep;
}

/**
 * Token buckets keyed by scope (subscription, or `tenant` for calls outside a subscription) and operation kind.
 * One limiter belongs to one principal (one `HttpArmClient`); share it between clients of the same principal.
 */
export class ArmRateLimiter {
  public readonly limits: Readonly<Record<OperationKind, BucketLimits>>;
  public readonly scale: number;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly clock: Clock;
  private readonly sleep: Sleep;

  /** @example new ArmRateLimiter({ scale: 0.5 }) */
  constructor(options: RateLimiterOptions = {}) {
    const scale = options.scale ?? 1;
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`rate limiter scale must be a positive number, got ${scale}`);
    this.scale = scale;
    const base = { ...ARM_LIMITS, ...(options.limits ?? {}) };
    const b = options.scaleBursts === false ? 1 : scale;
    this.limits = {
      reads: { burst: base.reads.burst * b, perSecond: base.reads.perSecond * scale },
      writes: { burst: base.writes.burst * b, perSecond: base.writes.perSecond * scale },
      deletes: { burst: base.deletes.burst * b, perSecond: base.deletes.perSecond * scale },
    };
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  /** The bucket for a scope and kind (created on first use). */
  public bucket(scope: string, kind: OperationKind): TokenBucket {
    const key = `${scope.toLowerCase()}|${kind}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.limits[kind], this.clock, this.sleep);
      this.buckets.set(key, b);
    }
    return b;
  }

  public take(scope: string, kind: OperationKind, signal?: AbortSignal): Promise<void> {
    return this.bucket(scope, kind).take(signal);
  }
}

/** The operation kind ARM charges an HTTP method to. */
export function kindOfMethod(method: string): OperationKind {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD') return 'reads';
  if (m === 'DELETE') return 'deletes';
  return 'writes';
}

/** The throttling scope of a URL or resource id: `sub:<id>` inside a subscription, else `tenant`. */
export function scopeOf(idOrUrl: string): string {
  const m = /\/subscriptions\/([^/?#]+)/i.exec(idOrUrl);
  return m ? `sub:${m[1]!.toLowerCase()}` : 'tenant';
}
