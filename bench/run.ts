/**
 * `npm run bench`: every performance figure of the project in one table (stdout), progress on stderr.
 *
 *   npm run bench                          # the full run (1k and 10k sizes, 3 samples each), under 10 minutes
 *   npm run bench -- --json                # also write bench/results.json (docs/performance.md is made from it)
 *   npm run bench -- --only plan           # only the figures whose name (or group) contains "plan"
 *   npm run bench -- --quick               # tiny sizes: checks that everything runs, numbers mean nothing
 *   npm run bench -- --json --out x.json   # write the JSON somewhere else
 *
 * Each figure is the median of at least 3 samples, with min and max, its goal and whether the median meets it.
 * The Pulumi baseline rows also carry the baseline (the same program through Pulumi mocks) and the ratio.
 * Timings are measured here and never asserted in tests (test/bench/run-smoke.test.ts checks the JSON shape only).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { UsageError } from '../lib/core/errors.js';
import { applyAtArmRateFigures, applyFigures } from './apply.js';
import { benchCheck } from './check.js';
import { benchEmulator } from './emulator.js';
import {
  machineInfo,
  measure,
  round,
  sharedSamples,
  type Figure,
  type FigureSpec,
  type MachineInfo,
} from './harness.js';
import { observeFigures } from './observe.js';
import { planFigures } from './plan.js';
import { benchPulumi } from './pulumi.js';
import {
  armAdmission,
  journalAppendMs,
  journalBytesPerEntry,
  stateBytesPerResource,
  stateLoadMs,
  stateSaveMs,
} from './state.js';
import { benchSynth, type SynthLib } from './synth.js';
import { compiledBench } from './compile.js';
import type { check } from '../lib/policy/engine.js';

/** A row of the table and of results.json. `baseline` and `ratio` are set on the Pulumi comparison rows. */
export interface BenchFigure extends Figure {
  readonly group: string;
  /** The same quantity measured for Pulumi (mocks), median. */
  readonly baseline?: number;
  /** baseline ÷ median (how many times faster / smaller we are). */
  /** Baseline ÷ ours; null when our figure is not above zero (a marginal lost in the noise of a small run). */
  readonly ratio?: number | null;
  /** The machine's 1-minute load average when the figure's last sample ended: the bench is CPU-sensitive. */
  readonly load?: number;
}

/** The shape of bench/results.json. */
export interface BenchResults {
  readonly machine: MachineInfo & {
    /** 1, 5 and 15-minute load averages when the run ended. */
    readonly loadAverage: readonly number[];
    /** The same when the run started. */
    readonly loadAverageAtStart?: readonly number[];
  };
  readonly quick: boolean;
  readonly startedAt: string;
  readonly seconds: number;
  readonly figures: readonly BenchFigure[];
}

interface Sizes {
  readonly small: number;
  readonly large: number;
  readonly apply: number;
  readonly applyScale: number;
  readonly applyWriteBurst: number;
  readonly armWrites: number;
  readonly emulatorGets: number;
  readonly emulatorPuts: number;
  readonly pulumi: number;
  readonly journalSteps: number;
  /** Estates (bench/estate-program.ts) observed at ARM's real read rate. */
  readonly observeSmall: number;
  readonly observeLarge: number;
}

const FULL: Sizes = {
  small: 1_000,
  large: 10_000,
  apply: 1_000,
  applyScale: 20,
  applyWriteBurst: 200,
  armWrites: 1_000,
  emulatorGets: 5_000,
  emulatorPuts: 1_000,
  pulumi: 1_000,
  journalSteps: 100,
  observeSmall: 1_000,
  observeLarge: 10_000,
};
const QUICK: Sizes = {
  small: 50,
  large: 200,
  apply: 40,
  applyScale: 20,
  applyWriteBurst: 10,
  armWrites: 250,
  emulatorGets: 200,
  emulatorPuts: 50,
  pulumi: 20,
  journalSteps: 10,
  observeSmall: 100,
  observeLarge: 200,
};

