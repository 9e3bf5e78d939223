#!/usr/bin/env node
// Runs the whole test suite: a strict type-check of every TypeScript file, then every test/**/*.test.ts
// through node's test runner (each file in its own process, tsx for TypeScript). It prints the runner's
// spec output and ends with one line `N passed, N failed` that CI reads.
//
// Usage: node scripts/run-tests.mjs [--no-typecheck] [path-filter ...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { availableParallelism } from 'node:os';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const skipTypecheck = args.includes('--no-typecheck') || process.env.AMLCDK_SKIP_TYPECHECK === '1';
const filters = args.filter((a) => !a.startsWith('--'));

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

function run(cmd, argv, onLine) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let buf = '';
    const feed = (chunk, stream) => {
      stream.write(chunk);
      if (!onLine) return;
      buf += chunk.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    };
    child.stdout.on('data', (c) => feed(c, process.stdout));
    child.stderr.on('data', (c) => feed(c, process.stderr));
    child.on('close', (code) => {
      if (onLine && buf) onLine(buf);
      resolve(code ?? 1);
    });
  });
}

let passed = 0;
let failed = 0;

if (!skipTypecheck && filters.length === 0) {
  process.stdout.write('# typecheck (tsc --noEmit)\n');
  const code = await run(process.execPath, [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    'tsconfig.json',
    '--noEmit',
  ]);
  if (code === 0) passed += 1;
  else failed += 1;
  process.stdout.write(code === 0 ? '✔ typecheck\n' : '✖ typecheck failed\n');
}

let files = findTests(join(root, 'test')).sort();
if (filters.length)
  files = files.filter((f) => filters.some((flt) => relative(root, f).split(sep).join('/').includes(flt)));
if (files.length === 0) {
  process.stdout.write('no test files matched\n');
} else {
  const concurrency = Math.max(2, availableParallelism());
  let sawPass = 0;
  let sawFail = 0;
  const code = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-timeout=300000',
      '--test-reporter=spec',
      ...files.map((f) => relative(root, f)),
    ],
    (line) => {
      const m = /^ℹ (pass|fail) (\d+)\s*$/.exec(line.trim());
      if (m) {
        if (m[1] === 'pass') sawPass = Number(m[2]);
        else sawFail = Number(m[2]);
      }
    },
  );
  passed += sawPass;
  failed += sawFail;
  if (code !== 0 && sawFail === 0) failed += 1; // the runner itself failed (a file crashed before reporting)
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
