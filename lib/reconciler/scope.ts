/**
 * The scope guard: the reconciler touches only canonical ARM ids inside the stack's declared scopes, whatever a
 * state file, a journal or a saved plan says (DESIGN §5).
 *
 * A state file's checksum only proves the file is whole, not who wrote it: anyone who can write the working
 * directory (or the state container) can recompute it. So every id that came from disk is checked against the
 * scopes the *program* declares — the stack's subscription and resource group, and the resource group (or, for
 * subscription-level resources, the exact id) of each resource in its manifest — before any request is sent, and
 * every PUT, PATCH, POST and DELETE is checked again at the ArmClient the apply uses (`scopedClient`), so a new
 * kind of write cannot slip past the check.
 */
import { armIdProblem, armIdScope } from '../core/arm-id.js';
import { AmlcdkError } from '../core/errors.js';
import type { ArmCallOptions, ArmClient, ArmWriteStarted } from '../arm/types.js';
import type { ManifestResource, ManifestStack } from '../manifest/types.js';
import type { JournalEntry, StackState } from '../state/types.js';

/** The scopes a stack declares: resource groups (`sub/rg`) and subscription-level ids, lower case. */
export class StackScope {
  private readonly groups = new Set<string>();
  private readonly exact = new Set<string>();
  /** Ids that stand for an id in scope elsewhere in ARM (a soft-deleted key vault): allowed exactly. */
  private readonly derived = new Set<string>();

  /**
   * @example
   * const scope = StackScope.of(manifest); // the stack's resource group and those of its resources
   * scope.check(id, 'state entry "Team/Gpu"'); // throws ResourceOutOfScope / NonCanonicalResourceId
   */
  public static of(manifest: {
    readonly stack: ManifestStack;
    readonly resources?: readonly ManifestResource[];
  }): StackScope {
    return new StackScope(manifest.stack, manifest.resources ?? []);
  }

  private constructor(
    private readonly stack: ManifestStack,
    resources: readonly ManifestResource[],
  ) {
    if (stack.subscriptionId && stack.resourceGroup)
      this.groups.add(`${stack.subscriptionId}/${stack.resourceGroup}`.toLowerCase());
    for (const r of resources) {
      if (armIdProblem(r.id) !== undefined) continue; // never widens the scope; refused when used
      const s = armIdScope(r.id);
      if (s.resourceGroup !== undefined) this.groups.add(`${s.subscription}/${s.resourceGroup}`);
      else this.exact.add(r.id.toLowerCase());
    }
  }

  /** Whether `id` (canonical) lies inside a declared resource group, or is (below) a declared subscription-level id. */
  public allows(id: string): boolean {
    const s = armIdScope(id);
    if (s.resourceGroup !== undefined && this.groups.has(`${s.subscription}/${s.resourceGroup}`)) return true;
    const lower = id.toLowerCase();
    if (this.derived.has(lower)) return true;
    for (const e of this.exact) if (lower === e || lower.startsWith(`${e}/`)) return true;
    return false;
  }

  /**
   * Allow `id`, which stands for `from` elsewhere in ARM, when `from` is in scope: the soft-deleted key vault
   * (`/subscriptions/{s}/providers/Microsoft.KeyVault/locations/{loc}/deletedVaults/{name}`) of a vault of the
   * stack, which deletePolicy Purge purges.
   */
  public permitDerived(id: string, from: string): void {
    checkCanonical(id, 'a derived id');
    if (this.allows(from)) this.derived.add(id.toLowerCase());
  }

  /** Whether `subscription` holds one of the declared scopes. */
  public declaresSubscription(subscription: string): boolean {
    const sub = subscription.toLowerCase();
    for (const g of this.groups) if (g.startsWith(`${sub}/`)) return true;
    for (const e of this.exact) if (armIdScope(e).subscription === sub) return true;
    return false;
  }

  /** `/subscriptions/…/resourceGroups/…` of every declared scope, for messages. */
  public describe(): string {
    const list = [
      ...[...this.groups].map((g) => {
        const [sub, rg] = g.split('/');
        return `/subscriptions/${sub}/resourceGroups/${rg}`;
      }),
      ...this.exact,
    ];
    return list.length ? list.join(', ') : '(none: the stack declares no subscription or resource group)';
  }

  /** Throws `NonCanonicalResourceId` or `ResourceOutOfScope`; `what` says where the id came from. */
  public check(id: unknown, what: string): void {
    checkCanonical(id, what);
    if (!this.allows(id as string)) {
      throw new AmlcdkError(
        'ResourceOutOfScope',
        `${what} names ${String(id)}, which is outside the scopes stack "${this.stack.name}" declares (${this.describe()}); nothing was sent to Azure. amlcdk never touches resources outside the stack's subscription and resource groups, whatever a state file or saved plan says. Fix: if the file was edited or forged, restore it from a copy you trust or rebuild the state with \`amlcdk import\`; if the resource really belongs to this stack, declare it in the program (its resource group then becomes part of the stack's scope)`,
      );
    }
  }

