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
import type { Manifest } from '../../lib/manifest/types.js';
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
  return app.synth({ write: false }).manifests[0]!;
}

/** The manifest without the computes (what amlcdk applies before the import). */
export function withoutComputes(m: Manifest): Manifest {
  const resources = m.resources.filter((r) => !r.type.toLowerCase().endsWith('/computes'));
  const { hash: _h, ...rest } = { ...m, resources };
  void _h;
  return { ...rest, hash: contentHash(rest) };
}