/** `1000` → `1k`, `10000` → `10k`, small numbers as they are. */
function label(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

interface Group {
  readonly name: string;
  readonly specs: () => FigureSpec[];
  /** Releases what the figures set up (servers, temp dirs), after the group's figures ran. */
  readonly after?: () => Promise<void>;
}

/**
 * lib/ as plain JavaScript (bench/compile.ts), as users run it from the installed package: synth and check are
 * measured on it, not on the tsx-loaded sources, whose esbuild keepNames wrappers cost every closure a naming call.
 */
let compiled: Promise<{ lib: SynthLib; check: typeof check }> | undefined;
function compiledLib(): Promise<{ lib: SynthLib; check: typeof check }> {
  compiled ??= (async () => {
    const dir = compiledBench();
    const lib = (await import(pathToFileURL(join(dir, 'lib', 'index.js')).href)) as SynthLib;
    const engine = (await import(pathToFileURL(join(dir, 'lib', 'policy', 'engine.js')).href)) as {
      check: typeof check;
    };
    return { lib, check: engine.check };
  })();
  return compiled;
}

function groups(s: Sizes): Group[] {
  return [
    {
      name: 'synth',
      specs: () => {
        const out: FigureSpec[] = [];
        for (const [n, goal] of [
          [s.small, false],
          [s.large, true],
        ] as const) {
          const sample = sharedSamples(async () => benchSynth(n, (await compiledLib()).lib));
          out.push({
            name: `synth ${label(n)} constructs: wall`,
            unit: 's',
            ...(goal ? { goal: '<= 0.5', meets: (m: number) => m <= 0.5 } : {}),
            run: sample((r) => r.synthMs / 1000),
          });
          out.push({
            name: `synth ${label(n)} constructs: CPU (user + system)`,
            unit: 's',
            run: sample((r) => r.synthCpuMs / 1000),
          });
          out.push({
            name: `synth ${label(n)} constructs: heap retained per construct`,
            unit: 'KB',
            goal: '<= 10',
            meets: (m) => m <= 10,
            run: sample((r) => r.heapBytesPerConstruct / 1024),
          });
        }
        return out;
      },
    },
    {
      name: 'check',
      specs: () => [
        {
          name: `check ${label(s.small)} resources`,
          unit: 'ms',
          run: async () => benchCheck(s.small, (await compiledLib()).check).checkMs,
        },
        {
          name: `check ${label(s.large)} resources`,
          unit: 's',
          goal: '<= 0.5',
          meets: (m) => m <= 0.5,
          run: async () => benchCheck(s.large, (await compiledLib()).check).checkMs / 1000,
        },
      ],
    },
    { name: 'plan', specs: () => planFigures({ small: s.small, large: s.large }) },
    observeGroup({ small: s.observeSmall, large: s.observeLarge }),
    {
      name: 'state',
      specs: () => [
        {
          name: 'state journal append (fsync) per entry',
          unit: 'ms',
          goal: '<= 5',
          meets: (m) => m <= 5,
          run: () => journalAppendMs(s.journalSteps),
        },
        {
          name: 'state journal bytes per entry',
          unit: 'B',
          goal: '<= 1024',
          meets: (m) => m <= 1024,
          run: async () => journalBytesPerEntry(s.journalSteps),
        },
        { name: `state save, ${label(s.small)} resources`, unit: 'ms', run: () => stateSaveMs(s.small) },
        { name: `state load, ${label(s.small)} resources`, unit: 'ms', run: () => stateLoadMs(s.small) },
        { name: `state save, ${label(s.large)} resources`, unit: 'ms', run: () => stateSaveMs(s.large) },
        {
          name: `state load, ${label(s.large)} resources`,
          unit: 'ms',
          goal: '<= 200',
          meets: (m) => m <= 200,
          run: () => stateLoadMs(s.large),
        },
        {
          name: `state bytes per resource (${label(s.large)})`,
          unit: 'B',
          goal: '<= 3072',
          meets: (m) => m <= 3072,
          run: () => stateBytesPerResource(s.large),
        },
      ],
    },
    {
      name: 'arm client',
      specs: () => {
        const sample = sharedSamples(() => armAdmission(s.armWrites, 20));
        return [
          {
            name: `ARM client: ${s.armWrites.toLocaleString('en')} PUTs at once, makespan / bucket floor (write refill x20)`,
            unit: 'ratio',
            goal: '<= 1.1',
            meets: (m) => m <= 1.1,
            run: sample((r) => r.ratio),
          },
          {
            name: 'ARM client: 429s in that run',
            unit: 'count',
            goal: '0',
            meets: (m) => m === 0,
            run: sample((r) => r.throttled),
          },
        ];
      },
    },
    {
      name: 'apply',
      specs: () => [
        ...applyAtArmRateFigures(s.apply, s.applyWriteBurst),
        ...applyFigures(s.apply, { scale: s.applyScale, writeBurst: s.applyWriteBurst }),
      ],
    },
    {
      name: 'emulator',
      specs: () => [
        {
          name: 'emulator GET/s (loopback, 32 in flight)',
          unit: 'req/s',
          goal: '>= 2000',
          meets: (v) => v >= 2000,
          run: async () => (await benchEmulator({ gets: s.emulatorGets, puts: s.emulatorPuts })).getPerSecond,
        },
        {
          name: 'emulator PUT/s (durable, 32 in flight)',
          unit: 'req/s',
          run: async () =>
            (await benchEmulator({ gets: Math.min(500, s.emulatorGets), puts: s.emulatorPuts })).putPerSecond,
        },
      ],
    },
  ];
}

/** Observe/plan at ARM's real read rate: one estate applied for every figure of the group, stopped after it. */
function observeGroup(sizes: { small: number; large: number }): Group {
  let made: ReturnType<typeof observeFigures> | undefined;
  return {
    name: 'observe',
    specs: () => (made ??= observeFigures(sizes)).specs,
    after: async () => made?.close(),
  };
}

/**
 * The Pulumi comparison: every figure benchPulumi measures, plus rows with the baseline (Pulumi's median) and the
 * ratio, for the whole process and per resource (marginal: the N-resource run minus a tiny run of the same shape).
 */
async function pulumiFigures(resources: number, log: (l: string) => void): Promise<BenchFigure[]> {
  const b = await benchPulumi(resources, log, 3);
  const {
    synthSeconds: synthS,
    synthPeakRss: synthRss,
    synthLoad,
    pulumiSeconds: pulumiS,
    pulumiPeakRss: pulumiRss,
    pulumiLoad,
    synthTinySeconds: synthTinyS,
    synthTinyPeakRss: synthTinyRss,
    pulumiTinySeconds: pulumiTinyS,
    pulumiTinyPeakRss: pulumiTinyRss,
    synthMsPerResource: synthMs,
    synthKiBPerResource: synthKiB,
    pulumiMsPerResource: pulumiMs,
    pulumiKiBPerResource: pulumiKiB,
  } = b.named;
  const n = resources.toLocaleString('en');
  const group = 'pulumi baseline';
  const vs = (f: Figure, base: Figure, name: string, goal: number, what: string): BenchFigure => {
    // A marginal (N run minus tiny run) of either side can come out at or below zero when the difference is within
    // noise, as at --quick sizes or on a loaded machine: no ratio then, rather than a negative or infinite one.
    const ratio = f.median > 0 && base.median > 0 ? round(base.median / f.median) : null;
    return {
      ...f,
      name,
      group,
      baseline: base.median,
      ratio,
      goal: `baseline/ours >= ${goal} (${what})`,
      met: ratio !== null && ratio >= goal,
    };
  };
  return [
    vs(synthS, pulumiS, `same ${n}-resource program: amlcdk synth vs Pulumi mocks`, 200, 'faster'),
    vs(synthRss, pulumiRss, `same ${n}-resource program: peak RSS, amlcdk vs Pulumi mocks`, 100, 'less memory'),
    vs(
      synthMs,
      pulumiMs,
      `same program, time per resource (marginal, ${n} vs ${b.tinyResources} resources): amlcdk synth vs Pulumi mocks`,
      200,
      'faster; the issue states Pulumi at 14 ms per resource',
    ),
    vs(
      synthKiB,
      pulumiKiB,
      `same program, peak RSS per resource (marginal, ${n} vs ${b.tinyResources} resources): amlcdk vs Pulumi mocks`,
      100,
      'less memory; the issue states Pulumi at 2.3 MB per resource',
    ),
    ...[
      pulumiS,
      pulumiRss,
      synthLoad,
      pulumiLoad,
      synthTinyS,
      synthTinyRss,
      pulumiTinyS,
      pulumiTinyRss,
      pulumiMs,
      pulumiKiB,
    ].map((f) => ({ ...f, group })),
  ];
}

/** The table: one row per figure; the baseline and ratio columns are filled on the Pulumi comparison rows. */
export function formatResults(figures: readonly BenchFigure[]): string {
  const rows = [['figure', 'median', 'min', 'max', 'unit', 'goal', 'met', 'baseline', 'ratio']];
  for (const f of figures) {
    rows.push([
      f.name,
      String(f.median),
      String(f.min),
      String(f.max),
      f.unit,
      f.goal ?? '-',
      f.met === null ? '-' : f.met ? 'yes' : 'NO',
      f.baseline === undefined ? '-' : String(f.baseline),
      f.ratio === undefined ? '-' : f.ratio === null ? 'n/a' : `${f.ratio}x`,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 || i === 5 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

interface Args {
  readonly json: boolean;
  readonly out: string;
  readonly only?: string;
  readonly quick: boolean;
}

const DEFAULT_OUT = fileURLToPath(new URL('./results.json', import.meta.url));
const USAGE = 'usage: npm run bench -- [--json] [--out <file>] [--only <substring>] [--quick]';

export function parseArgs(argv: readonly string[]): Args {
  let json = false;
  let quick = false;
  let only: string | undefined;
  let out = DEFAULT_OUT;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--quick') quick = true;
    else if (a === '--only' || a === '--out') {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--'))
        throw new UsageError('BenchOptionValue', `${a} needs a value. Fix: ${USAGE}`);
      if (a === '--only') only = v.toLowerCase();
      else out = v;
      i += 1;
    } else throw new UsageError('BenchUnknownOption', `unknown option '${a}'. Fix: ${USAGE}`);
  }
  return { json, quick, out, ...(only !== undefined ? { only } : {}) };
}

/** `global.gc` for the retained-heap figures, without asking the user for `--expose-gc`. */
function exposeGc(): void {
  if ((globalThis as { gc?: unknown }).gc) return;
  setFlagsFromString('--expose-gc');
  (globalThis as { gc?: unknown }).gc = runInNewContext('gc');
}

export async function runBench(args: Args, log: (line: string) => void): Promise<BenchResults> {
  exposeGc();
  const sizes = args.quick ? QUICK : FULL;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const load = (): number[] => loadavg().map((x) => round(x));
  const loadAtStart = load();
  const wanted = (group: string, name: string): boolean =>
    !args.only || group.toLowerCase().includes(args.only) || name.toLowerCase().includes(args.only);
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const figures: BenchFigure[] = [];
  // Warm-up (JIT, ajv schema compilation), so the first synth figure does not pay for it.
  if (wanted('synth', 'synth')) benchSynth(Math.min(1000, sizes.small), (await compiledLib()).lib);
  for (const g of groups(sizes)) {
    const specs = g.specs().filter((spec) => wanted(g.name, spec.name));
    if (specs.length === 0) continue;
    log(`[${elapsed()}] ${g.name}: ${specs.length} figure(s)`);
    try {
      for (const spec of specs) figures.push({ ...(await measure(spec, log)), group: g.name, load: load()[0] });
    } finally {
      await g.after?.();
    }
  }
  if (wanted('pulumi baseline', 'same program: amlcdk synth vs pulumi mocks, peak rss, module load')) {
    log(`[${elapsed()}] pulumi baseline: ${sizes.pulumi} resources, 3 child processes per side`);
    const pulumi = await pulumiFigures(sizes.pulumi, log);
    figures.push(...pulumi.map((f) => ({ ...f, load: load()[0] })));
  }
  if (figures.length === 0)
    throw new UsageError(
      'BenchNothingSelected',
      `--only '${args.only}' matches no figure. Fix: use part of a figure name or a group (synth, check, plan, observe, state, arm client, apply, emulator, pulumi baseline).`,
    );
  log(`[${elapsed()}] done`);
  return {
    machine: { ...machineInfo(), loadAverage: load(), loadAverageAtStart: loadAtStart },
    quick: args.quick,
    startedAt,
    seconds: round((performance.now() - started) / 1000),
    figures,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const results = await runBench(args, (l) => process.stderr.write(`${l}\n`));
    const m = results.machine;
    process.stdout.write(
      `${formatResults(results.figures)}\n\n${m.cpuModel} (${m.cpus} cpus, ${m.memoryGiB} GiB), node ${m.node}, load average ${m.loadAverage.join(' ')}; ${results.seconds} s${args.quick ? ' (--quick sizes: not comparable)' : ''}\n`,
    );
    if (args.json) {
      writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
      process.stderr.write(`wrote ${args.out}\n`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`amlcdk bench: ${err.code}: ${err.message}\n`);
      process.exitCode = 2;
    } else throw err;
  }
}
