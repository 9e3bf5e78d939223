/**
 * `importResource` against the emulator over HTTPS: the workspace is applied by amlcdk, the computes are created
 * out of band with the ARM client, then adopted. Import never writes to ARM (emulator log), and the next plan
 * shows no create: no-op where the program matches, an update with the exact paths where it differs.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { App } from '../../lib/core/app.js';
import { Stack } from '../../lib/core/stack.js';
import { VmSize } from '../../lib/catalog/vm-size.js';
import { Workspace } from '../../lib/constructs/workspace/workspace.js';
import { ComputeInstance } from '../../lib/constructs/compute/compute-instance.js';
import type { Manifest } from '../../lib/manifest/types.js';
import { planStack } from '../../lib/reconciler/apply.js';
import { importResource, resolveImportTarget } from '../../lib/reconciler/import.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { TEST_SUB } from '../helpers/emulator.js';
import { importProgram, resourceAt, seedImportWorld } from '../helpers/import-program.js';

function codeOf(e: unknown): string | undefined {
  return (e as { code?: string }).code;
}

describe('importResource', () => {
  let h: Harness;
  let m: Manifest;
  beforeAll(async () => {
    h = await startHarness();
    m = await seedImportWorld(h);
    // Also out of band: Kind as a compute instance (the program has a cluster there).
    const app = new App();
    const s = new Stack(app, 'Tmp', { subscriptionId: TEST_SUB, resourceGroup: 'rg-import', location: 'westeurope' });
    const ws = Workspace.fromWorkspaceId(s, 'Ws', resourceAt(m, 'Team/Ws').id);
    new ComputeInstance(s, 'Kind', { workspace: ws, computeName: 'kind-import', vmSize: VmSize.STANDARD_DS3_V2 });
    const ci = app.synth({ write: false }).manifests[0].resources.find((r) => r.name === 'kind-import')!;
    await h.client.put(ci.id, ci.apiVersion, ci.body);
  });
  afterAll(async () => {
    await h?.close();
  });

  test('adopts a resource that matches the program: no ARM write, owned as "adopted", plan is a no-op', async () => {
    const gpu = resourceAt(m, 'Team/Ws/Gpu');
    const since = h.lastSeq();
    const r = await importResource({
      client: h.client,
      store: h.store,
      manifest: m,
      armId: gpu.id.toUpperCase(),
      address: 'Team/Ws/Gpu',
    });
    assert.equal(r.status, 'imported');
    assert.deepEqual(r.change?.change.actions, ['no-op']);
    assert.deepEqual(h.writesSince(since), []);
    const state = await h.store.load('Team');
    const owned = state!.resources['Team/Ws/Gpu'];
    assert.equal(owned.ownership, 'adopted');
    assert.equal(owned.id, gpu.id);
    // The observed body as ARM echoes it (the VM size upper-cased), which the plan's compare rules absorb.
    assert.equal(
      (owned.observed as { properties: { properties: { vmSize: string } } }).properties.properties.vmSize.toLowerCase(),
      'standard_ds3_v2',
    );
    const { plan } = await planStack(h.client, m, state);
    const change = plan.resource_changes.find((c) => c.address === 'Team/Ws/Gpu')!;
    assert.deepEqual(change.change.actions, ['no-op']);
    assert.equal(change.notes?.some((n) => /adopts it/.test(n)) ?? false, false, 'no longer an unowned adoption');
  });

  test('adopts a resource that differs: plan is an update naming exactly the differing path, never a create', async () => {
    const cpu = resourceAt(m, 'Team/Ws/Cpu');
    const r = await importResource({
      client: h.client,
      store: h.store,
      manifest: m,
      armId: cpu.id,
      address: 'Team/Ws/Cpu',
    });
    assert.equal(r.status, 'imported');
    assert.deepEqual(r.change?.change.actions, ['patch']);
    assert.deepEqual(
      r.change?.change.paths.map((p) => [p.path, p.before, p.after]),
      [['/properties/properties/scaleSettings/maxNodeCount', 2, 4]],
    );
    const { plan } = await planStack(h.client, m, await h.store.load('Team'));
    const cpuChange = plan.resource_changes.find((c) => c.address === 'Team/Ws/Cpu')!;
    assert.deepEqual(cpuChange.change.actions, ['patch']);
    assert.deepEqual(
      cpuChange.change.paths.map((p) => p.path),
      ['/properties/properties/scaleSettings/maxNodeCount'],
    );
    // Only the never-created construct is a create.
    assert.deepEqual(
      plan.resource_changes
        .filter((c) => c.change.actions.includes('create'))
        .map((c) => c.address)
        .sort(),
      ['Team/Ws/Kind', 'Team/Ws/Missing'],
    );
  });

  test('importing an id the stack owns already is a no-op with the address it is owned as', async () => {
    const gpu = resourceAt(m, 'Team/Ws/Gpu');
    const before = await h.store.load('Team');
    const r = await importResource({
      client: h.client,
      store: h.store,
      manifest: m,
      armId: gpu.id,
      address: 'Team/Ws/Gpu',
    });
    assert.equal(r.status, 'already-owned');
    assert.equal(r.ownedAs, 'Team/Ws/Gpu');
    assert.equal((await h.store.load('Team'))!.serial, before!.serial, 'state not saved again');
  });

  test('404: ImportNotFound, nothing recorded', async () => {
    const missing = resourceAt(m, 'Team/Ws/Missing');
    await assert.rejects(
      importResource({ client: h.client, store: h.store, manifest: m, armId: missing.id, address: 'Team/Ws/Missing' }),
      (e) =>
        codeOf(e) === 'ImportNotFound' &&
        /404/.test((e as Error).message) &&
        /amlcdk apply` creates it/.test((e as Error).message),
    );
    assert.equal((await h.store.load('Team'))!.resources['Team/Ws/Missing'], undefined);
  });

  test('a compute of another kind at that id: ImportKindMismatch (the next apply would replace it)', async () => {
    const kind = resourceAt(m, 'Team/Ws/Kind');
    await assert.rejects(
      importResource({ client: h.client, store: h.store, manifest: m, armId: kind.id, address: 'Team/Ws/Kind' }),
      (e) =>
        codeOf(e) === 'ImportKindMismatch' &&
        /defines a AmlCompute compute, but .* is a ComputeInstance/.test((e as Error).message),
    );
  });

  test('owned by another stack: refused before anything is read, nothing recorded here', async () => {
    const missing = resourceAt(m, 'Team/Ws/Missing');
    await h.store.save({
      version: 1,
      stack: 'Other',
      resources: {
        'Other/Ws/X': {
          logicalId: 'Other/Ws/X',
          id: missing.id.toUpperCase(),
          type: missing.type,
          apiVersion: missing.apiVersion,
          applied: undefined,
          ownership: 'created',
        },
      },
      updatedAt: new Date().toISOString(),
    });
    await assert.rejects(
      importResource({
        client: h.client,
        store: h.store,
        manifest: m,
        armId: missing.id,
        address: 'Team/Ws/Missing',
        otherStacks: ['Other', 'NoStateYet'],
      }),
      (e) => codeOf(e) === 'ImportOwnedByOtherStack' && /stack Other \(as Other\/Ws\/X\)/.test((e as Error).message),
    );
    assert.equal((await h.store.load('Team'))!.resources['Team/Ws/Missing'], undefined);
  });

  test('the construct already owns another resource (rename not applied yet): ImportAddressOwned', async () => {
    const team = (await h.store.load('Team'))!;
    const gpu = team.resources['Team/Ws/Gpu'];
    const renamed = {
      ...team,
      resources: {
        ...team.resources,
        'Team/Ws/Cpu': { ...gpu, logicalId: 'Team/Ws/Cpu', id: gpu.id.replace('gpu-import', 'cpu-old') },
      },
    };
    await h.store.save(renamed);
    const cpu = resourceAt(m, 'Team/Ws/Cpu');
    await assert.rejects(
      importResource({ client: h.client, store: h.store, manifest: m, armId: cpu.id, address: 'Team/Ws/Cpu' }),
      (e) => codeOf(e) === 'ImportAddressOwned' && /cpu-old/.test((e as Error).message),
    );
    const { ['Team/Ws/Cpu']: _x, ...rest } = renamed.resources;
    void _x;
    await h.store.save({ ...renamed, resources: rest });
  });

  test('an unfinished apply in the journal is resumed first: what it created is owned ("created"), so the import is a no-op', async () => {
    const cpu = resourceAt(m, 'Team/Ws/Cpu');
    const j = h.store.journal('Team');
    await j.append({ kind: 'begin', runId: 'r1', manifestHash: m.hash });
    await j.append({
      kind: 'intent',
      runId: 'r1',
      opId: 'r1:1',
      logicalId: 'Team/Ws/Cpu',
      resourceId: cpu.id,
      op: 'create',
      method: 'PUT',
      apiVersion: cpu.apiVersion,
    });
    const r = await importResource({
      client: h.client,
      store: h.store,
      manifest: m,
      armId: cpu.id,
      address: 'Team/Ws/Cpu',
    });
    assert.equal(r.recovered, 1);
    assert.equal(r.status, 'already-owned');
    assert.equal((await h.store.load('Team'))!.resources['Team/Ws/Cpu'].ownership, 'created');
    assert.deepEqual(await j.read(), []);
  });

  test('the stack lock is held by someone else: StateLocked, nothing read or recorded', async () => {
    const lock = await h.store.lock('Team', 'apply');
    try {
      const gpu = resourceAt(m, 'Team/Ws/Gpu');
      await assert.rejects(
        importResource({ client: h.client, store: h.store, manifest: m, armId: gpu.id, address: 'Team/Ws/Gpu' }),
        (e) => codeOf(e) === 'StateLocked',
      );
    } finally {
      await lock.release();
    }
  });
});

describe('resolveImportTarget (pure)', () => {
  const m = importProgram();
  const gpu = m.resources.find((r) => r.logicalId === 'Team/Ws/Gpu')!;

  test('unknown construct path: ImportConstructNotFound with close matches', () => {
    assert.throws(
      () => resolveImportTarget(m, 'Team/Ws/Gpux', gpu.id),
      (e) => codeOf(e) === 'ImportConstructNotFound' && /close matches: Team\/Ws\/Gpu\b/.test((e as Error).message),
    );
  });

  test('unknown path but the id is managed by another construct: the fix names it', () => {
    assert.throws(
      () => resolveImportTarget(m, 'Nope', gpu.id),
      (e) => codeOf(e) === 'ImportConstructNotFound' && /--as Team\/Ws\/Gpu/.test((e as { fix?: string }).fix ?? ''),
    );
  });

  test('id mismatch: the fix says how to name the existing resource (computeName / previousPath)', () => {
    const other = gpu.id.replace('gpu-import', 'legacy-gpu');
    assert.throws(
      () => resolveImportTarget(m, 'Team/Ws/Gpu', other),
      (e) => {
        const fix = (e as { fix?: string }).fix ?? '';
        return (
          codeOf(e) === 'ImportIdMismatch' &&
          /would manage .*gpu-import, not .*legacy-gpu/.test((e as Error).message) &&
          /computeName: 'legacy-gpu'/.test(fix) &&
          /previousPath/.test(fix)
        );
      },
    );
  });

  test('id mismatch in another workspace: the fix says where each lives', () => {
    const other = gpu.id.replace('/rg-import/', '/rg-elsewhere/');
    assert.throws(
      () => resolveImportTarget(m, 'Team/Ws/Gpu', other),
      (e) => codeOf(e) === 'ImportIdMismatch' && /rg-elsewhere/.test((e as { fix?: string }).fix ?? ''),
    );
  });

  test('id mismatch where another construct manages the id: the fix names it', () => {
    const cpu = m.resources.find((r) => r.logicalId === 'Team/Ws/Cpu')!;
    assert.throws(
      () => resolveImportTarget(m, 'Team/Ws/Gpu', cpu.id),
      (e) => codeOf(e) === 'ImportIdMismatch' && /import into Team\/Ws\/Cpu/.test((e as { fix?: string }).fix ?? ''),
    );
  });

  test('not an ARM id: InvalidArmId', () => {
    assert.throws(
      () => resolveImportTarget(m, 'Team/Ws/Gpu', 'gpu-import'),
      (e) => codeOf(e) === 'InvalidArmId',
    );
  });

  test('ids compare case-insensitively', () => {
    assert.equal(resolveImportTarget(m, 'Team/Ws/Gpu', gpu.id.toLowerCase()).logicalId, 'Team/Ws/Gpu');
  });
});
