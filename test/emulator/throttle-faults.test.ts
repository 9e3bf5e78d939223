/** ARM throttling (token buckets with ARM's numbers) and seeded fault injection. */
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { Throttler } from '../../lib/emulator/throttle.js';
import { draw } from '../../lib/emulator/faults.js';
import type { FaultRule } from '../../lib/emulator/options.js';
import { startTestEmulator, paths, V, TEST_SUB, type TestEmulator } from '../helpers/emulator.js';

describe('token bucket (unit, injected clock)', () => {
  test("ARM's numbers: 200 writes burst, then 10 per second; 429 answers say when to retry", () => {
    const t = new Throttler(undefined);
    const t0 = 1_000_000;
    for (let i = 0; i < 200; i++) assert.equal(t.take('s', 'p', 'writes', t0).allowed, true, `write ${i}`);
    const refused = t.take('s', 'p', 'writes', t0);
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 1);
    // A request before Retry-After elapsed is refused again.
    assert.equal(t.take('s', 'p', 'writes', t0 + 50).allowed, false);
    // 10/s: after one second ten more fit, the eleventh does not.
    let ok = 0;
    for (let i = 0; i < 11; i++) if (t.take('s', 'p', 'writes', t0 + 1050).allowed) ok += 1;
    assert.equal(ok, 10);
    // Reads have their own 250 bucket, other principals and subscriptions their own buckets.
    for (let i = 0; i < 250; i++) assert.equal(t.take('s', 'p', 'reads', t0).allowed, true);
    assert.equal(t.take('s', 'p', 'reads', t0).allowed, false);
    assert.equal(t.take('s', 'other', 'writes', t0).allowed, true);
    assert.equal(t.take('s2', 'p', 'writes', t0).allowed, true);
    for (let i = 0; i < 200; i++) t.take('s', 'p', 'deletes', t0);
    assert.equal(t.take('s', 'p', 'deletes', t0).allowed, false);
  });

  test('scale multiplies the refill rate, not the burst; false disables', () => {
    const t = new Throttler({ writes: { burst: 2, perSecond: 1 }, scale: 100 });
    assert.equal(t.take('s', 'p', 'writes', 0).allowed, true);
    assert.equal(t.take('s', 'p', 'writes', 0).allowed, true);
    assert.equal(t.take('s', 'p', 'writes', 0).allowed, false);
    assert.equal(t.take('s', 'p', 'writes', 10).allowed, true, '100 tokens/s: one back after 10 ms');
    const off = new Throttler(false);
    for (let i = 0; i < 1000; i++) assert.equal(off.take('s', 'p', 'writes', 0).allowed, true);
  });

  test('fault draws are a pure function of seed, rule and match number', () => {
    assert.equal(draw(42, 0, 5, 3), draw(42, 0, 5, 3));
    assert.notEqual(draw(42, 0, 5, 3), draw(43, 0, 5, 3));
    const xs = Array.from({ length: 1000 }, (_, i) => draw(1, 0, i, 3));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(mean > 0.4 && mean < 0.6 && xs.every((x) => x >= 0 && x < 1));
  });
});

