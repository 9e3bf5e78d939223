/**
 * How long requests waited for their rate budget: per operation kind, the wall time during which at least one
 * request of that kind was held (queued in the client's token bucket, or sleeping out a throttling 429's
 * `Retry-After`). Overlapping waits count once, so the figure is what the budget cost in elapsed time, not the sum
 * over concurrent requests.
 *
 * @example
 * const waits = new BudgetWaits(Date.now);
 * const done = waits.begin('reads');
 * await bucket.acquire();
 * done();
 * waits.ms('reads'); // elapsed ms with a read waiting
 */
import type { Clock, OperationKind } from './token-bucket.js';

export class BudgetWaits {
  private readonly open: Record<OperationKind, number> = { reads: 0, writes: 0, deletes: 0 };
  private readonly since: Record<OperationKind, number> = { reads: 0, writes: 0, deletes: 0 };
  private readonly total: Record<OperationKind, number> = { reads: 0, writes: 0, deletes: 0 };

  constructor(private readonly clock: Clock) {}

  /** A request of `kind` starts waiting; call the returned function when it stops (extra calls are ignored). */
  public begin(kind: OperationKind): () => void {
    if (this.open[kind]++ === 0) this.since[kind] = this.clock();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.open[kind] === 0) this.total[kind] += this.clock() - this.since[kind];
    };
  }

  /** Wall-clock ms during which at least one request of `kind` waited, up to now. */
  public ms(kind: OperationKind): number {
    return this.total[kind] + (this.open[kind] > 0 ? this.clock() - this.since[kind] : 0);
  }
}
