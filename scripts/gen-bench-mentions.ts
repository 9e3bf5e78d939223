/**
 * The performance figures other docs quote (docs/pulumi.md, docs/emulator.md, docs/state.md) are printed from the
 * measured table of docs/performance.md, which scripts/gen-performance-doc.ts writes from bench/results.json. Each
 * quote sits between `<!-- bench:<id> … -->` and `<!-- /bench:<id> -->` markers; the text around it is written by
 * hand and holds no measured figure (test/bench/bench-mentions.test.ts fails when one is typed there, or when a
 * section differs from the table). Run: `node --import tsx scripts/gen-bench-mentions.ts` (part of `npm run docs`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../lib/core/errors.js';
import { BEGIN, END } from './gen-performance-doc.js';

/** One row of the measured table, read back. */
export interface MeasuredFigure {
  readonly group: string;
  readonly name: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  readonly goal: string;
  /** `true`, `false`, or `null` when the figure has no goal. */
  readonly met: boolean | null;
  readonly baseline?: number;
  readonly ratio?: number;
}

/** What the measured section of docs/performance.md says: the run's date and its figures. */
export interface Measured {
  readonly date: string;
  readonly figures: readonly MeasuredFigure[];
}

const unescape = (c: string): string => c.trim().replace(/\\\|/g, '|');

/** Read the measured section of docs/performance.md back into figures. */
export function parseMeasured(performanceDoc: string): Measured {
  const b = performanceDoc.indexOf(BEGIN);
  const e = performanceDoc.indexOf(END);
  if (b < 0 || e < b)
    throw new InputError('PerformanceDocMarkers', 'docs/performance.md has no measured section', {
      file: 'docs/performance.md',
      fix: 'run scripts/gen-performance-doc.ts with a bench/results.json',
    });
  const section = performanceDoc.slice(b, e);
  const date = /Measured (\d{4}-\d{2}-\d{2})/.exec(section)?.[1];
  if (!date)
    throw new InputError('PerformanceDocMarkers', 'the measured section of docs/performance.md has no date', {
      file: 'docs/performance.md',
      fix: 'regenerate it with scripts/gen-performance-doc.ts',
    });
  const figures: MeasuredFigure[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| group ')) continue;
    // Split on cell bars that are not escaped (`\|` inside a name).
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map(unescape);
    if (cells.length !== 11) continue;
    const [group, name, median, min, max, unit, goal, met, baseline, ratio] = cells;
    figures.push({
      group,
      name,
      median: Number(median),
      min: Number(min),
      max: Number(max),
      unit,
      goal,
      met: met === '' ? null : met === 'yes',
      ...(baseline !== '' ? { baseline: Number(baseline) } : {}),
      ...(ratio !== '' && ratio !== 'n/a' ? { ratio: Number(ratio.replace('×', '')) } : {}),
    });
  }
  return { date, figures };
}

function fig(m: Measured, name: string): MeasuredFigure {
  const f = m.figures.find((x) => x.name === name);
  if (!f)
    throw new InputError('BenchFigureMissing', `docs/performance.md's measured table has no figure "${name}"`, {
      file: 'docs/performance.md',
      fix: 'run `npm run bench -- --json` in full and scripts/gen-performance-doc.ts, or fix the name in scripts/gen-bench-mentions.ts',
    });
  return f;
}

const goalText = (f: MeasuredFigure): string =>
  f.goal ? `goal ${f.goal}${f.met === false ? ', **not met**' : ''}` : 'no goal';
const range = (f: MeasuredFigure): string => `${f.min}–${f.max}`;

/** A generated quote: its doc, its marker id, and its text from the measured figures. */
export interface Mention {
  readonly doc: string;
  readonly id: string;
  render(m: Measured): string;
}

