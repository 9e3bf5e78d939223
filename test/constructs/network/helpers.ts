/** Test helpers shared by the network, RBAC and storage construct tests. */
import { Construct } from 'constructs';
import { App } from '../../../lib/core/app.js';
import { Stack } from '../../../lib/core/stack.js';
import type { Diagnostic } from '../../../lib/core/errors.js';
import { buildManifests } from '../../../lib/core/synth.js';
import type { Manifest, ManifestResource } from '../../../lib/manifest/types.js';
import type { IComputePlacement, IWorkspaceRef } from '../../../lib/constructs/refs.js';

export const SUB = '00000000-0000-0000-0000-000000000001';
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export function newStack(location = 'westeurope', id = 'Net'): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, id, { subscriptionId: SUB, resourceGroup: 'rg-ml', location });
  return { app, stack };
}

export interface Synth {
  manifest: Manifest;
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
  resource(logicalId: string): ManifestResource;
  ofType(type: string): ManifestResource[];
}

/** Synthesize in memory (the real pipeline, schema included). */
export function synth(app: App): Synth {
  const r = buildManifests(app);
  const manifest = r.manifests[0];
  return {
    manifest,
    diagnostics: r.diagnostics,
    errors: r.diagnostics.filter((d) => d.level === 'error'),
    resource(id) {
      const x = manifest.resources.find((m) => m.logicalId === id);
      if (!x) throw new Error(`no resource ${id}; have ${manifest.resources.map((m) => m.logicalId).join(', ')}`);
      return x;
    },
    ofType(type) {
      return manifest.resources.filter((m) => m.type === type);
    },
  };
}

export function codes(s: Synth): string[] {
  return s.errors.map((e) => e.code).sort();
}

export function errorOf(s: Synth, code: string): Diagnostic {
  const e = s.errors.find((d) => d.code === code);
  if (!e) throw new Error(`expected error ${code}; got ${JSON.stringify(s.errors.map((d) => [d.code, d.message]))}`);
  return e;
}

/** A compute placement as the compute constructs report it (the IComputePlacement contract). */
export class TestCompute extends Construct implements IComputePlacement {
  constructor(
    scope: Construct,
    id: string,
    public readonly computeKind: 'ComputeInstance' | 'AmlCompute',
    public readonly nodePublicIp: boolean,
    public readonly maxIpCount: number,
    public readonly sshSourceCidrs?: readonly string[],
  ) {
    super(scope, id);
  }
}

/** A workspace reference (what Workspace.fromWorkspaceId gives). */
export class TestWorkspace extends Construct implements IWorkspaceRef {
  public readonly workspaceName = 'mlw-team';
  public readonly workspaceId: string;
  public readonly subscriptionId = SUB;
  public readonly resourceGroupName = 'rg-ml';
  constructor(
    scope: Construct,
    id: string,
    public readonly location = 'westeurope',
  ) {
    super(scope, id);
    this.workspaceId = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/${this.workspaceName}`;
  }
}
