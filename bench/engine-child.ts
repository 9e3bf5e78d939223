/**
 * The engine half of bench/apply.ts, run in its own process: `applyStack` with an `HttpArmClient` and a file state
 * store against the emulator the bench started, then the same manifest again (a no-op), reporting counts, timings
 * and memory as one JSON line on stdout.
 *
 * It imports only what `amlcdk apply --manifest` needs (reconciler, ARM client, state, manifest reader) and is run
 * from plain JavaScript (bench/compile.ts), as the installed CLI runs dist/: its RSS is the engine's, not the
 * TypeScript loader's or the construct library's.
 *
 *   node --expose-gc <compiled>/bench/engine-child.js <url> <ca.pem> <manifest.json> <scale> <writeBurst> <stateDir>
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { HttpArmClient, type ArmRequestEvent } from '../lib/arm/http-client.js';
import { LocalCredential } from '../lib/arm/local-credential.js';
import { ArmRateLimiter } from '../lib/arm/token-bucket.js';
import type { Manifest } from '../lib/manifest/types.js';
import { parseManifest } from '../lib/manifest/read.js';
import { applyStack } from '../lib/reconciler/apply.js';
import { FileStateStore } from '../lib/state/file-store.js';

/** ARM's write refill, per second (lib/arm ARM_LIMITS). */
const WRITE_RATE = 10;

export interface EngineRun {
  readonly writes: number;
  readonly reads: number;
  readonly pollReads: number;
  readonly makespanMs: number;
  readonly applyMs: number;
  readonly noopMs: number;
  /** Writes the client sent during the no-op re-apply. */
  readonly noopClientWrites: number;
  readonly done: number;
  readonly failed: number;
}

/** The engine half (in the child): apply, then re-apply, against the emulator at `url`. */
async function runEngine(
  url: string,
  caCertPem: string,
  manifest: Manifest,
  scale: number,
  writeBurst: number,
  stateDir: string,
  onSample?: () => void,
  between?: () => void,
): Promise<EngineRun> {
  let phase: 'apply' | 'noop' = 'apply';
  let firstWrite = Infinity;
  let writes = 0;
  let reads = 0;
  let pollReads = 0;
  let noopClientWrites = 0;
  const onRequest = (e: ArmRequestEvent): void => {
    onSample?.();
    if (e.status === 429 || e.status === 0) return;
    if (phase === 'noop') {
      if (e.kind !== 'reads') noopClientWrites += 1;
      return;
    }
    if (e.kind === 'reads') {
      reads += 1;
      if (e.poll) pollReads += 1;
    } else {
      writes += 1;
      firstWrite = Math.min(firstWrite, performance.now() - e.durationMs);
    }
  };
  const client = new HttpArmClient({
    endpoint: url,
    caCertPem,
    credential: new LocalCredential(),
    limiter: new ArmRateLimiter({
      scale,
      scaleBursts: false,
      limits: { writes: { burst: writeBurst, perSecond: WRITE_RATE } },
    }),
    poll: { initialDelayMs: 10, maxDelayMs: 200 },
    retry: { baseDelayMs: 20, maxDelayMs: 500 },
    onRequest,
  });
  const store = new FileStateStore({ dir: stateDir, onNotice: () => undefined });
  try {
    const t0 = performance.now();
    const first = await applyStack({ client, store, manifest, ensureResourceGroup: true, concurrency: 64 });
    const t1 = performance.now();
    phase = 'noop';
    between?.();
    const again = await applyStack({ client, store, manifest, ensureResourceGroup: true, concurrency: 64 });
    const t2 = performance.now();
    if (again.summary.done + again.summary.failed !== 0)
      throw new Error(`the re-apply was not a no-op: ${JSON.stringify(again.summary)}`);
    return {
      writes,
      reads,
      pollReads,
      makespanMs: t1 - firstWrite,
      applyMs: t1 - t0,
      noopMs: t2 - t1,
      noopClientWrites,
      done: first.summary.done,
      failed: first.summary.failed + first.summary.skipped,
    };
  } finally {
    client.close();
    await store.close();
  }
}

