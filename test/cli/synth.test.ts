/** `amlcdk synth` end to end: real processes, real files. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'amlcdk.js');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function amlcdk(args: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.AMLCDK_OUTDIR;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amlcdk-cli-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('amlcdk synth', () => {
  test('quickstart from amlcdk.json: exit 0, tree printed, manifest written; a second run is byte-identical', () => {
    const out = join(tmp, 'q');
    const first = amlcdk(['synth', '--outdir', out]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Quickstart .*westeurope/);
    assert.match(first.stdout, /compute\s+aliceinstance-[a-z2-7]{6}\s+ComputeInstance, Standard_D4s_v5/);
    assert.match(first.stdout, /✓ synthesized 1 stack\(s\)/);
    const file = join(out, 'Quickstart.manifest.json');
    const bytes = readFileSync(file, 'utf8');
    const second = amlcdk(['synth', '--outdir', out, '--app', 'tsx examples/quickstart/main.ts']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(readFileSync(file, 'utf8'), bytes);
    assert.deepEqual(readdirSync(out), ['Quickstart.manifest.json']);
  });

  test('a program with a bad compute name, min > max nodes and a retired GPU: exit 1, all three coded errors with paths, no manifest, no stack trace', () => {
    const dir = mkdtempSync(join(tmp, 'bad-'));
    const lib = pathToFileURL(join(ROOT, 'lib', 'index.ts')).href;
    writeFileSync(join(dir, 'main.ts'), [
      `import { App, Stack, Workspace, ComputeCluster, VmSize } from '${lib}';`,
      `const app = new App();`,
      `const s = new Stack(app, 'Team', { subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg', location: 'westeurope' });`,
      `const ws = new Workspace(s, 'Ws', { tenantId: '11111111-1111-1111-1111-111111111111' });`,
      `new ComputeCluster(ws, 'Gpu', { computeName: 'gpu-cluster-1', vmSize: VmSize.STANDARD_NC6S_V3, minNodeCount: 4, maxNodeCount: 2 });`,
      `app.synth();`,
    ].join('\n'));
    writeFileSync(join(dir, 'amlcdk.json'), JSON.stringify({ app: `"${TSX}" main.ts`, outdir: 'out' }));
    const r = amlcdk(['synth'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    for (const code of ['InvalidComputeName', 'MaxNodesBelowMin', 'RetiredVmSize']) assert.match(r.stderr, new RegExp(`\\[Team/Ws/Gpu\\] ${code}:`));
    assert.match(r.stderr, /at main\.ts:5/);
    assert.match(r.stderr, /3 error\(s\); no manifest written/);
    assert.doesNotMatch(r.stderr, /^\s+at .+\(.+:\d+:\d+\)$/m);
    assert.equal(existsSync(join(dir, 'out', 'Team.manifest.json')), false);
  });

  test('--json prints a machine-readable summary', () => {
    const r = amlcdk(['synth', '--json', '--outdir', join(tmp, 'j'), '--app', 'tsx examples/attach-existing/main.ts']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.ok, true);
    assert.equal(summary.manifests[0].stack, 'AttachExisting');
    assert.equal(summary.manifests[0].resources, 2);
  });

  test('usage errors exit 2: no app configured, unknown option; an app that crashes is an input error (2)', () => {
    const empty = mkdtempSync(join(tmp, 'empty-'));
    const noApp = amlcdk(['synth'], empty);
    assert.equal(noApp.code, 2);
    assert.match(noApp.stderr, /NoApp/);
    assert.equal(amlcdk(['synth', '--bogus']).code, 2);
    writeFileSync(join(empty, 'crash.mjs'), 'throw new Error("boom")');
    const crash = amlcdk(['synth', '--app', 'node crash.mjs', '--outdir', 'o'], empty);
    assert.equal(crash.code, 2);
    assert.match(crash.stderr, /AppFailed/);
    assert.match(crash.stderr, /boom/);
  });
});
