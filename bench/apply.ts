/**
 * Apply benchmarks (goals G6, G9 and G11 of reference/reconciler.md §9): the synthesized large program
 * (bench/large-program.ts) applied with `applyStack` (lib/reconciler/apply.ts) to the local emulator.
 *
 * - Both token buckets have ARM's shape (writes 200 burst, 10/s; reads 250, 25/s) with the refill scaled by
 *   `scale` on the emulator (`throttle.scale`) and on the client (`ArmRateLimiter({ scale, scaleBursts: false })`),
 *   so the admission floor of `writes` writes is `(writes − 200) / (10 × scale)` seconds. Every write counts,
 *   including the ones that finish without an LRO and the resource group PUT.
 * - LROs finish at their first poll (durations 0, `Retry-After: 0`), so the run measures the engine and the
 *   buckets, not waiting for Azure.
 * - The emulator is started in the bench process with `startEmulator`; the engine (HttpArmClient, file state
 *   store, `applyStack`: bench/engine-child.ts) runs in a child process, so each has its own core (as the engine
 *   and ARM do) and the child's RSS is the engine's alone. The child reads the synthesized manifest from a file and
 *   runs as plain JavaScript (bench/compile.ts), as the installed `amlcdk apply --manifest` does.
 * - makespan is measured from the first write sent to the end of `applyStack` (state saved, journal truncated);
 *   observe and plan before it are in the whole-apply time.
 * - Then the same manifest is applied again: writes the emulator logged during that no-op run (goal 0).
 * - Engine memory: RSS sampled during the apply (every 20 ms and on HTTP exchanges, at most every 5 ms): its peak,
 *   and its growth over the RSS after loading the modules and reading the manifest (after a GC), ÷ resources; the
 *   V8 heap committed at that peak; the heap retained after a GC once the apply is done.
 *
 *   node --import tsx bench/apply.ts [resources=1000] [--scale 20 | --scale 1]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App } from '../lib/core/app.js';
import { startEmulator, type RunningEmulator } from '../lib/emulator/index.js';
import { canonicalJson } from '../lib/manifest/canonical.js';
import type { Manifest } from '../lib/manifest/types.js';
import { compiledBench } from './compile.js';
import type { ChildReport } from './engine-child.js';
import { formatTable, measure, sharedSamples, type FigureSpec } from './harness.js';
import { buildLargeProgram } from './large-program.js';

/** ARM's write bucket (lib/arm ARM_LIMITS, lib/emulator DEFAULT_THROTTLE). */
const WRITE_BURST = 200;
const WRITE_RATE = 10;

/** The bucket shape of a run: ARM's by default; `--quick` runs use a smaller burst so a few writes still queue. */
export interface BucketShape {
  /** Refill multiplier on both sides. @default 20 */
  readonly scale?: number;
  /** Write burst on both sides. @default 200 (ARM's) */
  readonly writeBurst?: number;
}

/** One apply of the program, then a no-op re-apply. */
export interface ApplySample {
  readonly resources: number;
  /** Writes (PUT/PATCH/POST) the client sent and ARM accepted, the resource group PUT included. */
  readonly writes: number;
  readonly floorMs: number;
  /** First write sent → applyStack returned. */
  readonly makespanMs: number;
  /** applyStack start → return (lock, observe, plan, writes, state). */
  readonly applyMs: number;
  readonly ratio: number;
  /** 429s the emulator answered during the apply (both runs). */
  readonly throttled: number;
  /** LRO status polls (reads) of the first apply. */
  readonly pollReads: number;
  /** Every read of the first apply (observe, polls, final GETs). */
  readonly reads: number;
  /** Writes the emulator logged during the no-op re-apply. */
  readonly noopWrites: number;
  /** Writes the client sent during the no-op re-apply (should agree with the emulator). */
  readonly noopClientWrites: number;
  readonly noopMs: number;
  /** RSS growth of the engine process during the first apply ÷ resources, bytes. */
  readonly rssBytesPerResource: number;
  /** The same over the apply and the no-op re-apply (which loads the state and observes every resource). */
  readonly noopRssBytesPerResource: number;
  /** JS heap in use after a GC right after the first apply (its result, client and store alive), minus the baseline, ÷ resources, bytes. */
  readonly retainedHeapBytesPerResource: number;
  /** CPU time of the engine process during the first apply (observe and plan included), ms. */
  readonly engineCpuMs: number;
  /** CPU time of the emulator (the bench process) while the child ran its first apply, ms. */
  readonly emulatorCpuMs: number;
  /** Highest RSS of the engine process during the first apply, bytes. */
  readonly peakRssBytes: number;
  /** V8 heap committed (heapTotal) at that RSS peak minus at the baseline, ÷ resources, bytes. */
  readonly committedHeapBytesPerResource: number;
}

