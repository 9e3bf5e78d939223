/**
 * scripts/gen-performance-doc.ts: the measured section of docs/performance.md is made from a results file, only
 * between its markers, never from --quick results; bad input is a coded error, not a stack trace.
 */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../lib/core/errors.js';
import type { BenchResults } from '../../bench/run.js';
import { BEGIN, END, renderMeasured, replaceMeasured } from '../../scripts/gen-performance-doc.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const results: BenchResults = {
  machine: {
    node: 'v20.0.0',
    platform: 'linux 6',
    cpus: 2,
    cpuModel: 'Test CPU',
    memoryGiB: 8,
    loadAverage: [1, 2, 3],
    loadAverageAtStart: [4, 5, 6],
  },
  quick: false,
  startedAt: '2026-01-02T03:04:05.000Z',
  seconds: 321,
  figures: [
    {
      group: 'plan',
      name: 'plan compute only, 1k resources, all no-op',
      median: 50,
      min: 40,
      max: 60,
      unit: 'ms',
      goal: '<= 100',
      met: true,
      samples: [40, 50, 60],
      load: 7.5,
    },
    {
      group: 'pulumi baseline',
      name: 'same 1,000-resource program: amlcdk synth vs Pulumi mocks',
      median: 1,
      min: 0.9,
      max: 1.2,
      unit: 's',
      goal: 'baseline/ours >= 200 (faster)',
      met: false,
      samples: [0.9, 1, 1.2],
      baseline: 40,
      ratio: 40,
    },
    {
      group: 'emulator',
      name: 'emulator PUT/s | durable',
      median: 300,
      min: 200,
      max: 400,
      unit: 'req/s',
      goal: null,
      met: null,
      samples: [200, 300, 400],
    },
  ],
};

test('the measured section has the machine, one row per figure with baseline and ratio, and the goals missed', () => {
  const md = renderMeasured(results);
  assert.ok(md.startsWith(BEGIN) && md.endsWith(END));
  assert.match(
    md,
    /Measured 2026-01-02 on Test CPU \(2 cpus, 8 GiB\), linux 6, node v20\.0\.0\. Load average when the run started: 4 \/ 5 \/ 6; Load average when the run ended: 1 \/ 2 \/ 3/,
  );
  assert.match(
    md,
    /\| plan \| plan compute only, 1k resources, all no-op \| 50 \| 40 \| 60 \| ms \| <= 100 \| yes \| {2}\| {2}\| 7\.5 \|/,
  );
  assert.match(
    md,
    /\| pulumi baseline \| same 1,000-resource program: amlcdk synth vs Pulumi mocks \| 1 \| 0\.9 \| 1\.2 \| s \| baseline\/ours >= 200 \(faster\) \| \*\*no\*\* \| 40 \| 40× \|/,
  );
  assert.match(md, /emulator PUT\/s \\\| durable/, 'a pipe in a name is escaped');
  assert.match(
    md,
    /Goals missed in this run \(1\): same 1,000-resource program: amlcdk synth vs Pulumi mocks \(1 s, goal baseline\/ours >= 200 \(faster\)\)\./,
  );
});

test('only the text between the markers is replaced', () => {
  const doc = `# Performance\n\nintro\n\n${BEGIN}\nold table\n${END}\n\n## After\n`;
  const out = replaceMeasured(doc, results);
  assert.ok(out.startsWith('# Performance\n\nintro\n\n'));
  assert.ok(out.endsWith(`${END}\n\n## After\n`));
  assert.doesNotMatch(out, /old table/);
  assert.equal(replaceMeasured(out, results), out, 'idempotent');
});

test('--quick results and a doc without markers are refused with a code and a fix', () => {
  assert.throws(
    () => replaceMeasured(`${BEGIN}\n${END}`, { ...results, quick: true }),
    (e: unknown) => e instanceof InputError && e.code === 'BenchResultsQuick' && /without --quick/.test(e.fix ?? ''),
  );
  assert.throws(
    () => replaceMeasured('# no markers\n', results),
    (e: unknown) => e instanceof InputError && e.code === 'PerformanceDocMarkers' && e.file === 'docs/performance.md',
  );
});

test('the committed docs/performance.md has the markers; a missing results file exits 2 without a stack trace', () => {
  const doc = readFileSync(new URL('../../docs/performance.md', import.meta.url), 'utf8');
  assert.ok(doc.includes(BEGIN) && doc.includes(END));
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/gen-performance-doc.ts', 'bench/no-such-results.json'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /BenchResultsMissing: no results file bench\/no-such-results\.json/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
