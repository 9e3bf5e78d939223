/**
 * A program for import tests: a workspace and four computes (`Missing` is never created in Azure), and the same
 * manifest without the computes (what amlcdk applies before the computes are created out of band).
 */
import { App } from '../../lib/core/app.js';
import { Stack } from '../../lib/core/stack.js';
import { VmSize } from '../../lib/catalog/vm-size.js';
import { Workspace } from '../../lib/constructs/workspace/workspace.js';
import { ComputeCluster } from '../../lib/constructs/compute/compute-cluster.js';
import { contentHash } from '../../lib/manifest/canonical.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';
import { applyStack } from '../../lib/reconciler/apply.js';
import type { Harness } from '../e2e/harness.js';
import { TEST_SUB } from './emulator.js';

const TENANT = '22222222-2222-2222-2222-222222222222';

/** The program's manifest (stack `Team` by default). */
export function importProgram(stackName = 'Team', rg = 'rg-import'): Manifest {
  const app = new App();
  const s = new Stack(app, stackName, { subscriptionId: TEST_SUB, resourceGroup: rg, location: 'westeurope' });
  const ws = new Workspace(s, 'Ws', { tenantId: TENANT });
  new ComputeCluster(ws, 'Gpu', { computeName: 'gpu-import', vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 4 });
  new ComputeCluster(ws, 'Cpu', { computeName: 'cpu-import', vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 4 });
  new ComputeCluster(ws, 'Kind', { computeName: 'kind-import', vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2 });
  new ComputeCluster(ws, 'Missing', { computeName: 'missing-import', vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2 });
  return app.synth({ write: false }).manifests[0];
}

/** The manifest without the computes (what amlcdk applies before the import). */
export function withoutComputes(m: Manifest): Manifest {
  const resources = m.resources.filter((r) => !r.type.toLowerCase().endsWith('/computes'));
  const { hash: _h, ...rest } = { ...m, resources };
  void _h;
  return { ...rest, hash: contentHash(rest) };
}

/** The resource of `m` at a construct path (throws when there is none). */
export function resourceAt(m: Manifest, address: string): ManifestResource {
  const r = m.resources.find((x) => x.logicalId === address);
  if (!r) throw new Error(`no ${address}`);
  return r;
}

/**
 * The world an import meets: amlcdk applied the program without its computes, then, out of band, `Gpu` was created
 * exactly as the program says and `Cpu` with 2 max nodes instead of 4. Returns the whole program's manifest.
 */
export async function seedImportWorld(h: Harness): Promise<Manifest> {
  const m = importProgram();
  const applied = await applyStack({
    client: h.client,
    store: h.store,
    manifest: withoutComputes(m),
    ensureResourceGroup: true,
  });
  if (applied.summary.failed > 0) throw new Error(`apply without computes failed: ${JSON.stringify(applied.summary)}`);
  const gpu = resourceAt(m, 'Team/Ws/Gpu');
  await h.client.put(gpu.id, gpu.apiVersion, gpu.body);
  const cpu = resourceAt(m, 'Team/Ws/Cpu');
  const cpuBody = structuredClone(cpu.body) as {
    properties: { properties: { scaleSettings: { maxNodeCount: number } } };
  };
  cpuBody.properties.properties.scaleSettings.maxNodeCount = 2;
  await h.client.put(cpu.id, cpu.apiVersion, cpuBody);
  return m;
}