export const MENTIONS: readonly Mention[] = [
  {
    doc: 'docs/pulumi.md',
    id: 'pulumi',
    render: (m) => {
      const t = fig(m, 'same 1,000-resource program: amlcdk synth vs Pulumi mocks');
      const p = fig(m, 'amlcdk/pulumi under Pulumi mocks, 1000 resources');
      const rss = fig(m, 'same 1,000-resource program: peak RSS, amlcdk vs Pulumi mocks');
      const load = fig(m, 'amlcdk synth: module load');
      const pload = fig(m, 'amlcdk/pulumi: module load (@pulumi/*)');
      const perT = fig(
        m,
        'same program, time per resource (marginal, 1,000 vs 10 resources): amlcdk synth vs Pulumi mocks',
      );
      const perM = fig(
        m,
        'same program, peak RSS per resource (marginal, 1,000 vs 10 resources): amlcdk vs Pulumi mocks',
      );
      const ratio = (f: MeasuredFigure) => (f.ratio === undefined ? 'n/a' : `${f.ratio}×`);
      return [
        `Measured ${m.date} by \`npm run bench\` (the whole run, the machine and its load are in [performance.md](performance.md)):`,
        '',
        '| same 1,000-resource program | amlcdk synth | Pulumi mocks (amlcdk/pulumi) | Pulumi ÷ amlcdk |',
        '|---|---|---|---|',
        `| seconds, median (min–max) | ${t.median} (${range(t)}) | ${p.median} (${range(p)}) | ${ratio(t)} |`,
        `| peak RSS ${rss.unit}, median | ${rss.median} | ${rss.baseline ?? ''} | ${ratio(rss)} |`,
        `| module load seconds, median | ${load.median} | ${pload.median} | |`,
        `| per resource (marginal), ${perT.unit} | ${perT.median} | ${perT.baseline ?? ''} | ${ratio(perT)} |`,
        `| per resource (marginal), peak RSS ${perM.unit} | ${perM.median} | ${perM.baseline ?? ''} | ${ratio(perM)} |`,
      ].join('\n');
    },
  },
  {
    doc: 'docs/emulator.md',
    id: 'emulator',
    render: (m) => {
      const get = fig(m, 'emulator GET/s (loopback, 32 in flight)');
      const put = fig(m, 'emulator PUT/s (durable, 32 in flight)');
      return (
        `In the bench run of ${m.date} ([performance.md](performance.md)) it measured **${get.median} GET/s** ` +
        `(${range(get)}; ${goalText(get)}) and **${put.median} durable PUT/s** (${range(put)}).`
      );
    },
  },
  {
    doc: 'docs/state.md',
    id: 'state-journal',
    render: (m) => {
      const a = fig(m, 'state journal append (fsync) per entry');
      const b = fig(m, 'state journal bytes per entry');
      return (
        `Measured cost in the bench run of ${m.date} ([performance.md](performance.md)): ${a.median} ${a.unit} per ` +
        `fsynced append (${range(a)}; ${goalText(a)}), ${b.median} ${b.unit} per entry (${goalText(b)}).`
      );
    },
  },
  {
    doc: 'docs/state.md',
    id: 'state-bench',
    render: (m) => {
      const bytes = fig(m, 'state bytes per resource (10k)');
      const l10 = fig(m, 'state load, 10k resources');
      const l1 = fig(m, 'state load, 1k resources');
      const s10 = fig(m, 'state save, 10k resources');
      const s1 = fig(m, 'state save, 1k resources');
      return (
        `In the bench run of ${m.date} ([performance.md](performance.md)): ${bytes.median} ${bytes.unit} per resource ` +
        `(${goalText(bytes)}); load ${l10.median} ${l10.unit} for 10k resources (${goalText(l10)}; \`JSON.parse\` ` +
        `dominates) and ${l1.median} ${l1.unit} for 1k; save ${s10.median} ${s10.unit} for 10k and ${s1.median} ${s1.unit} for 1k.`
      );
    },
  },
];

export const open = (id: string): string =>
  `<!-- bench:${id}: generated by scripts/gen-bench-mentions.ts from docs/performance.md (bench/results.json); do not edit by hand -->`;
export const close = (id: string): string => `<!-- /bench:${id} -->`;

/** `doc` with the section `id` replaced by `text`. */
export function replaceMention(doc: string, docName: string, id: string, text: string): string {
  const b = doc.indexOf(open(id));
  const e = doc.indexOf(close(id));
  if (b < 0 || e < b)
    throw new InputError('BenchMentionMarkers', `${docName} has no bench:${id} section`, {
      file: docName,
      fix: `put the lines\n${open(id)}\n${close(id)}\nwhere the figures go`,
    });
  return `${doc.slice(0, b)}${open(id)}\n${text}\n${doc.slice(e)}`;
}

/** Every doc that quotes figures, regenerated from the measured table: `{ doc name → text }`. */
export function regenerate(read: (doc: string) => string): Map<string, string> {
  const measured = parseMeasured(read('docs/performance.md'));
  const out = new Map<string, string>();
  for (const m of MENTIONS)
    out.set(m.doc, replaceMention(out.get(m.doc) ?? read(m.doc), m.doc, m.id, m.render(measured)));
  return out;
}

/**
 * Measured figures typed by hand: a rate (`3,200 GET/s`), a ratio (`40.7×`), a cost per resource or entry
 * (`363 bytes per entry`), a load or save time, or a before/after time, outside every generated section.
 */
const HAND_TYPED = [
  /\d[\d,.]*\s?(?:GET|PUT|req|requests)\/s/,
  /\d[\d.]*×/,
  /\d[\d,.–-]*\s?(?:ms|s|MiB|KiB|MB|KB|bytes)\s+per\s+(?:resource|entry|fsynced append|append)/,
  /\b(?:load|save)\s+\d[\d,.–-]*\s?(?:ms|s)\b/,
  /\bfrom \d[\d,.]*\s?(?:ms|s) to \d/,
];

/** Lines of `doc` (1-based) with a hand-typed figure outside its generated sections. */
export function handTypedFigures(doc: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let inside = false;
  for (const [i, text] of doc.split('\n').entries()) {
    if (/^<!-- bench:/.test(text)) inside = true;
    if (!inside && HAND_TYPED.some((r) => r.test(text))) out.push({ line: i + 1, text });
    if (/^<!-- (\/bench:|bench:end)/.test(text)) inside = false;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  try {
    for (const [doc, text] of regenerate((d) => readFileSync(join(root, d), 'utf8'))) {
      writeFileSync(join(root, doc), text);
      process.stdout.write(`wrote ${doc}\n`);
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`gen-bench-mentions: ${err.code}: ${err.message}${err.fix ? `\n  fix: ${err.fix}` : ''}\n`);
    process.exitCode = 2;
  }
}
