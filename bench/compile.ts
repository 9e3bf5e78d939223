/**
 * Plain JavaScript of lib/ and of the bench's engine child, for processes whose memory is measured: run through
 * tsx, a process also holds the TypeScript loader (≈ 40 MiB of RSS with the engine's modules loaded, measured
 * against the same modules from dist/), which the installed CLI (dist/) never loads.
 *
 * Transpile-only with @swc/core (already the test suite's compiler), ES modules kept as they are, into
 * `node_modules/.cache/amlcdk-bench/<pid>/` so that bare imports resolve to the project's node_modules; built once
 * per bench process and removed when it exits.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFileSync } from '@swc/core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The TypeScript files to transpile: all of lib/ (tests excluded), and the bench modules a child runs. */
function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(join(ROOT, 'lib'));
  out.push(join(ROOT, 'bench', 'engine-child.ts'));
  return out;
}

let built: string | undefined;

/** The directory holding `lib/**.js` and `bench/engine-child.js` (built on first call). */
export function compiledBench(): string {
  if (built) return built;
  const out = join(ROOT, 'node_modules', '.cache', 'amlcdk-bench', String(process.pid));
  rmSync(out, { recursive: true, force: true });
  for (const file of sources()) {
    const { code } = transformFileSync(file, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
      module: { type: 'es6' },
      sourceMaps: false,
    });
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  // Node reads these files as ES modules only with a package.json saying so.
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  built = out;
  return out;
}