/** What the engine child reports. */
export interface ChildReport extends EngineRun {
  readonly resources: number;
  /** Date.now() when the first apply returned (the no-op re-apply starts after it). */
  readonly boundary: number;
  /** RSS after loading the modules and reading the manifest (after a GC), bytes. */
  readonly baselineRss: number;
  /** Highest RSS sampled during the first apply, bytes. */
  readonly firstPeakRss: number;
  /** Highest RSS sampled during the apply and the no-op re-apply, bytes. */
  readonly peakRss: number;
  /** Heap in use after a GC at the baseline and right after the first apply, bytes. */
  readonly baselineHeap: number;
  readonly retainedHeap: number;
  /** V8 heap committed (heapTotal) at the baseline and at the first apply's RSS peak, bytes. */
  readonly baselineHeapTotal: number;
  readonly peakHeapTotal: number;
  /** CPU time (user + system) of the engine process during the first apply (observe and plan included), ms. */
  readonly applyCpuMs: number;
}

async function child(
  url: string,
  caFile: string,
  manifestFile: string,
  scale: number,
  writeBurst: number,
  stateDir: string,
): Promise<void> {
  // As `amlcdk apply --manifest` does: the engine process reads a synthesized manifest (it never builds the tree).
  const manifest = parseManifest(readFileSync(manifestFile, 'utf8'), manifestFile);
  const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);
  gc();
  const baselineRss = process.memoryUsage.rss();
  const baseline = process.memoryUsage();
  const baselineHeap = baseline.heapUsed;
  let retainedHeap = 0;
  let peakRss = baselineRss;
  let peakHeapTotal = baseline.heapTotal;
  let firstPhase = true;
  let sampledAt = 0;
  const sample = (): void => {
    sampledAt = performance.now();
    const r = process.memoryUsage.rss();
    if (r > peakRss) {
      peakRss = r;
      // What V8 had committed at the peak: the RSS figure's share that is heap (used, garbage and headroom).
      if (firstPhase) peakHeapTotal = process.memoryUsage().heapTotal;
    }
  };
  // Sample on a timer and on HTTP exchanges, at most every 5 ms: reading the RSS costs ~0.3-0.5 ms on a busy
  // machine, and on each of the ~2,600 exchanges it put ~1.3 s of CPU on the engine's critical path.
  const onExchange = (): void => {
    if (performance.now() - sampledAt >= 5) sample();
  };
  const timer = setInterval(sample, 20);
  let boundary = 0;
  let applyCpuMs = 0;
  const cpu0 = process.cpuUsage();
  try {
    let firstPeakRss = 0;
    const run = await runEngine(
      url,
      readFileSync(caFile, 'utf8'),
      manifest,
      scale,
      writeBurst,
      stateDir,
      onExchange,
      () => {
        const cpu = process.cpuUsage(cpu0);
        applyCpuMs = (cpu.user + cpu.system) / 1000;
        // Tells the bench process the first apply is over (it reads the emulator's CPU time at this line).
        process.stdout.write('first-apply-done\n');
        sample();
        firstPeakRss = peakRss;
        firstPhase = false;
        // What the engine keeps, as opposed to how far the heap grew to hold short-lived garbage (the RSS figure).
        gc();
        retainedHeap = process.memoryUsage().heapUsed;
        boundary = Date.now();
      },
    );
    sample();
    const report: ChildReport = {
      ...run,
      resources: manifest.resources.length,
      boundary,
      baselineRss,
      firstPeakRss,
      peakRss,
      baselineHeap,
      retainedHeap,
      baselineHeapTotal: baseline.heapTotal,
      peakHeapTotal,
      applyCpuMs,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    clearInterval(timer);
  }
}

// No top-level await: the test suite may import this module (jest loads it as CommonJS).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, caFile, manifestFile, scale, writeBurst, stateDir] = process.argv.slice(2);
  child(url, caFile, manifestFile, Number(scale), Number(writeBurst), stateDir).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
