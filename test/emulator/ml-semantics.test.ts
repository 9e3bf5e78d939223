/** Azure ML semantics (reference/azureml-api.md): names, create-only fields, PATCH, actions, delete, soft delete, quota, network. */
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { startTestEmulator, paths, V, TEST_SUB, type TestEmulator } from '../helpers/emulator.js';

const RG = 'rg-ml';
const LOC = 'westeurope';
const q = `?api-version=${V.ml}`;
const wsA = paths.ws(RG, 'ws-a');
const wsB = paths.ws(RG, 'ws-b');
const wsEast = paths.ws(RG, 'ws-east');
const vnet = paths.vnet(RG, 'vnet-ml');

const cluster = (vmSize: string, min: number, max = 4, extra: Record<string, unknown> = {}) => ({
  properties: {
    computeType: 'AmlCompute',
    properties: { vmSize, scaleSettings: { minNodeCount: min, maxNodeCount: max }, ...extra },
  },
});
const instance = (vmSize: string, extra: Record<string, unknown> = {}) => ({
  properties: { computeType: 'ComputeInstance', properties: { vmSize, ...extra } },
});

describe('Azure ML semantics', () => {
  let emu: TestEmulator;
  const put = async (path: string, body: unknown) => {
    const r = await emu.request('PUT', path.includes('?') ? path : `${path}${q}`, body);
    if (r.headers['azure-asyncoperation'] && r.status < 300) await emu.waitFor(r);
    return r;
  };
  beforeAll(async () => {
    emu = await startTestEmulator({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
    await put(`${paths.rg(RG)}?api-version=${V.rg}`, { location: LOC });
    for (const w of [wsA, wsB]) assert.equal((await put(w, { location: LOC })).status, 202);
    assert.equal((await put(wsEast, { location: 'eastus' })).status, 202);
    await put(`${vnet}?api-version=${V.net}`, {
      location: LOC,
      properties: {
        addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
        subnets: [
          { name: 'plain', properties: { addressPrefix: '10.0.1.0/24' } },
          {
            name: 'delegated',
            properties: {
              addressPrefix: '10.0.2.0/24',
              delegations: [{ name: 'd', properties: { serviceName: 'Microsoft.ContainerInstance/containerGroups' } }],
            },
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await emu?.close();
  });

  test('compute names follow the service regex: 400 InvalidResourceName', async () => {
    for (const bad of ['cpu-cluster-1', 'ab', '1abc', 'a_b_c', 'x'.repeat(25)]) {
      const r = await emu.request('PUT', `${wsA}/computes/${bad}${q}`, cluster('Standard_DS3_v2', 0));
      assert.equal(r.status, 400, bad);
      assert.equal(r.body.error.code, 'InvalidResourceName', bad);
      assert.equal(r.body.error.target, 'name');
    }
    assert.equal((await put(`${wsA}/computes/cpu-cluster-1a`, cluster('Standard_DS3_v2', 0))).status, 201);
  });

  test('compute names are unique per region across workspaces: 409 AlreadyExists; another region is fine', async () => {
    assert.equal((await put(`${wsA}/computes/shared-name`, cluster('Standard_DS3_v2', 0))).status, 201);
    const dup = await emu.request('PUT', `${wsB}/computes/shared-name${q}`, cluster('Standard_DS3_v2', 0));
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'AlreadyExists');
    assert.match(dup.body.error.message, /ws-a/);
    assert.equal((await put(`${wsEast}/computes/shared-name`, cluster('Standard_DS3_v2', 0))).status, 201);
  });

  test('compute instance: read-only fields filled, vmSize echoed in another case, create-only fields refused on re-PUT', async () => {
    const c = `${wsA}/computes/ci-alice`;
    assert.equal(
      (await put(c, instance('Standard_DS3_v2', { sshSettings: { sshPublicAccess: 'Disabled' } }))).status,
      201,
    );
    const got = (await emu.request('GET', `${c}${q}`)).body;
    const pp = got.properties.properties;
    assert.equal(pp.vmSize, 'STANDARD_DS3_V2');
    assert.equal(pp.state, 'Running');
    assert.equal(pp.sshSettings.adminUserName, 'azureuser');
    assert.equal(pp.applicationSharingPolicy, 'Shared');
    assert.ok(
      pp.applications.some(
        (a: { displayName: string; endpointUri: string }) =>
          a.displayName === 'Jupyter' && a.endpointUri.startsWith('https://ci-alice.westeurope.instances.azureml.ms'),
      ),
    );
    assert.equal(got.properties.isAttachedCompute, false);
    assert.match(got.properties.createdOn, /^\d{4}-\d\d-\d\dT/);
    assert.equal(got.location, LOC);
    // Same desired state again (vmSize in the user's casing): accepted; a compute re-PUT answers 201 like a create
    // (corpus ml/compute-cluster-lifecycle.json shows the same shape for PUT).
    assert.equal(
      (
        await emu.request(
          'PUT',
          `${c}${q}`,
          instance('Standard_DS3_v2', { sshSettings: { sshPublicAccess: 'Disabled' } }),
        )
      ).status,
      201,
    );
    for (const [field, value, target] of [
      ['vmSize', 'Standard_DS4_v2', 'properties.properties.vmSize'],
      ['sshSettings', { sshPublicAccess: 'Enabled' }, 'properties.properties.sshSettings'],
      ['enableNodePublicIp', false, 'properties.properties.enableNodePublicIp'],
    ] as const) {
      const r = await emu.request(
        'PUT',
        `${c}${q}`,
        instance(field === 'vmSize' ? value : 'Standard_DS3_v2', field === 'vmSize' ? {} : { [field]: value }),
      );
      assert.equal(r.status, 400, field);
      assert.equal(r.body.error.code, 'PropertyChangeNotAllowed', field);
      assert.equal(r.body.error.target, target);
      assert.match(r.body.error.message, new RegExp(field));
    }
  });

  test('compute instance must be in the workspace region: 400 InvalidLocation', async () => {
    const r = await emu.request('PUT', `${wsA}/computes/ci-far${q}`, {
      location: 'eastus',
      ...instance('Standard_DS3_v2'),
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'InvalidLocation');
  });

  test('start/stop/restart change state through transitional states', async () => {
    // Long actions, ended by moving the emulator clock: the transitional state is observable however slow the machine.
    emu.configure({ durations: { default: { create: 0, update: 0, delete: 0, action: 60_000 } } });
    try {
      const c = `${wsA}/computes/ci-alice`;
      const stop = await emu.request('POST', `${c}/stop${q}`);
      assert.equal(stop.status, 202);
      // Azure-AsyncOperation only, no body (corpus ml/compute-instance-stop.json).
      assert.ok(stop.headers['azure-asyncoperation']);
      assert.equal(stop.headers.location, undefined);
      assert.equal(stop.body, undefined);
      assert.equal((await emu.request('GET', `${c}${q}`)).body.properties.properties.state, 'Stopping');
      emu.advanceClock(60_000);
      await emu.waitFor(stop);
      let pp = (await emu.request('GET', `${c}${q}`)).body.properties.properties;
      assert.equal(pp.state, 'Stopped');
      assert.deepEqual([pp.lastOperation.operationName, pp.lastOperation.operationStatus], ['Stop', 'Succeeded']);
      const start = await emu.request('POST', `${c}/start${q}`);
      assert.equal((await emu.request('GET', `${c}${q}`)).body.properties.properties.state, 'Starting');
      emu.advanceClock(60_000);
      await emu.waitFor(start);
      const restart = await emu.request('POST', `${c}/restart${q}`);
      assert.equal((await emu.request('GET', `${c}${q}`)).body.properties.properties.state, 'Restarting');
      emu.advanceClock(60_000);
      await emu.waitFor(restart);
      pp = (await emu.request('GET', `${c}${q}`)).body.properties.properties;
      assert.equal(pp.state, 'Running');
      const onCluster = await emu.request('POST', `${wsA}/computes/cpu-cluster-1a/start${q}`);
      assert.equal(onCluster.status, 400);
      assert.equal(onCluster.body.error.code, 'BadRequest');
    } finally {
      emu.configure({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
    }
  });

  test('instance action endpoints: updateDataMounts, updateIdleShutdownSetting, updateSchedules, resize', async () => {
    const c = `${wsA}/computes/ci-actions`;
    await put(c, instance('Standard_DS3_v2'));
    const mount = await emu.request('POST', `${c}/updateDataMounts${q}`, [
      {
        mountAction: 'Mount',
        mountName: 'team',
        source: 'azureml://datastores/team/paths/',
        sourceType: 'URI',
        mountMode: 'ReadWrite',
      },
    ]);
    assert.equal(mount.status, 200);
    let pp = (await emu.request('GET', `${c}${q}`)).body.properties.properties;
    assert.deepEqual(
      pp.dataMounts.map((m: { mountName: string; mountState: string }) => [m.mountName, m.mountState]),
      [['team', 'Mounted']],
    );
    await emu.request('POST', `${c}/updateDataMounts${q}`, [
      { mountAction: 'Unmount', mountName: 'team', source: 'x', sourceType: 'URI' },
    ]);
    assert.deepEqual((await emu.request('GET', `${c}${q}`)).body.properties.properties.dataMounts, []);
    const badMount = await emu.request('POST', `${c}/updateDataMounts${q}`, [{ mountName: 'x' }]);
    assert.equal(badMount.body.error.code, 'InvalidRequestContent');
    assert.equal(
      (await emu.request('POST', `${c}/updateIdleShutdownSetting${q}`, { idleTimeBeforeShutdown: 'PT30M' })).status,
      200,
    );
    const tooShort = await emu.request('POST', `${c}/updateIdleShutdownSetting${q}`, {
      idleTimeBeforeShutdown: 'PT5M',
    });
    assert.equal(tooShort.status, 400);
    const schedules = {
      computeStartStop: [
        { status: 'Enabled', action: 'Stop', triggerType: 'Cron', cron: { expression: '0 18 * * *', timeZone: 'UTC' } },
      ],
    };
    // updateSchedules is in no stable spec: only a preview api-version routes it.
    const stable = await emu.request('POST', `${c}/updateSchedules${q}`, schedules);
    assert.equal(stable.status, 404);
    assert.equal(stable.body.error.code, 'InvalidResourceType');
    const sched = await emu.request('POST', `${c}/updateSchedules?api-version=2025-04-01-preview`, schedules);
    assert.equal(sched.status, 200);
    pp = (await emu.request('GET', `${c}${q}`)).body.properties.properties;
    assert.equal(pp.idleTimeBeforeShutdown, 'PT30M');
    assert.equal(pp.schedules.computeStartStop[0].provisioningStatus, 'Completed');
    const resize = await emu.request('POST', `${c}/resize${q}`, { targetVMSize: 'Standard_DS4_v2' });
    assert.equal(resize.status, 202);
    await emu.waitFor(resize);
    assert.equal((await emu.request('GET', `${c}${q}`)).body.properties.properties.vmSize, 'STANDARD_DS4_V2');
    const onCluster = await emu.request('POST', `${wsA}/computes/cpu-cluster-1a/updateDataMounts${q}`, []);
    assert.equal(onCluster.status, 400);
    // State survives: the action answers were durable.
    assert.equal(emu.log().filter((e) => e.kind === 'action' && e.status === 200).length >= 4, true);
  });

  test('cluster: NotSpecified remote login resolves, secrets are dropped, PATCH takes scaleSettings only', async () => {
    const c = `${wsA}/computes/cpu-patch`;
    assert.equal(
      (
        await put(
          c,
          cluster('Standard_DS3_v2', 0, 2, {
            remoteLoginPortPublicAccess: 'NotSpecified',
            userAccountCredentials: { adminUserName: 'azureuser', adminUserPassword: 'P@ssw0rd-not-echoed' },
          }),
        )
      ).status,
      201,
    );
    const got = await emu.request('GET', `${c}${q}`);
    assert.equal(got.body.properties.properties.remoteLoginPortPublicAccess, 'Enabled');
    // Azure's default idle time, as it echoes it (corpus ml/compute-cluster-lifecycle.json).
    assert.equal(got.body.properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown, 'PT2M');
    assert.equal(JSON.stringify(got.body).includes('P@ssw0rd'), false);
    const badPatch = await emu.request('PATCH', `${c}${q}`, {
      properties: { properties: { vmSize: 'Standard_DS4_v2' } },
    });
    assert.equal(badPatch.status, 400);
    assert.equal(badPatch.body.error.code, 'InvalidRequestContent');
    assert.equal(badPatch.body.error.target, 'properties.properties.vmSize');
    emu.configure({ durations: { default: { create: 0, update: 100, delete: 0, action: 0 } } });
    try {
      const ok = await emu.request('PATCH', `${c}${q}`, {
        properties: { properties: { scaleSettings: { maxNodeCount: 6, minNodeCount: 1 } } },
      });
      assert.equal(ok.status, 202);
      assert.ok(ok.headers['azure-asyncoperation']);
      assert.equal(ok.body.properties.provisioningState, 'Updating');
      // The 202 answer shows the cluster before the service settles it (corpus ml/compute-cluster-lifecycle.json).
      assert.equal(ok.body.properties.properties.allocationState, null);
      assert.equal(ok.body.properties.properties.scaleSettings.maxNodeCount, 6);
      await emu.waitFor(ok);
    } finally {
      emu.configure({ durations: { default: { create: 0, update: 0, delete: 0, action: 0 } } });
    }
    const after = (await emu.request('GET', `${c}${q}`)).body.properties.properties;
    assert.deepEqual(
      [
        after.scaleSettings.maxNodeCount,
        after.scaleSettings.minNodeCount,
        after.currentNodeCount,
        after.allocationState,
      ],
      [6, 1, 1, 'Steady'],
    );
    const minOverMax = await emu.request('PATCH', `${c}${q}`, {
      properties: { properties: { scaleSettings: { maxNodeCount: 1, minNodeCount: 3 } } },
    });
    assert.equal(minOverMax.body.error.code, 'InvalidScaleSettings');
    const reput = await emu.request('PUT', `${c}${q}`, cluster('Standard_DS4_v2', 0));
    assert.equal(reput.status, 400);
    assert.equal(reput.body.error.code, 'PropertyChangeNotAllowed');
    const onInstance = await emu.request('PATCH', `${wsA}/computes/ci-alice${q}`, {
      properties: { properties: { scaleSettings: { maxNodeCount: 1 } } },
    });
    assert.equal(onInstance.status, 400);
  });

  test('DELETE requires underlyingResourceAction: 400 MissingRequiredParameter / InvalidParameterValue', async () => {
    const c = `${wsA}/computes/cpu-patch`;
    const none = await emu.request('DELETE', `${c}${q}`);
    assert.equal(none.status, 400);
    assert.equal(none.body.error.code, 'MissingRequiredParameter');
    const bad = await emu.request('DELETE', `${c}${q}&underlyingResourceAction=Remove`);
    assert.equal(bad.body.error.code, 'InvalidParameterValue');
    const ok = await emu.request('DELETE', `${c}${q}&underlyingResourceAction=Delete`);
    assert.equal(ok.status, 202);
    await emu.waitFor(ok);
    assert.equal((await emu.request('GET', `${c}${q}`)).status, 404);
  });

  test('Detach of a managed cluster keeps its VMs: re-creating the name brings back the old vmSize (specs#18889)', async () => {
    const c = `${wsB}/computes/cpu-ghost`;
    await put(c, cluster('Standard_DS3_v2', 0));
    const d = await emu.request('DELETE', `${c}${q}&underlyingResourceAction=Detach`);
    await emu.waitFor(d);
    await put(c, cluster('Standard_DS4_v2', 0));
    assert.equal((await emu.request('GET', `${c}${q}`)).body.properties.properties.vmSize, 'STANDARD_DS3_V2');
    const d2 = await emu.request('DELETE', `${c}${q}&underlyingResourceAction=Delete`);
    await emu.waitFor(d2);
    await put(c, cluster('Standard_DS4_v2', 0));
    assert.equal((await emu.request('GET', `${c}${q}`)).body.properties.properties.vmSize, 'STANDARD_DS4_V2');
  });

  test('Delete of an attached compute deletes the underlying resource; attach is not idempotent', async () => {
    const aks = `/subscriptions/${TEST_SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-del`;
    await put(`${aks}?api-version=2024-05-01`, { location: LOC, properties: {} });
    const c = `${wsA}/computes/k8s-del`;
    const body = { properties: { computeType: 'Kubernetes', resourceId: aks, properties: {} } };
    assert.equal((await put(c, body)).status, 201);
    const again = await emu.request('PUT', `${c}${q}`, body);
    assert.equal(again.status, 409);
    const missing = await emu.request('PUT', `${wsA}/computes/k8s-missing${q}`, {
      properties: { computeType: 'Kubernetes', resourceId: `${aks}-nope`, properties: {} },
    });
    assert.equal(missing.body.error.code, 'InvalidResourceReference');
    const d = await emu.request('DELETE', `${c}${q}&underlyingResourceAction=Delete`);
    await emu.waitFor(d);
    assert.equal((await emu.request('GET', `${aks}?api-version=2024-05-01`)).status, 404);
  });

  test('workspace soft delete: the re-create fails as Azure words it until forceToPurge=true', async () => {
    const w = paths.ws(RG, 'ws-soft');
    await put(w, { location: LOC });
    const d = await emu.request('DELETE', `${w}${q}`);
    assert.equal(d.status, 202);
    await emu.waitFor(d);
    assert.equal((await emu.request('GET', `${w}${q}`)).status, 404);
    // Accepted, then the operation fails with Azure's text; nothing is left behind.
    const re = await emu.request('PUT', `${w}${q}`, { location: LOC });
    assert.equal(re.status, 202);
    const failed = await emu.waitFor(re);
    assert.equal(failed.status, 'Failed');
    assert.deepEqual(failed.error, {
      code: 'BadRequest',
      message: 'Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete',
      details: [],
    });
    assert.equal((await emu.request('GET', `${w}${q}`)).status, 404);
    const purge = await emu.request('DELETE', `${w}${q}&forceToPurge=true`);
    assert.equal(purge.status, 200);
    assert.equal((await put(w, { location: LOC })).status, 202);
    // After the 14-day retention the name is free again (the clock is moved forward, not waited for).
    const w3 = paths.ws(RG, 'ws-retention');
    await put(w3, { location: LOC });
    await emu.waitFor(await emu.request('DELETE', `${w3}${q}`));
    emu.advanceClock(13 * 24 * 3600 * 1000);
    const day13 = await emu.request('PUT', `${w3}${q}`, { location: LOC });
    assert.equal((await emu.waitFor(day13)).status, 'Failed', 'still blocked on day 13');
    const clock = await emu.request('POST', '/_emulator/clock', { advanceMs: 2 * 24 * 3600 * 1000 });
    assert.equal(clock.status, 200);
    assert.equal((await put(w3, { location: LOC })).status, 202, 'free after 14 days');
    // forceToPurge on a live workspace deletes it without a soft-deleted copy.
    const d2 = await emu.request('DELETE', `${w}${q}&forceToPurge=true`);
    await emu.waitFor(d2);
    assert.equal((await put(w, { location: LOC })).status, 202);
  });

  test('workspace: managed network isolation cannot go back to Disabled; storage account is create-only', async () => {
    const w = paths.ws(RG, 'ws-mvnet');
    await put(w, { location: LOC, properties: { managedNetwork: { isolationMode: 'AllowInternetOutbound' } } });
    const keep = await put(w, { location: LOC, tags: { x: 'y' } });
    assert.equal(keep.status, 202);
    assert.equal(
      (await emu.request('GET', `${w}${q}`)).body.properties.managedNetwork.isolationMode,
      'AllowInternetOutbound',
    );
    const back = await emu.request('PUT', `${w}${q}`, {
      location: LOC,
      properties: { managedNetwork: { isolationMode: 'Disabled' } },
    });
    assert.equal(back.status, 400);
    assert.equal(back.body.error.code, 'ManagedNetworkCannotBeDisabled');
    const sa = paths.storage(RG, 'samlws');
    await put(`${sa}?api-version=${V.storage}`, { location: LOC, sku: { name: 'Standard_LRS' } });
    const sa2 = paths.storage(RG, 'samlws2');
    await put(`${sa2}?api-version=${V.storage}`, { location: LOC, sku: { name: 'Standard_LRS' } });
    const w2 = paths.ws(RG, 'ws-sa');
    assert.equal((await put(w2, { location: LOC, properties: { storageAccount: sa } })).status, 202);
    await put(w2, { location: LOC, tags: { t: '1' } });
    assert.equal(
      (await emu.request('GET', `${w2}${q}`)).body.properties.storageAccount,
      sa,
      'a PUT without storageAccount keeps it',
    );
    const change = await emu.request('PUT', `${w2}${q}`, { location: LOC, properties: { storageAccount: sa2 } });
    assert.equal(change.status, 400);
    assert.equal(change.body.error.code, 'PropertyChangeNotAllowed');
    assert.equal(change.body.error.target, 'properties.storageAccount');
    const missingRef = await emu.request('PUT', `${paths.ws(RG, 'ws-badref')}${q}`, {
      location: LOC,
      properties: { keyVault: `${sa}-kv` },
    });
    assert.equal(missingRef.body.error.code, 'InvalidResourceReference');
  });

  test('vCPU quota per region and family: GPU zero by default, min nodes x vCPUs for clusters, configurable', async () => {
    const gpu = await emu.request('PUT', `${wsA}/computes/gpu-ci${q}`, instance('Standard_NC24ads_A100_v4'));
    assert.equal(gpu.status, 409);
    assert.equal(gpu.body.error.code, 'QuotaExceeded');
    assert.match(gpu.body.error.message, /standardNCADSA100v4Family/);
    // It says how to raise the emulator's quota, with the settings that would admit this request.
    assert.ok(
      gpu.body.error.message.includes(
        'amlcdk emulator --data-dir .amlcdk/emulator --config <file>` where the file holds {"quotas":{"regions":{"westeurope":{"standardNCADSA100v4Family":24}}}}',
      ),
      gpu.body.error.message,
    );
    // A GPU cluster that scales from zero holds no cores yet.
    assert.equal((await put(`${wsA}/computes/gpu-zero`, cluster('Standard_NC24ads_A100_v4', 0))).status, 201);
    emu.configure({ quotas: { regions: { westeurope: { standardNCADSA100v4Family: 48 } } } });
    try {
      assert.equal((await put(`${wsA}/computes/gpu-ci`, instance('Standard_NC24ads_A100_v4'))).status, 201);
      const second = await emu.request('PUT', `${wsB}/computes/gpu-ci2${q}`, instance('Standard_NC24ads_A100_v4'));
      assert.equal(second.status, 201, 'second 24 vCPU instance fits in 48');
      await emu.waitFor(second);
      const third = await emu.request('PATCH', `${wsA}/computes/gpu-zero${q}`, {
        properties: { properties: { scaleSettings: { maxNodeCount: 4, minNodeCount: 1 } } },
      });
      assert.equal(third.status, 409, 'raising min nodes over quota is refused');
      assert.equal(third.body.error.code, 'QuotaExceeded');
      assert.equal(
        (await put(`${wsEast}/computes/gpu-east`, instance('Standard_NC24ads_A100_v4'))).status,
        409,
        'quota is per region',
      );
      const usages = await emu.request(
        'GET',
        `/subscriptions/${TEST_SUB}/providers/Microsoft.MachineLearningServices/locations/westeurope/usages${q}`,
      );
      assert.equal(usages.status, 200);
      const a100 = usages.body.value.find(
        (u: { name: { value: string } }) => u.name.value === 'standardNCADSA100v4Family',
      );
      assert.deepEqual([a100.currentValue, a100.limit], [48, 48]);
      const sizes = await emu.request(
        'GET',
        `/subscriptions/${TEST_SUB}/providers/Microsoft.MachineLearningServices/locations/westeurope/vmSizes${q}`,
      );
      const ds3 = sizes.body.value.find((v: { name: string }) => v.name === 'Standard_DS3_v2');
      assert.deepEqual([ds3.vCPUs, ds3.family], [4, 'standardDSv2Family']);
    } finally {
      emu.configure({ quotas: {} });
    }
    const cpu = await emu.request('PUT', `${wsA}/computes/cpu-big${q}`, cluster('Standard_D16s_v3', 8, 10));
    assert.equal(cpu.status, 409, '8 x 16 vCPUs exceed the default 100');
    assert.equal(cpu.body.error.code, 'QuotaExceeded');
  });

  test('network placement: delegated subnet refused, missing subnet refused, no public IP needs a subnet', async () => {
    const del = await emu.request(
      'PUT',
      `${wsA}/computes/ci-deleg${q}`,
      instance('Standard_DS3_v2', { subnet: { id: `${vnet}/subnets/delegated` } }),
    );
    assert.equal(del.status, 400);
    assert.equal(del.body.error.code, 'SubnetDelegated');
    const missing = await emu.request(
      'PUT',
      `${wsA}/computes/ci-nosub${q}`,
      instance('Standard_DS3_v2', { subnet: { id: `${vnet}/subnets/nope` } }),
    );
    assert.equal(missing.body.error.code, 'InvalidResourceReference');
    const npip = await emu.request(
      'PUT',
      `${wsA}/computes/ci-npip${q}`,
      instance('Standard_DS3_v2', { enableNodePublicIp: false }),
    );
    assert.equal(npip.body.error.code, 'SubnetRequiredForNoPublicIp');
    const ok = await put(
      `${wsA}/computes/cpu-vnet`,
      cluster('Standard_DS3_v2', 0, 2, { subnet: { id: `${vnet}/subnets/plain` }, enableNodePublicIp: false }),
    );
    assert.equal(ok.status, 201);
    assert.equal(
      (await emu.request('GET', `${wsA}/computes/cpu-vnet${q}`)).body.properties.properties.remoteLoginPortPublicAccess,
      'Disabled',
    );
    const mv = paths.ws(RG, 'ws-mvnet');
    const inMv = await emu.request(
      'PUT',
      `${mv}/computes/ci-mv${q}`,
      instance('Standard_DS3_v2', { subnet: { id: `${vnet}/subnets/plain` } }),
    );
    assert.equal(inMv.body.error.code, 'SubnetNotAllowedWithManagedNetwork');
  });

  test('datastores: default ones registered with the workspace; secrets never echoed; share must exist', async () => {
    const list = await emu.request('GET', `${wsA}/datastores${q}`);
    assert.deepEqual(
      list.body.value.map((d: { name: string }) => d.name),
      ['workspaceblobstore', 'workspacefilestore'],
    );
    const sa = paths.storage(RG, 'sadata');
    await put(`${sa}?api-version=${V.storage}`, { location: LOC, sku: { name: 'Standard_LRS' } });
    const body = {
      properties: {
        datastoreType: 'AzureFile',
        accountName: 'sadata',
        fileShareName: 'teamshare',
        credentials: { credentialsType: 'AccountKey', secrets: { secretsType: 'AccountKey', key: 'c2VjcmV0LWtleQ==' } },
      },
    };
    const noShare = await emu.request('PUT', `${wsA}/datastores/team${q}`, body);
    assert.equal(noShare.status, 400);
    assert.match(noShare.body.error.message, /teamshare/);
    assert.equal(
      (
        await emu.request('PUT', `${sa}/fileServices/default/shares/teamshare?api-version=${V.storage}`, {
          properties: {},
        })
      ).status,
      201,
    );
    const ok = await emu.request('PUT', `${wsA}/datastores/team${q}`, body);
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.body.properties.credentials.secrets, { secretsType: 'AccountKey' });
    assert.equal(
      JSON.stringify((await emu.request('GET', `${wsA}/datastores/team${q}`)).body).includes('c2VjcmV0'),
      false,
    );
  });
});
