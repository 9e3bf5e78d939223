/**
 * `npm run bench` smoke test: bench/run.ts with `--quick` (tiny sizes) in a child process writes a results file
 * of the documented shape. Timings are never asserted: only that every figure is complete and consistent.
 */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runBench(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bench --quick --json writes every figure with name/median/min/max/unit/goal/met, min <= median <= max', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-bench-smoke-'));
  try {
    const out = join(dir, 'results.json');
    const r = runBench(['--quick', '--json', '--out', out]);
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      machine: Record<string, unknown>;
      quick: boolean;
      figures: Record<string, unknown>[];
    };
    assert.equal(typeof results.machine.node, 'string');
    assert.equal(typeof results.machine.cpus, 'number');
    assert.equal(results.quick, true);
    const groups = new Set(results.figures.map((f) => f.group));
    for (const g of [
      'synth',
      'check',
      'plan',
      'observe',
      'state',
      'arm client',
      'apply',
      'emulator',
      'pulumi baseline',
    ])
      assert.ok(groups.has(g), `group ${g} measured`);
    for (const f of results.figures) {
      const what = JSON.stringify(f);
      assert.equal(typeof f.name, 'string', what);
      assert.equal(typeof f.unit, 'string', what);
      for (const k of ['median', 'min', 'max'] as const)
        assert.ok(typeof f[k] === 'number' && Number.isFinite(f[k]), `${k} is a finite number: ${what}`);
      assert.ok(
        (f.min as number) <= (f.median as number) && (f.median as number) <= (f.max as number),
        `min <= median <= max: ${what}`,
      );
      assert.ok('goal' in f && (f.goal === null || typeof f.goal === 'string'), `goal: ${what}`);
      assert.ok('met' in f && (f.met === null || typeof f.met === 'boolean'), `met: ${what}`);
      assert.equal(f.met === null, f.goal === null, `met is set exactly when there is a goal: ${what}`);
      assert.ok(Array.isArray(f.samples) && (f.samples as unknown[]).length >= 3, `at least 3 samples: ${what}`);
    }
    const baseline = results.figures.filter((f) => f.baseline !== undefined);
    assert.ok(baseline.length >= 2, 'the Pulumi comparison rows carry a baseline');
    // A ratio is baseline ÷ ours; a marginal of either at or below zero (noise at --quick sizes) has none, and misses.
    for (const f of baseline) {
      if ((f.median as number) > 0 && (f.baseline as number) > 0)
        assert.ok(typeof f.ratio === 'number' && f.ratio > 0, JSON.stringify(f));
      else assert.ok(f.ratio === null && f.met === false, JSON.stringify(f));
    }
    assert.ok(
      baseline.some((f) => /^same [\d,]+-resource program/.test(f.name as string) && typeof f.ratio === 'number'),
      'the whole-process rows have a ratio',
    );
    // The table (stdout) shows the baseline column.
    assert.match(r.stdout.split('\n')[0], /figure\s+median\s+min\s+max\s+unit\s+goal\s+met\s+baseline\s+ratio/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bench: an unknown option or an --only that matches nothing is a usage error (exit 2), not a stack trace', () => {
  const bad = runBench(['--fast']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /BenchUnknownOption: unknown option '--fast'/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const none = runBench(['--quick', '--only', 'no-such-figure']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /BenchNothingSelected/);
  const missing = runBench(['--only']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /BenchOptionValue: --only needs a value/);
});
