/**
 * Import: adopt a resource that already exists in Azure into a stack's state, without writing to ARM.
 *
 * The program must already define the resource: the construct at `address` (a manifest logicalId) must exist and
 * its ARM id must be the id being imported. The resource is read once (GET), and recorded in the state as owned
 * (`ownership: 'adopted'`) with its normalized observed body, under the stack's lock. Nothing is recorded as
 * "applied": the next plan compares the program with what exists (desired ⊆ observed), so it shows either no
 * change or an update with the exact paths where the program differs; never a create.
 *
 * Ownership changes in the apply path are written with one atomic state save (the journal only records ARM
 * writes, and import makes none), so import does the same; an unfinished journal of a killed apply is resumed
 * first, exactly as apply would, so the state it saves over is complete.
 */
import { AmlcdkError, InputError } from '../core/errors.js';
import { parseArmId } from '../core/validators.js';
import { editDistance } from '../catalog/vm-sizes.js';
import type { ArmClient } from '../arm/types.js';
import type { Manifest, ManifestResource } from '../manifest/types.js';
import type { OwnedResource, StackState, StateStore } from '../state/types.js';
import { recoverJournal } from './apply.js';
import { normalizeObserved } from './normalize.js';
import { buildPlan, type ResourceChange } from './plan.js';

export interface ImportOptions {
  readonly client: ArmClient;
  readonly store: StateStore;
  /** The synthesized manifest of the stack the resource goes into. */
  readonly manifest: Manifest;
  /** ARM id of the existing resource. */
  readonly armId: string;
  /** Construct path (manifest logicalId) that will manage it, e.g. `Team/Ws/GpuCluster`. */
  readonly address: string;
  /**
   * Other stacks whose state must not own the resource already (import refuses to take it from them).
   * @default - none
   */
  readonly otherStacks?: readonly string[];
  readonly signal?: AbortSignal;
}

export interface ImportResult {
  /** `imported`: recorded now; `already-owned`: the stack owned it already, nothing changed. */
  readonly status: 'imported' | 'already-owned';
  readonly stack: string;
  readonly address: string;
  readonly id: string;
  readonly type: string;
  /** For `already-owned`: the address the state records it under (may differ after a refactor). */
  readonly ownedAs?: string;
  /** What `plan` will show for the resource now (`no-op`, or an update with paths). */
  readonly change?: ResourceChange;
  /** Operations of an unfinished run that were resumed first (0 when there were none). */
  readonly recovered: number;
}

