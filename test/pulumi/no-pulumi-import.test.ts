/**
 * `import 'amlcdk'` must not load `@pulumi/*` (optional peer dependencies of `amlcdk/pulumi` only). Each import runs
 * in a fresh Node process; the probe reports the `@pulumi/*` files in the CommonJS module cache (every @pulumi
 * package is CommonJS, so even an ESM import of one lands there). The positive control proves the probe sees them.
 */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function probe(module: string): { requested: string[]; cached: number; sample: string[] } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/pulumi/fixtures/load-probe.ts', module], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { requested: string[]; cached: number; sample: string[] };
}

test("import 'amlcdk' (lib/index.ts) loads no @pulumi/* module", () => {
  const r = probe('lib/index.ts');
  assert.deepEqual(r.requested, []);
  assert.equal(r.cached, 0, `loaded: ${r.sample.join(', ')}`);
});

test("positive control: import 'amlcdk/pulumi' does load @pulumi/pulumi, so the probe would notice", () => {
  const r = probe('lib/pulumi/index.ts');
  assert.ok(r.cached > 0);
  assert.ok(r.sample.some((f) => f.includes('@pulumi')));
});
