/**
 * The app runner against real programs (plain `node` scripts, real process trees): `--app-timeout` / "appTimeout"
 * stops a program that never exits together with everything it started and leaves no staging dir; Ctrl-C does the
 * same; junk synth reports, an outdir that is a file and an unreadable AMLCDK_ARM_CA_FILE are coded errors.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import { importProgram } from '../helpers/import-program.js';
import { STACK_TRACE, killAll, runCli, startCli } from '../helpers/cli.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'amlcdk-runner-'));
});
afterAll(() => {
  killAll();
  rmSync(tmp, { recursive: true, force: true });
});

/** A program that starts a grandchild (recording its pid), then never exits. */
function hangingProject(config: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmp, 'hang-'));
  writeFileSync(
    join(dir, 'hang.mjs'),
    [
      `import { spawn } from 'node:child_process';`,
      `import { writeFileSync } from 'node:fs';`,
      `const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });`,
      `writeFileSync('grandchild.pid', String(g.pid));`,
      `process.stderr.write('working...\\n');`,
      `setInterval(() => {}, 1000);`,
    ].join('\n'),
  );
  writeFileSync(join(dir, 'amlcdk.json'), JSON.stringify({ app: 'node hang.mjs', outdir: 'out', ...config }));
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `pid` is gone within a few seconds (a killed process may take a moment to be reaped). */
async function goneSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

const stagingDirs = (dir: string): string[] =>
  existsSync(join(dir, 'out')) ? [...readdirSync(join(dir, 'out'))].filter((f) => f.startsWith('.staging-')) : [];

describe('app runner', () => {
  test('--app-timeout: a program that never exits is stopped with its process tree, AppTimeout, no staging dir left', async () => {
    const dir = hangingProject();
    const r = await runCli(['synth', '--app-timeout', '6s'], dir, { timeoutMs: 60_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /AppTimeout: the app command `node hang\.mjs` did not finish within 6 s/);
    assert.match(r.stderr, /working\.\.\./);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
    assert.deepEqual(stagingDirs(dir), []);
    const pid = Number(readFileSync(join(dir, 'grandchild.pid'), 'utf8'));
    assert.equal(await goneSoon(pid), true, `grandchild ${pid} still runs`);
  });

  test('"appTimeout" in amlcdk.json applies without the flag; a bad value is InvalidAppTimeout (exit 2)', async () => {
    const dir = hangingProject({ appTimeout: '1s' });
    const r = await runCli(['synth'], dir, { timeoutMs: 60_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /AppTimeout: .* within 1 s/);
    assert.deepEqual(stagingDirs(dir), []);
    const bad = hangingProject({ appTimeout: 'soon' });
    const b = await runCli(['synth'], bad);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /InvalidAppTimeout: "appTimeout" in amlcdk\.json must be a duration/);
    const flag = await runCli(['synth', '--app-timeout', '0s'], bad);
    assert.match(flag.stderr, /InvalidAppTimeout: --app-timeout must be a duration/);
  });

  test('SIGINT while the program runs: the program tree is stopped, the staging dir removed, exit 130', async () => {
    const dir = hangingProject();
    const run = startCli(['synth'], dir, { timeoutMs: 60_000 });
    const pidFile = join(dir, 'grandchild.pid');
    for (let i = 0; i < 600 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(existsSync(pidFile), true, 'the program did not start');
    assert.equal(stagingDirs(dir).length, 1);
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /stopped by SIGINT/);
    assert.deepEqual(stagingDirs(dir), []);
    assert.equal(await goneSoon(Number(readFileSync(pidFile, 'utf8'))), true);
  });

  test('a junk synth report is SynthReportInvalid, not a TypeError', async () => {
    for (const junk of [
      'not json',
      '{"ok":true,"manifests":[42],"diagnostics":[]}',
      '{"ok":false,"diagnostics":[null]}',
    ]) {
      const dir = mkdtempSync(join(tmp, 'junk-'));
      writeFileSync(
        join(dir, 'junk.mjs'),
        `import { writeFileSync } from 'node:fs';\nwriteFileSync(process.env.AMLCDK_OUTDIR + '/synth-report.json', ${JSON.stringify(junk)});\n`,
      );
      const r = await runCli(['synth', '--app', 'node junk.mjs', '-o', 'out'], dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /SynthReportInvalid/);
      assert.doesNotMatch(r.stderr, STACK_TRACE);
      assert.doesNotMatch(r.stderr, /TypeError|internal error/i);
      assert.deepEqual(stagingDirs(dir), []);
    }
  });

  test('synth -o <an existing file> is OutdirNotDirectory (exit 2)', async () => {
    const dir = mkdtempSync(join(tmp, 'outfile-'));
    writeFileSync(join(dir, 'taken'), 'x');
    const r = await runCli(['synth', '--app', 'node -e 0', '-o', 'taken'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /OutdirNotDirectory: the output directory taken is a file/);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
    assert.equal(readFileSync(join(dir, 'taken'), 'utf8'), 'x');
  });

  test('AMLCDK_ARM_CA_FILE naming a missing file or a non-PEM file is ArmCaFileUnreadable (exit 2)', async () => {
    const dir = mkdtempSync(join(tmp, 'ca-'));
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', 'Team.manifest.json'), canonicalJson(importProgram(), 2));
    writeFileSync(join(dir, 'junk.pem'), 'hello');
    for (const ca of [join(dir, 'nowhere.pem'), join(dir, 'junk.pem')]) {
      const r = await runCli(['plan', '--manifest', 'm'], dir, {
        env: { AMLCDK_ARM_ENDPOINT: 'https://127.0.0.1:9', AMLCDK_ARM_CA_FILE: ca },
      });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /ArmCaFileUnreadable/);
      assert.doesNotMatch(r.stderr, STACK_TRACE);
    }
  });

  test('a failing file read is a coded error without a stack trace; --verbose and AMLCDK_DEBUG add the trace', async () => {
    const dir = mkdtempSync(join(tmp, 'verbose-'));
    // A directory where a manifest file belongs: the read fails with EISDIR.
    mkdirSync(join(dir, 'm', 'x.manifest.json'), { recursive: true });
    const r = await runCli(['plan', '--manifest', 'm'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error .*[A-Z][A-Za-z]+: /m);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
    const v = await runCli(['plan', '--manifest', 'm', '--verbose'], dir);
    assert.equal(v.code, 2);
    assert.match(v.stderr, STACK_TRACE);
    const d = await runCli(['plan', '--manifest', 'm'], dir, { env: { AMLCDK_DEBUG: '1' } });
    assert.equal(d.code, 2);
    assert.match(d.stderr, STACK_TRACE);
  });
});
