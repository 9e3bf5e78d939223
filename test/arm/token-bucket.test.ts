import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import { ARM_LIMITS, ArmRateLimiter, TokenBucket, kindOfMethod, scopeOf } from '../../lib/arm/token-bucket.js';

/** A clock that only moves when the fake sleep is awaited. */
function fakeTime(start = 1_000_000): {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  slept: number[];
} {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    slept,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      slept.push(ms);
      t += ms;
    },
  };
}

describe('TokenBucket', () => {
  test('serves the burst at once, then one token per 1/rate seconds, first come first served', () => {
    const ft = fakeTime();
    const b = new TokenBucket({ burst: 200, perSecond: 10 }, ft.now, ft.sleep);
    for (let i = 0; i < 200; i++) assert.equal(b.reserve(), 0, `token ${i} is in the burst`);
    assert.equal(b.reserve(), 100);
    assert.equal(b.reserve(), 200);
    assert.equal(b.reserve(), 300);
  });

  test('refills with time up to the burst, never beyond', () => {
    const ft = fakeTime();
    const b = new TokenBucket({ burst: 5, perSecond: 10 }, ft.now, ft.sleep);
    for (let i = 0; i < 5; i++) b.reserve();
    assert.equal(Math.round(b.available()), 0);
    void ft.sleep(300);
    assert.equal(Math.round(b.available()), 3);
    void ft.sleep(60_000);
    assert.equal(b.available(), 5);
  });

  test('1,000 takes at 10/s with a 200 burst need exactly the (1000-200)/10 = 80 s floor', async () => {
    const ft = fakeTime();
    const b = new TokenBucket(ARM_LIMITS.writes, ft.now, ft.sleep);
    const start = ft.now();
    for (let i = 0; i < 1000; i++) await b.take();
    assert.equal(ft.now() - start, 80_000);
  });

  test('observeRemaining never lets the client spend more than ARM says remains', () => {
    const ft = fakeTime();
    const b = new TokenBucket({ burst: 250, perSecond: 25 }, ft.now, ft.sleep);
    b.observeRemaining(3);
    assert.equal(b.reserve(), 0);
    assert.equal(b.reserve(), 0);
    assert.equal(b.reserve(), 0);
    assert.equal(b.reserve(), 40, 'the 4th waits for the refill');
    b.observeRemaining(1000);
    assert.ok(b.available() < 0, 'a higher remaining count does not add tokens');
    b.observeRemaining(Number.NaN);
    b.observeRemaining(-1);
    assert.ok(b.available() < 0);
  });

  test('pause holds every taker until Retry-After has elapsed, even with tokens left', async () => {
    const ft = fakeTime();
    const b = new TokenBucket({ burst: 10, perSecond: 10 }, ft.now, ft.sleep);
    b.pause(5000);
    assert.equal(b.pausedFor(), 5000);
    const t0 = ft.now();
    await b.take();
    assert.ok(ft.now() - t0 >= 5000, `took at +${ft.now() - t0} ms`);
    assert.equal(b.pausedFor(), 0);
  });

  test('a pause that starts while a taker sleeps is honoured when it wakes', async () => {
    let t = 0;
    const b = new TokenBucket(
      { burst: 1, perSecond: 1 },
      () => t,
      async (ms) => {
        t += ms;
        if (t === 1000) b.pause(3000); // a 429 seen by another request while this one waited
      },
    );
    b.reserve();
    await b.take();
    assert.equal(t, 4000);
  });

  test('an aborted take returns its token', async () => {
    const ft = fakeTime();
    const b = new TokenBucket({ burst: 1, perSecond: 1 }, ft.now, ft.sleep);
    b.reserve();
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await assert.rejects(b.take(ac.signal), /stop/);
    assert.equal(Math.round(b.available()), 0);
  });

  test('requests in flight hold their tokens: no refill beyond burst − in flight until their answers are back', async () => {
    const ft = fakeTime();
    const b = new TokenBucket({ burst: 5, perSecond: 10 }, ft.now, ft.sleep);
    const sent: Array<() => void> = [];
    for (let i = 0; i < 5; i++) sent.push(await b.acquire());
    assert.equal(b.inFlightCount(), 5);
    await ft.sleep(10_000); // ARM's full bucket throws this refill away while the five travel
    assert.equal(b.available(), 0, 'no refill while the burst is on the wire');
    let granted = false;
    const next = b.acquire().then((done) => {
      granted = true;
      return done;
    });
    await Promise.resolve();
    assert.equal(granted, false);
    sent[0](); // one answer back: room for one token, refilled from now
    (await next)();
    assert.equal(granted, true);
    for (const done of sent) done();
    assert.equal(b.inFlightCount(), 0);
  });

  test('rejects non-positive limits', () => {
    assert.throws(() => new TokenBucket({ burst: 0, perSecond: 1 }), RangeError);
    assert.throws(() => new TokenBucket({ burst: 1, perSecond: -1 }), RangeError);
  });
});

describe('ArmRateLimiter', () => {
  test('defaults to ARM limits and scales every bucket by a factor', () => {
    const l = new ArmRateLimiter();
    assert.deepEqual(l.limits, ARM_LIMITS);
    const half = new ArmRateLimiter({ scale: 0.5 });
    assert.deepEqual(half.limits.writes, { burst: 100, perSecond: 5 });
    assert.deepEqual(half.limits.reads, { burst: 125, perSecond: 12.5 });
    assert.throws(() => new ArmRateLimiter({ scale: 0 }), RangeError);
    assert.deepEqual(
      new ArmRateLimiter({ scale: 10, scaleBursts: false }).limits.writes,
      { burst: 200, perSecond: 100 },
      "the emulator's throttle.scale semantics",
    );
    assert.deepEqual(new ArmRateLimiter({ limits: { reads: { burst: 10, perSecond: 1 } } }).limits.reads, {
      burst: 10,
      perSecond: 1,
    });
  });

  test('keeps one bucket per subscription and kind', () => {
    const ft = fakeTime();
    const l = new ArmRateLimiter({ limits: { writes: { burst: 1, perSecond: 1 } }, clock: ft.now, sleep: ft.sleep });
    assert.equal(l.bucket('sub:a', 'writes').reserve(), 0);
    assert.equal(l.bucket('sub:a', 'writes').reserve(), 1000);
    assert.equal(l.bucket('SUB:B', 'writes').reserve(), 0, 'another subscription has its own budget');
    assert.equal(l.bucket('sub:a', 'reads').reserve(), 0, 'reads are not writes');
  });

  test('classifies methods and scopes like ARM', () => {
    assert.equal(kindOfMethod('GET'), 'reads');
    assert.equal(kindOfMethod('put'), 'writes');
    assert.equal(kindOfMethod('PATCH'), 'writes');
    assert.equal(kindOfMethod('POST'), 'writes');
    assert.equal(kindOfMethod('DELETE'), 'deletes');
    assert.equal(scopeOf('https://x/subscriptions/ABC/resourceGroups/rg?api-version=1'), 'sub:abc');
    assert.equal(scopeOf('/providers/Microsoft.Resources/operations'), 'tenant');
  });
});
