/**
 * Synth benchmark: time and heap per construct for programs of ~1k and ~10k constructs.
 *
 *   node --expose-gc --import tsx bench/synth.ts          # prints a table
 *   node --expose-gc --import tsx bench/synth.ts --json   # one JSON line per size
 *
 * `benchSynth(n)` is reused by bench/run.ts. Goal (issue 3): 10k constructs in ≤ 0.5 s and ≤ 10 KB heap per
 * construct. "Synth" is `app.synth({ write: false })`: aspects, prepare, validation, rendering, ajv schema checks
 * of every body, canonical JSON and hashing. Building the tree (the user's program) is measured separately.
 */
import * as source from '../lib/index.js';
import { OUTDIR_ENV } from '../lib/manifest/types.js';

/**
 * The constructs a synth bench program is built from: lib/ as loaded by tsx (the default, for running this file
 * alone), or the plain JavaScript of bench/compile.ts, which bench/run.ts measures because that is what users run
 * (the installed package's dist/). tsx compiles with esbuild's keepNames, which wraps every function created at run
 * time (closures in hot loops included) in a naming call that the installed package never makes.
 */
export type SynthLib = Pick<
  typeof source,
  'App' | 'ComputeCluster' | 'ComputeInstance' | 'Duration' | 'Principal' | 'Stack' | 'VmSize' | 'Workspace'
>;

export interface SynthBenchResult {
  /** Constructs in the tree (every node, including the App, stacks and non-resource constructs). */
  readonly constructs: number;
  /** ARM resources in the manifest(s). */
  readonly resources: number;
  /** Time to build the construct tree (the user's program), ms. */
  readonly buildMs: number;
  /** Time of `app.synth({ write: false })`, ms (wall clock). */
  readonly synthMs: number;
  /** CPU time (user + system) of the synth, ms: less sensitive than wall time to other processes on a busy machine. */
  readonly synthCpuMs: number;
  /** Heap retained by the tree plus the manifests after synth (after GC when --expose-gc), bytes per construct. */
  readonly heapBytesPerConstruct: number;
  /** Peak heap growth during build + synth, bytes per construct (includes garbage not yet collected). */
  readonly peakHeapBytesPerConstruct: number;
}

const TENANT = '11111111-1111-1111-1111-111111111111';

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Build a program of about `n` constructs: workspaces with clusters, personal instances and grants. */
export function buildProgram(n: number, lib: SynthLib = source): source.App {
  const { App, ComputeCluster, ComputeInstance, Duration, Principal, Stack, VmSize, Workspace } = lib;
  const app = new App();
  const stack = new Stack(app, 'Bench', {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'rg-bench',
    location: 'westeurope',
    tags: { owner: 'bench' },
  });
  let count = 2;
  let w = 0;
  while (count < n) {
    const ws = new Workspace(stack, `Ws${w++}`, { tenantId: TENANT });
    count += 7; // workspace + 6 dependency resources
    for (let i = 0; i < 200 && count < n; i++) {
      if (i % 4 === 3) {
        const user = Principal.user(guid(w * 1000 + i), { tenantId: TENANT, displayName: `user${i}` });
        new ComputeInstance(ws, `Ci${i}`, {
          vmSize: VmSize.STANDARD_DS3_V2,
          assignedUser: user,
          idleShutdown: Duration.minutes(60),
        });
        ws.grants.dataScientist(user); // a role assignment (+ the Grants holder once)
        count += i === 3 ? 3 : 2;
      } else {
        new ComputeCluster(ws, `Cc${i}`, { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 4 });
        count += 1;
      }
    }
  }
  return app;
}

function guid(i: number): string {
  const h = i.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${h}`;
}

/** Build and synthesize a program of about `n` constructs; measure time and heap. */
export function benchSynth(n: number, lib: SynthLib = source): SynthBenchResult {
  const saved = process.env[OUTDIR_ENV];
  delete process.env[OUTDIR_ENV];
  try {
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const app = buildProgram(n, lib);
    const t1 = performance.now();
    const heapBuilt = process.memoryUsage().heapUsed;
    const cpu0 = process.cpuUsage();
    const result = app.synth({ write: false });
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const peak = Math.max(heapBuilt, process.memoryUsage().heapUsed) - heap0;
    gc();
    const retained = process.memoryUsage().heapUsed - heap0;
    const constructs = app.node.findAll().length;
    const resources = result.manifests.reduce((s, m) => s + m.resources.length, 0);
    return {
      constructs,
      resources,
      buildMs: t1 - t0,
      synthMs: t2 - t1,
      synthCpuMs: (cpu.user + cpu.system) / 1000,
      heapBytesPerConstruct: Math.round(retained / constructs),
      peakHeapBytesPerConstruct: Math.round(peak / constructs),
    };
  } finally {
    if (saved !== undefined) process.env[OUTDIR_ENV] = saved;
  }
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/synth.ts')) {
  const json = process.argv.includes('--json');
  if (!(globalThis as { gc?: unknown }).gc && !json)
    console.log('(run with node --expose-gc for retained-heap figures after GC)');
  benchSynth(1000); // warm up: JIT, ajv schema compilation
  for (const n of [1000, 10000]) {
    const runs = [0, 1, 2, 3, 4].map(() => benchSynth(n));
    const r: SynthBenchResult = {
      constructs: runs[0].constructs,
      resources: runs[0].resources,
      buildMs: medianOf(runs.map((x) => x.buildMs)),
      synthMs: medianOf(runs.map((x) => x.synthMs)),
      synthCpuMs: medianOf(runs.map((x) => x.synthCpuMs)),
      heapBytesPerConstruct: medianOf(runs.map((x) => x.heapBytesPerConstruct)),
      peakHeapBytesPerConstruct: medianOf(runs.map((x) => x.peakHeapBytesPerConstruct)),
    };
    if (json) console.log(JSON.stringify({ n, ...r }));
    else {
      console.log(
        `${String(r.constructs).padStart(6)} constructs (${r.resources} resources): build ${r.buildMs.toFixed(0)} ms, synth ${r.synthMs.toFixed(0)} ms wall / ${r.synthCpuMs.toFixed(0)} ms CPU` +
          ` (${((r.synthMs * 1000) / r.constructs).toFixed(1)} µs/construct), heap ${(r.heapBytesPerConstruct / 1024).toFixed(2)} KB/construct retained, ${(r.peakHeapBytesPerConstruct / 1024).toFixed(2)} KB peak` +
          (n === 10000
            ? `  [goal: synth ≤ 500 ms ${r.synthMs <= 500 ? 'met' : 'NOT met'}, ≤ 10 KB/construct ${r.heapBytesPerConstruct <= 10240 ? 'met' : 'NOT met'}]`
            : ''),
      );
    }
  }
}
