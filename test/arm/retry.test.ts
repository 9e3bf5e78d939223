import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  backoffMs,
  isDroppedConnection,
  isInProgressCode,
  parseRetryAfter,
  resolveRetryOptions,
  seededRandom,
} from '../../lib/arm/retry.js';
import { armErrorFromOperation, armErrorFromResponse, unpackErrorBody } from '../../lib/arm/arm-error.js';

describe('Retry-After', () => {
  test('parses delta-seconds, fractional seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('0.25', now), 250);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now), 0, 'a date in the past means now');
  });
  test('ignores absent and unparsable values', () => {
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter(''), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter('-3'), undefined);
  });
});

describe('backoff', () => {
  test('full jitter stays inside the doubling window, capped, and is reproducible with a seed', () => {
    const o = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000, random: seededRandom(42) });
    const a = [0, 1, 2, 3, 4, 5, 6].map((r) => backoffMs(r, o));
    a.forEach((ms, r) => assert.ok(ms >= 0 && ms < Math.min(1000, 100 * 2 ** r), `retry ${r}: ${ms}`));
    const o2 = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000, random: seededRandom(42) });
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((r) => backoffMs(r, o2)),
      a,
    );
    const o3 = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000, random: seededRandom(43) });
    assert.notDeepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((r) => backoffMs(r, o3)),
      a,
    );
  });
  test('rejects a nonsensical attempt count', () => {
    assert.throws(() => resolveRetryOptions({ maxAttempts: 0 }), RangeError);
  });
});

describe('classification', () => {
  test('dropped connections are recognised by code, message and cause', () => {
    assert.ok(isDroppedConnection(Object.assign(new Error('x'), { code: 'ECONNRESET' })));
    assert.ok(isDroppedConnection(new Error('socket hang up')));
    assert.ok(isDroppedConnection(new Error('wrapped', { cause: Object.assign(new Error('y'), { code: 'EPIPE' }) })));
    assert.ok(!isDroppedConnection(new Error('self-signed certificate')));
    assert.ok(!isDroppedConnection(undefined));
  });
  test('operation-in-progress codes are contention', () => {
    assert.ok(isInProgressCode('AnotherOperationInProgress'));
    assert.ok(isInProgressCode('retryableerrorduetoanotheroperation'));
    assert.ok(!isInProgressCode('StorageAccountAlreadyTaken'));
  });
  test('ARM error bodies are unpacked in every shape', () => {
    assert.deepEqual(unpackErrorBody({ error: { code: 'A', message: 'm', details: [{ code: 'B' }] } }), {
      code: 'A',
      message: 'm',
      details: [{ code: 'B' }],
    });
    assert.deepEqual(unpackErrorBody({ code: 'Flat', message: 'f' }), {
      code: 'Flat',
      message: 'f',
      details: undefined,
    });
    assert.deepEqual(unpackErrorBody('nope'), {});
  });
  test('409 is retryable only with an in-progress code; 5xx on POST has an unknown outcome', () => {
    const conflict = armErrorFromResponse({
      status: 409,
      bodyText: '{"error":{"code":"AnotherOperationInProgress","message":"busy"}}',
      method: 'PUT',
      url: 'https://h/x',
    });
    assert.equal(conflict.retryable, true);
    assert.equal(conflict.code, 'ArmAnotherOperationInProgress');
    const busy = armErrorFromResponse({
      status: 409,
      bodyText: '{"error":{"code":"Conflict","message":"delete is in progress on the resource"}}',
      method: 'PUT',
      url: 'https://h/x',
    });
    assert.equal(busy.retryable, true, 'a plain Conflict that says an operation is in progress is contention');
    const attached = armErrorFromResponse({
      status: 409,
      bodyText: '{"error":{"code":"Conflict","message":"already attached"}}',
      method: 'PUT',
      url: 'https://h/x',
    });
    assert.equal(attached.retryable, false);
    const taken = armErrorFromResponse({
      status: 409,
      bodyText: '{"error":{"code":"NameTaken","message":"taken"}}',
      method: 'PUT',
      url: 'https://h/x',
    });
    assert.equal(taken.retryable, false);
    const post500 = armErrorFromResponse({ status: 500, bodyText: '', method: 'POST', url: 'https://h/x/stop' });
    assert.equal(post500.outcomeUnknown, true);
    assert.equal(post500.armCode, 'InternalServerError');
    assert.match(post500.message, /HTTP 500 and no body/);
    const html = armErrorFromResponse({
      status: 502,
      bodyText: '<html><body><h1>Bad gateway</h1></body></html>',
      method: 'GET',
      url: 'https://h/x?api-version=1&sig=SECRET',
    });
    assert.equal(html.armCode, 'BadGateway');
    assert.match(html.message, /not ARM's error JSON: Bad gateway/);
    const sig = armErrorFromResponse({ status: 400, bodyText: '', method: 'GET', url: 'https://h/x?sig=SECRET' });
    assert.doesNotMatch(sig.message, /SECRET/);
  });
  test('a failed operation carries its error code and transient codes stay retryable', () => {
    const e = armErrorFromOperation({
      status: 'Failed',
      body: { status: 'Failed', error: { code: 'QuotaExceeded', message: 'no GPUs' } },
      pollStatus: 200,
    });
    assert.equal(e.armCode, 'QuotaExceeded');
    assert.equal(e.retryable, false);
    assert.equal(
      armErrorFromOperation({ status: 'Failed', body: { error: { code: 'InternalServerError' } }, pollStatus: 200 })
        .retryable,
      true,
    );
    assert.equal(armErrorFromOperation({ status: 'Canceled', body: {}, pollStatus: 200 }).armCode, 'OperationCanceled');
  });
});
