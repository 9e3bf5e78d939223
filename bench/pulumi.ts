/**
 * The Pulumi baseline: the same N-resource program (bench/large-program.ts) run through our synth and through
 * amlcdk/pulumi under Pulumi mocks (`pulumi.runtime.setMocks`: the whole Pulumi program runs — synthesis, the
 * azure-native resource classes, input serialization, the engine protocol — only the engine and providers are
 * replaced by in-process mocks, so this is a lower bound of what `pulumi preview` costs).
 *
 * Each run is a separate child process, so peak RSS (`process.resourceUsage().maxRSS`) is per run. Seconds are
 * measured inside the child from before building the program to the last resource registered (module loading
 * excluded; it is reported separately as `load s`).
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
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', mode, String(resources)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
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
    report({ mode, resources: m.reduce((a, x) => a + x.resources.length, 0), seconds: (t2 - t1) / 1000, loadSeconds: (t1 - t0) / 1000 });
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
  readonly figures: readonly Figure[];
  /** Medians side by side, and Pulumi ÷ amlcdk. */
  readonly comparison: {
    readonly synthSeconds: number;
    readonly pulumiSeconds: number;
    readonly secondsRatio: number;
    readonly synthPeakRssMiB: number;
    readonly pulumiPeakRssMiB: number;
    readonly rssRatio: number;
  };
}

/**
 * The same `resources`-resource program through `app.synth()` and through AmlcdkComponent under Pulumi mocks, each
 * run (≥3 per mode) in its own child process: seconds, load seconds and peak RSS, with Pulumi ÷ amlcdk ratios.
 */
export async function benchPulumi(resources = 1000, log: (line: string) => void = () => undefined, runs = 3): Promise<PulumiBaseline> {
  const samples: Record<Mode, RunResult[]> = { synth: [], pulumi: [] };
  const figureOf = (mode: Mode, name: string, unit: string, pick: (r: RunResult) => number, goal?: Pick<Parameters<typeof measure>[0], 'goal' | 'meets'>): Promise<Figure> => {
    let i = 0;
    return measure(
      {
        name,
        unit,
        runs,
        ...goal,
        run: async () => {
          // The first figure of a mode runs the children; the others read the same samples.
          if (samples[mode].length <= i) samples[mode].push(await runChild(mode, resources));
          return pick(samples[mode][i++]!);
        },
      },
      log,
    );
  };
  const figures: Figure[] = [];
  figures.push(await figureOf('synth', `amlcdk synth, ${resources} resources`, 's', (r) => r.seconds));
  figures.push(await figureOf('synth', `amlcdk synth, ${resources} resources: peak RSS`, 'MiB', (r) => r.peakRssMiB));
  figures.push(await figureOf('synth', 'amlcdk synth: module load', 's', (r) => r.loadSeconds));
  figures.push(await figureOf('pulumi', `amlcdk/pulumi under Pulumi mocks, ${resources} resources`, 's', (r) => r.seconds));
  figures.push(await figureOf('pulumi', `amlcdk/pulumi under Pulumi mocks, ${resources} resources: peak RSS`, 'MiB', (r) => r.peakRssMiB));
  figures.push(await figureOf('pulumi', 'amlcdk/pulumi: module load (@pulumi/*)', 's', (r) => r.loadSeconds));
  const [synthS, synthRss, , pulumiS, pulumiRss] = figures.map((f) => f.median) as [number, number, number, number, number, number];
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    resources,
    figures,
    comparison: {
      synthSeconds: synthS,
      pulumiSeconds: pulumiS,
      secondsRatio: round(pulumiS / synthS),
      synthPeakRssMiB: synthRss,
      pulumiPeakRssMiB: pulumiRss,
      rssRatio: round(pulumiRss / synthRss),
    },
  };
}

/** A two-column text table of the comparison. */
export function formatComparison(b: PulumiBaseline): string {
  const c = b.comparison;
  return [
    `same ${b.resources}-resource program      amlcdk synth   Pulumi mocks   Pulumi ÷ amlcdk`,
    `seconds (median)                 ${String(c.synthSeconds).padStart(12)}   ${String(c.pulumiSeconds).padStart(12)}   ${String(c.secondsRatio).padStart(14)}`,
    `peak RSS MiB (median)            ${String(c.synthPeakRssMiB).padStart(12)}   ${String(c.pulumiPeakRssMiB).padStart(12)}   ${String(c.rssRatio).padStart(14)}`,
  ].join('\n');
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  await child(argv[1] as Mode, Number(argv[2]));
} else if (process.argv[1] && fileURLToPath(new URL(import.meta.url)) === process.argv[1]) {
  const n = Number(argv.find((a) => /^\d+$/.test(a)) ?? 1000);
  const b = await benchPulumi(n, (l) => process.stderr.write(l + '\n'));
  if (argv.includes('--json')) process.stdout.write(JSON.stringify({ machine: machineInfo(), ...b }, null, 2) + '\n');
  else process.stdout.write(`${formatTable(b.figures)}\n\n${formatComparison(b)}\n`);
}
