/**
 * An estate: one stack per team, each in its own resource group, holding a workspace (with its storage account, key
 * vault, Log Analytics, Application Insights and registry), a personal compute instance for each member (each member
 * granted AzureML Compute Operator on their own instance) and a few group grants on the workspace. Used by the
 * observe/plan benchmarks at ARM's real read rate and by the reliability scale test.
 *
 * Teams are ~500 resources each by default, so 10,000 resources are 20 resource groups.
 */
import { App, Duration, PersonalComputeInstances, Principal, Stack, VmSize, Workspace } from '../lib/index.js';
import type { Manifest } from '../lib/manifest/types.js';
import { guidFor } from './large-program.js';

export interface EstateOptions {
  /** Approximate number of manifest resources wanted, over all stacks. */
  readonly resources: number;
  /** Resource groups (one stack each). @default max(1, round(resources / 500)) */
  readonly resourceGroups?: number;
  /** Prefix of stack names and resource groups. @default 'Team' */
  readonly prefix?: string;
  /** @default '00000000-0000-0000-0000-000000000000' */
  readonly subscriptionId?: string;
}

const TENANT = '11111111-1111-1111-1111-111111111111';
/** The workspace and its five dependencies, plus the two group grants on it. */
const PER_TEAM_FIXED = 8;

/** How many resource groups an estate of `resources` resources spans by default. */
export function defaultResourceGroups(resources: number): number {
  return Math.max(1, Math.round(resources / 500));
}

/** Build the estate into `app` and return its stacks. */
export function buildEstate(options: EstateOptions, app: App = new App()): Stack[] {
  const groups = options.resourceGroups ?? defaultResourceGroups(options.resources);
  const prefix = options.prefix ?? 'Team';
  const stacks: Stack[] = [];
  for (let g = 0; g < groups; g++) {
    const budget = Math.round(options.resources / groups);
    const stack = new Stack(app, `${prefix}${g}`, {
      subscriptionId: options.subscriptionId ?? '00000000-0000-0000-0000-000000000000',
      resourceGroup: `rg-amlcdk-${prefix.toLowerCase()}-${g}`,
      location: 'westeurope',
      tags: { project: 'estate', owner: `team-${g}`, environment: 'dev', costCenter: 'cc-0001' },
    });
    const ws = new Workspace(stack, 'Ws', { tenantId: TENANT });
    ws.grants.dataScientist(Principal.group(guidFor(`${prefix}${g}-scientists`), { displayName: 'scientists' }));
    ws.grants.reader(Principal.group(guidFor(`${prefix}${g}-auditors`), { displayName: 'auditors' }));
    const members = Math.max(1, Math.floor((budget - PER_TEAM_FIXED) / 2));
    const users = Array.from({ length: members }, (_, i) =>
      Principal.user(guidFor(`${prefix}${g}-user${i}`), { tenantId: TENANT, displayName: `u${i}` }),
    );
    new PersonalComputeInstances(ws, 'Members', {
      users,
      template: { vmSize: VmSize.STANDARD_DS3_V2, idleShutdown: Duration.minutes(60) },
    });
    stacks.push(stack);
  }
  return stacks;
}

/** The estate's manifests, synthesized without writing. */
export function estateManifests(options: EstateOptions): Manifest[] {
  const app = new App();
  buildEstate(options, app);
  return [...app.synth({ write: false }).manifests];
}
