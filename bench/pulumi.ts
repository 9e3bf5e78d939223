/**
 * The Pulumi baseline: the same N-resource program (bench/large-program.ts) run through our synth and through
 * amlcdk/pulumi under Pulumi mocks (`pulumi.runtime.setMocks`: the whole Pulumi program runs — synthesis, the
 * azure-native resource classes, input serialization, the engine protocol — only the engine and providers are
 * replaced by in-process mocks, so this is a lower bound of what `pulumi preview` costs).
 *
 * Each run is a separate child process, so peak RSS (`process.resourceUsage().maxRSS`) is per run. Seconds are
 * measured inside the child from before building the program to the last resource registered (module loading
 * excluded; it is reported separately as `load s`). Both modes also run a tiny program of the same shape, so the
 * cost per resource is reported as a marginal figure (N-resource run minus tiny run, ÷ the resource difference), as
 * the issue states its baseline ("14 ms and 2.3 MB per resource").
 *
 *   node --import tsx bench/pulumi.ts [resources=1000] [--json]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measure, formatTable, machineInfo, type Figure } from './harness.js';

type Mode = 'synth' | 'pulumi';

/** What one child run reports. */
export interface RunResult {
  readonly mode: Mode;
  readonly resources: number;
  /** Seconds to build the program and synthesize (synth) / register every resource (pulumi). */
  readonly seconds: number;
  /** Seconds to import the modules the mode needs. */
  readonly loadSeconds: number;
  /** Peak resident set size of the child, MiB. */
  readonly peakRssMiB: number;
}

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Run one mode in a fresh child process. */
export function runChild(mode: Mode, resources: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', mode, String(resources)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => {
      const line = out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .at(-1);
      if (code !== 0 || !line) reject(new Error(`bench child ${mode} failed (exit ${code}): ${err.slice(-2000)}`));
      else resolve(JSON.parse(line) as RunResult);
    });
  });
}

async function child(mode: Mode, resources: number): Promise<void> {
  const t0 = performance.now();
  if (mode === 'synth') {
    const { App } = await import('../lib/index.js');
    const { buildLargeProgram } = await import('./large-program.js');
    const t1 = performance.now();
    const app = new App();
    buildLargeProgram({ resources }, app);
    const m = app.synth({ write: false }).manifests;
    const t2 = performance.now();
    report({
      mode,
      resources: m.reduce((a, x) => a + x.resources.length, 0),
      seconds: (t2 - t1) / 1000,
      loadSeconds: (t1 - t0) / 1000,
    });
    return;
  }
  const pulumi = await import('@pulumi/pulumi');
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => ({ id: `${a.name}_id`, state: a.inputs as Record<string, unknown> }),
      call: (a) => a.inputs as Record<string, unknown>,
    },
    'amlcdk-bench',
    'bench',
    false,
  );
  const { App } = await import('../lib/index.js');
  const { AmlcdkComponent } = await import('../lib/pulumi/index.js');
  const { buildLargeProgram } = await import('./large-program.js');
  const t1 = performance.now();
  const app = new App();
  const stack = buildLargeProgram({ resources }, app);
  const component = new AmlcdkComponent('bench', { stack });
  const ids = Object.values(component.ids);
  await new Promise<void>((resolve) => pulumi.all([component.urn, ...ids]).apply(() => resolve()));
  const t2 = performance.now();
  report({ mode, resources: ids.length, seconds: (t2 - t1) / 1000, loadSeconds: (t1 - t0) / 1000 });
}

function report(r: Omit<RunResult, 'peakRssMiB'>): void {
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ...r, peakRssMiB }) + '\n');
}

/** Result of {@link benchPulumi}. */
export interface PulumiBaseline {
  readonly resources: number;
  /** Resources of the tiny program of the same shape that the per-resource figures subtract. */
  readonly tinyResources: number;
  /** Every figure, by what it is (marginal: the N-resource run minus the tiny run, ÷ the resource difference). */
  readonly named: PulumiFigures;
  /** The same figures as a list, in the order of {@link PulumiFigures}. */
  readonly figures: readonly Figure[];
  /** Medians side by side, and Pulumi ÷ amlcdk. */
  readonly comparison: {
    readonly synthSeconds: number;
    readonly pulumiSeconds: number;
    readonly secondsRatio: number | null;
    readonly synthPeakRssMiB: number;
    readonly pulumiPeakRssMiB: number;
    readonly rssRatio: number | null;
    readonly synthMsPerResource: number;
    readonly pulumiMsPerResource: number;
    readonly msPerResourceRatio: number | null;
    readonly synthKiBPerResource: number;
    readonly pulumiKiBPerResource: number;
    readonly kibPerResourceRatio: number | null;
  };
}

