/**
 * The package as users get it: `npm pack`, the tarball unpacked into a temporary folder's node_modules/amlcdk (no
 * network: the other node_modules entries are links to this checkout's), then
 * - a CommonJS project runs examples/testing from the tarball with ts-jest's default preset (no flags), and its
 *   snapshot still matches after a line is added at the top of the program;
 * - TypeScript resolves every subpath under `moduleResolution: node10` (typesVersions) and `nodenext` (exports),
 *   including `amlcdk/crossguard` in examples/policy-pack, which also loads from the tarball;
 * - an ES module project runs synth, check, plan and apply against the embedded emulator with the packaged CLI;
 * - the tarball holds a LICENSE, no source maps, and every relative link of its README resolves inside it.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE_MODULES = join(ROOT, 'node_modules');
const bin = (pkg: string, file: string): string => join(NODE_MODULES, pkg, file);

let tmp: string;
let pkg: string; // tmp/node_modules/amlcdk
let packed: string[]; // file paths in the tarball, relative to the package root

function run(cmd: string, args: readonly string[], cwd: string, timeout = 240_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_offline: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout,
  });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** dist/ from the current sources: npm test builds first; a filtered run builds here when dist is stale. */
function ensureBuilt(): void {
  const stamp = join(ROOT, 'dist', 'build-stamp.txt');
  const hash = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import('./scripts/build.mjs').then((m) => process.stdout.write(m.buildInputsHash()))",
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) return;
  ok(run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], ROOT, 900_000), 'npm run build');
}

function files(dir: string, base = dir): string[] {
  return [...readdirSync(dir, { withFileTypes: true })].flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), base) : [join(dir, e.name).slice(base.length + 1)],
  );
}

beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'amlcdk-pack-'));
  // --ignore-scripts: `prepare` would build again; ensureBuilt made dist current.
  const out = ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT), 'npm pack');
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('['))) as [{ filename: string }];
  const modules = join(tmp, 'node_modules');
  mkdirSync(modules);
  ok(run('tar', ['-xzf', join(tmp, filename), '-C', tmp], tmp), 'tar');
  pkg = join(modules, 'amlcdk');
  cpSync(join(tmp, 'package'), pkg, { recursive: true });
  rmSync(join(tmp, 'package'), { recursive: true });
  packed = files(pkg);
  // The dependencies, jest, ts-jest, typescript and @pulumi/* from this checkout (a registry install without network).
  for (const name of readdirSync(NODE_MODULES))
    if (name !== 'amlcdk' && name !== '.bin' && !name.startsWith('.'))
      symlinkSync(join(NODE_MODULES, name), join(modules, name));
}, 1_200_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the tarball', () => {
  test('holds the CommonJS and ESM builds, a LICENSE, no source maps, and the files its README links to', () => {
    for (const f of ['LICENSE', 'README.md', 'dist/esm/index.js', 'dist/cjs/index.js', 'dist/cjs/package.json'])
      assert.ok(packed.includes(f), `${f} is in the tarball`);
    assert.match(readFileSync(join(pkg, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
    assert.deepEqual(
      packed.filter(
        (f) =>
          f.endsWith('.map') ||
          /\/\/# sourceMappingURL=/.test(f.endsWith('.js') ? readFileSync(join(pkg, f), 'utf8') : ''),
      ),
      [],
    );
    const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1])
      .filter((l) => !/^[a-z]+:/i.test(l));
    assert.ok(links.length > 5, 'the README has relative links');
    assert.deepEqual(
      links.filter((l) => !existsSync(join(pkg, l))),
      [],
      'every relative README link resolves in the package',
    );
    assert.ok(!packed.some((f) => f.startsWith('lib/') || f.startsWith('test/')), 'no sources or tests');
  });
});

