#!/usr/bin/env node
// Builds the package (npm run build; npm pack runs it through `prepare`):
//   dist/esm  `tsc -p tsconfig.build.json`: type-checked ES modules and their declarations;
//   dist/cjs  the same sources as CommonJS (TypeScript's own emitter, file by file, module CommonJS) with a copy of
//             the declarations and a {"type":"commonjs"} package.json, so `require('amlcdk')` (jest's default
//             CommonJS mode, ts-jest's preset) loads CommonJS and TypeScript reads those declarations as CommonJS.
// No source maps: the package ships no TypeScript sources for them to point to.
// Writes dist/build-stamp.txt, the hash of what the build read (see test/helpers/build.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const lib = join(root, 'lib');
const dist = join(root, 'dist');
const esm = join(dist, 'esm');
const cjs = join(dist, 'cjs');

/** Every file under dir (recursively), sorted. */
function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** The hash of every input of the build: lib/, the build configs, this script and package.json. */
export function buildInputsHash() {
  const h = createHash('sha256');
  const inputs = [
    ...files(lib).filter((f) => f.endsWith('.ts')),
    join(root, 'tsconfig.json'),
    join(root, 'tsconfig.build.json'),
    join(root, 'package.json'),
    join(root, 'scripts', 'build.mjs'),
  ];
  for (const f of inputs) h.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

function build() {
  rmSync(dist, { recursive: true, force: true });
  const tscArgs = ['-p', 'tsconfig.build.json'];
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), ...tscArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) return tsc.status ?? 1;

  const options = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    // Imports used only as types are dropped, as tsc does; `export { T } from` of a type stays a (harmless)
    // re-export of undefined.
    verbatimModuleSyntax: false,
  };
  for (const file of files(lib).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const out = join(cjs, relative(lib, file)).replace(/\.ts$/, '.js');
    const { outputText, diagnostics } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: options,
      fileName: file,
      reportDiagnostics: true,
    });
    if (diagnostics?.length) {
      process.stderr.write(ts.formatDiagnostics(diagnostics, ts.createCompilerHost({})));
      return 1;
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  for (const file of files(esm).filter((f) => f.endsWith('.d.ts'))) {
    const out = join(cjs, relative(esm, file));
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(file, out);
  }
  writeFileSync(join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
  writeFileSync(join(dist, 'build-stamp.txt'), `${buildInputsHash()}\n`);
  return 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = build();