export interface PulumiFigures {
  readonly synthSeconds: Figure;
  readonly synthPeakRss: Figure;
  readonly synthLoad: Figure;
  readonly pulumiSeconds: Figure;
  readonly pulumiPeakRss: Figure;
  readonly pulumiLoad: Figure;
  readonly synthTinySeconds: Figure;
  readonly synthTinyPeakRss: Figure;
  readonly pulumiTinySeconds: Figure;
  readonly pulumiTinyPeakRss: Figure;
  readonly synthMsPerResource: Figure;
  readonly synthKiBPerResource: Figure;
  readonly pulumiMsPerResource: Figure;
  readonly pulumiKiBPerResource: Figure;
}

/** Resources asked of the tiny program (one workspace with its dependencies and a few computes). */
export const TINY_RESOURCES = 10;

/**
 * The same `resources`-resource program through `app.synth()` and through AmlcdkComponent under Pulumi mocks, each
 * run (≥3 per mode) in its own child process: seconds, load seconds and peak RSS, with Pulumi ÷ amlcdk ratios.
 * Each mode also runs a tiny program of the same shape ({@link TINY_RESOURCES}) as many times, so the cost of one
 * more resource (marginal time and peak RSS) is reported beside the whole-process figures.
 */
export async function benchPulumi(
  resources = 1000,
  log: (line: string) => void = () => undefined,
  runs = 3,
  tiny = TINY_RESOURCES,
): Promise<PulumiBaseline> {
  const samples: Record<string, RunResult[]> = {};
  const sampleOf = async (mode: Mode, n: number, i: number): Promise<RunResult> => {
    const list = (samples[`${mode}:${n}`] ??= []);
    // The first figure of a mode and size runs the children; the others read the same samples.
    while (list.length <= i) list.push(await runChild(mode, n));
    return list[i];
  };
  const figureOf = (
    mode: Mode,
    n: number,
    name: string,
    unit: string,
    pick: (r: RunResult) => number,
  ): Promise<Figure> => {
    let i = 0;
    return measure({ name, unit, runs, run: async () => pick(await sampleOf(mode, n, i++)) }, log);
  };
  /** Sample i of the N run minus sample i of the tiny run, ÷ the difference in resources. */
  const marginalOf = (mode: Mode, name: string, unit: string, pick: (r: RunResult) => number): Promise<Figure> => {
    let i = 0;
    return measure(
      {
        name,
        unit,
        runs,
        run: async () => {
          const big = await sampleOf(mode, resources, i);
          const small = await sampleOf(mode, tiny, i++);
          return (pick(big) - pick(small)) / Math.max(1, big.resources - small.resources);
        },
      },
      log,
    );
  };
  const synthSeconds = await figureOf(
    'synth',
    resources,
    `amlcdk synth, ${resources} resources`,
    's',
    (r) => r.seconds,
  );
  const synthPeakRss = await figureOf(
    'synth',
    resources,
    `amlcdk synth, ${resources} resources: peak RSS`,
    'MiB',
    (r) => r.peakRssMiB,
  );
  const synthLoad = await figureOf('synth', resources, 'amlcdk synth: module load', 's', (r) => r.loadSeconds);
  const pulumiSeconds = await figureOf(
    'pulumi',
    resources,
    `amlcdk/pulumi under Pulumi mocks, ${resources} resources`,
    's',
    (r) => r.seconds,
  );
  const pulumiPeakRss = await figureOf(
    'pulumi',
    resources,
    `amlcdk/pulumi under Pulumi mocks, ${resources} resources: peak RSS`,
    'MiB',
    (r) => r.peakRssMiB,
  );
  const pulumiLoad = await figureOf(
    'pulumi',
    resources,
    'amlcdk/pulumi: module load (@pulumi/*)',
    's',
    (r) => r.loadSeconds,
  );
  const tinyRes = (await sampleOf('synth', tiny, 0)).resources;
  const named: PulumiFigures = {
    synthSeconds,
    synthPeakRss,
    synthLoad,
    pulumiSeconds,
    pulumiPeakRss,
    pulumiLoad,
    synthTinySeconds: await figureOf(
      'synth',
      tiny,
      `amlcdk synth, tiny program (${tinyRes} resources)`,
      's',
      (r) => r.seconds,
    ),
    synthTinyPeakRss: await figureOf(
      'synth',
      tiny,
      `amlcdk synth, tiny program (${tinyRes} resources): peak RSS`,
      'MiB',
      (r) => r.peakRssMiB,
    ),
    pulumiTinySeconds: await figureOf(
      'pulumi',
      tiny,
      `amlcdk/pulumi under Pulumi mocks, tiny program (${tinyRes} resources)`,
      's',
      (r) => r.seconds,
    ),
    pulumiTinyPeakRss: await figureOf(
      'pulumi',
      tiny,
      `amlcdk/pulumi under Pulumi mocks, tiny program (${tinyRes} resources): peak RSS`,
      'MiB',
      (r) => r.peakRssMiB,
    ),
    synthMsPerResource: await marginalOf(
      'synth',
      'amlcdk synth: time per resource (marginal)',
      'ms',
      (r) => r.seconds * 1000,
    ),
    synthKiBPerResource: await marginalOf(
      'synth',
      'amlcdk synth: peak RSS per resource (marginal)',
      'KiB',
      (r) => r.peakRssMiB * 1024,
    ),
    pulumiMsPerResource: await marginalOf(
      'pulumi',
      'amlcdk/pulumi under Pulumi mocks: time per resource (marginal)',
      'ms',
      (r) => r.seconds * 1000,
    ),
    pulumiKiBPerResource: await marginalOf(
      'pulumi',
      'amlcdk/pulumi under Pulumi mocks: peak RSS per resource (marginal)',
      'KiB',
      (r) => r.peakRssMiB * 1024,
    ),
  };
  // Pulumi ÷ amlcdk; none when either figure is not above zero (a marginal within noise).
  const ratio = (ours: Figure, theirs: Figure): number | null =>
    ours.median > 0 && theirs.median > 0 ? Math.round((theirs.median / ours.median) * 100) / 100 : null;
  return {
    resources,
    tinyResources: tinyRes,
    named,
    figures: Object.values(named),
    comparison: {
      synthSeconds: synthSeconds.median,
      pulumiSeconds: pulumiSeconds.median,
      secondsRatio: ratio(synthSeconds, pulumiSeconds),
      synthPeakRssMiB: synthPeakRss.median,
      pulumiPeakRssMiB: pulumiPeakRss.median,
      rssRatio: ratio(synthPeakRss, pulumiPeakRss),
      synthMsPerResource: named.synthMsPerResource.median,
      pulumiMsPerResource: named.pulumiMsPerResource.median,
      msPerResourceRatio: ratio(named.synthMsPerResource, named.pulumiMsPerResource),
      synthKiBPerResource: named.synthKiBPerResource.median,
      pulumiKiBPerResource: named.pulumiKiBPerResource.median,
      kibPerResourceRatio: ratio(named.synthKiBPerResource, named.pulumiKiBPerResource),
    },
  };
}

