/**
 * Apply: carry out a plan against ARM, crash-safe.
 *
 * - Takes the stack lock (`StateLocked` names the holder), resumes an unfinished journal first (re-polls
 *   operations that were in flight, re-observes writes whose outcome is unknown, registers what a killed run
 *   created so nothing is orphaned), then observes, plans and executes.
 * - Executes as a ready-queue walk of the dependency graph (creates after their dependencies, deletes after
 *   their dependents), at most `concurrency` ARM operations in flight; the ArmClient's token buckets keep the
 *   request rate under ARM's limits and retry 429/5xx with `Retry-After`.
 * - Every write is journaled: `intent` (fsynced) before it is sent, `started` with the poll URL after 201/202,
 *   `done` after. The state is written once at the end (the journal is the write-ahead log), then the journal
 *   is truncated.
 * - A failure marks the resources that depend on it `skipped`; independent work finishes. The result lists
 *   done / failed / skipped.
 */
import { randomUUID } from 'node:crypto';
import { AmlcdkError } from '../core/errors.js';
import type { ArmClient, ArmResource, ArmWriteStarted } from '../arm/types.js';
import type { Manifest, ManifestResource } from '../manifest/types.js';
import type { Journal, JournalEntry, OwnedResource, SoftDeletedEntry, StackState, StateStore } from '../state/types.js';
import { apiVersionFor } from '../catalog/api-versions.js';
import { assetNeedsDocker } from './assets.js';
import { normalizeObserved } from './normalize.js';
import { describeObservation, observe, type Observation, type ObserveCalls } from './observe.js';
import { buildPlan, observeTargets, type Plan, type PlanResult, type Step } from './plan.js';
import { NO_LIFECYCLE, observeLifecycle, type LifecycleObservation } from './lifecycle-observe.js';
import { sendWithRetries, adoptExistingAssignment, withKeptValues } from './lifecycle-apply.js';
import { resolveSecrets, secretResolver, type SecretResolver } from './secrets.js';
import { refsIn, substituteRefs } from '../manifest/refs.js';
import { getAt } from './json-path.js';
import { StackScope, scopedClient } from './scope.js';
import { checkSavedPlan, compareSavedPlan } from './saved-plan.js';

export type ApplyEvent =
  | { readonly kind: 'recover'; readonly message: string }
  | {
      readonly kind: 'observed';
      readonly resources: number;
      readonly calls: ObserveCalls;
      /** `observed N resources with L lists and G gets, waited W s for read budget` */
      readonly summary: string;
    }
  | { readonly kind: 'planned'; readonly plan: Plan }
  | {
      readonly kind: 'start';
      readonly address: string;
      readonly op: string;
      readonly total: number;
      readonly finished: number;
    }
  | {
      readonly kind: 'done';
      readonly address: string;
      readonly op: string;
      readonly elapsedMs: number;
      readonly total: number;
      readonly finished: number;
    }
  | {
      readonly kind: 'failed';
      readonly address: string;
      readonly op: string;
      readonly error: string;
      readonly code: string;
      readonly total: number;
      readonly finished: number;
    }
  | {
      readonly kind: 'skipped';
      readonly address: string;
      readonly because: string;
      readonly total: number;
      readonly finished: number;
    }
  /** A write Azure refused for a reason that passes (a principal not replicated yet): it is sent again. */
  | {
      readonly kind: 'retry';
      readonly address: string;
      readonly op: string;
      readonly code: string;
      readonly attempt: number;
      readonly waitedMs: number;
      readonly boundMs: number;
      readonly nextInMs: number;
    }
  /** Something apply decided on its own (e.g. adopting the role assignment Azure says exists). */
  | { readonly kind: 'note'; readonly address: string; readonly message: string };

export interface ApplyOptions {
  readonly client: ArmClient;
  readonly store: StateStore;
  /** The desired state. For destroy, the manifest (or stack) whose resources are deleted. */
  readonly manifest: Manifest;
  readonly mode?: 'apply' | 'destroy';
  /** Max ARM operations in flight. @default 64 */
  readonly concurrency?: number;
  /** Per-resource deadline for one operation including polling. @default 1800000 (30 min) */
  readonly timeoutMs?: number;
  /** Where `env:` secret references are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Resolves secret references at write time. @default env variables (and AMLCDK_KEYVAULT_* for keyvault:) */
  readonly secretResolver?: SecretResolver;
  /**
   * A saved (reviewed) plan to apply exactly: refused with `PlanStale` if the observed state moved since, and with
   * `PlanMismatch` if re-planning its manifest does not give exactly its `resource_changes` (see saved-plan.ts).
   * Its `manifest` must be the `manifest` option.
   */
  readonly savedPlan?: Partial<Plan>;
  /**
   * Called with the plan before any write; resolve false to stop (confirmation prompt). Not called when the
   * plan has no changes.
   */
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  readonly onEvent?: (event: ApplyEvent) => void;
  /**
   * When the stack's resource group does not exist and the manifest does not create it: create it (the local
   * emulator target, a sandbox) instead of refusing with `ResourceGroupNotFound`. @default false
   */
  readonly ensureResourceGroup?: boolean;
  /**
   * How long a write Azure answers 400 `PrincipalNotFound` (a new identity or group not replicated in Entra ID yet)
   * is retried, with backoff, before it fails. @default 300000 (5 min)
   */
  readonly principalWaitMs?: number;
  /**
   * Ask checkNameAvailability before creating storage accounts, key vaults and registries, so a name taken
   * elsewhere in Azure is a plan error. @default true
   */
  readonly checkNames?: boolean;
  /** Who takes the lock, shown to a second apply. @default 'apply' / 'destroy' */
  readonly operation?: string;
  readonly signal?: AbortSignal;
}

