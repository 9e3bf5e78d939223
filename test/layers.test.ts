/**
 * The one-way flow of DESIGN §1, checked on the source (CONTRIBUTING.md "Layout and layers" states the same table):
 * every relative import of a file under lib/ must land in a layer that file's layer may use, the layers themselves
 * form no cycle, and no module of lib/ reaches itself again through its imports (type-only imports included).
 *
 * Layers are lib/'s folders, with one split: the few files of lib/core that every layer uses (errors, JSON and text
 * helpers, validators, module location) are the `base` layer, below everything; the rest of lib/core (App, Stack,
 * AzureResource, aspects, the synth pipeline) sits above lib/manifest, whose types it renders. Constructs know
 * nothing of policy, Pulumi or the reconciler; consumers (policy, pulumi, reconciler) read the Manifest, never
 * construct objects; lib/arm knows nothing of constructs; the emulator is reached only over HTTP, so nothing but
 * the CLI (which embeds it) imports it.
 */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const LIB = resolve(import.meta.dirname, '..', 'lib');

/** Files of lib/core every layer may use (the `base` layer). */
const BASE_FILES: readonly string[] = [
  'core/errors.ts',
  'core/json.ts',
  'core/text.ts',
  'core/validators.ts',
  'core/module-file.ts',
  'core/arm-id.ts',
  'core/stack-name.ts',
  'core/json-lines.ts',
  'core/redact.ts',
  'core/brand.ts',
  'core/memo.ts',
];

const ALLOWED: Record<string, readonly string[]> = {
  base: [],
  catalog: ['base'],
  manifest: ['base', 'catalog'],
  core: ['base', 'catalog', 'manifest'],
  constructs: ['base', 'core', 'catalog', 'manifest'],
  policy: ['base', 'catalog', 'manifest'],
  pulumi: ['base', 'core', 'catalog', 'manifest'],
  reconciler: ['base', 'catalog', 'manifest', 'arm', 'state'],
  arm: ['base'],
  state: ['base', 'manifest'],
  emulator: ['base', 'catalog'],
  testing: ['base', 'core', 'catalog', 'manifest', 'constructs'],
  cli: ['base', 'core', 'catalog', 'constructs', 'manifest', 'policy', 'reconciler', 'arm', 'state', 'emulator'],
};

/** Single files allowed one more layer, with the reason. */
const EXCEPTIONS: Record<string, readonly string[]> = {
  // Suppressions records its metadata on a construct (with the source location of the call), so that synth puts
  // it in the manifest; the rules themselves still read only the manifest.
  'policy/suppressions.ts': ['core'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** lib/-relative path with forward slashes. */
function libPath(file: string): string {
  return relative(LIB, file).split(sep).join('/');
}

/** The layer of a path under lib/ (its first folder, or `base`), or undefined for lib/index.ts and friends. */
function layerOf(file: string): string | undefined {
  const rel = libPath(file);
  if (BASE_FILES.includes(rel)) return 'base';
  const parts = rel.split('/');
  return parts.length > 1 ? parts[0] : undefined;
}

/** Relative module specifiers of `import … from`, `export … from` and `import()` (type-only imports too). */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm)) out.push(m[1]);
  return out;
}

/** The source file a specifier names (`./x.js` is `./x.ts` in the tree). */
function target(file: string, spec: string): string {
  const abs = resolve(dirname(file), spec);
  const ts = abs.replace(/\.js$/, '.ts');
  return existsSync(ts) ? ts : abs;
}

/** Every lib module with the lib modules it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(LIB))
    graph.set(
      file,
      relativeImports(readFileSync(file, 'utf8')).map((s) => target(file, s)),
    );
  return graph;
}

/** Strongly connected components with more than one node, or a node importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

test('every lib layer imports only the layers it may use', () => {
  const graph = importGraph();
  assert.ok(graph.size > 100, `found ${graph.size} source files`);
  const layers = new Set<string>();
  const violations: string[] = [];
  for (const [file, imports] of graph) {
    const from = layerOf(file);
    if (!from) continue;
    layers.add(from);
    const allowed = ALLOWED[from];
    if (!allowed) {
      violations.push(`lib/${from}/ is a layer the table does not place; add it to ALLOWED with the layers it may use`);
      continue;
    }
    const extra = EXCEPTIONS[libPath(file)] ?? [];
    for (const imported of imports) {
      const to = layerOf(imported);
      if (to && to !== from && !allowed.includes(to) && !extra.includes(to))
        violations.push(
          `${libPath(file)} imports ${libPath(imported)} (${from} → ${to})` +
            (to === 'core'
              ? '; a helper every layer may use belongs in BASE_FILES (and CONTRIBUTING.md) if it imports only base files'
              : ''),
        );
    }
  }
  assert.deepEqual([...new Set(violations)], []);
  // The check saw the layers it is about (a moved lib/ would otherwise pass vacuously).
  for (const l of Object.keys(ALLOWED)) assert.ok(layers.has(l), `no files in layer ${l}`);
});

test('the layers form no cycle (a layer never reaches itself through the table)', () => {
  const layerGraph = new Map(Object.entries(ALLOWED));
  assert.deepEqual(cycles(layerGraph), []);
  for (const [file, extra] of Object.entries(EXCEPTIONS)) {
    const from = layerOf(join(LIB, file))!;
    assert.deepEqual(cycles(new Map([...layerGraph, [from, [...ALLOWED[from], ...extra]]])), [], file);
  }
});

test('no lib module imports itself again through its imports (0 import cycles, type-only imports included)', () => {
  const found = cycles(importGraph()).map((c) => `cycle among ${c.map(libPath).join(', ')}`);
  assert.deepEqual(found, []);
});

test('the cycle finder reports a cycle, a self-import and nothing for a chain', () => {
  const g = new Map<string, string[]>([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['d']],
    ['e', ['a']],
  ]);
  assert.deepEqual(
    cycles(g).map((c) => c.join('')),
    ['abc', 'd'],
  );
  assert.deepEqual(
    cycles(
      new Map([
        ['a', ['b']],
        ['b', []],
      ]),
    ),
    [],
  );
});

test('the import scanner sees static, re-export, type-only, multi-line, dynamic and side-effect imports', () => {
  const text = [
    "import { a } from '../arm/x.js';",
    "export * from '../state/y.js';",
    "import type { T } from './types.js';",
    'import {',
    '  one,',
    '  two,',
    "} from './multi.js';",
    "const m = await import('../pulumi/z.js');",
    "import '../emulator/w.js';",
    "import x from 'node:fs';",
  ].join('\n');
  assert.deepEqual(relativeImports(text), [
    '../arm/x.js',
    '../state/y.js',
    './types.js',
    './multi.js',
    '../pulumi/z.js',
    '../emulator/w.js',
  ]);
});

/** Whether TypeScript source uses `import.meta` in code (comments and plain string literals do not count). */
function usesImportMeta(text: string): boolean {
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g, '');
  return /\bimport\s*\.\s*meta\b/.test(code);
}

test('lib/ never uses import.meta (the CommonJS build has none)', () => {
  const users = sources(LIB)
    .filter((f) => usesImportMeta(readFileSync(f, 'utf8')))
    .map(libPath);
  assert.deepEqual([...users], []);
  // The check does see a use and not a mention (import.meta.resolve: the suite's transform rewrites .url and .dirname).
  assert.equal(usesImportMeta('const here = import.meta.resolve("x");'), true);
  assert.equal(usesImportMeta('// import.meta is ESM only\n/* import.meta */ const s = "import.meta";'), false);
});