/** A two-column text table of the comparison. */
export function formatComparison(b: PulumiBaseline): string {
  const c = b.comparison;
  return [
    `same ${b.resources}-resource program      amlcdk synth   Pulumi mocks   Pulumi ÷ amlcdk`,
    `seconds (median)                 ${String(c.synthSeconds).padStart(12)}   ${String(c.pulumiSeconds).padStart(12)}   ${String(c.secondsRatio ?? 'n/a').padStart(14)}`,
    `peak RSS MiB (median)            ${String(c.synthPeakRssMiB).padStart(12)}   ${String(c.pulumiPeakRssMiB).padStart(12)}   ${String(c.rssRatio ?? 'n/a').padStart(14)}`,
    `ms per resource (marginal)       ${String(c.synthMsPerResource).padStart(12)}   ${String(c.pulumiMsPerResource).padStart(12)}   ${String(c.msPerResourceRatio ?? 'n/a').padStart(14)}`,
    `peak RSS KiB per resource        ${String(c.synthKiBPerResource).padStart(12)}   ${String(c.pulumiKiBPerResource).padStart(12)}   ${String(c.kibPerResourceRatio ?? 'n/a').padStart(14)}`,
  ].join('\n');
}

// No top-level await: the test suite imports this module (jest loads it as CommonJS).
async function cli(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await child(argv[1] as Mode, Number(argv[2]));
  } else if (process.argv[1] && fileURLToPath(new URL(import.meta.url)) === process.argv[1]) {
    const n = Number(argv.find((a) => /^\d+$/.test(a)) ?? 1000);
    const b = await benchPulumi(n, (l) => process.stderr.write(l + '\n'));
    if (argv.includes('--json')) process.stdout.write(JSON.stringify({ machine: machineInfo(), ...b }, null, 2) + '\n');
    else process.stdout.write(`${formatTable(b.figures)}\n\n${formatComparison(b)}\n`);
  }
}

cli().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
