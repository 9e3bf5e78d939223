/**
 * The one-way flow of DESIGN §1, checked on the source: every relative import of a file under lib/<layer>/ must
 * land in a layer that layer may use. Constructs know nothing of policy, Pulumi or the reconciler; consumers
 * (policy, pulumi, reconciler) read only the Manifest, never construct objects; lib/arm knows nothing of
 * constructs; the emulator is reached only over HTTP, so nothing but the CLI (which embeds it) imports it.
 * `core` → `manifest` is allowed on purpose: `App.synth()` drives the manifest pipeline.
 */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const LIB = resolve(import.meta.dirname, '..', 'lib');

const ALLOWED: Record<string, readonly string[]> = {
  core: ['manifest'],
  catalog: ['core'],
  constructs: ['core', 'catalog', 'manifest'],
  manifest: ['core', 'catalog'],
  policy: ['core', 'catalog', 'manifest'],
  pulumi: ['core', 'catalog', 'manifest'],
  reconciler: ['core', 'catalog', 'manifest', 'arm', 'state'],
  arm: ['core'],
  state: ['core', 'manifest'],
  emulator: ['core', 'catalog'],
  testing: ['core', 'catalog', 'manifest', 'constructs'],
  cli: ['core', 'catalog', 'constructs', 'manifest', 'policy', 'reconciler', 'arm', 'state', 'emulator'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The layer of a path under lib/ (its first folder), or undefined for lib/index.ts and friends. */
function layerOf(file: string): string | undefined {
  const parts = relative(LIB, file).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** Relative module specifiers of `import … from`, `export … from` and `import()` (type-only imports too). */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm)) out.push(m[1]);
  return out;
}

test('every lib layer imports only the layers DESIGN §1 lets it use', () => {
  const files = sources(LIB);
  assert.ok(files.length > 100, `found ${files.length} source files`);
  const layers = new Set<string>();
  const violations: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    if (!from) continue;
    layers.add(from);
    const allowed = ALLOWED[from];
    if (!allowed) {
      violations.push(`lib/${from}/ is a layer DESIGN §1 does not place; add it to ALLOWED with the layers it may use`);
      continue;
    }
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const to = layerOf(resolve(dirname(file), spec));
      if (to && to !== from && !allowed.includes(to))
        violations.push(`${relative(LIB, file)} imports ${spec} (${from} → ${to})`);
    }
  }
  assert.deepEqual([...new Set(violations)], []);
  // The check saw the layers it is about (a moved lib/ would otherwise pass vacuously).
  for (const l of [
    'core',
    'constructs',
    'manifest',
    'policy',
    'pulumi',
    'reconciler',
    'arm',
    'state',
    'emulator',
    'cli',
  ])
    assert.ok(layers.has(l), `no files under lib/${l}/`);
});

test('the import scanner sees static, re-export, dynamic and side-effect imports', () => {
  const text = [
    "import { a } from '../arm/x.js';",
    "export * from '../state/y.js';",
    "const m = await import('../pulumi/z.js');",
    "import '../emulator/w.js';",
    "import x from 'node:fs';",
  ].join('\n');
  assert.deepEqual(relativeImports(text), ['../arm/x.js', '../state/y.js', '../pulumi/z.js', '../emulator/w.js']);
});
