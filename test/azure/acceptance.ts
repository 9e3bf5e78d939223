/**
 * The real-Azure acceptance flow of `npm run test:azure` (docs/azure.md). The same code runs against Azure and, in
 * CI, against the emulator reached by endpoint + CA, so the flow cannot rot:
 *
 * 1. create a uniquely named resource group tagged with an expiry;
 * 2. apply the quickstart (CPU only, the cluster at `minNodeCount` 0, the instance stopped right after create);
 * 3. re-plan: 0 changes;
 * 4. change the cluster's scale settings with Microsoft's own client (out of band): drift must name the path;
 * 5. destroy, then delete the resource group in a `finally`, also when the run is aborted (Ctrl-C).
 *
 * @example
 * const report = await runAcceptance(target, { log: console.log, signal });
 */
import { randomBytes } from 'node:crypto';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { App } from '../../lib/core/app.js';
import { apiVersionFor } from '../../lib/catalog/api-versions.js';
import type { ArmClient } from '../../lib/arm/index.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';
import { applyStack, planStack, type ApplyResult } from '../../lib/reconciler/apply.js';
import { detectDrift } from '../../lib/reconciler/drift.js';
import { FileStateStore } from '../../lib/state/file-store.js';
import { QuickstartStack } from '../../examples/quickstart/stack.js';

const RG_TYPE = 'Microsoft.Resources/resourceGroups';
const COMPUTE_TYPE = 'microsoft.machinelearningservices/workspaces/computes';
/** Resource groups of this suite carry this tag (and `expiresOn`): a sweeper can delete what a killed run left. */
export const ACCEPTANCE_TAG = 'amlcdk-acceptance';

export interface AcceptanceTarget {
  /** amlcdk's ARM client (recording, when `--record`). */
  readonly client: ArmClient;
  readonly subscriptionId: string;
  readonly tenantId: string;
  /** Entra object id of the user who gets the compute instance and the data-scientist role. */
  readonly userObjectId: string;
  readonly location: string;
  /** Microsoft's own ML client, for the out-of-band change. */
  readonly officialClient: () => AzureMachineLearningWorkspaces;
  /** Where the stack's state lives for the run (a temp dir). */
  readonly stateDir: string;
}

export interface AcceptanceOptions {
  readonly log: (line: string) => void;
  /** Aborts the running step (Ctrl-C); the resource group is still deleted. */
  readonly signal?: AbortSignal;
  /** Hours until the resource group's `expiresOn` tag. @default 4 */
  readonly expiryHours?: number;
  /** Called once the resource group is named, before it is created (the signal handler names it on a 2nd Ctrl-C). */
  readonly onResourceGroup?: (name: string) => void;
}

export interface AcceptanceStep {
  readonly step: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly detail?: string;
}

export interface AcceptanceReport {
  readonly resourceGroup: string;
  readonly steps: readonly AcceptanceStep[];
  readonly ok: boolean;
}

/** A resource group name no other run uses: `amlcdk-acc-<utc yyyymmddhhmm>-<8 hex>`. */
export function acceptanceGroupName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 12);
  return `amlcdk-acc-${stamp}-${randomBytes(4).toString('hex')}`;
}

/** The quickstart as the acceptance run deploys it. */
export function acceptanceManifest(target: AcceptanceTarget, resourceGroup: string, expiresOn: string): Manifest {
  const app = new App();
  new QuickstartStack(app, 'Acceptance', {
    subscriptionId: target.subscriptionId,
    resourceGroup,
    location: target.location,
    tenantId: target.tenantId,
    userObjectId: target.userObjectId,
    tags: { project: 'amlcdk-acceptance', [ACCEPTANCE_TAG]: 'true', expiresOn },
    stopInstanceAfterCreate: true,
  });
  return app.synth({ write: false }).manifests[0];
}

function failures(r: ApplyResult): string[] {
  return r.outcomes
    .filter((o) => o.status === 'failed' || o.status === 'skipped')
    .map((o) => `${o.address}: ${o.error?.message ?? o.status}`);
}

function clusterOf(m: Manifest): ManifestResource {
  const c = m.resources.find(
    (r) =>
      r.type.toLowerCase() === COMPUTE_TYPE &&
      (r.body.properties as { computeType?: string } | undefined)?.computeType === 'AmlCompute',
  );
  if (!c) throw new Error('the quickstart has no compute cluster');
  return c;
}

