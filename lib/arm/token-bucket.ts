/**
 * Client-side token buckets matched to ARM's throttling model (regional token bucket per subscription, per
 * principal, per operation kind: reads 250 burst / 25 per s, writes 200 / 10, deletes 200 / 10). Staying under
 * them means the engine never provokes a 429, and a 429 never delays the recovery of the whole subscription.
 *
 * Takers queue first come, first served and are granted tokens as the refill covers them, under a cap that
 * leaves room for the requests still on the wire (see `TokenBucket`); the injectable clock and sleep make it
 * deterministic in tests.
 */

import { abortReason } from './abort-reason.js';

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
      reject(abortReason(signal));
      return;
    }
    if (ms <= 0) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A taker queued behind others or behind the refill. */
interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  readonly track: boolean;
  readonly signal?: AbortSignal;
  onAbort?: () => void;
  cancelled: boolean;
}

/** Float slack when comparing a refilled balance with one token. */
const EPS = 1e-9;

/**
 * One token bucket.
 *
 * Takers are served first come, first served from one queue, woken by a single timer. The balance counts tokens
 * for requests not sent yet; it refills continuously up to `burst − inFlight`, where `inFlight` are the requests
 * sent (through `acquire`) whose answer has not come back. ARM's bucket cannot hold more than `burst` either, and
 * the requests on the wire will take their tokens from it when they arrive: a client that refilled up to `burst`
 * while they travel would count refill that ARM's full bucket threw away, and the next requests would get 429s
 * (the first burst, and a server slower than the refill, are where this happens).
 *
 * @example
 * const b = new TokenBucket({ burst: 200, perSecond: 10 });
 * const done = await b.acquire(); // resolves at once while tokens remain, then at the refill rate
 * try { await send(); } finally { done(); }
 */
export class TokenBucket {
  public readonly burst: number;
  public readonly perSecond: number;
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private head = 0;
  private timer: { readonly at: number; readonly ac: AbortController } | undefined;
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
      throw new RangeError(
        `token bucket limits must be positive, got burst=${limits.burst} perSecond=${limits.perSecond}`,
      );
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
      const next = Math.min(this.burst - this.inFlight, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      if (next > this.tokens) this.tokens = next;
      this.last = now;
    }
  }

  private queued(): number {
    let n = 0;
    for (let i = this.head; i < this.queue.length; i++) if (!this.queue[i].cancelled) n += 1;
    return n;
  }

  /** Tokens available now, minus the takers queued (negative while takers wait). */
  public available(): number {
    this.refill(this.clock());
    return this.tokens - this.queued();
  }

  /** Requests sent through `acquire` whose `done` has not been called. */
  public inFlightCount(): number {
    return this.inFlight;
  }

  /**
   * Reserve one token without queueing and return how long the caller must wait before using it (0 when a token
   * was free): for planning. The balance may go negative; later takers queue behind it.
   */
  public reserve(): number {
    const now = this.clock();
    this.refill(now);
    this.tokens -= 1;
    const deficitWait = this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000);
    return Math.max(deficitWait, this.pausedUntil - now, 0);
  }

  /** Wait for a token (not tracked as in flight). Rejects when `signal` aborts. */
  public take(signal?: AbortSignal): Promise<void> {
    return this.enqueue(false, signal);
  }

  /**
   * Wait for a token for one request; the request counts as in flight until the returned `done` is called (when
   * its answer, or its failure, is back). Rejects when `signal` aborts before the token is granted.
   */
  public async acquire(signal?: AbortSignal): Promise<() => void> {
    await this.enqueue(true, signal);
    let called = false;
    return () => {
      if (called) return;
      called = true;
      // Refill up to now under the cap of the requests still travelling, then let this one go.
      this.refill(this.clock());
      this.inFlight -= 1;
      if (this.head < this.queue.length) this.pump();
    };
  }

  private enqueue(track: boolean, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const now = this.clock();
    this.refill(now);
    if (this.head === this.queue.length && now >= this.pausedUntil && this.tokens >= 1 - EPS) {
      this.tokens -= 1;
      if (track) this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, track, ...(signal ? { signal } : {}), cancelled: false };
      if (signal) {
        w.onAbort = (): void => {
          w.cancelled = true;
          reject(abortReason(signal));
          this.pump();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.pump();
    });
  }

  /** Grant tokens to the queue's head while the balance allows, then arm the timer for the next one. */
  private pump(): void {
    const now = this.clock();
    this.refill(now);
    while (this.head < this.queue.length) {
      const w = this.queue[this.head];
      if (w.cancelled) {
        this.head += 1;
        continue;
      }
      if (now < this.pausedUntil || this.tokens < 1 - EPS) break;
      this.head += 1;
      this.tokens -= 1;
      if (w.track) this.inFlight += 1;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.head === this.queue.length) {
      this.timer?.ac.abort();
      this.timer = undefined;
      return;
    }
    let wait = Math.max(0, this.pausedUntil - now);
    // While the requests in flight fill the cap, only an answer (done) can make room: no timer for the refill.
    if (this.burst - this.inFlight >= 1) wait = Math.max(wait, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
    else if (wait === 0) return;
    this.schedule(now + Math.max(1, wait));
  }

  private schedule(at: number): void {
    if (this.timer && this.timer.at <= at) return;
    this.timer?.ac.abort();
    const timer = { at, ac: new AbortController() };
    this.timer = timer;
    this.sleep(at - this.clock(), timer.ac.signal).then(
      () => {
        if (this.timer === timer) this.timer = undefined;
        this.pump();
      },
      () => undefined,
    );
  }

  /** ARM says only `remaining` requests of this kind are left: never plan to spend more than that. */
  public observeRemaining(remaining: number): void {
    if (!Number.isFinite(remaining) || remaining < 0) return;
    this.calibrated = true;
    this.refill(this.clock());
    const queued = this.queued();
    if (remaining < this.tokens - queued) this.tokens = remaining + queued;
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
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new RangeError(`rate limiter scale must be a positive number, got ${scale}`);
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

  /** `acquire` on the bucket of `scope` and `kind`: call the returned function when the request's answer is back. */
  public acquire(scope: string, kind: OperationKind, signal?: AbortSignal): Promise<() => void> {
    return this.bucket(scope, kind).acquire(signal);
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
  return m ? `sub:${m[1].toLowerCase()}` : 'tenant';
}
