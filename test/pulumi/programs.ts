/**
 * Programs for the Pulumi tests: our own small team program (with a custom image and a secret), and the
 * repository's examples (`examples/<name>/stack.ts`), loaded without running their `main.ts` side effects.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  App,
  ComputeCluster,
  ComputeInstance,
  ContainerImage,
  Principal,
  Secret,
  SshAccess,
  Stack,
  VmSize,
  Workspace,
} from '../../lib/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
export const TENANT = '00000000-0000-0000-0000-0000000000aa';
export const PASSWORD_ENV = 'AMLCDK_TEST_CLUSTER_PASSWORD';
/** Build context of the test image (relative to the repository root, where tests run). */
export const IMAGE_DIR = 'test/pulumi/fixtures/rstudio-image';

export interface TeamProgram {
  readonly app: App;
  readonly stack: Stack;
  readonly workspace: Workspace;
  readonly image: ContainerImage;
}

/** Workspace + an instance serving a custom RStudio image built from a directory + a cluster with a secret password. */
export function buildTeam(
  options: { maxNodes?: number; minNodes?: number; stackName?: string; app?: App } = {},
): TeamProgram {
  const app = options.app ?? new App();
  const stack = new Stack(app, options.stackName ?? 'Team', {
    subscriptionId: SUBSCRIPTION,
    resourceGroup: `rg-${(options.stackName ?? 'Team').toLowerCase()}`,
    location: 'westeurope',
    createResourceGroup: true,
    tags: { owner: 'ml-platform' },
  });
  const workspace = new Workspace(stack, 'Workspace', { tenantId: TENANT });
  const image = ContainerImage.fromDirectory(stack, 'RStudioImage', {
    directory: IMAGE_DIR,
    registry: workspace,
    repository: 'team/rstudio',
    tag: 'v1',
  });
  const alice = Principal.user('22222222-2222-2222-2222-222222222222', { tenantId: TENANT, displayName: 'alice' });
  new ComputeInstance(workspace, 'AliceInstance', {
    vmSize: VmSize.STANDARD_DS3_V2,
    assignedUser: alice,
    customApplications: [{ name: 'rstudio', image, endpoints: [{ name: 'web', target: 8787, published: 8787 }] }],
  });
  new ComputeCluster(workspace, 'CpuCluster', {
    vmSize: VmSize.STANDARD_DS3_V2,
    minNodeCount: options.minNodes ?? 0,
    maxNodeCount: options.maxNodes ?? 2,
    sshAccess: SshAccess.enabled({
      password: Secret.fromEnv(PASSWORD_ENV),
      allowedSourceCidrs: ['10.0.0.0/8'],
    } as Parameters<typeof SshAccess.enabled>[0]),
  });
  return { app, stack, workspace, image };
}

export const EXAMPLES = ['quickstart', 'secure-gpu-team', 'attach-existing', 'insecure', 'identity-grants'] as const;

/**
 * Build an example's stack(s) into a fresh App: a `build(app)` export is called; otherwise every exported Stack
 * subclass is instantiated with its defaults (or an exported `*_DEFAULTS` object). `undefined` when the example
 * does not exist (yet).
 */
export async function buildExample(name: string): Promise<App | undefined> {
  const file = join(ROOT, 'examples', name, 'stack.ts');
  if (!existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const app = new App();
  if (typeof mod.build === 'function') {
    (mod.build as (a: App) => void)(app);
    return app;
  }
  const defaults = Object.entries(mod).find(([k, v]) => /_DEFAULTS$/.test(k) && typeof v === 'object')?.[1];
  let n = 0;
  for (const [exportName, v] of Object.entries(mod)) {
    if (typeof v !== 'function' || !(v.prototype instanceof Stack)) continue;
    const Ctor = v as new (scope: App, id: string, props?: unknown) => Stack;
    const id = exportName.replace(/Stack$/, '') || `Stack${n}`;
    new Ctor(app, id, ...(defaults !== undefined ? [defaults] : []));
    n++;
  }
  if (n === 0) throw new Error(`examples/${name}/stack.ts exports neither build(app) nor a Stack subclass`);
  return app;
}
