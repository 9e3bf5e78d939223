/**
 * The benchmark harness: every figure is measured at least three times and reported as median, min and max,
 * next to its goal. Timings are never asserted in tests; they are measured here and written to
 * bench/results.json (`--json`) and docs/performance.md.
 */
import { cpus, totalmem, platform, release } from 'node:os';

/** One measured quantity. `run` returns one sample (a single run of the thing measured). */
export interface FigureSpec {
  readonly name: string;
  readonly unit: string;
  /** Human goal, e.g. `<= 0.5`. */
  readonly goal?: string;
  /** Decides whether the median meets the goal. */
  readonly meets?: (median: number) => boolean;
  /** How many samples (default 3; at least 3). */
  readonly runs?: number;
  readonly run: () => Promise<number>;
}

export interface Figure {
  readonly name: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  readonly goal: string | null;
  readonly met: boolean | null;
  readonly samples: readonly number[];
}

export interface MachineInfo {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Run a figure's samples sequentially and summarise them. */
export async function measure(spec: FigureSpec, log: (line: string) => void = () => undefined): Promise<Figure> {
  const runs = Math.max(3, spec.runs ?? 3);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    samples.push(await spec.run());
    log(`  ${spec.name}: sample ${i + 1}/${runs} = ${round(samples[samples.length - 1])} ${spec.unit}`);
  }
  const med = median(samples);
  return {
    name: spec.name,
    median: round(med),
    min: round(Math.min(...samples)),
    max: round(Math.max(...samples)),
    unit: spec.unit,
    goal: spec.goal ?? null,
    met: spec.meets ? spec.meets(med) : null,
    samples: samples.map(round),
  };
}

export function round(x: number): number {
  if (!Number.isFinite(x)) return x;
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 3 : 4;
  return Number(x.toFixed(digits));
}

/** A plain-text table of figures. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = [['figure', 'median', 'min', 'max', 'unit', 'goal', 'met']];
  for (const f of figures)
    rows.push([
      f.name,
      String(f.median),
      String(f.min),
      String(f.max),
      f.unit,
      f.goal ?? '-',
      f.met === null ? '-' : f.met ? 'yes' : 'NO',
    ]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '))
    .join('\n');
}

/**
 * Several figures from one expensive run: `sharedSamples(make)` returns a factory of `run` functions; the
 * i-th sample of every figure it makes reads the i-th result of `make`, which runs once per index (by the
 * first figure measured).
 *
 * @example
 * const sample = sharedSamples(() => benchApply(1000));
 * [{ name: 'ratio', unit: 'ratio', run: sample((s) => s.ratio) }, { name: '429s', unit: 'count', run: sample((s) => s.throttled) }]
 */
export function sharedSamples<T>(make: () => Promise<T>): (pick: (sample: T) => number) => () => Promise<number> {
  const results: T[] = [];
  return (pick) => {
    let i = 0;
    return async () => {
      if (results.length <= i) results.push(await make());
      return pick(results[i++]);
    };
  };
}
