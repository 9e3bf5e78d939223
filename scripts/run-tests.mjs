#!/usr/bin/env node
// Runs the whole test suite: a strict type-check of every TypeScript file, the lint and format checks, the package
// build and the public API report check, then every test/**/*.test.ts under jest (tests in parallel workers,
// TypeScript through @swc/jest). It prints jest's own output and ends with one line `N passed, N failed` that CI
// reads: every test counts once, and the typecheck, lint, format, build and API checks count as one test each.
//
// Usage: node scripts/run-tests.mjs [--no-typecheck] [--no-lint] [--no-build] [path-filter ...] [-- jest options]
//   A path filter (e.g. test/emulator) runs only the matching files and skips the typecheck, lint, format, build and
//   API checks; `npm test -- test/emulator -t "soft delete"` runs one test. The build comes before jest so that the
//   packaging test finds dist/ current (dist/build-stamp.txt) instead of building it again.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const own = dashes >= 0 ? args.slice(0, dashes) : args;
const jestExtra = dashes >= 0 ? args.slice(dashes + 1) : [];
const filters = own.filter((a) => !a.startsWith('--'));
const whole = filters.length === 0 && !jestExtra.some((a) => a === '-t' || a.startsWith('--testNamePattern'));
const typecheck = whole && !own.includes('--no-typecheck') && process.env.AMLCDK_SKIP_TYPECHECK !== '1';
const lint = whole && !own.includes('--no-lint') && process.env.AMLCDK_SKIP_LINT !== '1';
const build = whole && !own.includes('--no-build');

function run(cmd, argv) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
let passed = 0;
let failed = 0;

async function check(name, argv) {
  process.stdout.write(`# ${name}\n`);
  const code = await run(process.execPath, argv);
  if (code === 0) passed += 1;
  else failed += 1;
  process.stdout.write(code === 0 ? `✔ ${name}\n` : `✖ ${name} failed\n`);
}

if (typecheck)
  await check('typecheck (tsc --noEmit)', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
if (lint) {
  await check('lint (eslint, type-aware)', [bin('eslint', 'bin/eslint.js'), '--max-warnings', '0', '.']);
  await check('format (prettier --check)', [
    bin('prettier', 'bin/prettier.cjs'),
    '--check',
    '--log-level',
    'warn',
    '.',
  ]);
}

if (build) {
  await check('build (dist/esm + dist/cjs)', [join(root, 'scripts', 'build.mjs')]);
  await check('public API report (npm run api:check)', [join(root, 'scripts', 'api-report.mjs'), '--check']);
}

const out = mkdtempSync(join(tmpdir(), 'amlcdk-jest-'));
const report = join(out, 'results.json');
const code = await run(process.execPath, [
  bin('jest', 'bin/jest.js'),
  '--json',
  `--outputFile=${report}`,
  ...filters,
  ...jestExtra,
]);
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A file that fails before its tests run (a syntax error, a throwing import) has no failed test of its own.
  failed += r.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed'),
  ).length;
} catch {
  failed += 1; // jest itself failed before writing its report
}
if (code !== 0 && failed === 0) failed += 1;
rmSync(out, { recursive: true, force: true });
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