/** Up to `max` addresses of the manifest closest to `address` (for "did you mean"). */
export function closestAddresses(manifest: Manifest, address: string, max = 3): string[] {
  const key = address.toLowerCase();
  return manifest.resources
    .map((r) => {
      const lid = r.logicalId.toLowerCase();
      // The last segment typed alone ("GpuCluster" for "Team/Ws/GpuCluster") is a strong hint.
      const tail = lid.endsWith('/' + key) ? 0 : editDistance(key, lid);
      return { n: r.logicalId, d: tail };
    })
    .filter((x) => x.d <= Math.max(4, Math.floor(key.length / 2)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, max)
    .map((x) => x.n);
}

/** Check the address and the id against the program; returns the manifest resource. Pure (no network). */
export function resolveImportTarget(manifest: Manifest, address: string, armId: string): ManifestResource {
  const parsed = parseArmId(armId);
  if (!parsed) {
    throw new InputError('InvalidArmId', `${JSON.stringify(armId)} is not an ARM resource id`, {
      fix: 'pass the full id, e.g. /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<ws>/computes/<name> (az resource show ... --query id)',
    });
  }
  const r = manifest.resources.find((x) => x.logicalId === address);
  const byId = manifest.resources.find((x) => x.id.toLowerCase() === armId.toLowerCase());
  if (!r) {
    const close = closestAddresses(manifest, address);
    const hints: string[] = [];
    if (byId) hints.push(`the construct that manages this id is ${byId.logicalId}`);
    if (close.length) hints.push(`close matches: ${close.join(', ')}`);
    throw new InputError(
      'ImportConstructNotFound',
      `stack ${manifest.stack.name} has no construct at path ${JSON.stringify(address)}${hints.length ? ` (${hints.join('; ')})` : ''}`,
      {
        fix: byId
          ? `use --as ${byId.logicalId}`
          : 'define the construct in the program first (or fix --as); `amlcdk synth` lists the construct paths',
      },
    );
  }
  if (r.id.toLowerCase() !== armId.toLowerCase()) {
    const wantName = parsed.name;
    const fixes: string[] = [];
    if (byId) fixes.push(`import into ${byId.logicalId}, which manages ${armId}`);
    if (r.name.toLowerCase() !== wantName.toLowerCase() && sameParent(r.id, armId)) {
      fixes.push(
        `give the construct the existing name (e.g. computeName: '${wantName}' for a compute), or, if the construct was renamed since the resource was created, set previousPath to its old path so the derived name is kept`,
      );
    } else if (!sameParent(r.id, armId)) {
      fixes.push(
        `the construct lives under ${parentOf(r.id)}, the resource under ${parentOf(armId)}: point the construct at that workspace/resource group, or import into a stack that deploys there`,
      );
    }
    throw new InputError(
      'ImportIdMismatch',
      `${r.logicalId} would manage ${r.id}, not ${armId}; importing would make the next apply create a second resource`,
      {
        fix: fixes.join('; or ') || 'make the construct name the existing resource',
      },
    );
  }
  return r;
}

function parentOf(id: string): string {
  return id.slice(0, id.lastIndexOf('/'));
}

function sameParent(a: string, b: string): boolean {
  return parentOf(a).toLowerCase() === parentOf(b).toLowerCase();
}

function computeTypeOfBody(body: unknown): string | undefined {
  const t = (body as { properties?: { computeType?: unknown } } | undefined)?.properties?.computeType;
  return typeof t === 'string' ? t : undefined;
}

/**
 * Adopt an existing resource into the stack's state. Throws InputError (`InvalidArmId`, `ImportConstructNotFound`,
 * `ImportIdMismatch`, `ImportKindMismatch`) or AmlcdkError (`ImportNotFound`, `ImportOwnedByOtherStack`,
 * `ImportAddressOwned`, `StateLocked`).
 */
export async function importResource(options: ImportOptions): Promise<ImportResult> {
  const { manifest, client, store } = options;
  const stack = manifest.stack.name;
  const desired = resolveImportTarget(manifest, options.address, options.armId);
  const idKey = desired.id.toLowerCase();

  // Another stack's state owning it: two stacks managing one resource would fight over it.
  for (const other of options.otherStacks ?? []) {
    if (other === stack) continue;
    const st = await store.load(other);
    const owner = Object.values(st?.resources ?? {}).find((o) => o.id.toLowerCase() === idKey);
    if (owner) {
      throw new AmlcdkError(
        'ImportOwnedByOtherStack',
        `${options.armId} is already owned by stack ${other} (as ${owner.logicalId}); nothing was imported. Fix: manage it from one stack only: remove it from ${other}'s program with deletePolicy Retain and apply there (it is then forgotten, not deleted), then import it here`,
      );
    }
  }

  const lock = await store.lock(stack, 'import');
  try {
    let state = await store.load(stack);
    let recovered = 0;
    const journal = store.journal(stack);
    const pending = await journal.read();
    if (pending.length > 0) {
      const r = await recoverJournal(
        client,
        store,
        stack,
        state,
        pending,
        options.signal ? { signal: options.signal } : {},
      );
      state = r.state;
      recovered = r.operations;
      await journal.truncate();
    }

    const ownedSame = Object.values(state?.resources ?? {}).find((o) => o.id.toLowerCase() === idKey);
    if (ownedSame) {
      return {
        status: 'already-owned',
        stack,
        address: desired.logicalId,
        id: desired.id,
        type: desired.type,
        ownedAs: ownedSame.logicalId,
        recovered,
      };
    }
    const atAddress = state?.resources[desired.logicalId];
    if (atAddress) {
      // The construct's entry points at another resource (its name changed and no apply ran since).
      throw new AmlcdkError(
        'ImportAddressOwned',
        `${desired.logicalId} already owns ${atAddress.id} in the state of stack ${stack}; importing ${desired.id} there would orphan it. Fix: run \`amlcdk apply\` to finish the rename (it deletes the old resource), or give the old resource back its name in the program`,
      );
    }

    const live = await client.get(desired.id, desired.apiVersion, options.signal ? { signal: options.signal } : {});
    if (!live) {
      throw new AmlcdkError(
        'ImportNotFound',
        `no resource exists at ${desired.id} (GET with api-version ${desired.apiVersion} answered 404); nothing was imported. Fix: check the id (az resource show --ids <id>); if the resource does not exist yet, leave import out: \`amlcdk apply\` creates it`,
      );
    }
    const wantKind = computeTypeOfBody(desired.body);
    const haveKind = computeTypeOfBody(live);
    if (wantKind && haveKind && wantKind.toLowerCase() !== haveKind.toLowerCase()) {
      throw new InputError(
        'ImportKindMismatch',
        `${desired.logicalId} defines a ${wantKind} compute, but ${desired.id} is a ${haveKind}; adopting it would make the next apply replace it`,
        {
          fix: `import it into a construct of the same kind (a ${haveKind}), or pick another name for ${desired.logicalId}`,
        },
      );
    }

    const observed = normalizeObserved(live);
    const entry: OwnedResource = {
      logicalId: desired.logicalId,
      id: desired.id,
      type: desired.type,
      apiVersion: desired.apiVersion,
      // Nothing applied yet: plans compare the program with what exists, drift uses `observed` as the baseline.
      applied: undefined,
      observed,
      ownership: 'adopted',
      options: { protect: desired.options.protect, deletePolicy: desired.options.deletePolicy },
    };
    const next: StackState = {
      version: 1,
      stack,
      ...(state?.manifest ? { manifest: state.manifest } : {}),
      resources: { ...(state?.resources ?? {}), [desired.logicalId]: entry },
      ...(state?.softDeleted ? { softDeleted: state.softDeleted } : {}),
      updatedAt: new Date().toISOString(),
    };
    await store.save(next);

    // What plan will say about it, from the observation just made (pure, no more reads).
    const { plan } = buildPlan({
      manifest: {
        stack: manifest.stack,
        resources: [desired],
        hash: manifest.hash,
        ...(manifest.assets ? { assets: manifest.assets } : {}),
      },
      state: { ...next, resources: { [desired.logicalId]: entry } },
      observation: { resources: new Map([[idKey, { raw: live, normalized: observed }]]), calls: { list: 0, get: 1 } },
    });
    const change = plan.resource_changes.find((c) => c.address === desired.logicalId);
    return {
      status: 'imported',
      stack,
      address: desired.logicalId,
      id: desired.id,
      type: desired.type,
      ...(change ? { change } : {}),
      recovered,
    };
  } finally {
    await lock.release();
  }
}
