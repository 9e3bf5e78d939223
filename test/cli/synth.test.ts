/** `amlcdk synth` end to end: real processes, real files. */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { killAll, runCli, type CliResult } from '../helpers/cli.js';
import { writeTeamProgram } from '../helpers/program.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The CLI as a child process, with no outdir or ARM target inherited from this process. */
const amlcdk = (args: string[], cwd = ROOT): Promise<CliResult> => runCli(args, cwd);

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amlcdk-cli-'));
});
afterAll(() => {
  killAll();
  rmSync(tmp, { recursive: true, force: true });
});

describe('amlcdk synth', () => {
  test('quickstart from amlcdk.json: exit 0, tree printed, manifest written; a second run is byte-identical', async () => {
    const out = join(tmp, 'q');
    const first = await amlcdk(['synth', '--outdir', out]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Quickstart .*westeurope/);
    assert.match(first.stdout, /compute\s+aliceinstance-[a-z2-7]{6}\s+ComputeInstance, Standard_D4s_v5/);
    assert.match(first.stdout, /✓ synthesized 1 stack\(s\)/);
    const file = join(out, 'Quickstart.manifest.json');
    const bytes = readFileSync(file, 'utf8');
    const second = await amlcdk(['synth', '--outdir', out, '--app', 'tsx examples/quickstart/main.ts']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(readFileSync(file, 'utf8'), bytes);
    assert.deepEqual([...readdirSync(out)], ['Quickstart.manifest.json']);
  });

  test('a program with a bad compute name, min > max nodes and a retired GPU: exit 1, all three coded errors with paths, no manifest, no stack trace', async () => {
    const dir = mkdtempSync(join(tmp, 'bad-'));
    writeTeamProgram(
      dir,
      [
        `new ComputeCluster(ws, 'Gpu', { computeName: 'gpu-cluster-1', vmSize: VmSize.STANDARD_NC6S_V3, minNodeCount: 4, maxNodeCount: 2 });`,
      ],
      { outdir: 'out' },
    );
    const r = await amlcdk(['synth'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    for (const code of ['InvalidComputeName', 'MaxNodesBelowMin', 'RetiredVmSize'])
      assert.match(r.stderr, new RegExp(`\\[Team/Ws/Gpu\\] ${code}:`));
    assert.match(r.stderr, /at main\.ts:5/);
    assert.match(r.stderr, /3 error\(s\); no manifest written/);
    assert.doesNotMatch(r.stderr, /^\s+at .+\(.+:\d+:\d+\)$/m);
    assert.equal(existsSync(join(dir, 'out', 'Team.manifest.json')), false);
  });

  test('--json prints a machine-readable summary', async () => {
    const r = await amlcdk([
      'synth',
      '--json',
      '--outdir',
      join(tmp, 'j'),
      '--app',
      'tsx examples/attach-existing/main.ts',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.ok, true);
    assert.equal(summary.manifests[0].stack, 'AttachExisting');
    assert.equal(summary.manifests[0].resources, 2);
  });

  test('usage errors exit 2: no app configured, unknown option; an app that crashes is an input error (2)', async () => {
    const empty = mkdtempSync(join(tmp, 'empty-'));
    const noApp = await amlcdk(['synth'], empty);
    assert.equal(noApp.code, 2);
    assert.match(noApp.stderr, /NoApp/);
    assert.equal((await amlcdk(['synth', '--bogus'])).code, 2);
    writeFileSync(join(empty, 'crash.mjs'), 'throw new Error("boom")');
    const crash = await amlcdk(['synth', '--app', 'node crash.mjs', '--outdir', 'o'], empty);
    assert.equal(crash.code, 2);
    assert.match(crash.stderr, /AppFailed/);
    assert.match(crash.stderr, /boom/);
  });
});