/** The program, synthesized once per size (setup, not measured). */
const programs = new Map<number, Manifest>();
export function largeManifest(resources: number): Manifest {
  let m = programs.get(resources);
  if (!m) {
    const app = new App();
    buildLargeProgram({ resources, stackName: 'ApplyBench' }, app);
    m = app.synth({ write: false }).manifests[0]!;
    programs.set(resources, m);
  }
  return m;
}

/** An emulator with ARM-shaped buckets scaled by `scale`, LROs done at the first poll, quotas out of the way. */
export function benchEmulator(dataDir: string, scale: number, writeBurst = WRITE_BURST): Promise<RunningEmulator> {
  return startEmulator({
    dataDir,
    throttle: { scale, writes: { burst: writeBurst, perSecond: WRITE_RATE } },
    retryAfterSeconds: 0,
    durations: { default: { create: 0, update: 0, delete: 0, action: 0 } },
    quotas: { cpuDefault: 10_000_000 },
  });
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Apply `resources` resources and re-apply them: emulator here, engine in a child process. */
export async function benchApply(resources = 1000, shape: BucketShape = {}): Promise<ApplySample> {
  const scale = shape.scale ?? 20;
  const writeBurst = shape.writeBurst ?? WRITE_BURST;
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-bench-apply-'));
  const emu = await benchEmulator(join(dir, 'emulator'), scale, writeBurst);
  try {
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, emu.caCertPem);
    const manifestFile = join(dir, 'manifest.json');
    writeFileSync(manifestFile, canonicalJson(largeManifest(resources)));
    const engine = join(compiledBench(), 'bench', 'engine-child.js');
    // The bench process runs only the emulator while the child applies: its CPU time is the emulator's.
    const cpu0 = process.cpuUsage();
    let emulatorCpuMs: number | undefined;
    const run = await new Promise<ChildReport>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--expose-gc', engine, emu.url, caFile, manifestFile, String(scale), String(writeBurst), join(dir, 'state')],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (emulatorCpuMs === undefined && out.includes('first-apply-done\n')) {
          const cpu = process.cpuUsage(cpu0);
          emulatorCpuMs = (cpu.user + cpu.system) / 1000;
        }
      });
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        const line = out
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .at(-1);
        if (code !== 0 || !line) reject(new Error(`engine child failed (exit ${code}): ${err.slice(-2000)}`));
        else resolve(JSON.parse(line) as ChildReport);
      });
    });
    if (run.failed > 0 || run.done !== run.resources)
      throw new Error(`apply did not converge: ${run.done} done, ${run.failed} failed or skipped of ${run.resources}`);
    const noopWrites = emu
      .log()
      .filter(
        (e) => Date.parse(e.time) > run.boundary && (e.kind === 'write' || e.kind === 'delete' || e.kind === 'action'),
      ).length;
    if (run.writes <= writeBurst)
      throw new Error(
        `${run.writes} writes fit in the burst (${writeBurst}): no floor to compare with; apply more resources or use a smaller writeBurst`,
      );
    const floorMs = ((run.writes - writeBurst) / (WRITE_RATE * scale)) * 1000;
    return {
      resources: run.resources,
      writes: run.writes,
      floorMs,
      makespanMs: run.makespanMs,
      applyMs: run.applyMs,
      ratio: run.makespanMs / floorMs,
      throttled: emu.counters().throttled,
      pollReads: run.pollReads,
      reads: run.reads,
      noopWrites,
      noopClientWrites: run.noopClientWrites,
      noopMs: run.noopMs,
      rssBytesPerResource: (run.firstPeakRss - run.baselineRss) / run.resources,
      noopRssBytesPerResource: (run.peakRss - run.baselineRss) / run.resources,
      retainedHeapBytesPerResource: (run.retainedHeap - run.baselineHeap) / run.resources,
      engineCpuMs: run.applyCpuMs,
      emulatorCpuMs: emulatorCpuMs ?? NaN,
      peakRssBytes: run.firstPeakRss,
      committedHeapBytesPerResource: (run.peakHeapTotal - run.baselineHeapTotal) / run.resources,
    };
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The figures `npm run bench` reports for apply at a refill multiplied by `scale` (the engine's CPU shows here):
 * makespan ÷ floor, the counts behind it, and the engine's memory. Each sample is a fresh emulator and state.
 */
export function applyFigures(resources = 1000, shape: BucketShape = {}): FigureSpec[] {
  const scale = shape.scale ?? 20;
  const sample = sharedSamples(() => benchApply(resources, shape));
  const label = resources.toLocaleString('en');
  return [
    {
      // No goal here (issue 17 replaced it): at a refill ×20 the floor of 1,000 writes is 4 s while the engine and
      // the emulator need ~1.9 floors of CPU (the CPU / floor row below), so this ratio measures CPU on the bench
      // machine, not admission. Admission is held to its goal at ARM's real write rate (applyAtArmRateFigures, ≤ 1.05).
      name: `apply ${label} creates: makespan / token-bucket floor (writes ${shape.writeBurst ?? WRITE_BURST} burst, 10/s x${scale}; CPU-bound)`,
      unit: 'ratio',
      run: sample((s) => s.ratio),
    },
    {
      name: `apply ${label} creates: whole apply (lock, observe, plan, writes, state)`,
      unit: 's',
      run: sample((s) => s.applyMs / 1000),
    },
    {
      name: `apply ${label} creates: CPU of the engine + the emulator during the apply / floor`,
      unit: 'ratio',
      run: sample((s) => (s.engineCpuMs + s.emulatorCpuMs) / s.floorMs),
    },
    {
      name: `apply ${label} creates: writes admitted (floor counts these)`,
      unit: 'count',
      run: sample((s) => s.writes),
    },
    {
      name: `apply ${label} creates: 429s (emulator counter)`,
      unit: 'count',
      goal: '0',
      meets: (m) => m === 0,
      run: sample((s) => s.throttled),
    },
    { name: `apply ${label} creates: reads used for LRO polling`, unit: 'count', run: sample((s) => s.pollReads) },
    {
      name: `no-op re-apply of the same ${label}: writes made`,
      unit: 'count',
      goal: '0',
      meets: (m) => m === 0,
      run: sample((s) => s.noopWrites),
    },
    {
      name: `engine heap retained per managed resource after the apply (after a GC)`,
      unit: 'KB',
      goal: '<= 5',
      meets: (m) => m <= 5,
      run: sample((s) => s.retainedHeapBytesPerResource / 1024),
    },
    {
      name: `engine peak RSS, apply of ${label} (child process)`,
      unit: 'MiB',
      goal: '<= 150',
      meets: (m) => m <= 150,
      run: sample((s) => s.peakRssBytes / 2 ** 20),
    },
    {
      name: `engine RSS growth per managed resource (apply of ${label}, child process)`,
      unit: 'KB',
      run: sample((s) => s.rssBytesPerResource / 1024),
    },
    {
      name: `of which V8 heap committed growth per managed resource (at the RSS peak)`,
      unit: 'KB',
      run: sample((s) => s.committedHeapBytesPerResource / 1024),
    },
    {
      name: `engine RSS growth per managed resource (apply + no-op re-apply of ${label})`,
      unit: 'KB',
      run: sample((s) => s.noopRssBytesPerResource / 1024),
    },
  ];
}

/**
 * Apply at ARM's real write rate (writes 200 burst, 10/s on both sides, no scale factor): the floor of 1,000
 * writes is 80 s, so the engine's CPU is small beside it and makespan ÷ floor shows what admission and the
 * dependency order cost.
 */
export function applyAtArmRateFigures(resources = 1000, writeBurst = WRITE_BURST): FigureSpec[] {
  const sample = sharedSamples(() => benchApply(resources, { scale: 1, writeBurst }));
  const label = resources.toLocaleString('en');
  return [
    {
      name: `apply ${label} creates at ARM's real write rate: makespan / token-bucket floor (writes ${writeBurst} burst, 10/s)`,
      unit: 'ratio',
      goal: '<= 1.05',
      meets: (m) => m <= 1.05,
      run: sample((s) => s.ratio),
    },
    {
      name: `apply ${label} creates at ARM's real write rate: floor`,
      unit: 's',
      run: sample((s) => s.floorMs / 1000),
    },
    {
      name: `apply ${label} creates at ARM's real write rate: 429s (emulator counter)`,
      unit: 'count',
      goal: '0',
      meets: (m) => m === 0,
      run: sample((s) => s.throttled),
    },
  ];
}

// No top-level await: the test suite imports this module (jest loads it as CommonJS).
async function cli(): Promise<void> {
  const argv = process.argv.slice(2);
  const n = Number(argv.find((x) => /^\d+$/.test(x)) ?? 1000);
  const scaleAt = argv.indexOf('--scale');
  const scale = scaleAt >= 0 ? Number(argv[scaleAt + 1]) : 20;
  const figures = [];
  for (const spec of scale === 1 ? applyAtArmRateFigures(n) : applyFigures(n, { scale }))
    figures.push(await measure(spec, (l) => process.stderr.write(`${l}\n`)));
  process.stdout.write(`${formatTable(figures)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
