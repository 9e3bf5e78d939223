/**
 * `npm start` (`amlcdk main-job`): the quickstart end to end against the embedded emulator (real CLI processes in a
 * temp dir), and every way the job fails (in process, against a test emulator over HTTPS): the check gate, a
 * failed apply, a re-plan that is not empty, a non-local target without --yes, a bad target.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../lib/cli/main.js';
import { runMainJob, stepApply, stepReplan } from '../../lib/cli/commands/main-job.js';
import type { Connection } from '../../lib/cli/commands/plan.js';
import { InputError, UsageError } from '../../lib/core/errors.js';
import { applyStack, planStack } from '../../lib/reconciler/apply.js';
import { secretResolver } from '../../lib/reconciler/secrets.js';
import { FileStateStore } from '../../lib/state/file-store.js';
import { findCompute, startHarness, synthExample } from '../e2e/harness.js';
import { killAll, runCli, type CliResult } from '../helpers/cli.js';
import { writeTeamProgram } from '../helpers/program.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** An amlcdk.json app command that runs an example of this repository from any directory. */
function exampleApp(name: string): string {
  return `"${TSX}" --tsconfig "${join(ROOT, 'tsconfig.json')}" "${join(ROOT, 'examples', name, 'main.ts')}"`;
}

/** A fresh project directory holding only amlcdk.json. */
function project(parent: string, name: string, app: string): string {
  const dir = mkdtempSync(join(parent, `${name}-`));
  writeFileSync(join(dir, 'amlcdk.json'), JSON.stringify({ app }));
  return dir;
}

/** The CLI as a child process, with no ARM target inherited from this process. */
const amlcdk = (args: string[], cwd: string): Promise<CliResult> => runCli(args, cwd);

class Capture extends Writable {
  public text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}
const capture = (): Capture & NodeJS.WriteStream => new Capture() as Capture & NodeJS.WriteStream;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amlcdk-main-job-'));
});
afterAll(() => {
  killAll();
  rmSync(tmp, { recursive: true, force: true });
});