export interface ApplyOutcome {
  readonly address: string;
  readonly op: string;
  readonly status: 'done' | 'failed' | 'skipped' | 'unchanged';
  readonly error?: { readonly code: string; readonly message: string };
}

export interface ApplyResult {
  readonly plan: Plan;
  readonly outcomes: readonly ApplyOutcome[];
  readonly summary: {
    readonly done: number;
    readonly failed: number;
    readonly skipped: number;
    readonly unchanged: number;
  };
  /** True when the user declined at the confirmation prompt (nothing was written). */
  readonly cancelled: boolean;
  readonly recovered: number;
  readonly elapsedMs: number;
}

type Kind = 'del' | 'main' | 'forget';

interface Node {
  readonly key: string;
  readonly kind: Kind;
  readonly step: Step;
  readonly deps: Set<string>;
  readonly dependents: Set<string>;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  error?: { code: string; message: string };
  /** afterCreate actions that completed (so a failure in between leaves the rest pending). */
  actionsDone?: string[];
  result?: ArmResource | null;
  /** The body written, deploy-time references resolved (kept in state as the last applied body). */
  applied?: Record<string, unknown>;
  /** The ARM id the resource turned out to have: an existing equivalent adopted at apply time. */
  adoptedId?: string;
}

function errInfo(err: unknown): { code: string; message: string } {
  if (err instanceof AmlcdkError) return { code: err.code, message: err.message };
  return { code: 'InternalError', message: err instanceof Error ? err.message : String(err) };
}

/** A bounded semaphore. */
class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    this.active += 1;
    try {
      return await fn();
    } finally {
      this.active -= 1;
      this.waiters.shift()?.();
    }
  }
}

