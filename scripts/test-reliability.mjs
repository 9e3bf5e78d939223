#!/usr/bin/env node
// `npm run test:reliability`: the reliability suite at its full size (20 crash trials, 40-cluster fault rows,
// more concurrent pairs, corruptions, forged states, tampered plans and fuzz runs than `npm test`, 10,000 resources in 20 resource groups), with
// every test recording its figures as JSON in a temp directory, then scripts/reliability-report.ts turns them into
// docs/reliability.md.
// Sizes already set in the environment win. Exit code: the tests' (the report is written either way).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// AMLCDK_RELIABILITY_DIR keeps the figures in that directory (to rerun one part into it and print the report again
// with `node --import tsx scripts/reliability-report.ts <dir>`); by default they go to a temp dir, removed after.
const kept = process.env.AMLCDK_RELIABILITY_DIR;
const out = kept ? (mkdirSync(kept, { recursive: true }), kept) : mkdtempSync(join(tmpdir(), 'amlcdk-reliability-'));
const sizes = {
  AMLCDK_CRASH_TRIALS: '20',
  AMLCDK_FAULT_CLUSTERS: '40',
  AMLCDK_CONCURRENT_PAIRS: '3',
  AMLCDK_CORRUPT_MUTATIONS: '200',
  AMLCDK_FUZZ_RUNS: '1000',
  AMLCDK_FORGED_TRIALS: '65',
  AMLCDK_TAMPER_ROUNDS: '5',
  AMLCDK_PROP_FUZZ_RUNS: '10000',
  AMLCDK_SCALE_RESOURCES: '10000',
};
const env = { ...sizes, ...process.env, AMLCDK_RELIABILITY_OUT: out };

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let last = '';
    child.stdout.on('data', (c) => {
      process.stdout.write(c);
      last = (last + c.toString()).slice(-2000);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, last }));
  });
}

const started = new Date();
const tests = await run(['scripts/run-tests.mjs', 'test/e2e/crash', 'test/e2e/faults', 'test/reliability']);
const m = /(\d+) passed, (\d+) failed\s*$/.exec(tests.last);
writeFileSync(
  join(out, 'runner.json'),
  JSON.stringify(
    {
      startedAt: started.toISOString(),
      elapsedMs: Date.now() - started.getTime(),
      passed: m ? Number(m[1]) : undefined,
      failed: m ? Number(m[2]) : undefined,
      exitCode: tests.code,
      sizes: Object.fromEntries(Object.keys(sizes).map((k) => [k, env[k]])),
    },
    null,
    2,
  ),
);
const report = await run(['--import', 'tsx', 'scripts/reliability-report.ts', out]);
if (!kept) rmSync(out, { recursive: true, force: true });
process.exitCode = tests.code || report.code;
