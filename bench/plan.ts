/**
 * Plan benchmark, compute only (goal G3 of reference/reconciler.md §9): `buildPlan` over the synthesized large
 * program (bench/large-program.ts) with the state and the observation already in memory, no HTTP.
 *
 * Two cases per size:
 * - no-op: every resource is observed exactly as desired and owned in state (the re-plan after an apply);
 * - a few changes: the same, except that a handful of clusters drifted (`maxNodeCount`) and a handful of
 *   resources are missing (so they are created again), the usual shape of a day-to-day plan.
 *
 * Goals: 1,000 resources ≤ 100 ms, 10,000 ≤ 1 s. Building the program and the observation is setup, not timed.
 *
 *   node --import tsx bench/plan.ts
 */
import { pathToFileURL } from 'node:url';
import { App } from '../lib/core/app.js';
import type { ArmResource } from '../lib/arm/types.js';
import type { Manifest } from '../lib/manifest/types.js';
import { normalizeObserved } from '../lib/reconciler/normalize.js';
import type { Observation, ObservedResource } from '../lib/reconciler/observe.js';
import { buildPlan, type PlanSummary } from '../lib/reconciler/plan.js';
import type { OwnedResource, StackState } from '../lib/state/types.js';
import { formatTable, measure, type FigureSpec } from './harness.js';
import { buildLargeProgram } from './large-program.js';

/** Everything `buildPlan` needs, prepared once per size. */
export interface PlanFixture {
  readonly manifest: Manifest;
  readonly state: StackState;
  readonly observation: Observation;
}

/** What ARM would answer for a resource we applied: the body plus the envelope and a read-only field. */
function observedAs(id: string, name: string, type: string, body: Record<string, unknown>): ArmResource {
  const properties = (body.properties ?? {}) as Record<string, unknown>;
  return { ...body, id, name, type, properties: { ...properties, provisioningState: 'Succeeded' } };
}

/**
 * A synthesized program of `resources` resources with a state that owns all of them and an observation equal to
 * the desired state; `changes` resources differ (half drifted, half missing).
 */
export function planFixture(resources: number, changes = 0): PlanFixture {
  const app = new App();
  buildLargeProgram({ resources, stackName: 'PlanBench' }, app);
  const manifest = app.synth({ write: false }).manifests[0];
  const owned: Record<string, OwnedResource> = {};
  const observed = new Map<string, ObservedResource | null>();
  let drifted = 0;
  let missing = 0;
  // Spread the changes over the program: at every `step`-th resource one change is due, made on the next
  // resource that can take it (drift needs a cluster; a missing resource can be anything but the first).
  const step = changes > 0 ? Math.max(1, Math.floor(manifest.resources.length / changes)) : Infinity;
  let due = 0;
  manifest.resources.forEach((r, i) => {
    if (i > 0 && i % step === 0 && drifted + missing + due < changes) due += 1;
    const body = structuredClone(r.body) as Record<string, unknown>;
    const isCluster = (body.properties as { computeType?: string } | undefined)?.computeType === 'AmlCompute';
    if (due > 0 && missing < drifted) {
      observed.set(r.id.toLowerCase(), null);
      missing += 1;
      due -= 1;
    } else {
      if (due > 0 && isCluster) {
        const scale = (body.properties as { properties: { scaleSettings: { maxNodeCount: number } } }).properties
          .scaleSettings;
        scale.maxNodeCount += 1;
        drifted += 1;
        due -= 1;
      }
      const raw = observedAs(r.id, r.name, r.type, body);
      observed.set(r.id.toLowerCase(), { raw, normalized: normalizeObserved(raw) });
    }
    owned[r.logicalId] = {
      logicalId: r.logicalId,
      id: r.id,
      type: r.type,
      apiVersion: r.apiVersion,
      applied: r.body,
      ownership: 'created',
      options: { protect: r.options.protect, deletePolicy: r.options.deletePolicy },
    };
  });
  const state: StackState = {
    version: 1,
    stack: manifest.stack.name,
    manifest,
    resources: owned,
    updatedAt: new Date(0).toISOString(),
  };
  return { manifest, state, observation: { resources: observed, calls: { list: 0, get: 0 } } };
}

/** Plan once; returns the wall time in ms and the summary (checked by the caller). */
export function timePlan(f: PlanFixture): { ms: number; summary: PlanSummary } {
  const t0 = performance.now();
  const { plan } = buildPlan({ manifest: f.manifest, state: f.state, observation: f.observation });
  return { ms: performance.now() - t0, summary: plan.summary };
}

/**
 * One untimed plan of a new fixture, then a GC when exposed: as synth and check do, the samples measure planning,
 * not the JIT's first pass over the plan code or the garbage left by building the fixture (seen: a first 1k
 * sample of 150-200 ms, then 50-70 ms).
 */
function warmedUp(f: PlanFixture): PlanFixture {
  timePlan(f);
  (globalThis as { gc?: () => void }).gc?.();
  return f;
}

/** A fixture built on first use and kept, so the samples of a figure share the setup. */
function lazy<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= make());
}

/** The figures `npm run bench` reports for planning. `sizes` default to 1k and 10k. */
export function planFigures(sizes: { small: number; large: number } = { small: 1_000, large: 10_000 }): FigureSpec[] {
  const out: FigureSpec[] = [];
  for (const [n, goalMs] of [
    [sizes.small, 100],
    [sizes.large, 1000],
  ] as const) {
    const noop = lazy(() => warmedUp(planFixture(n)));
    const some = lazy(() => warmedUp(planFixture(n, 10)));
    const label = n >= 1000 ? `${n / 1000}k` : String(n);
    out.push({
      name: `plan compute only, ${label} resources, all no-op`,
      unit: 'ms',
      goal: `<= ${goalMs}`,
      meets: (m) => m <= goalMs,
      run: async () => {
        const f = noop();
        const r = timePlan(f);
        // A plan that is not all no-op here would be a convergence bug: the figure would measure the wrong thing.
        if (r.summary.noop !== f.manifest.resources.length)
          throw new Error(`plan of an unchanged ${n}-resource program is not all no-op: ${JSON.stringify(r.summary)}`);
        return r.ms;
      },
    });
    out.push({
      name: `plan compute only, ${label} resources, 10 changed`,
      unit: 'ms',
      goal: `<= ${goalMs}`,
      meets: (m) => m <= goalMs,
      run: async () => {
        const r = timePlan(some());
        if (r.summary.create + r.summary.update === 0)
          throw new Error(`plan with changes found none: ${JSON.stringify(r.summary)}`);
        return r.ms;
      },
    });
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = [];
  for (const spec of planFigures())
    figures.push(await measure({ ...spec, runs: 5 }, (l) => process.stderr.write(`${l}\n`)));
  process.stdout.write(`${formatTable(figures)}\n`);
}
