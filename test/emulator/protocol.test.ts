/** ARM protocol fidelity: api-version, auth, error shape, LRO headers and operation resources, 404/409, paging. */
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { unsignedToken } from '../../lib/emulator/index.js';
import { startTestEmulator, paths, V, TEST_SUB, TEST_OID, type TestEmulator } from '../helpers/emulator.js';

const RG = 'rg-proto';
const ws = paths.ws(RG, 'ws-proto');

describe('ARM protocol', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({
      durations: { default: { create: 0, update: 0, delete: 0, action: 0 } },
      pageSize: 2,
    });
    assert.equal(
      (await emu.request('PUT', `${paths.rg(RG)}?api-version=${V.rg}`, { location: 'westeurope' })).status,
      201,
    );
  });
  afterAll(async () => {
    await emu?.close();
  });

  test('api-version is required: 400 MissingApiVersionParameter', async () => {
    const r = await emu.request('GET', paths.rg(RG));
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'MissingApiVersionParameter');
    assert.ok(Array.isArray(r.body.error.details));
  });

  test('an unsupported api-version: 400 InvalidApiVersionParameter naming the supported ones', async () => {
    const r = await emu.request('GET', `${ws}?api-version=2019-01-01`);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'InvalidApiVersionParameter');
    assert.match(r.body.error.message, /2022-10-01/);
  });

  test('versions sent by Microsoft clients and pinned by amlcdk are accepted', async () => {
    for (const v of ['2022-10-01', '2025-12-01', '2025-09-01']) {
      const r = await emu.request('GET', `${ws}?api-version=${v}`);
      assert.equal(r.status, 404, v);
      assert.equal(r.body.error.code, 'ResourceNotFound');
    }
  });

  test('authentication: missing header 401 AuthenticationFailed, garbled 401 InvalidAuthenticationToken, expired 401 ExpiredAuthenticationToken', async () => {
    const none = await emu.request('GET', `${paths.rg(RG)}?api-version=${V.rg}`, undefined, { token: null });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'AuthenticationFailed');
    assert.match(String(none.headers['www-authenticate']), /Bearer/);
    const garbled = await emu.request('GET', `${paths.rg(RG)}?api-version=${V.rg}`, undefined, { token: 'not-a-jwt' });
    assert.equal(garbled.status, 401);
    assert.equal(garbled.body.error.code, 'InvalidAuthenticationToken');
    const noOid = await emu.request('GET', `${paths.rg(RG)}?api-version=${V.rg}`, undefined, {
      token: unsignedToken({ oid: '' }),
    });
    assert.equal(noOid.body.error.code, 'InvalidAuthenticationToken');
    const expired = await emu.request('GET', `${paths.rg(RG)}?api-version=${V.rg}`, undefined, {
      token: unsignedToken({ oid: TEST_OID, exp: 1000 }),
    });
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error.code, 'ExpiredAuthenticationToken');
  });

  test('unknown provider 400 NoRegisteredProviderFound, unknown type 404 InvalidResourceType, bad JSON 400 InvalidRequestContent', async () => {
    const p = await emu.request(
      'GET',
      `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.Nope/things/x?api-version=2024-01-01`,
    );
    assert.equal(p.status, 400);
    assert.equal(p.body.error.code, 'NoRegisteredProviderFound');
    const t = await emu.request(
      'GET',
      `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/gadgets/x?api-version=${V.ml}`,
    );
    assert.equal(t.status, 404);
    assert.equal(t.body.error.code, 'InvalidResourceType');
    const j = await emu.request('PUT', `${paths.rg('rg-json')}?api-version=${V.rg}`, '{ not json');
    assert.equal(j.status, 400);
    assert.equal(j.body.error.code, 'InvalidRequestContent');
  });

  test('404s: ResourceNotFound, ParentResourceNotFound, ResourceGroupNotFound', async () => {
    const a = await emu.request('GET', `${ws}?api-version=${V.ml}`);
    assert.equal(a.status, 404);
    assert.equal(a.body.error.code, 'ResourceNotFound');
    const b = await emu.request('PUT', `${ws}/computes/cpu-a?api-version=${V.ml}`, {
      properties: {
        computeType: 'AmlCompute',
        properties: { vmSize: 'Standard_DS3_v2', scaleSettings: { maxNodeCount: 1 } },
      },
    });
    assert.equal(b.status, 404);
    assert.equal(b.body.error.code, 'ParentResourceNotFound');
    const c = await emu.request('PUT', `${paths.ws('rg-missing', 'w1')}?api-version=${V.ml}`, {
      location: 'westeurope',
    });
    assert.equal(c.status, 404);
    assert.equal(c.body.error.code, 'ResourceGroupNotFound');
  });

  test('generic LRO (a type with no recorded shape): 201 + Azure-AsyncOperation + Location + Retry-After; operation status resource; then 200 on update', async () => {
    const id = `${paths.rg(RG)}/providers/Microsoft.ContainerRegistry/registries/acrproto`;
    const r = await emu.request('PUT', `${id}?api-version=${V.acr}`, {
      location: 'westeurope',
      sku: { name: 'Basic' },
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.properties.provisioningState, 'Creating');
    for (const h of ['azure-asyncoperation', 'location', 'retry-after']) assert.ok(r.headers[h] !== undefined, h);
    assert.match(
      String(r.headers['azure-asyncoperation']),
      /^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.+\/providers\/Microsoft\.ContainerRegistry\/locations\/westeurope\/operationStatuses\/[0-9a-f-]{36}\?api-version=/,
    );
    const op = await emu.request('GET', String(r.headers['azure-asyncoperation']));
    assert.equal(op.status, 200);
    assert.deepEqual(Object.keys(op.body).sort(), ['endTime', 'id', 'name', 'percentComplete', 'startTime', 'status']);
    assert.equal(op.body.status, 'Succeeded');
    const loc = await emu.request('GET', String(r.headers.location));
    assert.equal(loc.status, 200);
    assert.equal(loc.body.properties.provisioningState, 'Succeeded');
    const got = await emu.request('GET', `${id}?api-version=${V.acr}`);
    assert.equal(got.body.properties.provisioningState, 'Succeeded');
    assert.equal(got.body.systemData.createdBy, TEST_OID);
    const upd = await emu.request('PUT', `${id}?api-version=${V.acr}`, {
      location: 'westeurope',
      sku: { name: 'Basic' },
      tags: { a: '1' },
    });
    assert.equal(upd.status, 200);
    assert.equal(upd.body.properties.provisioningState, 'Updating');
  });

  test('workspace PUT as Azure answers it (corpus ml/workspace-create.json): 202, no body, Azure-AsyncOperation and Location, ML status body', async () => {
    const r = await emu.request('PUT', `${ws}?api-version=${V.ml}`, { location: 'westeurope' });
    assert.equal(r.status, 202);
    assert.equal(r.body, undefined);
    assert.ok(r.headers['azure-asyncoperation'] && r.headers.location);
    assert.equal(r.headers['retry-after'], undefined);
    assert.match(
      String(r.headers['azure-asyncoperation']),
      /^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.+\/providers\/Microsoft\.MachineLearningServices\/locations\/westeurope\/operationStatuses\/[0-9a-f-]{36}\?api-version=/,
    );
    const op = await emu.request('GET', String(r.headers['azure-asyncoperation']));
    assert.deepEqual(op.body, { status: 'Succeeded', percentComplete: 100 });
    const got = await emu.request('GET', `${ws}?api-version=${V.ml}`);
    assert.equal(got.body.properties.provisioningState, 'Succeeded');
    assert.equal(got.body.type, 'Microsoft.MachineLearningServices/workspaces');
  });

  test('provisioningState moves Creating -> Succeeded over the configured duration, computed from time', async () => {
    emu.configure({ durations: { default: { create: 60_000 } } });
    try {
      const r = await emu.request('PUT', `${ws}/computes/cpu-timed?api-version=${V.ml}`, {
        properties: {
          computeType: 'AmlCompute',
          properties: { vmSize: 'Standard_DS3_v2', scaleSettings: { maxNodeCount: 2 } },
        },
      });
      assert.equal(r.status, 201);
      const first = await emu.request('GET', String(r.headers['azure-asyncoperation']));
      assert.deepEqual(first.body, { status: 'InProgress' });
      assert.equal(r.headers.location, undefined, 'compute answers carry no Location');
      const mid = await emu.request('GET', `${ws}/computes/cpu-timed?api-version=${V.ml}`);
      assert.equal(mid.body.properties.provisioningState, 'Creating');
      emu.advanceClock(60_000);
      const end = await emu.waitFor(r);
      assert.equal(end.status, 'Succeeded');
      const after = await emu.request('GET', `${ws}/computes/cpu-timed?api-version=${V.ml}`);
      assert.equal(after.body.properties.provisioningState, 'Succeeded');
    } finally {
      emu.configure({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
    }
  });

  test('409 while an operation runs on the resource (PUT, DELETE, POST)', async () => {
    emu.configure({ durations: { default: { create: 60_000 } } });
    try {
      const c = `${ws}/computes/ci-busy?api-version=${V.ml}`;
      const r = await emu.request('PUT', c, {
        properties: { computeType: 'ComputeInstance', properties: { vmSize: 'Standard_DS3_v2' } },
      });
      assert.equal(r.status, 201);
      const again = await emu.request('PUT', c, {
        properties: { computeType: 'ComputeInstance', properties: { vmSize: 'Standard_DS3_v2' } },
      });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'Conflict');
      assert.match(again.body.error.message, /in progress/);
      const del = await emu.request(
        'DELETE',
        `${ws}/computes/ci-busy?api-version=${V.ml}&underlyingResourceAction=Delete`,
      );
      assert.equal(del.status, 409);
      const stop = await emu.request('POST', `${ws}/computes/ci-busy/stop?api-version=${V.ml}`);
      assert.equal(stop.status, 409);
    } finally {
      emu.configure({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
    }
  });

  test('DELETE: 202 + polling, then 204 when absent', async () => {
    const id = `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkSecurityGroups/nsg-del`;
    const c = await emu.request('PUT', `${id}?api-version=${V.net}`, { location: 'westeurope' });
    assert.equal(c.status, 201);
    const d = await emu.request('DELETE', `${id}?api-version=${V.net}`);
    assert.equal(d.status, 202);
    assert.ok(d.headers['azure-asyncoperation'] && d.headers.location);
    assert.equal((await emu.waitFor(d)).status, 'Succeeded');
    const loc = await emu.request('GET', String(d.headers.location));
    assert.equal(loc.status, 204);
    const again = await emu.request('DELETE', `${id}?api-version=${V.net}`);
    assert.equal(again.status, 204);
    assert.equal((await emu.request('GET', `${id}?api-version=${V.net}`)).status, 404);
  });

  test('lists page with nextLink (page size 2) and every item is listed once', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) {
      const r = await emu.request(
        'PUT',
        `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${n}?api-version=${V.msi}`,
        { location: 'westeurope' },
      );
      assert.equal(r.status, 201);
      assert.match(r.body.properties.principalId, /^[0-9a-f-]{36}$/);
    }
    let url: string | undefined =
      `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${V.msi}`;
    const names: string[] = [];
    let pages = 0;
    while (url) {
      const r = await emu.request('GET', url);
      assert.equal(r.status, 200);
      assert.ok(r.body.value.length <= 2);
      names.push(...r.body.value.map((x: { name: string }) => x.name));
      url = r.body.nextLink;
      pages += 1;
    }
    assert.equal(pages, 3);
    assert.deepEqual(names, ['id-a', 'id-b', 'id-c', 'id-d', 'id-e']);
    const subWide = await emu.request(
      'GET',
      `/subscriptions/${TEST_SUB}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${V.msi}`,
    );
    assert.equal(subWide.body.value.length, 2);
    assert.ok(subWide.body.nextLink);
  });

  test('listLagMs: a fresh resource is missing from lists (GET finds it) until the lag has passed; a bad lag is 400', async () => {
    const coll = `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;
    const names = async (): Promise<string[]> => {
      const out: string[] = [];
      let url: string | undefined = `${coll}?api-version=${V.msi}`;
      while (url) {
        const r = await emu.request('GET', url);
        out.push(...r.body.value.map((x: { name: string }) => x.name));
        url = r.body.nextLink;
      }
      return out;
    };
    emu.advanceClock(60_000); // what earlier tests created is older than the lag
    const before = await names();
    emu.configure({ listLagMs: 60_000 });
    try {
      const put = await emu.request('PUT', `${coll}/id-lagging?api-version=${V.msi}`, { location: 'westeurope' });
      assert.equal(put.status, 201);
      assert.deepEqual(await names(), before, 'the new identity lags; the older ones are listed');
      assert.equal((await emu.request('GET', `${coll}/id-lagging?api-version=${V.msi}`)).status, 200);
      emu.advanceClock(60_000);
      assert.deepEqual(await names(), [...before, 'id-lagging'].sort());
    } finally {
      emu.configure({ listLagMs: 0 });
    }
    const bad = await emu.request('PUT', '/_emulator/config', { listLagMs: -1 }, { token: null });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'InvalidEmulatorConfig');
  });

  test('every ARM answer carries the remaining-requests header of its bucket and a request id', async () => {
    const r = await emu.request('GET', `${paths.rg(RG)}?api-version=${V.rg}`);
    assert.ok(Number(r.headers['x-ms-ratelimit-remaining-subscription-reads']) > 0);
    assert.match(String(r.headers['x-ms-request-id']), /^[0-9a-f-]{36}$/);
    const w = await emu.request('PUT', `${paths.rg('rg-hdr')}?api-version=${V.rg}`, { location: 'westeurope' });
    assert.ok(Number(w.headers['x-ms-ratelimit-remaining-subscription-writes']) > 0);
    const d = await emu.request('DELETE', `${paths.rg('rg-hdr')}?api-version=${V.rg}`);
    assert.ok(Number(d.headers['x-ms-ratelimit-remaining-subscription-deletes']) > 0);
    const e = await emu.request('GET', paths.rg(RG));
    assert.ok(e.headers['x-ms-ratelimit-remaining-subscription-reads'] !== undefined, 'errors too');
  });

  test('resource group delete removes everything inside it', async () => {
    await emu.request('PUT', `${paths.rg('rg-cascade')}?api-version=${V.rg}`, { location: 'westeurope' });
    const id = `/subscriptions/${TEST_SUB}/resourceGroups/rg-cascade/providers/Microsoft.ManagedIdentity/userAssignedIdentities/inner`;
    assert.equal((await emu.request('PUT', `${id}?api-version=${V.msi}`, { location: 'westeurope' })).status, 201);
    const d = await emu.request('DELETE', `${paths.rg('rg-cascade')}?api-version=${V.rg}`);
    assert.equal(d.status, 202);
    await emu.waitFor(d);
    const g = await emu.request('GET', `${id}?api-version=${V.msi}`);
    assert.equal(g.status, 404);
    assert.equal(g.body.error.code, 'ResourceGroupNotFound');
  });

  test('the operations log records every request with its result', async () => {
    const since = emu.log().at(-1)!.seq;
    await emu.request('GET', `${ws}?api-version=${V.ml}`);
    await emu.request('GET', `${ws}/computes/nope?api-version=${V.ml}`);
    const res = await emu.request('GET', `/_emulator/log?since=${since}`);
    const entries = res.body.entries as {
      method: string;
      status: number;
      errorCode?: string;
      kind: string;
      principal: string;
      resourceId: string;
      apiVersion: string;
    }[];
    assert.equal(entries.length, 2);
    assert.deepEqual(
      entries.map((e) => [e.method, e.status, e.kind, e.errorCode]),
      [
        ['GET', 200, 'read', undefined],
        ['GET', 404, 'read', 'ResourceNotFound'],
      ],
    );
    assert.equal(entries[0].principal, TEST_OID);
    assert.equal(entries[0].apiVersion, V.ml);
    assert.equal(entries[1].resourceId, `${ws}/computes/nope`);
  });
});