describe('throttling over HTTPS', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
  });
  afterAll(async () => {
    await emu?.close();
  });

  test('a burst of writes: after the 200-write burst (plus what refilled meanwhile) 429 with Retry-After; other principals unaffected; recovers after Retry-After', async () => {
    let accepted = 0;
    let throttled: Awaited<ReturnType<TestEmulator['request']>> | undefined;
    let throttledName = '';
    const t0 = Date.now();
    for (let batch = 0; batch < 600 && !throttled; batch += 25) {
      const names = Array.from({ length: 25 }, (_, i) => `rg-burst-${batch + i}`);
      const rs = await Promise.all(
        names.map((n) => emu.request('PUT', `${paths.rg(n)}?api-version=${V.rg}`, { location: 'westeurope' })),
      );
      rs.forEach((r, i) => {
        if (r.status === 201) accepted += 1;
        else if (r.status === 429 && !throttled) {
          throttled = r;
          throttledName = names[i]!;
        }
      });
    }
    const elapsedS = (Date.now() - t0) / 1000;
    assert.ok(throttled, 'a burst of writes is throttled');
    assert.ok(accepted >= 200, `the 200 burst is honoured (accepted ${accepted})`);
    assert.ok(accepted <= 200 + Math.ceil(elapsedS * 10) + 25, `refill is 10/s (accepted ${accepted} in ${elapsedS}s)`);
    const r = throttled;
    assert.equal(r.body.error.code, 'TooManyRequests');
    assert.equal(r.headers['x-ms-ratelimit-remaining-subscription-writes'], '0');
    const retryAfter = Number(r.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1);
    const other = await emu.request(
      'PUT',
      `${paths.rg('rg-other-principal')}?api-version=${V.rg}`,
      { location: 'westeurope' },
      { oid: '99999999-9999-9999-9999-999999999999' },
    );
    assert.equal(other.status, 201, 'buckets are per principal');
    const read = await emu.request('GET', `${paths.rg('rg-burst-0')}?api-version=${V.rg}`);
    assert.equal(read.status, 200, 'reads have their own bucket');
    await new Promise((res) => setTimeout(res, retryAfter * 1000));
    const again = await emu.request('PUT', `${paths.rg(throttledName)}?api-version=${V.rg}`, {
      location: 'westeurope',
    });
    assert.equal(again.status, 201, 'accepted after Retry-After');
    assert.ok(emu.counters().throttled >= 1);
    assert.ok(emu.log().some((e) => e.status === 429 && e.errorCode === 'TooManyRequests' && e.kind === 'write'));
  });

  test('LRO polls count as reads', async () => {
    emu.configure({
      throttle: { reads: { burst: 3, perSecond: 0.001 }, writes: { burst: 100, perSecond: 10 } },
      durations: { default: { create: 60_000 } },
    });
    try {
      const id = `/subscriptions/${TEST_SUB}/resourceGroups/rg-burst-1/providers/Microsoft.Network/networkSecurityGroups/nsg-poll`;
      const r = await emu.request('PUT', `${id}?api-version=${V.net}`, { location: 'westeurope' });
      assert.equal(r.status, 201);
      const url = String(r.headers['azure-asyncoperation']);
      const polls = [];
      for (let i = 0; i < 4; i++) polls.push(await emu.request('GET', url));
      assert.deepEqual(
        polls.map((p) => p.status),
        [200, 200, 200, 429],
      );
      assert.deepEqual(
        polls.slice(0, 3).map((p) => p.headers['x-ms-ratelimit-remaining-subscription-reads']),
        ['2', '1', '0'],
      );
      assert.equal(
        (await emu.request('GET', `${id}?api-version=${V.net}`)).status,
        429,
        'a GET after the polls finds the read bucket empty',
      );
    } finally {
      emu.configure({ throttle: {}, durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
    }
  });
});