describe('a CommonJS project (ts-jest default preset, moduleResolution node10)', () => {
  let project: string;
  beforeAll(() => {
    project = join(tmp, 'cjs');
    cpSync(join(pkg, 'examples', 'testing'), project, { recursive: true });
  });

  test('examples/testing passes from the tarball, and its snapshot survives an unrelated line', () => {
    const snap = join(project, '__snapshots__', 'team-stack.test.ts.snap');
    const before = readFileSync(snap, 'utf8');
    const jest = (): string =>
      ok(
        run(process.execPath, [bin('jest', 'bin/jest.js'), '--ci', '--colors=false'], project),
        'jest in the CommonJS project',
      ) + '';
    jest();
    const program = join(project, 'team-stack.ts');
    writeFileSync(
      program,
      `// An unrelated line: every construct below moves one line down.\n${readFileSync(program, 'utf8')}`,
    );
    const second = run(process.execPath, [bin('jest', 'bin/jest.js'), '--ci', '--colors=false'], project);
    ok(second, 'jest after the edit');
    assert.match(second.stderr, /Snapshots:\s+1 passed, 1 total/);
    assert.equal(readFileSync(snap, 'utf8'), before);
  });

  test('every subpath resolves for TypeScript through typesVersions, and require() loads them', () => {
    writeFileSync(
      join(project, 'subpaths.ts'),
      [
        "import { App, Stack } from 'amlcdk';",
        "import { Template } from 'amlcdk/testing';",
        "import { check } from 'amlcdk/policy';",
        "import type { AmlcdkComponentArgs } from 'amlcdk/pulumi';",
        "import { buildPolicyPackArgs, createPolicyPack } from 'amlcdk/crossguard';",
        'export const used = [App, Stack, Template, check, buildPolicyPackArgs, createPolicyPack];',
        'export type Args = AmlcdkComponentArgs;',
      ].join('\n'),
    );
    ok(
      run(process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], project),
      'tsc (node10)',
    );
    const loaded = ok(
      run(
        process.execPath,
        [
          '-e',
          "const cg = require('amlcdk/crossguard'); const a = require('amlcdk');" +
            "console.log(JSON.stringify({ policies: cg.buildPolicyPackArgs().policies.length, app: typeof a.App, esm: require.resolve('amlcdk').includes('/dist/cjs/') }))",
        ],
        project,
      ),
      'require()',
    );
    const r = JSON.parse(loaded) as { policies: number; app: string; esm: boolean };
    assert.ok(r.policies > 10 && r.app === 'function' && r.esm);
  });
});

describe('an ES module project', () => {
  let project: string;
  beforeAll(() => {
    project = join(tmp, 'esm');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'esm-consumer', private: true, type: 'module' }),
    );
  });

  test('examples/policy-pack type-checks against amlcdk/crossguard (nodenext) and its policies load', () => {
    const dir = join(project, 'policy-pack');
    cpSync(join(pkg, 'examples', 'policy-pack'), dir, { recursive: true });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          types: ['node'],
          skipLibCheck: true,
          noEmit: true,
        },
        include: ['*.ts'],
      }),
    );
    ok(
      run(process.execPath, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json'], dir),
      'tsc (nodenext) of the policy pack',
    );
    const out = ok(
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          "const { packArgs } = await import('./pack.ts'); console.log(packArgs().policies.length);",
        ],
        dir,
      ),
      'loading the policy pack',
    );
    assert.ok(Number(out.trim()) > 10);
  });

  test('synth, check, plan and apply against the embedded emulator with the packaged CLI', () => {
    writeFileSync(
      join(project, 'app.mjs'),
      [
        "import { App, ComputeCluster, IsolationMode, Stack, VmSize, Workspace } from 'amlcdk';",
        "import { Suppressions } from 'amlcdk/policy';",
        'const app = new App();',
        "const stack = new Stack(app, 'Team', { subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg-team', location: 'westeurope' });",
        "const ws = new Workspace(stack, 'Ws', { tenantId: '11111111-1111-1111-1111-111111111111', isolationMode: IsolationMode.ALLOW_INTERNET_OUTBOUND });",
        "Suppressions.of(ws).add({ id: 'AML-NET-001', reason: 'packaging test: Studio over the internet' });",
        "new ComputeCluster(ws, 'Cpu', { vmSize: VmSize.STANDARD_D4S_V5, maxNodeCount: 2, nodePublicIp: false });",
        'app.synth();',
      ].join('\n'),
    );
    const cli = join(pkg, 'bin', 'amlcdk.js');
    const out = ok(run(process.execPath, [cli, 'main-job', '--app', 'node app.mjs'], project), 'amlcdk main-job');
    for (const step of ['synth', 'check', 'plan', 'apply', 're-plan']) assert.match(out, new RegExp(`\\] ${step}\\b`));
    assert.ok(existsSync(join(project, 'amlcdk.out', 'Team.manifest.json')));
  });
});
