/**
 * Secret scanning over every other command and error path (issue 14, "secrets never echoed"): the secrets program of
 * secret-scan.test.ts, with its values in the environment, goes through `check` (text, JSON, SARIF, JUnit to a file),
 * `apply`, `drift` (text and JSON), `state show` (text and JSON), `import` of the attached VM into a fresh state,
 * `destroy` and `main-job`; and through the error paths: an apply whose attached-VM create fails in Azure, a
 * state file with a secret value planted where the schema refuses it (plan and state show), `Secret.fromEnv`
 * given the value instead of the name (the program fails: AppFailed or a synthesis error), and a token pasted into
 * `publicKey`. Every stdout, stderr and file written (manifests, reports, state, journal, locks) is scanned for
 * the values, one line of the private key, and generic secret shapes. Expect 0 findings.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeState } from '../../lib/state/format.js';
import { FileStateStore } from '../../lib/state/file-store.js';
import type { StackState } from '../../lib/state/types.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { killAll, runCli, type CliResult } from '../helpers/cli.js';
import { record } from './support.js';
import { KEY_BODY, SECRETS, SecretScanner, TSX, secretsProgram, type SecretsProgramVariant } from './secret-scan.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    quotas: { cpuDefault: 1_000_000 },
    // The attached VM named vm-fail fails in Azure (its create operation ends Failed): the failing-apply path.
    faults: [
      {
        method: 'PUT',
        path: '/computes/vm-fail$',
        lroFailure: { rate: 1, afterPolls: 1, code: 'InternalServerError', message: 'the attach failed' },
      },
    ],
  });
});
afterAll(async () => {
  killAll();
  await h?.close();
});

describe('secret scanning: every command and error path', () => {
  test('check, apply, drift, state show, import, destroy, main-job and the error paths: 0 secrets found', async () => {
    const scan = new SecretScanner({ ...SECRETS, AMLCDK_REL_VM_KEY_LINE: KEY_BODY });
    const logs: [string, CliResult][] = [];
    const dirs: string[] = [];
    const project = (variant: SecretsProgramVariant = 'valid', vmName = 'vm-secret', config: object = {}): string => {
      const dir = mkdtempSync(join(h.dir, 'cmds-'));
      writeFileSync(join(dir, 'main.ts'), secretsProgram(variant, vmName));
      writeFileSync(join(dir, 'amlcdk.json'), JSON.stringify({ app: `"${TSX}" main.ts`, outdir: 'out', ...config }));
      dirs.push(dir);
      return dir;
    };
    const cli = async (
      label: string,
      dir: string,
      args: string[],
      codes: number[] = [0],
      embedded = false,
    ): Promise<CliResult> => {
      const r = await runCli(args, dir, { emu: embedded ? undefined : h.emu, env: { ...SECRETS } });
      logs.push([label, r]);
      assert.ok(codes.includes(r.code ?? -1), `${label} exited ${r.code}:\n${r.stdout}${r.stderr}`);
      // amlcdk's own errors carry no stack trace; AppFailed passes on the program's own stderr (its trace included).
      if (!/AppFailed/.test(r.stderr))
        assert.doesNotMatch(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, `${label}: a stack trace on stderr`);
      return r;
    };

    // The commands, on a valid program.
    const dir = project();
    await cli('synth', dir, ['synth']);
    await cli('check (text)', dir, ['check', '--manifest', 'out'], [0, 1]);
    await cli('check --format json', dir, ['check', '--manifest', 'out', '--format', 'json'], [0, 1]);
    await cli('check --format sarif', dir, ['check', '--manifest', 'out', '--format', 'sarif'], [0, 1]);
    await cli(
      'check --format junit --output',
      dir,
      ['check', '--manifest', 'out', '--format', 'junit', '--output', 'check.xml'],
      [0, 1],
    );
    await cli('apply', dir, ['apply', '--manifest', 'out', '--yes']);
    await cli('drift', dir, ['drift', '--manifest', 'out']);
    await cli('drift --json', dir, ['drift', '--manifest', 'out', '--json']);
    await cli('state show', dir, ['state', 'show', 'Secrets']);
    const shown = await cli('state show --json', dir, ['state', 'show', 'Secrets', '--json']);
    const vm = JSON.parse(shown.stdout).resources as Record<string, { id: string }> | undefined;
    const vmEntry = Object.entries(vm ?? {}).find(([, r]) => /\/computes\/vm-secret$/.test(r.id));
    assert.ok(vmEntry, `state show --json lists the attached VM:\n${shown.stdout.slice(0, 2000)}`);

    // Import the attached VM (it exists in Azure now) into the state of a fresh copy of the project.
    const fresh = project();
    cpSync(join(dir, 'out'), join(fresh, 'out'), { recursive: true });
    await cli('import', fresh, ['import', vmEntry[1].id, '--manifest', 'out', '--as', vmEntry[0]], [0]);
    await cli(
      'import --json (already imported)',
      fresh,
      ['import', vmEntry[1].id, '--manifest', 'out', '--as', vmEntry[0], '--json'],
      [0, 1, 2],
    );

    // A state file with the VM password planted where the schema refuses it, checksum recomputed: plan and state
    // show refuse it (naming the file and the JSON pointer) without printing the value.
    const bad = project();
    cpSync(join(dir, 'out'), join(bad, 'out'), { recursive: true });
    cpSync(join(dir, '.amlcdk'), join(bad, '.amlcdk'), { recursive: true });
    const store = new FileStateStore({ dir: join(bad, '.amlcdk'), onNotice: () => undefined });
    const st = (await store.load('Secrets'))!;
    const resources: Record<string, unknown> = { ...st.resources };
    resources[vmEntry[0]] = { ...(resources[vmEntry[0]] as object), applied: SECRETS.AMLCDK_REL_VM_PW };
    const plantedText = encodeState({ ...st, resources } as unknown as StackState, (st.serial ?? 1) + 1);
    writeFileSync(store.statePath('Secrets'), plantedText);
    await cli('plan on a bad state', bad, ['plan', '--manifest', 'out'], [1, 2]);
    await cli('state show on a bad state', bad, ['state', 'show', 'Secrets'], [1, 2]);
    // The planted file is this test's input, not amlcdk's output: it must be left as planted, then is not scanned.
    assert.equal(readFileSync(store.statePath('Secrets'), 'utf8'), plantedText, 'the refused state was not rewritten');
    rmSync(store.statePath('Secrets'));

    await cli('destroy --json', dir, ['destroy', '--manifest', 'out', '--yes', '--json']);

    // main-job: synth, check, plan, apply and re-plan in one go.
    // The program's findings are below critical (SSH with a password, public IPs…): fail on critical only, so the
    // job goes on to plan, apply and re-plan.
    const job = project('valid', 'vm-secret', { policy: { failOn: 'critical' } });
    // The embedded emulator (as `npm start`), not the test's: the stacks above deleted their key vault there.
    await cli('main-job', job, ['main-job'], [0], true);
    // The embedded emulator's own TLS key (made on this machine for 127.0.0.1) is not a planted secret: not scanned.
    rmSync(join(job, '.amlcdk', 'emulator', 'key.pem'), { force: true });

    // A failing apply: Azure fails the attached VM's create.
    const failing = project('valid', 'vm-fail');
    await cli('synth (vm-fail)', failing, ['synth']);
    await cli('apply (Azure fails the VM)', failing, ['apply', '--manifest', 'out', '--yes'], [1]);

    // The program misuses the secrets: a value where the name belongs, a token as publicKey.
    for (const variant of ['value-as-name', 'token-as-public-key'] as const) {
      const d = project(variant);
      await cli(`synth (${variant})`, d, ['synth'], [1, 2]);
    }

    let files = 0;
    for (const d of dirs) files += scan.scanDir(d, `${d.slice(h.dir.length + 1)}/`);
    for (const [label, r] of logs) {
      scan.scanText(`${label} stdout`, r.stdout);
      scan.scanText(`${label} stderr`, r.stderr);
    }
    record('secret-scan-commands', {
      commands: logs.map(([label, r]) => ({ label, code: r.code })),
      filesScanned: scan.filesScanned,
      textsScanned: scan.textsScanned,
      bytesScanned: scan.bytesScanned,
      secretsSeeded: Object.keys(SECRETS).length,
      secretsFound: scan.findings.length,
      findings: scan.findings,
    });
    assert.ok(files >= 20, `scanned the runs' files (${files})`);
    assert.deepEqual(scan.findings, [], 'no secret in any output, report, manifest, state or journal');
  });
});
