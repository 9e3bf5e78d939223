/**
 * HttpArmClient against the real local ARM emulator over HTTPS: LROs, lists, actions, deletes, and the client's
 * behaviour under the emulator's token-bucket throttling and injected faults.
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { HttpArmClient, type HttpArmClientOptions } from '../../lib/arm/http-client.js';
import { LocalCredential } from '../../lib/arm/local-credential.js';
import { ArmRateLimiter, seededRandom, ArmError } from '../../lib/arm/index.js';
import { startTestEmulator, paths, V, TEST_OID, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
const clients: HttpArmClient[] = [];
beforeAll(async () => {
  emu = await startTestEmulator({
    durations: { default: { create: 30, update: 20, delete: 20, action: 20 } },
    retryAfterSeconds: 0,
  });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await emu?.close();
});

function client(extra: Partial<HttpArmClientOptions> = {}): HttpArmClient {
  const c = new HttpArmClient({
    endpoint: emu.url,
    caCertPem: emu.caCertPem,
    credential: new LocalCredential({ oid: TEST_OID }),
    poll: { initialDelayMs: 10, maxDelayMs: 50 },
    retry: { baseDelayMs: 5, maxDelayMs: 50, random: seededRandom(3) },
    ...extra,
  });
  clients.push(c);
  return c;
}

const cluster = (max: number) => ({
  location: 'westeurope',
  properties: {
    computeType: 'AmlCompute',
    properties: { vmSize: 'Standard_DS3_v2', scaleSettings: { minNodeCount: 0, maxNodeCount: max } },
  },
});

describe('against the emulator', () => {
  test('create a resource group, a workspace and clusters, list them, PATCH one, delete one', async () => {
    const arm = client();
    await arm.put(paths.rg('rg1'), V.rg, { location: 'westeurope' });
    const ws = await arm.put(paths.ws('rg1', 'ws1'), V.ml, { location: 'westeurope', properties: {} });
    assert.equal(ws.status, 'Succeeded');
    assert.equal(ws.resource?.name, 'ws1');
    const started = await arm.beginPut(paths.compute('rg1', 'ws1', 'cpu-a'), V.ml, cluster(2));
    assert.ok(started.status === 200 || started.status === 201, `status ${started.status}`);
    const done = await arm.pollUntilDone(started);
    assert.equal((done.resource?.properties as { provisioningState?: string }).provisioningState, 'Succeeded');
    await arm.put(paths.compute('rg1', 'ws1', 'cpu-b'), V.ml, cluster(3));
    const listed = await arm.list(`${paths.ws('rg1', 'ws1')}/computes`, V.ml);
    assert.deepEqual(listed.map((r) => r.name).sort(), ['cpu-a', 'cpu-b']);
    const patched = await arm.patch(paths.compute('rg1', 'ws1', 'cpu-a'), V.ml, {
      properties: { properties: { scaleSettings: { maxNodeCount: 6, minNodeCount: 0 } } },
    });
    const props = patched.resource?.properties as { properties?: { scaleSettings?: { maxNodeCount?: number } } };
    assert.equal(props.properties?.scaleSettings?.maxNodeCount, 6);
    await arm.delete(paths.compute('rg1', 'ws1', 'cpu-b'), V.ml, { query: { underlyingResourceAction: 'Delete' } });
    assert.equal(await arm.get(paths.compute('rg1', 'ws1', 'cpu-b'), V.ml), undefined);
    assert.deepEqual(await arm.list(`${paths.ws('rg1', 'nope')}/computes`, V.ml), []);
    assert.equal(emu.counters().creates[paths.compute('rg1', 'ws1', 'cpu-a').toLowerCase()], 1);
  });

  test('lists longer than a page follow nextLink', async () => {
    const arm = client();
    emu.configure({ pageSize: 2 });
    try {
      await arm.put(paths.rg('rgp'), V.rg, { location: 'westeurope' });
      await arm.put(paths.ws('rgp', 'wsp'), V.ml, { location: 'westeurope', properties: {} });
      await Promise.all(
        [1, 2, 3, 4, 5].map((i) => arm.put(paths.compute('rgp', 'wsp', `page${'abcde'[i - 1]}`), V.ml, cluster(1))),
      );
      const listed = await arm.list(`${paths.ws('rgp', 'wsp')}/computes`, V.ml);
      assert.deepEqual(listed.map((r) => r.name).sort(), ['pagea', 'pageb', 'pagec', 'paged', 'pagee']);
    } finally {
      emu.configure({ pageSize: 100 });
    }
  });

  test('the client bucket matched to the emulator (scaled) makes zero 429s for a burst far above it', async () => {
    emu.configure({
      throttle: {
        writes: { burst: 5, perSecond: 10 },
        reads: { burst: 50, perSecond: 100 },
        deletes: { burst: 5, perSecond: 10 },
        scale: 4,
      },
    });
    try {
      const limiter = new ArmRateLimiter({
        limits: {
          writes: { burst: 5, perSecond: 10 },
          reads: { burst: 50, perSecond: 100 },
          deletes: { burst: 5, perSecond: 10 },
        },
        scale: 4,
        scaleBursts: false,
      });
      const arm = client({ limiter });
      const before = emu.counters().throttled;
      await arm.put(paths.rg('rgt'), V.rg, { location: 'westeurope' });
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          arm.beginPut(`${paths.rg('rgt')}/providers/Microsoft.Network/networkSecurityGroups/n${i}`, V.net, {
            location: 'westeurope',
            properties: {},
          }),
        ),
      );
      assert.equal(emu.counters().throttled - before, 0, 'no request was throttled');
    } finally {
      emu.configure({ throttle: {} });
    }
  });

  test('requests still on the wire hold their tokens: zero 429s when a slow burst is followed by fast requests', async () => {
    // The burst after the first answer travels slowly (as hundreds of TLS handshakes do) while the emulator's bucket
    // sits full and throws its refill away; later requests travel fast. A client bucket that refilled during the
    // slow burst would send more than the emulator's bucket holds.
    const shape = { writes: { burst: 5, perSecond: 10 }, scale: 4 };
    emu.configure({ throttle: shape });
    try {
      const inner = createDefaultHttpClient();
      let slowUntil = 0;
      const httpClient: HttpClient = {
        sendRequest: async (req) => {
          if (Date.now() < slowUntil) await new Promise((r) => setTimeout(r, 200));
          const res = await inner.sendRequest(req);
          if (slowUntil === 0) slowUntil = Date.now() + 200;
          return res;
        },
      };
      const arm = client({
        httpClient,
        limiter: new ArmRateLimiter({ limits: { writes: shape.writes }, scale: shape.scale, scaleBursts: false }),
      });
      const before = emu.counters().throttled;
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => arm.beginPut(paths.rg(`rgw${i}`), V.rg, { location: 'westeurope' })),
      );
      assert.equal(emu.counters().throttled - before, 0, 'no request was throttled');
    } finally {
      emu.configure({ throttle: {} });
    }
  });

  test('a fresh client calibrates from the remaining header before spending its burst: zero 429s although another client spent the budget', async () => {
    emu.configure({ throttle: { reads: { burst: 30, perSecond: 10 }, scale: 4 } });
    try {
      const other = client({ limiter: false });
      for (let i = 0; i < 25; i++) await other.get(paths.rg('rg1'), V.rg); // same principal: 25 of 30 tokens gone
      const arm = client({
        limiter: new ArmRateLimiter({ limits: { reads: { burst: 30, perSecond: 10 } }, scale: 4, scaleBursts: false }),
      });
      const before = emu.counters().throttled;
      await Promise.all(Array.from({ length: 40 }, () => arm.get(paths.rg('rg1'), V.rg)));
      assert.equal(
        emu.counters().throttled - before,
        0,
        'the first request alone learned that only ~5 tokens were left',
      );
    } finally {
      emu.configure({ throttle: {} });
    }
  });

  test('without a client bucket the emulator throttles, and the client waits out Retry-After and still succeeds', async () => {
    // Two tokens a second: the 8 PUTs cannot spread out enough to avoid throttling even on a loaded machine (at 20 a
    // second the bucket refilled while they were still being sent, and the emulator never throttled).
    emu.configure({ throttle: { writes: { burst: 3, perSecond: 2 }, scale: 1 } });
    try {
      const arm = client({ limiter: false, retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 50 } });
      const before = emu.counters().throttled;
      await arm.put(paths.rg('rgq'), V.rg, { location: 'westeurope' });
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          arm.beginPut(`${paths.rg('rgq')}/providers/Microsoft.Network/networkSecurityGroups/q${i}`, V.net, {
            location: 'westeurope',
            properties: {},
          }),
        ),
      );
      assert.equal(results.length, 8);
      assert.ok(emu.counters().throttled - before > 0, 'the emulator did throttle');
    } finally {
      emu.configure({ throttle: {} });
    }
  });

  test('a 429 storm, 5xx and dropped connections on PUT are retried to success with no duplicate create', async () => {
    emu.configure({
      seed: 5,
      faults: [
        { method: 'PUT', path: '/computes/flta$', storm: { count: 2, retryAfterSeconds: 0 } },
        { method: 'PUT', path: '/computes/fltb$', errorRate: 1, times: 2 },
        { method: 'PUT', path: '/computes/fltc$', dropRate: 1, times: 2 },
      ],
    });
    try {
      const arm = client();
      await arm.put(paths.rg('rgf'), V.rg, { location: 'westeurope' });
      await arm.put(paths.ws('rgf', 'wsf'), V.ml, { location: 'westeurope', properties: {} });
      for (const name of ['flta', 'fltb', 'fltc']) {
        const r = await arm.put(paths.compute('rgf', 'wsf', name), V.ml, cluster(1));
        assert.equal(r.resource?.name, name);
        assert.equal(
          emu.counters().creates[paths.compute('rgf', 'wsf', name).toLowerCase()],
          1,
          `${name} created once`,
        );
      }
    } finally {
      emu.configure({ faults: [] });
    }
  });

  test('a POST action whose connection drops is not resent: outcomeUnknown', async () => {
    const arm = client();
    await arm.put(paths.rg('rga'), V.rg, { location: 'westeurope' });
    await arm.put(paths.ws('rga', 'wsa'), V.ml, { location: 'westeurope', properties: {} });
    await arm.put(paths.compute('rga', 'wsa', 'inst-a'), V.ml, {
      location: 'westeurope',
      properties: { computeType: 'ComputeInstance', properties: { vmSize: 'Standard_DS3_v2' } },
    });
    emu.configure({ faults: [{ method: 'POST', path: '/stop$', acceptThenDropRate: 1, times: 1 }] });
    try {
      const logStart = emu.log().at(-1)?.seq ?? 0;
      await assert.rejects(
        arm.post(paths.compute('rga', 'wsa', 'inst-a'), 'stop', V.ml),
        (e: unknown) => e instanceof ArmError && e.outcomeUnknown && e.armCode === 'ConnectionDropped',
      );
      const posts = emu.log(logStart).filter((l) => l.method === 'POST');
      assert.equal(posts.length, 1, 'sent exactly once');
    } finally {
      emu.configure({ faults: [] });
    }
  });

  test('an LRO that fails part-way surfaces the operation error', async () => {
    const arm = client();
    await arm.put(paths.rg('rgl'), V.rg, { location: 'westeurope' });
    await arm.put(paths.ws('rgl', 'wsl'), V.ml, { location: 'westeurope', properties: {} });
    emu.configure({
      faults: [
        {
          method: 'PUT',
          path: '/computes/bad$',
          lroFailure: { afterPolls: 2, code: 'AllocationFailed', message: 'no capacity' },
        },
      ],
    });
    try {
      await assert.rejects(
        arm.put(paths.compute('rgl', 'wsl', 'bad'), V.ml, cluster(1)),
        (e: unknown) => e instanceof ArmError && e.armCode === 'AllocationFailed' && /no capacity/.test(e.message),
      );
    } finally {
      emu.configure({ faults: [] });
    }
  });
});