  /** Check every id a state owns (and the ids of the manifest it recorded). */
  public checkState(state: StackState | undefined, where: string): void {
    if (!state) return;
    for (const [key, r] of Object.entries(state.resources))
      this.check(r?.id, `the state ${where} (entry ${JSON.stringify(key)})`);
  }

  /** Check every resource id an unfinished journal would touch again (intents). */
  public checkJournal(entries: readonly JournalEntry[], where: string): void {
    for (const e of entries)
      if (e.kind === 'intent') this.check(e.resourceId, `the journal ${where} (operation ${JSON.stringify(e.opId)})`);
  }
}

/** Throws `NonCanonicalResourceId` when `id` is not a canonical ARM id (see `armIdProblem`). */
export function checkCanonical(id: unknown, what: string): void {
  const problem = armIdProblem(id);
  if (problem === undefined) return;
  throw new AmlcdkError(
    'NonCanonicalResourceId',
    `${what} names the ARM id ${JSON.stringify(typeof id === 'string' ? id.slice(0, 300) : id)}, which is not canonical (${problem}); nothing was sent to Azure. amlcdk writes only canonical ids, so this one was edited or forged. Fix: restore the file from a copy you trust (state: <stack>.prev.json or a blob version; plan: run \`amlcdk plan --out\` again), or rebuild the state with \`amlcdk import\``,
  );
}

const ACTION = /^[A-Za-z][A-Za-z0-9]{0,79}$/;
/** Where checkNameAvailability is asked: a question about a name, which changes nothing. */
const NAME_CHECK =
  /^\/subscriptions\/([^/]+)\/providers\/(Microsoft\.Storage|Microsoft\.KeyVault|Microsoft\.ContainerRegistry)$/i;

/**
 * An ArmClient that refuses every PUT, PATCH, POST and DELETE outside `scope` (and any non-canonical id) before
 * it is sent. Reads pass through (they are checked where their ids come from: `checkState`, `checkJournal`).
 */
export function scopedClient(client: ArmClient, scope: StackScope): ArmClient {
  const guard = (id: string, verb: string): void => scope.check(id, `a ${verb} request`);
  const guardAction = (id: string, action: string): void => {
    const nameCheck = action === 'checkNameAvailability' ? NAME_CHECK.exec(id) : null;
    if (nameCheck && scope.declaresSubscription(nameCheck[1])) return;
    guard(id, 'POST');
    if (typeof action !== 'string' || !ACTION.test(action))
      throw new AmlcdkError(
        'NonCanonicalResourceId',
        `a POST action ${JSON.stringify(String(action).slice(0, 100))} on ${id} is not a plain action name (letters and digits); nothing was sent to Azure`,
      );
  };
  return {
    get: (id, apiVersion, options) => client.get(id, apiVersion, options),
    list: (id, apiVersion, options) => client.list(id, apiVersion, options),
    ...(client.budgetWaitMs ? { budgetWaitMs: (kind) => client.budgetWaitMs!(kind) } : {}),
    pollUntilDone: (started, options) => client.pollUntilDone(started, options),
    beginPut: async (id: string, apiVersion: string, body: unknown, options?: ArmCallOptions) => {
      guard(id, 'PUT');
      return client.beginPut(id, apiVersion, body, options);
    },
    beginPatch: async (id: string, apiVersion: string, body: unknown, options?: ArmCallOptions) => {
      guard(id, 'PATCH');
      return client.beginPatch(id, apiVersion, body, options);
    },
    beginDelete: async (id: string, apiVersion: string, options?: ArmCallOptions): Promise<ArmWriteStarted> => {
      guard(id, 'DELETE');
      return client.beginDelete(id, apiVersion, options);
    },
    beginPost: async (id: string, action: string, apiVersion: string, body?: unknown, options?: ArmCallOptions) => {
      guardAction(id, action);
      return client.beginPost(id, action, apiVersion, body, options);
    },
    put: async (id, apiVersion, body, options) => {
      guard(id, 'PUT');
      return client.put(id, apiVersion, body, options);
    },
    patch: async (id, apiVersion, body, options) => {
      guard(id, 'PATCH');
      return client.patch(id, apiVersion, body, options);
    },
    delete: async (id, apiVersion, options) => {
      guard(id, 'DELETE');
      return client.delete(id, apiVersion, options);
    },
    post: async (id, action, apiVersion, body, options) => {
      guardAction(id, action);
      return client.post(id, action, apiVersion, body, options);
    },
  };
}
