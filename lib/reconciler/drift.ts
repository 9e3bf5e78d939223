/**
 * Drift: what changed in Azure outside amlcdk since the last apply. Compares the observed resource
 * (normalized) with the body we last applied, path by path, only where we set values (so server defaults are
 * never drift), plus resources that disappeared. `acceptDrift` writes the observed values into the state
 * (`apply --refresh-only` / `drift --accept`), so the next drift run is clean; the next plan then proposes to
 * put the program's values back unless the program changes.
 */
import { classifyPath, computeTypeOf, fieldTableFor, splitPath } from '../catalog/field-tables.js';
import type { ArmClient } from '../arm/types.js';
import type { OwnedResource, StackState } from '../state/types.js';
import { diffBodies } from './diff.js';
import { maskSecrets } from './mask.js';
import { observe, type Observation } from './observe.js';
import { getAt, setAt } from './json-path.js';
import { StackScope, checkCanonical } from './scope.js';

export interface DriftPath {
  readonly path: string;
  /** What we applied (secrets masked). */
  readonly expected: unknown;
  /** What is there now. */
  readonly actual: unknown;
}

export interface ResourceDrift {
  readonly address: string;
  readonly type: string;
  readonly id: string;
  /** `changed`: paths differ; `deleted`: the resource is gone. */
  readonly status: 'changed' | 'deleted';
  readonly paths: readonly DriftPath[];
}

export interface DriftReport {
  readonly stack: string;
  readonly checked: number;
  readonly drifted: readonly ResourceDrift[];
  readonly calls: { readonly list: number; readonly get: number };
}

/** Drift of the owned resources against an observation (pure). */
export function computeDrift(state: StackState, observation: Observation): DriftReport {
  const drifted: ResourceDrift[] = [];
  const owned = Object.values(state.resources).sort((a, b) => (a.logicalId < b.logicalId ? -1 : 1));
  for (const r of owned) {
    const o = observation.resources.get(r.id.toLowerCase());
    if (!o) {
      drifted.push({ address: r.logicalId, type: r.type, id: r.id, status: 'deleted', paths: [] });
      continue;
    }
    // Adopted resources without an applied body use the observation right after adoption as the baseline.
    const baseline = r.applied ?? r.observed;
    if (baseline === undefined || baseline === null) continue;
    const secrets = secretPathsOf(baseline);
    const table = fieldTableFor(r.type, computeTypeOf(baseline) ?? computeTypeOf(o.normalized));
    const diffs = diffBodies({ type: r.type, desired: baseline, observed: o.normalized, secrets }).filter(
      (d) => !d.sensitive && classifyPath(table, d.path).update !== 'ignore',
    );
    if (diffs.length > 0) {
      drifted.push({
        address: r.logicalId,
        type: r.type,
        id: r.id,
        status: 'changed',
        paths: diffs.map((d) => ({ path: d.path, expected: maskSecrets(d.after), actual: maskSecrets(d.before) })),
      });
    }
  }
  return { stack: state.stack, checked: owned.length, drifted, calls: observation.calls };
}

function secretPathsOf(body: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, segs: string[]): void => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === 'secretRef') {
        out.push('/' + segs.join('/'));
        return;
      }
      for (const [k, x] of Object.entries(v)) walk(x, [...segs, k]);
    }
  };
  walk(body, []);
  return out;
}

/** Observe the owned resources and report drift. */
export async function detectDrift(
  client: ArmClient,
  state: StackState,
  signal?: AbortSignal,
): Promise<{ report: DriftReport; observation: Observation }> {
  // Drift only reads, but a forged id is still not looked up: checked against the scopes of the manifest the
  // state recorded (or only for canonical form when it recorded none, after an import).
  if (state.manifest) StackScope.of(state.manifest).checkState(state, `of stack "${state.stack}"`);
  else
    for (const [k, r] of Object.entries(state.resources)) checkCanonical(r?.id, `the state entry ${JSON.stringify(k)}`);
  const observation = await observe(
    client,
    Object.values(state.resources).map((r) => ({ id: r.id, type: r.type, apiVersion: r.apiVersion, expected: true })),
    signal ? { signal } : {},
  );
  return { report: computeDrift(state, observation), observation };
}

/** The state with drift accepted: observed values written into `applied`, deleted resources forgotten. */
export function acceptDrift(state: StackState, report: DriftReport, observation: Observation): StackState {
  const resources: Record<string, OwnedResource> = { ...state.resources };
  for (const d of report.drifted) {
    const r = resources[d.address];
    if (!r) continue;
    if (d.status === 'deleted') {
      delete resources[d.address];
      continue;
    }
    const applied = JSON.parse(JSON.stringify(r.applied ?? r.observed ?? {})) as Record<string, unknown>;
    const o = observation.resources.get(r.id.toLowerCase());
    for (const p of d.paths) {
      const segs = splitPath(p.path);
      const actual = getAt(o?.normalized, segs);
      setAt(applied, segs, actual === undefined ? undefined : JSON.parse(JSON.stringify(actual)));
    }
    resources[d.address] = { ...r, applied, ...(o ? { observed: o.normalized } : {}) };
  }
  return { ...state, resources, updatedAt: new Date().toISOString() };
}
