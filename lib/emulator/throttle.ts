/**
 * ARM's token-bucket throttling: one bucket per subscription × principal × operation kind. A bucket starts
 * full (`burst`), refills continuously at `perSecond × scale`, and a request takes one token. An empty
 * bucket answers 429 with `Retry-After` = seconds until one token is back; a request sent earlier is
 * refused again, as ARM does.
 */
import { DEFAULT_THROTTLE, type BucketOptions, type ThrottleOptions } from './options.js';

export type BucketKind = 'reads' | 'writes' | 'deletes';

interface Bucket {
  tokens: number;
  at: number;
}

export interface ThrottleDecision {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Seconds to wait, when refused. */
  readonly retryAfterSeconds: number;
}

export class Throttler {
  private readonly buckets = new Map<string, Bucket>();
  private options: ThrottleOptions | false;

  constructor(options: ThrottleOptions | false | undefined) {
    this.options = options === undefined ? {} : options;
  }

  configure(options: ThrottleOptions | false): void {
    this.options = options;
    this.buckets.clear();
  }

  reset(): void {
    this.buckets.clear();
  }

  private limits(kind: BucketKind): BucketOptions & { rate: number } {
    const o = this.options || {};
    const b = o[kind] ?? DEFAULT_THROTTLE[kind];
    return { ...b, rate: b.perSecond * (o.scale ?? 1) };
  }

  take(subscription: string, principal: string, kind: BucketKind, now: number = Date.now()): ThrottleDecision {
    if (this.options === false) return { allowed: true, remaining: Number.MAX_SAFE_INTEGER, retryAfterSeconds: 0 };
    const { burst, rate } = this.limits(kind);
    const key = `${subscription.toLowerCase()}|${principal}|${kind}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, remaining: Math.floor(b.tokens), retryAfterSeconds: 0 };
    }
    const wait = rate > 0 ? (1 - b.tokens) / rate : 3600;
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }
}
