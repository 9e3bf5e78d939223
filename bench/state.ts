/**
 * State benchmarks (goals G4 and G8 of reference/reconciler.md §9):
 * - journal cost per step on the file store: ms per fsynced append (goal ≤ 5 ms) and bytes per entry (≤ 1 KB);
 * - state save and load for 1k and 10k resources (load 10k ≤ 200 ms) and bytes per resource (≤ 3 KB).
 *
 * `stateFigures()` is what `bench/run.ts` measures; `node --import tsx bench/state.ts` runs it alone and prints
 * the table. Files go to a temp directory (on this machine's disk; fsync is real there, not on tmpfs).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileStateStore } from '../lib/state/file-store.js';
import { encodeJournalLine } from '../lib/state/format.js';
import type { JournalInput, OwnedResource, StackState } from '../lib/state/types.js';
import { formatTable, machineInfo, measure, type FigureSpec } from './harness.js';
import { HttpArmClient } from '../lib/arm/http-client.js';
import { LocalCredential } from '../lib/arm/local-credential.js';
import { ArmRateLimiter } from '../lib/arm/token-bucket.js';
import { startEmulator } from '../lib/emulator/index.js';

const SUB = '6b1f2c4e-0a51-4c7e-9d3f-3a9e0c1b2d4f';

/** A state with `n` compute resources shaped like real ones (applied body + normalized observed body). */
export function syntheticState(n: number): StackState {
  const resources: Record<string, OwnedResource> = {};
  for (let i = 0; i < n; i++) {
    const ws = `ws-team${i % 50}`;
    const logicalId = `Prod/Team${i % 50}/Cluster${i}`;
    const id = `/subscriptions/${SUB}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/${ws}/computes/gpu-${i}`;
    const applied = {
      location: 'westeurope',
      tags: { team: `team${i % 50}`, costCenter: 'cc-4711' },
      identity: { type: 'SystemAssigned' },
      properties: {
        computeType: 'AmlCompute',
        description: `GPU cluster ${i}`,
        disableLocalAuth: true,
        properties: {
          vmSize: 'Standard_NC24ads_A100_v4',
          vmPriority: i % 3 ? 'Dedicated' : 'LowPriority',
          osType: 'Linux',
          enableNodePublicIp: false,
          remoteLoginPortPublicAccess: 'Disabled',
          scaleSettings: { minNodeCount: 0, maxNodeCount: 4 + (i % 8), nodeIdleTimeBeforeScaleDown: 'PT15M' },
          subnet: {
            id: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/compute`,
          },
        },
      },
    };
    resources[logicalId] = {
      logicalId,
      id,
      type: 'Microsoft.MachineLearningServices/workspaces/computes',
      apiVersion: '2025-09-01',
      applied,
      observed: { ...applied, properties: { ...applied.properties, provisioningState: 'Succeeded' } },
      ownership: 'created',
      options: { protect: false, deletePolicy: 'Delete' },
    };
  }
  return { version: 1, stack: 'Prod', resources, updatedAt: new Date(0).toISOString() };
}

/** The three journal entries one resource write produces (intent, started with a poll URL, done). */
function stepEntries(i: number): JournalInput[] {
  const resourceId = `/subscriptions/${SUB}/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/ws-team${i % 50}/computes/gpu-${i}`;
  const opId = `op-${i}`;
  return [
    {
      kind: 'intent',
      runId: 'run-1',
      opId,
      logicalId: `Prod/Team${i % 50}/Cluster${i}`,
      resourceId,
      op: 'create',
      method: 'PUT',
      apiVersion: '2025-09-01',
    },
    {
      kind: 'started',
      runId: 'run-1',
      opId,
      status: 201,
      pollKind: 'azure-async-operation',
      pollUrl: `https://management.azure.com/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/locations/westeurope/computeOperationsStatus/${'0'.repeat(8)}-${String(i).padStart(4, '0')}-4c7e-9d3f-3a9e0c1b2d4f?api-version=2025-09-01&service=new`,
    },
    { kind: 'done', runId: 'run-1', opId, outcome: 'succeeded' },
  ];
}

function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-bench-state-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** ms per fsynced journal append, averaged over `steps` resource writes (3 entries each). */
export async function journalAppendMs(steps = 100): Promise<number> {
  return withDir(async (dir) => {
    const store = new FileStateStore({ dir });
    const j = store.journal('Prod');
    await j.append({ kind: 'begin', runId: 'run-1', manifestHash: `sha256:${'a'.repeat(64)}` });
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) for (const e of stepEntries(i)) await j.append(e);
    const ms = (performance.now() - t0) / (steps * 3);
    await store.close();
    return ms;
  });
}

/** Average bytes of one journal entry in the on-disk format. */
export function journalBytesPerEntry(steps = 100): number {
  let bytes = 0;
  let n = 0;
  for (let i = 0; i < steps; i++) {
    for (const e of stepEntries(i)) {
      bytes += Buffer.byteLength(encodeJournalLine({ ...e, seq: n + 2, at: new Date().toISOString() }));
      n++;
    }
  }
  return bytes / n;
}

export async function stateSaveMs(n: number): Promise<number> {
  const state = syntheticState(n);
  return withDir(async (dir) => {
    const store = new FileStateStore({ dir });
    await store.save(state); // first write creates directories
    const t0 = performance.now();
    await store.save(state);
    return performance.now() - t0;
  });
}

export async function stateLoadMs(n: number): Promise<number> {
  const state = syntheticState(n);
  return withDir(async (dir) => {
    const store = new FileStateStore({ dir });
    await store.save(state);
    const t0 = performance.now();
    const loaded = await store.load('Prod');
    const ms = performance.now() - t0;
    if (Object.keys(loaded!.resources).length !== n) throw new Error('state load lost resources');
    return ms;
  });
}

export async function stateBytesPerResource(n: number): Promise<number> {
  return withDir(async (dir) => {
    const store = new FileStateStore({ dir });
    await store.save(syntheticState(n));
    return statSync(store.statePath('Prod')).size / n;
  });
}

/**
 * ARM client admission (lib/arm): `writes` PUTs fired at once through HttpArmClient against the local emulator,
 * both buckets at ARM's shape (200 burst) with the refill scaled by `scale` (emulator `throttle.scale`, client
 * `scaleBursts: false`). Returns makespan ÷ the bucket floor `(writes − 200) / (10 × scale)` and the 429 count.
 */
export async function armAdmission(
  writes = 1000,
  scale = 20,
): Promise<{ ratio: number; throttled: number; makespanMs: number; floorMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-bench-arm-'));
  const emu = await startEmulator({ dataDir: dir, throttle: { scale }, retryAfterSeconds: 0 });
  const arm = new HttpArmClient({
    endpoint: emu.url,
    caCertPem: emu.caCertPem,
    credential: new LocalCredential(),
    limiter: new ArmRateLimiter({ scale, scaleBursts: false }),
  });
  try {
    const sub = '00000000-0000-0000-0000-0000000be4c0';
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        arm.beginPut(`/subscriptions/${sub}/resourceGroups/rg-bench-${i}`, '2025-04-01', { location: 'westeurope' }),
      ),
    );
    const makespanMs = performance.now() - t0;
    const floorMs = (Math.max(0, writes - 200) / (10 * scale)) * 1000;
    return { ratio: makespanMs / floorMs, throttled: emu.counters().throttled, makespanMs, floorMs };
  } finally {
    arm.close();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures `npm run bench` reports for lib/arm (client admission against the emulator). */
export function armFigures(): FigureSpec[] {
  let last: { throttled: number } | undefined;
  return [
    {
      name: 'ARM client: 1,000 PUTs makespan / bucket floor (write refill x20)',
      unit: 'ratio',
      goal: '<= 1.1',
      meets: (m) => m <= 1.1,
      run: async () => {
        const r = await armAdmission(1000, 20);
        last = r;
        return r.ratio;
      },
    },
    {
      name: 'ARM client: 429s in that run',
      unit: 'count',
      goal: '0',
      meets: (m) => m === 0,
      run: async () => last?.throttled ?? (await armAdmission(1000, 20)).throttled,
    },
  ];
}

/** The figures `npm run bench` reports for lib/state. */
export function stateFigures(): FigureSpec[] {
  return [
    {
      name: 'journal append (fsync) per entry',
      unit: 'ms',
      goal: '<= 5',
      meets: (m) => m <= 5,
      run: () => journalAppendMs(100),
    },
    {
      name: 'journal bytes per entry',
      unit: 'B',
      goal: '<= 1024',
      meets: (m) => m <= 1024,
      run: async () => journalBytesPerEntry(100),
    },
    { name: 'state save, 1k resources', unit: 'ms', run: () => stateSaveMs(1000) },
    { name: 'state load, 1k resources', unit: 'ms', run: () => stateLoadMs(1000) },
    { name: 'state save, 10k resources', unit: 'ms', run: () => stateSaveMs(10_000) },
    {
      name: 'state load, 10k resources',
      unit: 'ms',
      goal: '<= 200',
      meets: (m) => m <= 200,
      run: () => stateLoadMs(10_000),
    },
    {
      name: 'state bytes per resource (10k)',
      unit: 'B',
      goal: '<= 3072',
      meets: (m) => m <= 3072,
      run: () => stateBytesPerResource(10_000),
    },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = [];
  for (const spec of [...stateFigures(), ...armFigures()])
    figures.push(await measure(spec, (l) => process.stderr.write(`${l}\n`)));
  const m = machineInfo();
  process.stdout.write(`state benchmarks on ${m.cpuModel} (${m.cpus} cpus), node ${m.node}\n${formatTable(figures)}\n`);
}
