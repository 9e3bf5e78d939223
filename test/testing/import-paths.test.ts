/** The package entry points resolve as a user imports them (tsconfig paths map them to lib/ under tsx). */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as amlcdk from 'amlcdk';
import * as testing from 'amlcdk/testing';

const ROOT = resolve(import.meta.dirname, '..', '..');

test("'amlcdk' and 'amlcdk/testing' expose the public API", () => {
  for (const name of [
    'App',
    'Stack',
    'Workspace',
    'ComputeInstance',
    'ComputeCluster',
    'AttachedCompute',
    'PersonalComputeInstances',
    'VmSize',
    'BuiltInRole',
    'Principal',
    'RoleAssignment',
    'VirtualNetwork',
    'FileShareMount',
    'ContainerImage',
    'Duration',
    'Secret',
    'Annotations',
    'Aspects',
    'Names',
    'SynthesisError',
    'ValidationError',
  ]) {
    assert.equal(typeof (amlcdk as Record<string, unknown>)[name], 'function', name);
  }
  assert.equal(typeof testing.Template.fromStack, 'function');
  assert.equal(typeof testing.Match.objectLike, 'function');
});

test("import 'amlcdk' never loads @pulumi/* (a resolve hook refuses it)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'amlcdk-nopulumi-'));
  try {
    const hook = join(dir, 'hook.mjs');
    writeFileSync(
      hook,
      `export async function resolve(spec, ctx, next) { if (spec.startsWith('@pulumi/')) throw new Error('loaded ' + spec); return next(spec, ctx); }\n`,
    );
    const reg = join(dir, 'register.mjs');
    writeFileSync(
      reg,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
    );
    // An .mjs entry keeps the whole graph on the ESM loader, where the hook sees every import.
    const run = (target: string): ReturnType<typeof spawnSync> => {
      const main = join(dir, `main-${target.replace(/\W/g, '')}.mjs`);
      writeFileSync(
        main,
        `const m = await import(${JSON.stringify(pathToFileURL(join(ROOT, target)).href)});\nconsole.log(Object.keys(m).length > 0);\n`,
      );
      return spawnSync(process.execPath, ['--import', reg, '--import', 'tsx', main], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
    };
    for (const target of ['lib/index.ts', 'lib/testing/index.ts']) {
      const r = run(target);
      assert.equal(r.status, 0, `${target}: ${String(r.stderr)}`);
      assert.equal(String(r.stdout).trim(), 'true');
    }
    // Control: the hook does catch a module that loads Pulumi.
    const pulumi = run('lib/pulumi/index.ts');
    assert.notEqual(pulumi.status, 0);
    assert.match(String(pulumi.stderr), /loaded @pulumi\//);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