describe('npm start (amlcdk main-job) on the quickstart', () => {
  test('fresh directory: every step, 9 resources created with progress, re-plan empty; a second run plans 0 changes and applies nothing', async () => {
    const dir = project(tmp, 'quickstart', exampleApp('quickstart'));
    const first = await amlcdk(['main-job'], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const headers = [...first.stdout.matchAll(/^\[(\d)\/6\] (\S+)/gm)].map((m) => m[2]);
    assert.deepEqual(headers, ['synth', 'validate', 'check', 'plan', 'apply', 're-plan']);
    assert.match(first.stdout, /validate: 1 manifest\(s\), 9 resources, all bodies schema-valid/);
    assert.match(first.stdout, /profile dev: passed \(fail-on high\)/);
    assert.match(first.stdout, /Plan: 9 to create, 0 to update, 0 to replace, 0 to delete/);
    assert.match(first.stdout, /\[9\/9 [\d.]+s\] ✓ Quickstart\/Workspace\/\S+ {2}create/, 'progress lines');
    assert.match(first.stdout, /Apply complete: 9 done, 0 failed, 0 skipped/);
    assert.match(first.stdout, /\[6\/6\] re-plan[^\n]*\nStack Quickstart\nNo changes\. 9 resource\(s\) up to date\./);
    assert.match(
      first.stdout,
      /main job ok: synthesized 1 stack\(s\), 9 resource\(s\); check passed .*; applied 9 created; re-plan: no changes/,
    );
    // Everything lives under the working directory; the job's own emulator stopped (its marker is gone).
    assert.ok(existsSync(join(dir, 'amlcdk.out', 'Quickstart.manifest.json')));
    assert.ok(existsSync(join(dir, '.amlcdk', 'emulator', 'state.json')));
    assert.equal(existsSync(join(dir, '.amlcdk', 'emulator', 'emulator.json')), false);
    const state = await new FileStateStore({ dir: join(dir, '.amlcdk'), onNotice: () => undefined }).load('Quickstart');
    assert.equal(Object.keys(state?.resources ?? {}).length, 9);

    const second = await amlcdk(['main-job'], dir);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /\[4\/6\] plan[^\n]*\nStack Quickstart\nNo changes\. 9 resource\(s\) up to date\./);
    assert.match(
      second.stdout,
      /Stack Quickstart: nothing to apply, the target already matches the program \(0 changes\)\./,
    );
    assert.doesNotMatch(second.stdout, /✓ .* create/);
    assert.match(second.stdout, /main job ok: .*; applied nothing \(already up to date\); re-plan: no changes/);
  });

  test('a broken app: exit 1 with every coded error, nothing checked, planned or applied', async () => {
    const dir = mkdtempSync(join(tmp, 'broken-'));
    writeTeamProgram(dir, [
      `new ComputeCluster(ws, 'Cpu', { vmSize: VmSize.STANDARD_D4S_V5, minNodeCount: 4, maxNodeCount: 2 });`,
    ]);
    const r = await amlcdk(['main-job'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /\[Team\/Ws\/Cpu\] MaxNodesBelowMin:/);
    assert.match(r.stdout, /main job failed at synth: the program has errors/);
    assert.doesNotMatch(r.stdout, /\[[3-6]\/6\]/, 'no step after synth ran');
    assert.equal(existsSync(join(dir, '.amlcdk')), false, 'no emulator was started, no state was written');
  });
});

describe('main-job failures (in process, test emulator over HTTPS)', () => {
  test('findings at or above the default bar stop the job at check: exit 1, no plan, no emulator, no state', async () => {
    const dir = project(tmp, 'insecure', exampleApp('insecure'));
    const out = capture();
    assert.equal(await runMainJob({}, out, dir), 1);
    assert.match(out.text, /AML-NET-001/);
    assert.match(out.text, /main job failed at check: \d+ finding\(s\) at or above high/);
    assert.doesNotMatch(out.text, /\[4\/6\] plan/);
    assert.equal(existsSync(join(dir, '.amlcdk')), false);
  });

  test('a failed apply: exit 1, the failed resource named with its ARM error, no re-plan', async () => {
    // No CPU quota: the compute creates fail in the emulator exactly as on a new subscription.
    const h = await startHarness({ quotas: { cpuDefault: 0 } });
    const saved = { endpoint: process.env.AMLCDK_ARM_ENDPOINT, ca: process.env.AMLCDK_ARM_CA_FILE };
    try {
      process.env.AMLCDK_ARM_ENDPOINT = h.emu.url;
      process.env.AMLCDK_ARM_CA_FILE = h.emu.certPath;
      const dir = project(tmp, 'noquota', exampleApp('quickstart'));
      const out = capture();
      assert.equal(await runMainJob({}, out, dir), 1);
      // The instance needs 4 cores now; the cluster scales from 0 and needs none until a job runs.
      assert.match(out.text, /✗ Quickstart\/Workspace\/AliceInstance {2}create {2}ArmQuotaExceeded/);
      assert.match(out.text, /Apply finished with problems: 8 done, 1 failed, 0 skipped/);
      assert.match(out.text, /main job failed at apply: 1 operation\(s\) failed, 0 skipped/);
      assert.doesNotMatch(out.text, /\[6\/6\] re-plan/);
    } finally {
      for (const [k, v] of [
        ['AMLCDK_ARM_ENDPOINT', saved.endpoint],
        ['AMLCDK_ARM_CA_FILE', saved.ca],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await h.close();
    }
  });

  test('re-plan after an out-of-band change lists the stack; a non-local target without --yes refuses before any write', async () => {
    const h = await startHarness();
    try {
      const m = await synthExample('quickstart');
      const conn: Connection = {
        client: h.client,
        label: 'local (test)',
        local: true,
        secretResolver: secretResolver(),
        close: async () => undefined,
      };
      await applyStack({ client: h.client, store: h.store, manifest: m, ensureResourceGroup: true });
      assert.deepEqual(await stepReplan(conn, h.store, [m], capture()), []);
      const cluster = findCompute(m, 'AmlCompute')!;
      const body = structuredClone(cluster.body) as {
        properties: { properties: { scaleSettings: { maxNodeCount: number } } };
      };
      body.properties.properties.scaleSettings.maxNodeCount = 17;
      const put = await h.emu.request('PUT', `${cluster.id}?api-version=${cluster.apiVersion}`, body);
      if (put.status === 201 || put.status === 202) await h.emu.waitFor(put);
      const out = capture();
      assert.deepEqual(await stepReplan(conn, h.store, [m], out), ['Quickstart']);
      assert.match(out.text, /scaleSettings\.maxNodeCount: 17 → 4/);

      const azure: Connection = { ...conn, label: 'azure', local: false };
      const { plan } = await planStack(h.client, m, await h.store.load(m.stack.name));
      const since = h.lastSeq();
      await assert.rejects(
        stepApply(azure, h.store, [m], [plan], {}, capture()),
        (e: unknown) => e instanceof UsageError && e.code === 'ConfirmationRequired' && /--yes/.test(e.message),
      );
      assert.deepEqual(h.writesSince(since), []);
    } finally {
      await h.close();
    }
  });

  test('usage: a bad --target or an unknown option exits 2 before anything runs', async () => {
    const dir = project(tmp, 'usage', exampleApp('quickstart'));
    await assert.rejects(
      runMainJob({ target: 'moon' }, capture(), dir),
      (e: unknown) => e instanceof UsageError && e.code === 'InvalidTarget',
    );
    // A bad --state is named as the option (not amlcdk.json) and stops the job before the program is even run.
    const out = capture();
    await assert.rejects(
      runMainJob({ state: 's3://bucket/x' }, out, dir),
      (e: unknown) =>
        e instanceof InputError &&
        e.code === 'InvalidStateLocation' &&
        /^--state: /.test(e.message) &&
        e.file === undefined &&
        /set --state/.test(e.fix ?? ''),
    );
    assert.equal(out.text, '', 'nothing ran: no synth step header');
    process.exitCode = undefined;
    assert.equal(await main(['node', 'amlcdk', 'main-job', '--no-such-option']), 2);
    process.exitCode = undefined;
    assert.equal(existsSync(join(dir, 'amlcdk.out')), false);
  });
});