/** Journaled writes for one run. */
class Writer {
  private seq = 0;
  constructor(
    private readonly client: ArmClient,
    private readonly journal: Journal,
    readonly runId: string,
    private readonly timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {}

  private opts(query?: Readonly<Record<string, string>>): {
    query?: Readonly<Record<string, string>>;
    timeoutMs: number;
    signal?: AbortSignal;
  } {
    return {
      ...(query && Object.keys(query).length ? { query } : {}),
      timeoutMs: this.timeoutMs,
      ...(this.signal ? { signal: this.signal } : {}),
    };
  }

  async write(
    logicalId: string,
    resourceId: string,
    apiVersion: string,
    op: 'create' | 'update' | 'patch' | 'delete' | 'action',
    send: () => Promise<ArmWriteStarted>,
    method: 'PUT' | 'PATCH' | 'DELETE' | 'POST',
    action?: string,
  ): Promise<ArmResource | undefined> {
    const opId = `${this.runId}:${++this.seq}`;
    await this.journal.append({
      kind: 'intent',
      runId: this.runId,
      opId,
      logicalId,
      resourceId,
      op,
      method,
      apiVersion,
      ...(action ? { action } : {}),
    });
    try {
      const started = await send();
      await this.journal.append({
        kind: 'started',
        runId: this.runId,
        opId,
        status: started.status,
        ...(started.pollUrl ? { pollUrl: started.pollUrl } : {}),
        ...(started.pollKind ? { pollKind: started.pollKind } : {}),
      });
      const res = await this.client.pollUntilDone(
        { ...started, method, resourceId, apiVersion },
        { ...this.opts(), resourceId, apiVersion },
      );
      await this.journal.append({ kind: 'done', runId: this.runId, opId, outcome: 'succeeded' });
      return res.resource;
    } catch (err) {
      await this.journal.append({ kind: 'done', runId: this.runId, opId, outcome: 'failed', error: errInfo(err).code });
      throw err;
    }
  }

  put(
    r: { logicalId: string; id: string; apiVersion: string },
    op: 'create' | 'update',
    body: unknown,
  ): Promise<ArmResource | undefined> {
    return this.write(
      r.logicalId,
      r.id,
      r.apiVersion,
      op,
      () => this.client.beginPut(r.id, r.apiVersion, body, this.opts()),
      'PUT',
    );
  }
  patch(r: { logicalId: string; id: string; apiVersion: string }, body: unknown): Promise<ArmResource | undefined> {
    return this.write(
      r.logicalId,
      r.id,
      r.apiVersion,
      'patch',
      () => this.client.beginPatch(r.id, r.apiVersion, body, this.opts()),
      'PATCH',
    );
  }
  post(
    r: { logicalId: string; id: string; apiVersion: string },
    action: string,
    body: unknown,
  ): Promise<ArmResource | undefined> {
    return this.write(
      r.logicalId,
      r.id,
      r.apiVersion,
      'action',
      () => this.client.beginPost(r.id, action, r.apiVersion, body, this.opts()),
      'POST',
      action,
    );
  }
  delete(
    logicalId: string,
    t: { id: string; apiVersion: string; query: Readonly<Record<string, string>> },
  ): Promise<ArmResource | undefined> {
    return this.write(
      logicalId,
      t.id,
      t.apiVersion,
      'delete',
      () => this.client.beginDelete(t.id, t.apiVersion, this.opts(t.query)),
      'DELETE',
    );
  }
}

const TRANSITIONAL = /^(creating|updating|deleting|accepted|running|inprogress|provisioning|migrating)$/i;

/** Wait until a resource is no longer in a transitional provisioning state (a write we lost track of). */
async function settle(
  client: ArmClient,
  id: string,
  apiVersion: string,
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<ArmResource | undefined> {
  let wait = 250;
  const end = Date.now() + deadlineMs;
  for (;;) {
    const r = await client.get(id, apiVersion, signal ? { signal } : {});
    const ps = (r?.properties as { provisioningState?: unknown } | undefined)?.provisioningState;
    if (!r || typeof ps !== 'string' || !TRANSITIONAL.test(ps)) return r;
    if (Date.now() > end)
      throw new AmlcdkError(
        'RecoveryTimeout',
        `${id} is still ${ps} after ${Math.round(deadlineMs / 1000)} s; run apply again later`,
      );
    await new Promise((res) => setTimeout(res, wait));
    wait = Math.min(wait * 2, 10_000);
  }
}

export interface RecoveryResult {
  readonly state: StackState | undefined;
  /** Operations of the unfinished run that were examined. */
  readonly operations: number;
}

/**
 * Resume an unfinished journal: finish or settle every operation it started, then make the state own what
 * exists (so nothing is orphaned) and forget what was deleted. Idempotent: running it twice is harmless.
 */
export async function recoverJournal(
  client: ArmClient,
  store: StateStore,
  stack: string,
  state: StackState | undefined,
  entries: readonly JournalEntry[],
  options: { timeoutMs?: number; signal?: AbortSignal; onEvent?: (e: ApplyEvent) => void } = {},
): Promise<RecoveryResult> {
  type Op = {
    intent: Extract<JournalEntry, { kind: 'intent' }>;
    started?: Extract<JournalEntry, { kind: 'started' }>;
    done?: Extract<JournalEntry, { kind: 'done' }>;
  };
  const ops = new Map<string, Op>();
  for (const e of entries) {
    if (e.kind === 'intent') ops.set(e.opId, { intent: e });
    else if (e.kind === 'started') {
      const o = ops.get(e.opId);
      if (o) o.started = e;
    } else if (e.kind === 'done') {
      const o = ops.get(e.opId);
      if (o) o.done = e;
    }
  }
  if (ops.size === 0) return { state, operations: 0 };
  const timeoutMs = options.timeoutMs ?? 1_800_000;
  let inFlight = 0;
  // 1. Finish what was in flight.
  await Promise.all(
    [...ops.values()].map(async (o) => {
      if (o.done) return;
      inFlight += 1;
      const { intent } = o;
      try {
        if (o.started?.pollUrl) {
          await client.pollUntilDone(
            {
              status: o.started.status,
              pollUrl: o.started.pollUrl,
              ...(o.started.pollKind ? { pollKind: o.started.pollKind } : {}),
              method: intent.method,
              resourceId: intent.resourceId,
              apiVersion: intent.apiVersion,
            },
            {
              resourceId: intent.resourceId,
              apiVersion: intent.apiVersion,
              timeoutMs,
              ...(options.signal ? { signal: options.signal } : {}),
            },
          );
        } else {
          // The write may or may not have reached ARM: look, and wait out a transitional state.
          await settle(client, intent.resourceId, intent.apiVersion, timeoutMs, options.signal);
        }
      } catch {
        // A failed operation is fine here: the re-plan that follows sees the real state and decides again.
      }
    }),
  );
  // 2. Ownership: one observation per touched resource (last intent wins).
  const lastByResource = new Map<string, Op>();
  for (const o of ops.values()) lastByResource.set(o.intent.resourceId.toLowerCase(), o);
  const resources: Record<string, OwnedResource> = { ...(state?.resources ?? {}) };
  const targets = [...lastByResource.values()].map((o) => ({
    id: o.intent.resourceId,
    type: '',
    apiVersion: o.intent.apiVersion,
  }));
  const seen = new Map<string, ArmResource | undefined>();
  await Promise.all(
    targets.map(async (t) =>
      seen.set(
        t.id.toLowerCase(),
        await client.get(t.id, t.apiVersion, options.signal ? { signal: options.signal } : {}),
      ),
    ),
  );
  let changed = false;
  for (const [lid, o] of lastByResource) {
    const live = seen.get(lid);
    const existing = Object.values(resources).find((r) => r.id.toLowerCase() === lid);
    if (live) {
      if (!existing) {
        const mine = [...ops.values()].filter((x) => x.intent.resourceId.toLowerCase() === lid);
        const created = mine.some((x) => x.intent.op === 'create');
        const ownership = created ? 'created' : 'adopted';
        // afterCreate actions of a create the crash interrupted: all of them, minus those the journal saw succeed.
        const actionsDone = mine
          .filter((x) => x.intent.op === 'action' && x.done?.outcome === 'succeeded' && x.intent.action)
          .map((x) => `!${x.intent.action}`);
        resources[o.intent.logicalId] = {
          logicalId: o.intent.logicalId,
          id: live.id,
          type: live.type,
          apiVersion: o.intent.apiVersion,
          applied: undefined,
          observed: normalizeObserved(live),
          ownership,
          ...(created ? { pendingActions: ['*', ...actionsDone] } : {}),
        };
        changed = true;
      }
    } else if (existing && o.intent.op === 'delete') {
      delete resources[existing.logicalId];
      changed = true;
    }
  }
  const next: StackState | undefined =
    changed || state
      ? {
          version: 1,
          stack,
          ...(state?.manifest ? { manifest: state.manifest } : {}),
          resources,
          ...(state?.softDeleted ? { softDeleted: state.softDeleted } : {}),
          updatedAt: new Date().toISOString(),
        }
      : state;
  if (next && changed) await store.save(next);
  options.onEvent?.({
    kind: 'recover',
    message: `resumed an unfinished run: ${ops.size} operation(s), ${inFlight} in flight; state ${changed ? 'updated' : 'unchanged'}`,
  });
  return { state: next, operations: ops.size };
}

/** Build the graph: creates after their dependencies, deletes after their dependents. */
function buildGraph(steps: readonly Step[]): Map<string, Node> {
  const nodes = new Map<string, Node>();
  const add = (kind: Kind, step: Step): void => {
    const key = `${kind}:${step.change.address}`;
    nodes.set(key, { key, kind, step, deps: new Set(), dependents: new Set(), status: 'pending' });
  };
  const byAddress = new Map<string, Step>();
  for (const s of steps) {
    byAddress.set(s.change.address, s);
    const a = s.change.change.actions;
    if (a[0] === 'no-op') continue;
    if (a[0] === 'forget') add('forget', s);
    if (a.includes('delete')) add('del', s);
    if (a[0] !== 'delete' || a.length === 2) if (a[0] !== 'forget') add('main', s);
  }
  const edge = (from: string, to: string): void => {
    // `to` waits for `from`.
    const f = nodes.get(from);
    const t = nodes.get(to);
    if (!f || !t || f === t) return;
    t.deps.add(from);
    f.dependents.add(to);
  };
  for (const s of steps) {
    const a = s.change.change.actions;
    const addr = s.change.address;
    // main after the main of each dependency.
    for (const d of s.dependsOn) edge(`main:${d}`, `main:${addr}`);
    if (a[0] === 'delete' && a.length === 2) edge(`del:${addr}`, `main:${addr}`);
    if (a[0] === 'create' && a.length === 2) edge(`main:${addr}`, `del:${addr}`);
    // Deletes of my dependencies wait for my delete (dependents go first).
    if (a.includes('delete')) for (const d of s.dependsOn) edge(`del:${addr}`, `del:${d}`);
  }
  // A delete-before-create of a resource whose dependents are re-created must wait for their deletes too (above),
  // and their creates wait for my create (main edge above). Nothing else to add.
  void byAddress;
  return nodes;
}

function stepResource(s: Step): { logicalId: string; id: string; apiVersion: string } {
  const d = s.desired!;
  // An equivalent resource adopted under another name is the one written to.
  return { logicalId: d.logicalId, id: s.actualId ?? d.id, apiVersion: d.apiVersion };
}

/** Observe and plan (no writes). */
export async function planStack(
  client: ArmClient,
  manifest: Manifest,
  state: StackState | undefined,
  mode: 'apply' | 'destroy' = 'apply',
  signal?: AbortSignal,
  options: { readonly checkNames?: boolean } = {},
): Promise<PlanResult & { observation: Observation; lifecycle: LifecycleObservation }> {
  // Ids from the state are checked before the first read (a forged entry must not even be looked up).
  StackScope.of(manifest).checkState(state, `of stack "${manifest.stack.name}"`);
  const observation = await observe(
    client,
    observeTargets(mode === 'destroy' ? undefined : manifest, state),
    signal ? { signal } : {},
  );
  // Soft-deleted vaults, taken names and equivalent role assignments, for the resources this plan creates.
  const lifecycle =
    mode === 'destroy'
      ? NO_LIFECYCLE
      : await observeLifecycle(client, manifest.resources, observation, {
          ...(signal ? { signal } : {}),
          ...(options.checkNames !== undefined ? { checkNames: options.checkNames } : {}),
        });
  return {
    ...buildPlan({ manifest, ...(state ? { state } : {}), observation, mode, lifecycle }),
    observation,
    lifecycle,
  };
}

/** Plan and apply a stack. Throws `StateLocked`, `PlanStale`, `PlanRefused`; failures of single resources are in the result. */
export async function applyStack(input: ApplyOptions): Promise<ApplyResult> {
  const t0 = Date.now();
  const mode = input.mode ?? 'apply';
  const stack = input.manifest.stack.name;
  // Every write of this run goes through the scope guard, whatever code sends it.
  const scope = StackScope.of(input.manifest);
  const options: ApplyOptions = { ...input, client: scopedClient(input.client, scope) };
  const lock = await options.store.lock(stack, options.operation ?? mode);
  try {
    const journal = options.store.journal(stack);
    if (options.savedPlan) checkSavedPlan(options.savedPlan, options.manifest);
    let state = await options.store.load(stack);
    scope.checkState(state, `of stack "${stack}" in ${options.store.location}`);
    let recovered = 0;
    const pending = await journal.read();
    scope.checkJournal(pending, `of stack "${stack}" in ${options.store.location}`);
    if (pending.length > 0) {
      const r = await recoverJournal(options.client, options.store, stack, state, pending, {
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
      state = r.state;
      recovered = r.operations;
      await journal.truncate();
    }
    const planned = await planStack(options.client, options.manifest, state, mode, options.signal, {
      ...(options.checkNames !== undefined ? { checkNames: options.checkNames } : {}),
    });
    options.onEvent?.({
      kind: 'observed',
      resources: planned.observation.resources.size,
      calls: planned.observation.calls,
      summary: describeObservation(planned.observation),
    });
    const { plan, steps } = planned;
    // A purge acts on the soft-deleted twin of a vault in scope, outside any resource group.
    for (const st of steps)
      if (st.purgeAfterDelete && st.deleteTarget) scope.permitDerived(st.purgeAfterDelete.url, st.deleteTarget.id);
    options.onEvent?.({ kind: 'planned', plan });
    if (options.savedPlan) compareSavedPlan(options.savedPlan, plan, '', recovered > 0);
    if (plan.errors.length > 0) {
      throw new AmlcdkError(
        'PlanRefused',
        `the plan for stack ${stack} has ${plan.errors.length} error(s); nothing was changed:\n${plan.errors.map((e) => `  [${e.address}] ${e.code}: ${e.message}\n    fix: ${e.fix}`).join('\n')}`,
      );
    }
    const changing = steps.filter((s) => s.change.change.actions[0] !== 'no-op');
    if (changing.length > 0 && options.confirm && !(await options.confirm(plan))) {
      return {
        plan,
        outcomes: [],
        summary: { done: 0, failed: 0, skipped: 0, unchanged: steps.length },
        cancelled: true,
        recovered,
        elapsedMs: Date.now() - t0,
      };
    }
    if (mode === 'apply' && steps.some((s) => s.change.change.actions.includes('create')))
      await preflightResourceGroup(options);
    const runId = randomUUID();
    await journal.append({ kind: 'begin', runId, manifestHash: options.manifest.hash });
    const writer = new Writer(options.client, journal, runId, options.timeoutMs ?? 1_800_000, options.signal);
    const nodes = buildGraph(steps);
    await execute(nodes, writer, options, planned.observation);
    const outcomes = collectOutcomes(steps, nodes);
    const failed = outcomes.filter((o) => o.status === 'failed').length;
    const skipped = outcomes.filter((o) => o.status === 'skipped').length;
    const newState = await nextState(options, state, steps, nodes, planned.observation, mode);
    await options.store.save(newState);
    await journal.append({
      kind: 'end',
      runId,
      outcome: failed + skipped === 0 ? 'succeeded' : outcomes.some((o) => o.status === 'done') ? 'partial' : 'failed',
    });
    await journal.truncate();
    return {
      plan,
      outcomes,
      summary: {
        done: outcomes.filter((o) => o.status === 'done').length,
        failed,
        skipped,
        unchanged: outcomes.filter((o) => o.status === 'unchanged').length,
      },
      cancelled: false,
      recovered,
      elapsedMs: Date.now() - t0,
    };
  } finally {
    await lock.release();
  }
}

/** The stack's resource group must exist before anything is created in it (unless the manifest creates it). */
async function preflightResourceGroup(options: ApplyOptions): Promise<void> {
  const { subscriptionId, resourceGroup, location } = options.manifest.stack;
  const rgId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
  if (options.manifest.resources.some((r) => r.id.toLowerCase() === rgId.toLowerCase())) return;
  const apiVersion = apiVersionFor('Microsoft.Resources/resourceGroups');
  const rg = await options.client.get(rgId, apiVersion);
  if (rg) return;
  if (options.ensureResourceGroup) {
    await options.client.put(rgId, apiVersion, { location, tags: options.manifest.stack.tags });
    return;
  }
  throw new AmlcdkError(
    'ResourceGroupNotFound',
    `the resource group ${resourceGroup} of stack ${options.manifest.stack.name} does not exist in subscription ${subscriptionId}; nothing was changed. Fix: create it (az group create -n ${resourceGroup} -l ${location}) or set createResourceGroup: true on the Stack.`,
  );
}

async function execute(
  nodes: Map<string, Node>,
  writer: Writer,
  options: ApplyOptions,
  observation: Observation,
): Promise<void> {
  const sem = new Semaphore(options.concurrency ?? 64);
  // A deploy-time reference reads the resource it names: from this run's write when there was one (the node ran
  // before, as a dependency), else from the observation.
  const byLogicalId = new Map(options.manifest.resources.map((r) => [r.logicalId, r]));
  const refValue = (ref: { resource: string; attribute: string }): unknown => {
    const written = nodes.get(`main:${ref.resource}`)?.result;
    const t = byLogicalId.get(ref.resource);
    const raw = written ?? (t ? observation.resources.get(t.id.toLowerCase())?.raw : undefined);
    const v = raw ? getAt(raw, ref.attribute.split('.')) : undefined;
    return typeof v === 'string' && v ? v : undefined;
  };
  const total = nodes.size;
  let finished = 0;
  const emit = options.onEvent ?? (() => undefined);

  const skipDependents = (n: Node, because: string): void => {
    for (const k of n.dependents) {
      const d = nodes.get(k)!;
      if (d.status !== 'pending') continue;
      d.status = 'skipped';
      finished += 1;
      emit({ kind: 'skipped', address: d.step.change.address, because, total, finished });
      skipDependents(d, because);
    }
  };

  const opName = (n: Node): string => {
    const a = n.step.change.change.actions;
    if (n.kind === 'del') return a.length === 2 ? 'delete (replace)' : 'delete';
    if (n.kind === 'forget') return 'forget';
    return a.length === 2 ? 'create (replace)' : a[0];
  };

  const runNode = async (n: Node): Promise<void> => {
    n.status = 'running';
    const op = opName(n);
    const started = Date.now();
    emit({ kind: 'start', address: n.step.change.address, op, total, finished });
    try {
      n.result = await sem.run(() => runOne(n, writer, options, observation, refValue, emit));
      n.status = 'done';
      finished += 1;
      emit({ kind: 'done', address: n.step.change.address, op, elapsedMs: Date.now() - started, total, finished });
    } catch (err) {
      n.status = 'failed';
      n.error = errInfo(err);
      finished += 1;
      emit({
        kind: 'failed',
        address: n.step.change.address,
        op,
        error: n.error.message,
        code: n.error.code,
        total,
        finished,
      });
      skipDependents(n, `${n.step.change.address} failed`);
    }
  };

  // A node becomes ready when its last dependency is done: only the dependents of a finished node are looked
  // at, not the whole graph (a full scan per finished node made the walk O(N²)).
  let outstanding = 0;
  let allDone: () => void = () => undefined;
  let broke: (err: unknown) => void = () => undefined;
  const finishedAll = new Promise<void>((resolve, reject) => {
    allDone = resolve;
    broke = reject;
  });
  const maybeStart = (n: Node): void => {
    if (n.status !== 'pending') return;
    for (const d of n.deps) if (nodes.get(d)!.status !== 'done') return;
    outstanding += 1;
    runNode(n)
      .then(() => {
        for (const k of n.dependents) maybeStart(nodes.get(k)!);
        outstanding -= 1;
        if (outstanding === 0) allDone();
      })
      .catch(broke); // only an onEvent callback that throws gets here
  };
  for (const n of nodes.values()) maybeStart(n);
  if (outstanding > 0) await finishedAll;
}

async function runOne(
  n: Node,
  writer: Writer,
  options: ApplyOptions,
  observation: Observation,
  refValue: (ref: { resource: string; attribute: string }) => unknown,
  emit: (e: ApplyEvent) => void,
): Promise<ArmResource | null | undefined> {
  const s = n.step;
  const signalOpts = options.signal ? { signal: options.signal } : {};
  if (n.kind === 'forget') return undefined;
  if (n.kind === 'del') {
    const t = s.deleteTarget!;
    await writer.delete(s.change.address, t);
    if (s.purgeAfterDelete) {
      // The vault is soft-deleted now: purge it so its name is free (deletePolicy Purge, no purge protection).
      await writer.post(
        { logicalId: s.change.address, id: s.purgeAfterDelete.url, apiVersion: s.purgeAfterDelete.apiVersion },
        'purge',
        undefined,
      );
    }
    return null;
  }
  const r = stepResource(s);
  let desired = s.desired!;
  const body = substituteRefs(desired.body, refValue) as ManifestResource['body'];
  const left = refsIn(body);
  if (left.length) {
    throw new AmlcdkError(
      'UnresolvedReference',
      `${desired.logicalId}: ${left.map(({ ref }) => `${ref.attribute} of ${ref.resource}`).join(', ')} is not known (the resource does not exist or does not report it). Fix: apply again once ${left[0].ref.resource} exists; check that it has the identity the reference needs.`,
    );
  }
  if (body !== desired.body) desired = { ...desired, body };
  n.applied = desired.body;
  if (s.unresolvedAssets?.length) throw assetNeedsDocker(desired.logicalId, s.unresolvedAssets);
  const a = s.change.change.actions;
  if (a[0] === 'adopt') {
    // An equivalent resource exists under another name: own it, write nothing.
    const existing = await options.client.get(r.id, r.apiVersion, signalOpts);
    if (!existing)
      throw new AmlcdkError(
        'AdoptTargetGone',
        `${desired.logicalId}: ${r.id}, which the plan adopts, no longer exists. Fix: run \`amlcdk plan\` again.`,
      );
    n.adoptedId = existing.id;
    return existing;
  }
  const creating = a.includes('create');
  const retrying = <T>(op: string, send: () => Promise<T>): Promise<T> =>
    sendWithRetries(send, {
      address: desired.logicalId,
      ...(options.principalWaitMs !== undefined ? { boundMs: options.principalWaitMs } : {}),
      onRetry: (p) => emit({ kind: 'retry', address: desired.logicalId, op, ...p }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  let last: ArmResource | undefined;
  if (creating || a[0] === 'update') {
    const resolved = await resolveSecrets(
      desired,
      options.secretResolver ?? secretResolver({ env: options.env ?? process.env }),
    );
    const body = creating ? resolved : withKeptValues(resolved, s.keepTags, s.keepValues);
    if (creating && s.recover) {
      // A soft-deleted vault this stack owned: recover it, then bring it to the program's properties.
      const props = (body as { properties?: Record<string, unknown> }).properties ?? {};
      await writer.put(r, 'create', {
        ...(body as Record<string, unknown>),
        properties: { ...props, createMode: 'recover' },
      });
      emit({ kind: 'note', address: desired.logicalId, message: `recovered the soft-deleted key vault ${r.id}` });
      last = await writer.put(r, 'update', body);
    } else {
      try {
        last = await retrying(creating ? 'create' : 'update', () =>
          writer.put(r, creating ? 'create' : 'update', body),
        );
      } catch (err) {
        const existing = creating
          ? await adoptExistingAssignment(options.client, err, r.id, r.apiVersion, options.signal)
          : undefined;
        if (!existing) throw err;
        // Azure says the same assignment exists under another name: adopt it (RoleAssignmentExists).
        n.adoptedId = existing.id;
        emit({
          kind: 'note',
          address: desired.logicalId,
          message: `adopted ${existing.id}: Azure answered RoleAssignmentExists (same principal, role and scope)`,
        });
        return existing;
      }
    }
    if (creating) {
      n.actionsDone = [];
      for (const act of s.afterCreate) {
        await writer.post(r, act.name, act.body);
        n.actionsDone.push(act.name);
      }
    }
  } else if (a[0] === 'patch') {
    last = await writer.patch(r, withKeptValues(s.patchBody, undefined, s.keepValues, true));
  }
  if (!creating) for (const act of s.fieldActions) await writer.post(r, act.name, act.body);
  // The record after the write: reuse the LRO's final GET when it has one, else read once.
  if (!last || s.afterCreate.length > 0 || s.fieldActions.length > 0)
    last = await options.client.get(r.id, r.apiVersion, signalOpts);
  void observation;
  return last ?? null;
}

function collectOutcomes(steps: readonly Step[], nodes: Map<string, Node>): ApplyOutcome[] {
  const out: ApplyOutcome[] = [];
  for (const s of steps) {
    const addr = s.change.address;
    const mine = (['del', 'main', 'forget'] as const)
      .map((k) => nodes.get(`${k}:${addr}`))
      .filter((n): n is Node => n !== undefined);
    const op = s.change.change.actions.join(',');
    if (mine.length === 0) {
      out.push({ address: addr, op, status: 'unchanged' });
      continue;
    }
    const failed = mine.find((n) => n.status === 'failed');
    if (failed) out.push({ address: addr, op, status: 'failed', ...(failed.error ? { error: failed.error } : {}) });
    else if (mine.some((n) => n.status !== 'done')) out.push({ address: addr, op, status: 'skipped' });
    else out.push({ address: addr, op, status: 'done' });
  }
  return out;
}

function ownedFrom(
  d: ManifestResource,
  observed: ArmResource | undefined,
  ownership: 'created' | 'adopted',
  id: string = d.id,
): OwnedResource {
  return {
    logicalId: d.logicalId,
    id,
    type: d.type,
    apiVersion: d.apiVersion,
    applied: d.body,
    ...(observed ? { observed: normalizeObserved(observed) } : {}),
    ownership,
    options: { protect: d.options.protect, deletePolicy: d.options.deletePolicy },
  };
}

async function nextState(
  options: ApplyOptions,
  state: StackState | undefined,
  steps: readonly Step[],
  nodes: Map<string, Node>,
  observation: Observation,
  mode: 'apply' | 'destroy',
): Promise<StackState> {
  const resources: Record<string, OwnedResource> = { ...(state?.resources ?? {}) };
  // Addresses by lower-case id, so dropping the other entries of an id is not a scan of the whole state per
  // resource (that made the state update O(N²): seconds at 1,000 resources). Entries are checked on use.
  const addressesById = new Map<string, Set<string>>();
  const indexEntry = (k: string, id: string): void => {
    const key = id.toLowerCase();
    let set = addressesById.get(key);
    if (!set) addressesById.set(key, (set = new Set()));
    set.add(k);
  };
  for (const [k, v] of Object.entries(resources)) indexEntry(k, v.id);
  const setEntry = (k: string, v: OwnedResource): void => {
    resources[k] = v;
    indexEntry(k, v.id);
  };
  const dropId = (id: string, keep: string): void => {
    const lower = id.toLowerCase();
    for (const k of addressesById.get(lower) ?? [])
      if (k !== keep && resources[k]?.id.toLowerCase() === lower) delete resources[k];
  };
  // Resources this stack deleted that Azure keeps soft-deleted (see lifecycle.ts), by lower-case id.
  const softDeleted: Record<string, SoftDeletedEntry> = { ...(state?.softDeleted ?? {}) };
  const nowIso = new Date().toISOString();
  for (const s of steps) {
    const addr = s.change.address;
    const a = s.change.change.actions;
    const main = nodes.get(`main:${addr}`);
    const del = nodes.get(`del:${addr}`);
    const forget = nodes.get(`forget:${addr}`);
    if (del?.status === 'done' && s.deleteTarget) {
      const key = s.deleteTarget.id.toLowerCase();
      if (s.softDeletes)
        softDeleted[key] = { logicalId: addr, id: s.deleteTarget.id, type: s.deleteTarget.type, deletedAt: nowIso };
      else delete softDeleted[key];
    }
    if (main?.status === 'done' && a.includes('create') && s.desired) delete softDeleted[s.desired.id.toLowerCase()];
    if (forget?.status === 'done') {
      delete resources[addr];
      continue;
    }
    if (!s.desired) {
      // Removed resource.
      if (del?.status === 'done') delete resources[addr];
      continue;
    }
    const d = s.desired;
    const prior = resources[addr] ?? s.owned;
    // The id the resource really has: an equivalent adopted under another name (plan or apply), else the desired one.
    const id = main?.adoptedId ?? s.actualId ?? d.id;
    if (a[0] === 'no-op') {
      const o = observation.resources.get(id.toLowerCase());
      setEntry(addr, ownedFrom(d, o?.raw, prior?.ownership ?? 'adopted', id));
      dropId(id, addr);
      continue;
    }
    if (main?.status === 'done') {
      const ownership =
        main.adoptedId || a[0] === 'adopt'
          ? 'adopted'
          : a.includes('create')
            ? 'created'
            : (prior?.ownership ?? (s.adopt ? 'adopted' : 'created'));
      setEntry(
        addr,
        ownedFrom(main.applied ? { ...d, body: main.applied } : d, main.result ?? undefined, ownership, id),
      );
      dropId(id, addr);
      if (a[0] === 'create' && a.length === 2 && del?.status !== 'done' && s.owned) {
        // The old resource of a rename could not be deleted: keep owning it under a derived address.
        setEntry(`${addr}#old`, { ...s.owned, logicalId: `${addr}#old` });
      }
      continue;
    }
    // Failed or skipped. A create that failed may still have left a resource: own it so it is never orphaned.
    if (main?.status === 'failed' && a.includes('create')) {
      const live = await options.client.get(d.id, d.apiVersion).catch(() => undefined);
      if (live) {
        const pending = (d.actions ?? [])
          .filter((x) => x.when === 'afterCreate' && !(main.actionsDone ?? []).includes(x.name))
          .map((x) => x.name);
        setEntry(addr, { ...ownedFrom(d, live, 'created'), ...(pending.length ? { pendingActions: pending } : {}) });
        dropId(d.id, addr);
      } else if (del?.status === 'done') delete resources[addr];
    } else if (del?.status === 'done') {
      // Deleted (for a replacement) but not re-created: nothing left to own.
      delete resources[addr];
    }
  }
  const manifest = mode === 'destroy' ? undefined : options.manifest;
  return {
    version: 1,
    stack: options.manifest.stack.name,
    ...(manifest ? { manifest } : {}),
    resources,
    ...(Object.keys(softDeleted).length ? { softDeleted } : {}),
    updatedAt: new Date().toISOString(),
  };
}