/** Runs the five steps; never throws for a failed step (the report says which), always deletes the group. */
export async function runAcceptance(target: AcceptanceTarget, options: AcceptanceOptions): Promise<AcceptanceReport> {
  const { log, signal } = options;
  const steps: AcceptanceStep[] = [];
  const rg = acceptanceGroupName();
  options.onResourceGroup?.(rg);
  const rgId = `/subscriptions/${target.subscriptionId}/resourceGroups/${rg}`;
  const rgApi = apiVersionFor(RG_TYPE);
  const expiresOn = new Date(Date.now() + (options.expiryHours ?? 4) * 3_600_000).toISOString();
  const store = new FileStateStore({ dir: target.stateDir, onNotice: (m) => log(`  state: ${m}`) });
  const step = async (name: string, run: () => Promise<string | undefined>, cleanup = false): Promise<boolean> => {
    const t0 = Date.now();
    log(`▶ ${name}`);
    try {
      if (!cleanup) signal?.throwIfAborted();
      const detail = await run();
      steps.push({ step: name, ok: true, ms: Date.now() - t0, ...(detail ? { detail } : {}) });
      log(`✔ ${name}${detail ? `: ${detail}` : ''}`);
      return true;
    } catch (e) {
      const detail = signal?.aborted && !cleanup ? 'aborted (Ctrl-C)' : ((e as Error).message ?? String(e));
      steps.push({ step: name, ok: false, ms: Date.now() - t0, detail });
      log(`✖ ${name}: ${detail}`);
      return false;
    }
  };

  let manifest: Manifest | undefined;
  let applied = false;
  try {
    const created = await step(`1. create resource group ${rg} (expires ${expiresOn})`, async () => {
      const r = await target.client.put(
        rgId,
        rgApi,
        {
          location: target.location,
          tags: { [ACCEPTANCE_TAG]: 'true', expiresOn, createdBy: 'npm run test:azure' },
        },
        signal ? { signal } : {},
      );
      if (r.status !== 'Succeeded') throw new Error(`resource group create ended ${r.status}`);
      return undefined;
    });
    if (!created) return { resourceGroup: rg, steps, ok: false };
    manifest = acceptanceManifest(target, rg, expiresOn);
    const m = manifest;
    applied = await step(
      '2. apply the quickstart (CPU only, cluster min 0, instance stopped after create)',
      async () => {
        const r = await applyStack({
          client: target.client,
          store,
          manifest: m,
          ...(signal ? { signal } : {}),
          onEvent: (e) => {
            if (e.kind === 'done' || e.kind === 'failed') log(`  ${e.kind} ${e.address} (${e.op})`);
          },
        });
        const bad = failures(r);
        if (bad.length > 0) throw new Error(`apply failed:\n    ${bad.join('\n    ')}`);
        return `${r.summary.done} operations`;
      },
    );
    if (applied) {
      await step('3. re-plan: 0 changes', async () => {
        const { plan } = await planStack(target.client, m, await store.load(m.stack.name), 'apply', signal);
        const changed = plan.resource_changes
          .filter((c) => c.change.actions[0] !== 'no-op')
          .map(
            (c) =>
              `${c.address} ${c.change.actions.join(',')}${c.action_reason ? ` (${c.action_reason})` : ''}${c.change.paths.length > 0 ? ` ${c.change.paths.map((p) => p.path).join(', ')}` : ''}`,
          );
        if (changed.length > 0) throw new Error(`plan after apply is not empty:\n    ${changed.join('\n    ')}`);
        return `${plan.resource_changes.length} resources, no change`;
      });
      await step("4. out-of-band change with Microsoft's client: drift names it", async () => {
        const cluster = clusterOf(m);
        const segs = cluster.id.split('/');
        const [workspace, name] = [segs[segs.length - 3], segs[segs.length - 1]];
        const declared = (cluster.body.properties as { properties: { scaleSettings: { maxNodeCount: number } } })
          .properties.scaleSettings;
        const maxNodeCount = declared.maxNodeCount + 1;
        await target
          .officialClient()
          .computeOperations.beginUpdateAndWait(
            rg,
            workspace,
            name,
            { properties: { scaleSettings: { ...declared, maxNodeCount } } },
            { updateIntervalInMs: 2000, ...(signal ? { abortSignal: signal } : {}) },
          );
        const state = await store.load(m.stack.name);
        if (!state) throw new Error('no state after apply');
        const { report } = await detectDrift(target.client, state, signal);
        const d = report.drifted.find((x) => x.address === cluster.logicalId);
        const paths = d?.paths.map((p) => p.path) ?? [];
        if (!paths.some((p) => /scaleSettings\/maxNodeCount$/.test(p)))
          throw new Error(
            `drift does not name the cluster's maxNodeCount (set to ${maxNodeCount} out of band); it reported ${JSON.stringify(report.drifted.map((x) => ({ address: x.address, paths: x.paths.map((p) => p.path) })))}`,
          );
        return `${cluster.logicalId} ${paths.join(', ')}`;
      });
    }
  } finally {
    // Destroy and the group delete run even after Ctrl-C: with their own deadline, not the aborted signal.
    // Also after a failed or aborted apply: whatever it created before stopping is in the state.
    if (manifest) {
      const m = manifest;
      await step(
        '5. destroy',
        async () => {
          const r = await applyStack({ client: target.client, store, manifest: m, mode: 'destroy' });
          const bad = failures(r);
          if (bad.length > 0) throw new Error(`destroy failed:\n    ${bad.join('\n    ')}`);
          return `${r.summary.done} deletes`;
        },
        true,
      );
    }
    const t0 = Date.now();
    try {
      const r = await target.client.delete(rgId, rgApi, { timeoutMs: 3_600_000 });
      steps.push({ step: `delete resource group ${rg}`, ok: r.status === 'Succeeded', ms: Date.now() - t0 });
      log(`${r.status === 'Succeeded' ? '✔' : '✖'} delete resource group ${rg}: ${r.status}`);
    } catch (e) {
      const detail = `${(e as Error).message}. Delete it yourself: az group delete -n ${rg} --yes`;
      steps.push({ step: `delete resource group ${rg}`, ok: false, ms: Date.now() - t0, detail });
      log(`✖ delete resource group ${rg}: ${detail}`);
    }
  }
  return { resourceGroup: rg, steps, ok: steps.every((s) => s.ok) && steps.length >= 6 };
}
