// api-versions per type as the specs list them: previews Microsoft's tools send are accepted, a version the spec does
// not define for that type gets 400 InvalidApiVersionParameter listing the supported ones.
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { startTestEmulator, paths, V, type TestEmulator } from '../helpers/emulator.js';

describe('emulator api-versions per type', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
    await emu.request('PUT', `${paths.rg('rg-v')}?api-version=${V.rg}`, { location: 'westeurope' });
  });
  afterAll(() => emu.close());

  test('az ml / azure-ai-ml preview 2022-10-01-preview is accepted on workspaces and computes', async () => {
    const ws = await emu.request('GET', `${paths.ws('rg-v', 'nope')}?api-version=2022-10-01-preview`);
    assert.equal(ws.status, 404);
    assert.equal(ws.body.error.code, 'ResourceNotFound');
    const list = await emu.request('GET', `${paths.ws('rg-v', 'nope')}/computes?api-version=2022-10-01-preview`);
    assert.notEqual(list.body?.error?.code, 'InvalidApiVersionParameter');
  });

  test('2024-06-01 (a privateDnsZones version) is refused on virtualNetworks, listing the supported versions', async () => {
    const r = await emu.request('PUT', `${paths.vnet('rg-v', 'vn')}?api-version=2024-06-01`, {
      location: 'westeurope',
      properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'InvalidApiVersionParameter');
    assert.match(r.body.error.message, /'Microsoft\.Network\/virtualNetworks' are '[^']*2024-05-01[^']*'/);
    assert.doesNotMatch(r.body.error.message, /2024-06-01,/);
    const zone = `/subscriptions/${paths.rg('rg-v').split('/')[2]}/resourceGroups/rg-v/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms`;
    const z = await emu.request('PUT', `${zone}?api-version=2024-06-01`, { location: 'global' });
    assert.ok(z.status === 200 || z.status === 201, JSON.stringify(z.body));
  });

  test('an unknown version is refused with the code ARM uses', async () => {
    const r = await emu.request('GET', `${paths.ws('rg-v', 'w')}?api-version=2099-01-01`);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'InvalidApiVersionParameter');
  });
});
