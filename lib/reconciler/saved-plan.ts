/**
 * Saved plans are bound to their content (issue 14). A plan file is the reviewed approval of `amlcdk apply
 * <file>`, but it is only JSON on disk: its hashes can be recomputed by anyone who edits it (`contentHash` is
 * exported). So apply trusts none of it: it re-plans from the plan's own manifest and a fresh observation, and
 * refuses unless what it would do is exactly what the file says it will do:
 *
 * - `manifest_hash`, `observed_fingerprint` and `resource_changes` must all be present;
 * - `manifest_hash` must be the hash of the embedded manifest, and `stack` its stack;
 * - every id in `resource_changes` must lie inside the manifest's declared scopes;
 * - the fresh plan's fingerprint must equal the saved one (`PlanStale` otherwise: Azure or the state moved);
 * - the fresh plan's `resource_changes` must equal the saved ones, canonically (`PlanMismatch` otherwise).
 */
import { AmlcdkError } from '../core/errors.js';
import { canonicalJson } from '../manifest/canonical.js';
import type { Manifest } from '../manifest/types.js';
import type { Plan } from './plan.js';
import { StackScope } from './scope.js';

const FIX = 'run `amlcdk plan --out <file>` again, review it, and apply the new file';

function mismatch(what: string, where: string): AmlcdkError {
  return new AmlcdkError(
    'PlanMismatch',
    `the saved plan${where ? ` ${where}` : ''} does not match what it would apply: ${what}. Nothing was changed. A saved plan is applied only when re-planning its own manifest gives exactly the changes it lists (the file was edited, or written by another tool). Fix: ${FIX}`,
  );
}

/**
 * Check a saved plan against its embedded manifest before anything is observed: required fields, the manifest
 * hash, the stack, and the scope of every id it lists. Throws `PlanMismatch`, `ResourceOutOfScope` or
 * `NonCanonicalResourceId`.
 */
export function checkSavedPlan(saved: Partial<Plan>, manifest: Manifest, where = ''): void {
  const missing = (['manifest_hash', 'observed_fingerprint', 'resource_changes', 'stack'] as const).filter(
    (k) => saved[k] === undefined || saved[k] === null,
  );
  if (missing.length) throw mismatch(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`, where);
  if (typeof saved.observed_fingerprint !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(saved.observed_fingerprint))
    throw mismatch('observed_fingerprint is not a sha256 fingerprint', where);
  if (saved.manifest_hash !== manifest.hash)
    throw mismatch('manifest_hash is not the hash of the manifest it carries', where);
  if (saved.stack !== manifest.stack.name) throw mismatch(`it names stack ${JSON.stringify(saved.stack)}`, where);
  if (saved.mode !== undefined && saved.mode !== 'apply') throw mismatch(`its mode is ${String(saved.mode)}`, where);
  if (!Array.isArray(saved.resource_changes)) throw mismatch('resource_changes is not a list', where);
  const scope = StackScope.of(manifest);
  for (const c of saved.resource_changes as readonly unknown[]) {
    const change = c as { address?: unknown; id?: unknown } | null;
    scope.check(
      change?.id,
      `the saved plan${where ? ` ${where}` : ''} (change ${JSON.stringify(change?.address ?? null)})`,
    );
  }
}

/** Compare the re-derived plan with the saved one: `PlanStale` when the observation moved, else `PlanMismatch`. */
export function compareSavedPlan(saved: Partial<Plan>, fresh: Plan, where = '', resumed = false): void {
  if (saved.observed_fingerprint !== fresh.observed_fingerprint) {
    throw new AmlcdkError(
      'PlanStale',
      resumed
        ? `an unfinished earlier run was resumed, so the saved plan no longer matches stack ${fresh.stack}. Fix: run \`amlcdk plan\` again and apply the new plan.`
        : `the saved plan is stale: the resources or the state of stack ${fresh.stack} changed since it was made. Fix: ${FIX}.`,
    );
  }
  if (saved.manifest_hash !== fresh.manifest_hash) throw mismatch('manifest_hash differs', where);
  const savedChanges = saved.resource_changes ?? [];
  if (canonicalJson(savedChanges) === canonicalJson(fresh.resource_changes)) return;
  const byAddress = new Map(fresh.resource_changes.map((c) => [c.address, canonicalJson(c)]));
  const changed = savedChanges.find((c) => byAddress.get(c?.address) !== canonicalJson(c));
  throw mismatch(
    changed
      ? `its change for ${JSON.stringify(changed.address)} differs from the re-derived one`
      : `it lists ${savedChanges.length} change(s), re-planning gives ${fresh.resource_changes.length}`,
    where,
  );
}