describe('fault injection', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({
      durations: { default: { create: 0, update: 0, delete: 0, action: 0 } },
      throttle: false,
    });
    await emu.request('PUT', `${paths.rg('rg-f')}?api-version=${V.rg}`, { location: 'westeurope' });
    await emu.waitFor(
      await emu.request('PUT', `${paths.ws('rg-f', 'ws-f')}?api-version=${V.ml}`, { location: 'westeurope' }),
    );
  });
  afterAll(async () => {
    await emu?.close();
  });

  const statusesOf = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await emu.request('GET', `${paths.rg('rg-f')}?api-version=${V.rg}`)).status);
    return out;
  };

  test('5xx rate is reproducible with the same seed and differs with another', async () => {
    const rules: FaultRule[] = [{ method: 'GET', path: '/resourceGroups/rg-f$', errorRate: 0.5 }];
    emu.configure({ faults: rules, seed: 42 });
    const a = await statusesOf(24);
    emu.configure({ faults: rules, seed: 42 });
    const b = await statusesOf(24);
    emu.configure({ faults: rules, seed: 7 });
    const c = await statusesOf(24);
    emu.configure({ faults: [] });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(a.includes(503) && a.includes(200));
    const errors = emu.log().filter((e) => e.status === 503);
    assert.ok(errors.every((e) => e.errorCode === 'ServiceUnavailable' && e.faults?.[0] === 0));
  });

  test('429 storm: count-limited, with its Retry-After', async () => {
    emu.configure({ faults: [{ path: '/resourceGroups/rg-f$', storm: { count: 3, retryAfterSeconds: 2 } }] });
    try {
      const rs = [];
      for (let i = 0; i < 4; i++) rs.push(await emu.request('GET', `${paths.rg('rg-f')}?api-version=${V.rg}`));
      assert.deepEqual(
        rs.map((r) => r.status),
        [429, 429, 429, 200],
      );
      assert.equal(rs[0].headers['retry-after'], '2');
    } finally {
      emu.configure({ faults: [] });
    }
  });

  test('dropped connection: nothing processed, logged with status 0', async () => {
    emu.configure({ faults: [{ method: 'PUT', path: 'rg-dropped$', dropRate: 1, times: 1 }] });
    try {
      await assert.rejects(
        emu.request('PUT', `${paths.rg('rg-dropped')}?api-version=${V.rg}`, { location: 'westeurope' }),
      );
      assert.equal((await emu.request('GET', `${paths.rg('rg-dropped')}?api-version=${V.rg}`)).status, 404);
      assert.ok(emu.log().some((e) => e.connection === 'dropped' && e.status === 0 && e.path.endsWith('rg-dropped')));
      assert.equal(
        (await emu.request('PUT', `${paths.rg('rg-dropped')}?api-version=${V.rg}`, { location: 'westeurope' })).status,
        201,
        'times: 1',
      );
    } finally {
      emu.configure({ faults: [] });
    }
  });

  test('accept-but-crash: the write is applied, the answer never arrives, and a retry is an update (no duplicate create)', async () => {
    emu.configure({ faults: [{ method: 'PUT', path: 'rg-crash$', acceptThenDropRate: 1, times: 1 }] });
    try {
      await assert.rejects(
        emu.request('PUT', `${paths.rg('rg-crash')}?api-version=${V.rg}`, { location: 'westeurope' }),
      );
      assert.equal(
        (await emu.request('GET', `${paths.rg('rg-crash')}?api-version=${V.rg}`)).status,
        200,
        'write applied',
      );
      assert.equal(
        (await emu.request('PUT', `${paths.rg('rg-crash')}?api-version=${V.rg}`, { location: 'westeurope' })).status,
        200,
      );
      const key = `/subscriptions/${TEST_SUB}/resourcegroups/rg-crash`;
      assert.equal(emu.counters().creates[key], 1);
      assert.ok(emu.log().some((e) => e.connection === 'acceptedThenDropped'));
    } finally {
      emu.configure({ faults: [] });
    }
  });

  test('LRO failing part-way, per resource type: InProgress, then Failed after N polls; the resource ends Failed', async () => {
    emu.configure({
      faults: [
        {
          method: 'PUT',
          resourceType: 'Microsoft.MachineLearningServices/workspaces/computes',
          lroFailure: { afterPolls: 2, code: 'AllocationFailed', message: 'Allocation failed (injected).' },
        },
      ],
    });
    try {
      const c = `${paths.ws('rg-f', 'ws-f')}/computes/ci-fail?api-version=${V.ml}`;
      const r = await emu.request('PUT', c, {
        properties: { computeType: 'ComputeInstance', properties: { vmSize: 'Standard_DS3_v2' } },
      });
      assert.equal(r.status, 201);
      const url = String(r.headers['azure-asyncoperation']);
      const p1 = await emu.request('GET', url);
      assert.equal(p1.body.status, 'InProgress');
      const p2 = await emu.request('GET', url);
      assert.equal(p2.body.status, 'Failed');
      assert.deepEqual(
        [p2.body.error.code, p2.body.error.message],
        ['AllocationFailed', 'Allocation failed (injected).'],
      );
      const got = await emu.request('GET', c);
      assert.equal(got.body.properties.provisioningState, 'Failed');
      assert.equal(got.body.properties.properties.state, 'CreateFailed');
      assert.equal(r.headers.location, undefined, 'compute answers carry Azure-AsyncOperation only');
      // The rule is scoped to computes: a workspace write is untouched.
      const w = await emu.request('PUT', `${paths.ws('rg-f', 'ws-g')}?api-version=${V.ml}`, { location: 'westeurope' });
      assert.equal((await emu.waitFor(w)).status, 'Succeeded');
    } finally {
      emu.configure({ faults: [] });
    }
  });

  test('latency is added and recorded; invalid fault config is refused with 400 InvalidEmulatorConfig', async () => {
    emu.configure({ faults: [{ method: 'GET', path: 'rg-f$', latencyMs: [5, 15], times: 1 }] });
    const r = await emu.request('GET', `${paths.rg('rg-f')}?api-version=${V.rg}`);
    assert.equal(r.status, 200);
    assert.deepEqual(emu.log().at(-1)!.faults, [0]);
    const bad = await emu.request('PUT', '/_emulator/config', { faults: [{ errorRate: 2 }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'InvalidEmulatorConfig');
    const badRe = await emu.request('PUT', '/_emulator/config', { faults: [{ path: '(' }] });
    assert.equal(badRe.body.error.code, 'InvalidEmulatorConfig');
    emu.configure({ faults: [] });
  });
});
