/**
 * HttpArmClient against a scripted HTTPS server: the exact ARM protocol edge cases (paging, LRO kinds,
 * Retry-After forms, dropped sockets, malformed errors, idempotency rules). Waits go through an injected
 * sleep that records what the client decided to wait, so no test depends on wall-clock timing.
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { HttpArmClient, type HttpArmClientOptions, type ArmRequestEvent } from '../../lib/arm/http-client.js';
import { LocalCredential, decodeUnsignedJwt } from '../../lib/arm/local-credential.js';
import { ArmRateLimiter } from '../../lib/arm/token-bucket.js';
import { ArmError } from '../../lib/arm/types.js';
import { AmlcdkError } from '../../lib/core/errors.js';
import { json, startProtocolServer, type ProtocolServer } from './protocol-server.js';

const SUB = '00000000-0000-0000-0000-000000000001';
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
const WS = `${RG}/providers/Microsoft.MachineLearningServices/workspaces/ws`;
const CI = `${WS}/computes/ci1`;
const V = '2025-09-01';

let srv: ProtocolServer;
const clients: HttpArmClient[] = [];

beforeAll(async () => {
  srv = await startProtocolServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await srv.close();
});

function client(extra: Partial<HttpArmClientOptions> = {}): {
  arm: HttpArmClient;
  waits: number[];
  events: ArmRequestEvent[];
} {
  const waits: number[] = [];
  const events: ArmRequestEvent[] = [];
  const arm = new HttpArmClient({
    endpoint: srv.url,
    caCertPem: srv.caCertPem,
    credential: new LocalCredential({ oid: 'tester' }),
    limiter: false,
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 40 },
    poll: { initialDelayMs: 5, maxDelayMs: 20 },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
    },
    onRequest: (e) => events.push(e),
    ...extra,
  });
  clients.push(arm);
  return { arm, waits, events };
}

const resource = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id.split('/').pop(),
  type: 'Microsoft.MachineLearningServices/workspaces/computes',
  ...extra,
});

describe('reads', () => {
  test('GET sends api-version, a bearer token for the principal and resolves the resource; 404 resolves undefined', async () => {
    const { arm } = client();
    srv.handle((req, res) =>
      req.url.startsWith(CI)
        ? json(res, 200, resource(CI))
        : json(res, 404, { error: { code: 'ResourceNotFound', message: 'nope' } }),
    );
    const r = await arm.get(CI, V);
    assert.equal(r?.id, CI);
    const sent = srv.requests[0];
    assert.match(sent.url, /api-version=2025-09-01/);
    const auth = String(sent.headers.authorization);
    assert.match(auth, /^Bearer /);
    assert.equal(decodeUnsignedJwt(auth.slice(7))?.oid, 'tester');
    assert.match(String(sent.headers['user-agent']), /^amlcdk/);
    assert.equal(await arm.get(`${WS}/computes/missing`, V), undefined);
  });

  test('list follows every nextLink and returns [] for a missing parent', async () => {
    const { arm } = client();
    srv.handle((req, res) => {
      const u = new URL(req.url, srv.url);
      if (u.pathname === `${WS}/computes`) {
        const page = Number(u.searchParams.get('page') ?? '0');
        const value = [resource(`${WS}/computes/c${page}a`), resource(`${WS}/computes/c${page}b`)];
        const nextLink = page < 2 ? `${srv.url}${WS}/computes?api-version=${V}&page=${page + 1}` : undefined;
        return json(res, 200, { value, ...(nextLink ? { nextLink } : {}) });
      }
      json(res, 404, { error: { code: 'ParentResourceNotFound', message: 'no workspace' } });
    });
    const all = await arm.list(`${WS}/computes`, V);
    assert.deepEqual(
      all.map((r) => r.name),
      ['c0a', 'c0b', 'c1a', 'c1b', 'c2a', 'c2b'],
    );
    assert.equal(srv.requests.length, 3);
    assert.deepEqual(
      await arm.list(`${RG}/providers/Microsoft.MachineLearningServices/workspaces/gone/computes`, V),
      [],
    );
  });

  test('a nextLink on another host is refused (the token never leaves the endpoint), and a nextLink loop stops', async () => {
    const { arm } = client();
    srv.handle((_req, res) => json(res, 200, { value: [], nextLink: 'https://evil.example.com/steal' }));
    await assert.rejects(
      arm.list(`${WS}/computes`, V),
      (e: unknown) => e instanceof ArmError && e.armCode === 'ForeignUrl',
    );
    srv.handle((_req, res) => json(res, 200, { value: [], nextLink: `${srv.url}${WS}/computes?api-version=${V}` }));
    await assert.rejects(
      arm.list(`${WS}/computes`, V),
      (e: unknown) => e instanceof ArmError && e.armCode === 'NextLinkLoop',
    );
  });
});

describe('long-running operations', () => {
  test('PUT 201 + Azure-AsyncOperation: begin returns the poll URL at once; polling honours Retry-After and ends with a GET of the resource', async () => {
    const { arm, waits } = client();
    const op = `${srv.url}/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/locations/westeurope/computeOperationsStatus/op1?api-version=${V}`;
    let polls = 0;
    srv.handle((req, res) => {
      if (req.method === 'PUT')
        return json(res, 201, resource(CI, { properties: { provisioningState: 'Creating' } }), {
          'azure-asyncoperation': op,
          'retry-after': '3',
        });
      if (req.url.includes('computeOperationsStatus')) {
        polls++;
        return json(res, 200, { status: polls < 3 ? 'InProgress' : 'Succeeded' }, { 'retry-after': '2' });
      }
      return json(res, 200, resource(CI, { properties: { provisioningState: 'Succeeded' } }));
    });
    const started = await arm.beginPut(CI, V, { properties: { computeType: 'ComputeInstance' } });
    assert.equal(started.status, 201);
    assert.equal(started.pollKind, 'azure-async-operation');
    assert.equal(started.pollUrl, op);
    assert.equal(started.retryAfterMs, 3000);
    assert.equal(srv.requests.length, 1, 'begin does not poll');
    assert.deepEqual(JSON.parse(srv.requests[0].body), { properties: { computeType: 'ComputeInstance' } });
    const done = await arm.pollUntilDone(started);
    assert.equal(done.status, 'Succeeded');
    assert.equal((done.resource?.properties as { provisioningState: string }).provisioningState, 'Succeeded');
    assert.deepEqual(waits, [3000, 2000, 2000]);
    assert.deepEqual(
      srv.requests.map((r) => r.method),
      ['PUT', 'GET', 'GET', 'GET', 'GET'],
    );
  });

  test('a poll resumed from a journal (only pollUrl, kind and method known) still finishes', async () => {
    const { arm } = client();
    srv.handle((req, res) =>
      req.url.includes('/operationResults/') ? json(res, 200, { status: 'Succeeded' }) : json(res, 200, resource(CI)),
    );
    const done = await arm.pollUntilDone(
      {
        status: 201,
        pollUrl: `${srv.url}/subscriptions/${SUB}/operationResults/x`,
        pollKind: 'azure-async-operation',
        method: 'PUT',
      },
      { resourceId: CI, apiVersion: V },
    );
    assert.equal(done.resource?.id, CI);
  });

  test('POST 202 + Location: polls until not 202 and returns the final body; Retry-After as an HTTP date is honoured', async () => {
    const { arm, waits } = client();
    let polls = 0;
    srv.handle((req, res) => {
      if (req.method === 'POST')
        return json(res, 202, undefined, {
          location: `${srv.url}/subscriptions/${SUB}/operationResults/stop1`,
          'retry-after': new Date(Date.now() + 4000).toUTCString(),
        });
      polls++;
      if (polls < 3) return json(res, 202, undefined, { 'retry-after': '1' });
      return json(res, 200, { stopped: true });
    });
    const done = await arm.post(CI, 'stop', V);
    assert.equal(done.status, 'Succeeded');
    assert.deepEqual(done.body, { stopped: true });
    assert.match(srv.requests[0].url, new RegExp(`^${CI}/stop\\?api-version=`));
    assert.ok(waits[0] > 2000 && waits[0] <= 4000, `first wait from the date form: ${waits[0]}`);
    assert.deepEqual(waits.slice(1), [1000, 1000]);
  });

  test('DELETE: 202 + Location is followed to 204; a 404 DELETE means already gone', async () => {
    const { arm } = client();
    let polls = 0;
    srv.handle((req, res) => {
      if (req.method === 'DELETE')
        return json(res, 202, undefined, { location: `${srv.url}/subscriptions/${SUB}/operationResults/del1` });
      return polls++ === 0 ? json(res, 202, undefined) : json(res, 204, undefined);
    });
    const started = await arm.beginDelete(CI, V, { query: { underlyingResourceAction: 'Delete' } });
    assert.match(srv.requests[0].url, /underlyingResourceAction=Delete/);
    assert.equal(started.pollKind, 'location');
    assert.deepEqual(await arm.pollUntilDone(started), { status: 'Succeeded' });
    srv.handle((_req, res) => json(res, 404, { error: { code: 'ResourceNotFound', message: 'gone' } }));
    assert.deepEqual(await arm.delete(CI, V), { status: 'Succeeded' });
  });

  test('PUT 201 with no poll header but provisioningState Creating: polls the resource until terminal', async () => {
    const { arm } = client();
    let gets = 0;
    srv.handle((req, res) => {
      if (req.method === 'PUT') return json(res, 201, resource(CI, { properties: { provisioningState: 'Creating' } }));
      gets++;
      return json(res, 200, resource(CI, { properties: { provisioningState: gets < 3 ? 'Creating' : 'Succeeded' } }));
    });
    const done = await arm.put(CI, V, {});
    assert.equal((done.resource?.properties as { provisioningState: string }).provisioningState, 'Succeeded');
    assert.equal(gets, 3);
  });

  test('a Failed operation throws ArmError with the operation error unpacked', async () => {
    const { arm } = client();
    srv.handle((req, res) => {
      if (req.method === 'PUT')
        return json(res, 201, resource(CI), { 'azure-asyncoperation': `${srv.url}/subscriptions/${SUB}/op/2` });
      return json(res, 200, {
        status: 'Failed',
        error: { code: 'QuotaExceeded', message: 'Not enough NCADS_A100_v4 quota', details: [{ code: 'Family' }] },
      });
    });
    await assert.rejects(arm.put(CI, V, {}), (e: unknown) => {
      assert.ok(e instanceof ArmError);
      assert.equal(e.code, 'ArmQuotaExceeded');
      assert.equal(e.armCode, 'QuotaExceeded');
      assert.deepEqual(e.details, [{ code: 'Family' }]);
      assert.equal(e.retryable, false);
      return true;
    });
  });

  test('a poll URL on another host is refused before any request carries the token there', async () => {
    const { arm } = client();
    srv.handle((_req, res) =>
      json(res, 201, resource(CI), { 'azure-asyncoperation': 'https://attacker.example.net/op' }),
    );
    await assert.rejects(arm.beginPut(CI, V, {}), (e: unknown) => e instanceof ArmError && e.armCode === 'ForeignUrl');
  });
});

describe('retries and errors', () => {
  test('429 with Retry-After as an HTTP date is waited out and retried', async () => {
    const { arm, waits } = client();
    srv.handle((_req, res, n) =>
      n === 1
        ? json(
            res,
            429,
            { error: { code: 'SubscriptionRequestsThrottled', message: 'slow down' } },
            { 'retry-after': new Date(Date.now() + 6000).toUTCString() },
          )
        : json(res, 200, resource(CI)),
    );
    const r = await arm.get(CI, V);
    assert.equal(r?.id, CI);
    assert.equal(srv.requests.length, 2);
    assert.ok(waits[0] > 4000 && waits[0] <= 6000, `waited ${waits[0]}`);
  });

  test('a throttling 429 pauses the whole bucket of that kind until Retry-After', async () => {
    const limiter = new ArmRateLimiter();
    const { arm } = client({ limiter, retry: { maxAttempts: 1 } });
    srv.handle((_req, res) =>
      json(
        res,
        429,
        { error: { code: 'SubscriptionRequestsThrottled', message: 'slow down' } },
        { 'retry-after': '30' },
      ),
    );
    await assert.rejects(
      arm.get(CI, V),
      (e: unknown) => e instanceof ArmError && e.status === 429 && e.retryAfterMs === 30_000,
    );
    assert.ok(limiter.bucket(`sub:${SUB}`, 'reads').pausedFor() > 25_000, 'reads of this subscription are held');
    assert.equal(limiter.bucket(`sub:${SUB}`, 'writes').pausedFor(), 0, 'writes are another bucket');
  });

  test('429 for contention (RetryableErrorDueToAnotherOperation) is retried without pausing the bucket', async () => {
    const limiter = new ArmRateLimiter({ sleep: async () => undefined });
    const { arm } = client({ limiter });
    srv.handle((_req, res, n) =>
      n === 1
        ? json(
            res,
            429,
            { error: { code: 'RetryableErrorDueToAnotherOperation', message: 'vnet busy' } },
            { 'retry-after': '1' },
          )
        : json(res, 200, resource(CI)),
    );
    await arm.beginPut(CI, V, {});
    assert.equal(srv.requests.length, 2);
    assert.equal(limiter.bucket(`sub:${SUB}`, 'writes').pausedFor(), 0);
  });

  test('409 AnotherOperationInProgress is retried; another 409 is final', async () => {
    const { arm } = client();
    srv.handle((_req, res, n) =>
      n < 3
        ? json(res, 409, { error: { code: 'AnotherOperationInProgress', message: 'busy' } })
        : json(res, 200, resource(CI)),
    );
    assert.equal((await arm.beginPatch(CI, V, { properties: {} })).status, 200);
    assert.equal(srv.requests.length, 3);
    srv.handle((_req, res) => json(res, 409, { error: { code: 'ComputeNameTaken', message: 'taken in region' } }));
    await assert.rejects(
      arm.beginPut(CI, V, {}),
      (e: unknown) => e instanceof ArmError && e.armCode === 'ComputeNameTaken' && !e.retryable,
    );
    assert.equal(srv.requests.length, 1);
  });

  test('5xx on PUT is retried with full-jitter backoff inside the window, up to maxAttempts', async () => {
    // The jitter draw is fixed, so each wait is exactly that fraction of its window: 10, 20, then 40 (the cap).
    const { arm, waits, events } = client({
      retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 40, random: () => 0.75 },
    });
    srv.handle((_req, res) => json(res, 503, { error: { code: 'ServiceUnavailable', message: 'try later' } }));
    await assert.rejects(
      arm.beginPut(CI, V, {}),
      (e: unknown) => e instanceof ArmError && e.status === 503 && e.retryable,
    );
    assert.equal(srv.requests.length, 4, 'maxAttempts is a hard bound');
    assert.deepEqual(waits, [7, 15, 30]);
    assert.deepEqual(
      events.map((e) => e.attempt),
      [1, 2, 3, 4],
    );
  });

  test('5xx on POST is not resent: the action may have run (outcomeUnknown)', async () => {
    const { arm } = client();
    srv.handle((_req, res) => json(res, 500, { error: { code: 'InternalServerError', message: 'oops' } }));
    await assert.rejects(
      arm.beginPost(CI, 'restart', V),
      (e: unknown) => e instanceof ArmError && e.outcomeUnknown && e.retryable,
    );
    assert.equal(srv.requests.length, 1);
  });

  test('a dropped connection is retried for GET/PUT/DELETE but reported, not resent, for POST', async () => {
    const { arm } = client();
    srv.handle((_req, res, n) => (n === 1 ? res.socket?.destroy() : json(res, 200, resource(CI))));
    assert.equal((await arm.get(CI, V))?.id, CI);
    assert.equal(srv.requests.length, 2);
    srv.handle((_req, res, n) => (n === 1 ? res.socket?.destroy() : json(res, 200, resource(CI))));
    assert.equal((await arm.beginPut(CI, V, {})).status, 200);
    assert.equal(srv.requests.length, 2);
    srv.handle((_req, res) => res.socket?.destroy());
    await assert.rejects(arm.beginPost(CI, 'start', V), (e: unknown) => {
      assert.ok(e instanceof ArmError);
      assert.equal(e.armCode, 'ConnectionDropped');
      assert.equal(e.outcomeUnknown, true);
      assert.match(e.message, /may or may not have run/);
      return true;
    });
    assert.equal(srv.requests.length, 1, 'the POST was sent once');
  });

  test('malformed error bodies still give a stable code and a readable message', async () => {
    const { arm } = client();
    srv.handle((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/html' });
      res.end('<html><body>Request rejected by gateway</body></html>');
    });
    await assert.rejects(
      arm.beginPut(CI, V, {}),
      (e: unknown) =>
        e instanceof ArmError && e.armCode === 'BadRequest' && /Request rejected by gateway/.test(e.message),
    );
    srv.handle((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error": {"code": "InvalidProp');
    });
    await assert.rejects(
      arm.beginPut(CI, V, {}),
      (e: unknown) => e instanceof ArmError && e.armCode === 'BadRequest' && e.status === 400,
    );
    srv.handle((_req, res) =>
      json(res, 400, { code: 'InvalidVmSize', message: 'size not found' }, { 'x-ms-request-id': 'req-1' }),
    );
    await assert.rejects(
      arm.beginPut(CI, V, {}),
      (e: unknown) =>
        e instanceof ArmError &&
        e.armCode === 'InvalidVmSize' &&
        e.requestId === 'req-1' &&
        e.message.includes('size not found'),
    );
  });

  test('x-ms-ratelimit-remaining headers lower the bucket to what ARM says remains', async () => {
    // A frozen clock: on a loaded machine the bucket would otherwise refill between the answer and the assertion.
    const limiter = new ArmRateLimiter({ sleep: async () => undefined, clock: () => 1_000_000 });
    const { arm } = client({ limiter });
    srv.handle((_req, res) =>
      json(res, 200, resource(CI), {
        'x-ms-ratelimit-remaining-subscription-writes': '7',
        'x-ms-ratelimit-remaining-tenant-writes': '40',
      }),
    );
    await arm.beginPut(CI, V, {});
    assert.ok(limiter.bucket(`sub:${SUB}`, 'writes').available() <= 7);
    assert.ok(limiter.bucket(`sub:${SUB}`, 'reads').available() > 200, 'reads are untouched');
  });

  test('the call deadline covers retries and polling: ArmTimeout', async () => {
    const { arm } = client({ sleep: undefined, poll: { initialDelayMs: 20, maxDelayMs: 20 } });
    srv.handle((req, res) =>
      req.method === 'PUT'
        ? json(res, 201, resource(CI), { 'azure-asyncoperation': `${srv.url}/subscriptions/${SUB}/op/3` })
        : json(res, 200, { status: 'InProgress' }),
    );
    await assert.rejects(
      arm.put(CI, V, {}, { timeoutMs: 300 }),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'ArmTimeout' && /within 300 ms/.test(e.message),
    );
  });

  test('a hung request is abandoned after requestTimeoutMs and retried (idempotent)', async () => {
    const { arm } = client({ requestTimeoutMs: 200 });
    srv.handle((_req, res, n) => {
      if (n === 1) return; // never answer
      json(res, 200, resource(CI));
    });
    assert.equal((await arm.get(CI, V))?.id, CI);
    assert.equal(srv.requests.length, 2);
  });

  test('a caller abort ends the call with ArmAborted', async () => {
    const { arm } = client({ sleep: undefined });
    srv.handle(() => undefined);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(
      arm.get(CI, V, { signal: ac.signal }),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'ArmAborted',
    );
  });
});

describe('configuration errors', () => {
  test('plain http endpoints, bad ids and bad api-versions are refused with a fix', async () => {
    assert.throws(
      () => new HttpArmClient({ endpoint: 'http://127.0.0.1:1', credential: new LocalCredential() }),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'ArmInvalidEndpoint',
    );
    assert.throws(
      () => new HttpArmClient({ endpoint: 'not a url', credential: new LocalCredential() }),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'ArmInvalidEndpoint',
    );
    const { arm } = client();
    await assert.rejects(
      arm.get('subscriptions/x', V),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'ArmInvalidResourceId',
    );
    // Non-canonical ids are refused, not "resolved" by the URL parser into another resource (issue 14).
    const sentBefore = srv.requests.length;
    for (const bad of [
      '/subscriptions/s/resourceGroups/rg/../other',
      '/subscriptions/s/resourceGroups/rg/./x',
      '/subscriptions/s//resourceGroups/rg',
      '/subscriptions/s/resourceGroups/rg?x=1',
      '/subscriptions/s/resourceGroups/rg/%2e%2e/x',
      '/subscriptions/s/resourceGroups/rg\\..\\x',
    ])
      await assert.rejects(
        arm.beginDelete(bad, V),
        (e: unknown) => e instanceof AmlcdkError && e.code === 'ArmInvalidResourceId',
        bad,
      );
    assert.equal(srv.requests.length, sentBefore);
    await assert.rejects(
      arm.get(CI, 'latest'),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'ArmInvalidApiVersion',
    );
  });

  test('without the emulator CA the TLS failure says how to fix it', async () => {
    const { arm } = client({ caCertPem: undefined });
    srv.handle((_req, res) => json(res, 200, resource(CI)));
    await assert.rejects(
      arm.get(CI, V),
      (e: unknown) => e instanceof ArmError && e.armCode === 'RequestFailed' && /caCertPem/.test(e.message),
    );
  });
});
