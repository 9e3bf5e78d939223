/**
 * A synthetic large program: N workspaces × M clusters and instances × role assignments, sized to a target
 * number of manifest resources. Used by the benchmarks (synth, check, plan, apply, Pulumi baseline) and by the
 * scale test that applies thousands of resources to the emulator.
 */
import { createHash } from 'node:crypto';
import {
  App,
  AzureResource,
  ComputeCluster,
  ComputeInstance,
  Duration,
  Principal,
  Stack,
  VmSize,
  Workspace,
} from '../lib/index.js';

export interface LargeProgramOptions {
  /** Approximate number of manifest resources wanted (within a few per workspace). */
  readonly resources: number;
  /** Resources per workspace, including the workspace and its dependencies. @default 500 */
  readonly perWorkspace?: number;
  /** Stack name. @default 'Scale' */
  readonly stackName?: string;
  /** Region. @default 'westeurope' */
  readonly location?: string;
}

const TENANT = '11111111-1111-1111-1111-111111111111';

/** A deterministic GUID from a label, so the program is the same on every run. */
export function guidFor(label: string): string {
  const h = createHash('sha256').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Build the program into `app` (a fresh App by default) and return the stack. */
export function buildLargeProgram(options: LargeProgramOptions, app: App = new App()): Stack {
  const perWorkspace = options.perWorkspace ?? 500;
  const stack = new Stack(app, options.stackName ?? 'Scale', {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'rg-amlcdk-scale',
    location: options.location ?? 'westeurope',
    tags: { project: 'scale', owner: 'bench', environment: 'dev', costCenter: 'cc-0001' },
  });
  let remaining = options.resources;
  let w = 0;
  while (remaining > 0) {
    // A workspace brings its own dependencies (storage, key vault, monitoring, registry): count what it added.
    const before = countResources(stack);
    const workspace = new Workspace(stack, `Ws${w}`, { tenantId: TENANT });
    const overhead = countResources(stack) - before;
    const budget = Math.max(0, Math.min(perWorkspace, remaining) - overhead);
    const clusters = Math.floor(budget * 0.4);
    const instances = Math.floor(budget * 0.2);
    const grants = budget - clusters - instances;
    for (let i = 0; i < clusters; i++) {
      new ComputeCluster(workspace, `Cluster${i}`, {
        vmSize: i % 5 === 0 ? VmSize.STANDARD_DS11_V2 : VmSize.STANDARD_DS3_V2,
        minNodeCount: 0,
        maxNodeCount: 2 + (i % 8),
        idleTimeBeforeScaleDown: Duration.minutes(5 + (i % 20)),
      });
    }
    for (let i = 0; i < instances; i++) {
      const user = Principal.user(guidFor(`ws${w}-user${i}`), { tenantId: TENANT, displayName: `user${i}` });
      new ComputeInstance(workspace, `Instance${i}`, {
        vmSize: VmSize.STANDARD_DS3_V2,
        assignedUser: user,
        idleShutdown: Duration.minutes(60),
      });
    }
    for (let i = 0; i < grants; i++) {
      const group = Principal.group(guidFor(`ws${w}-group${i}`), { displayName: `group${i}` });
      if (i % 2 === 0) workspace.grants.dataScientist(group);
      else workspace.grants.reader(group);
    }
    remaining -= overhead + clusters + instances + grants;
    w += 1;
  }
  return stack;
}

function countResources(stack: Stack): number {
  return stack.node.findAll().filter((c) => AzureResource.isAzureResource(c)).length;
}
