/**
 * Secret scanning (issue 8 item 3). Seeded secret values flow through a real run: a program with a cluster
 * admin (SSH) password, an attached VM's admin password and private key, and a Databricks access token, all as
 * `Secret.fromEnv` references, is synthesized by `amlcdk synth`, planned (`plan`, `plan --json`,
 * `plan --out`), applied (an apply SIGKILLed mid-run so its journal stays on disk, then the rerun), and
 * re-planned, with the values in the environment. Every file under the run's directory (manifests, saved plan,
 * state, previous state, journal, locks) and every captured stdout/stderr is scanned for the values, for the
 * storage keys the emulator returns from listKeys, and for generic secret shapes. Expect 0 findings.
 * The scanner itself is checked first: it must find planted secrets, or "0 found" would prove nothing.
 */
import { test, describe, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, type Harness } from '../e2e/harness.js';
import { killAll, runCli, startCli, type CliResult } from '../helpers/cli.js';
import { record } from './support.js';
import { KEY_BODY, SECRETS, SecretScanner, TSX, secretsProgram } from './secret-scan.js';

describe('secret scanning', () => {
  test('the scanner finds planted secrets (known values, escaped in JSON, generic shapes) and ignores masked values', () => {
    const scan = new SecretScanner({ pw: 'hunter2-but-longer', key: SECRETS.AMLCDK_REL_VM_KEY });
    assert.equal(scan.scanText('plain', 'user hunter2-but-longer here').length, 1);
    assert.equal(
      scan
        .scanText('json', JSON.stringify({ k: SECRETS.AMLCDK_REL_VM_KEY }))
        .some((f) => f.kind === 'known secret key'),
      true,
    );
    const generic = [
      'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy==;',
      'https://x.blob.core.windows.net/c?sv=2024&sig=abcdEFGH1234abcdEFGH1234abcd%3D',
      'Endpoint=sb://x/;SharedAccessKeyName=root;SharedAccessKey=abcdEFGH1234abcdEFGH1234abcd=',
      '-----BEGIN RSA PRIVATE KEY-----',
      '{"adminUserPassword":"P@ssw0rd-real"}',
    ];
    for (const g of generic) assert.equal(scan.scanText('generic', g).length, 1, g);
    for (const ok of [
      '{"adminUserPassword":"(sensitive)"}',
      '{"password":{"secretRef":"env:X"}}',
      '{"password":"***"}',
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcm me',
    ]) {
      assert.deepEqual(scan.scanText('masked', ok), [], ok);
    }
    assert.throws(() => new SecretScanner({ short: 'abc' }));
  });

  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      quotas: { cpuDefault: 1_000_000 },
      // Computes take a moment so the kill lands mid-run and leaves a journal.
      durations: {
        default: { create: 0, update: 0, delete: 0, action: 0 },
        types: { 'Microsoft.MachineLearningServices/workspaces/computes': { create: 400 } },
      },
    });
  });
  afterAll(async () => {
    killAll();
    await h?.close();
  });

  test('seeded secrets through synth, plan, apply (killed, then resumed), state, journal and CLI logs: 0 found', async () => {
    const dir = mkdtempSync(join(h.dir, 'run-'));
    writeFileSync(join(dir, 'main.ts'), secretsProgram());
    writeFileSync(join(dir, 'amlcdk.json'), JSON.stringify({ app: `"${TSX}" main.ts`, outdir: 'out' }));
    const env = { ...SECRETS };
    const scan = new SecretScanner({ ...SECRETS, AMLCDK_REL_VM_KEY_LINE: KEY_BODY });
    const logs: [string, CliResult][] = [];
    const cli = async (label: string, args: string[], expectCode = 0): Promise<CliResult> => {
      const r = await runCli(args, dir, { emu: h.emu, env });
      logs.push([label, r]);
      assert.equal(r.code, expectCode, `${label}:\n${r.stdout}${r.stderr}`);
      return r;
    };

    await cli('synth', ['synth']);
    const manifestFile = join(dir, 'out', 'Secrets.manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { resources: { secrets?: string[] }[] };
    const refs = manifest.resources.flatMap((r) => r.secrets ?? []);
    assert.equal(refs.length, 4, `four secret references in the manifest: ${JSON.stringify(refs)}`);
    await cli('plan', ['plan', '--manifest', 'out']);
    await cli('plan --json --out', ['plan', '--manifest', 'out', '--json', '--out', 'saved.plan.json']);

    // An apply killed after a few writes leaves its journal on disk (scanned below), then the rerun resumes.
    const killed = startCli(['apply', '--manifest', 'out', '--yes'], dir, { emu: h.emu, env });
    const base = h.emu.counters().writes;
    const watch = setInterval(() => {
      if (h.emu.counters().writes - base >= 4) killed.child.kill('SIGKILL');
    }, 2);
    const k = await killed.done.finally(() => clearInterval(watch));
    logs.push(['apply (killed)', k]);
    let journalScanned = false;
    try {
      const journal = readFileSync(join(dir, '.amlcdk', 'journal', 'Secrets.jsonl'), 'utf8');
      journalScanned = journal.length > 0;
    } catch {
      /* the apply finished before the kill: no journal left */
    }
    scan.scanDir(dir, 'after-kill/');
    // The killed run's lock is taken over by the rerun itself (same host, pid gone).
    await cli('apply', ['apply', '--manifest', 'out', '--yes']);
    await cli('apply again (no changes)', ['apply', '--manifest', 'out', '--yes', '--json']);
    await cli('plan after apply', ['plan', '--manifest', 'out', '--json']);

    // Storage keys the emulator hands out: scanned for too.
    const storage = Object.keys(h.emu.counters().creates).find((id) =>
      /\/providers\/microsoft\.storage\/storageaccounts\/[^/]+$/.test(id),
    );
    assert.ok(storage, 'the workspace created a storage account');
    const keys = await h.emu.request('POST', `${storage}/listKeys?api-version=2025-01-01`);
    assert.equal(keys.status, 200);
    for (const key of keys.body.keys as { keyName: string; value: string }[])
      scan.addValue(`storage ${key.keyName}`, key.value);

    const files = scan.scanDir(dir, 'final/');
    for (const [label, r] of logs) {
      scan.scanText(`${label} stdout`, r.stdout);
      scan.scanText(`${label} stderr`, r.stderr);
    }
    // The values were resolved and sent: without them the apply would have stopped with SecretUnresolved.
    const figures = {
      filesScanned: scan.filesScanned,
      textsScanned: scan.textsScanned,
      bytesScanned: scan.bytesScanned,
      secretsSeeded: Object.keys(SECRETS).length,
      journalScanned,
      killedMidRun: k.signal === 'SIGKILL',
      secretsFound: scan.findings.length,
      findings: scan.findings,
    };
    record('secret-scan', figures);
    assert.ok(files >= 5, `scanned the run's files (${files})`);
    assert.deepEqual(scan.findings, [], 'no secret in any manifest, plan, state, journal or log');
  });
});
