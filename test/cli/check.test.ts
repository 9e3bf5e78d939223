/**
 * `amlcdk check`: exit codes, formats, options, config files and Azure Policy input, on manifest files written to
 * a temp dir (in process), plus end-to-end runs of the real CLI on the examples (subprocess).
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { main } from '../../lib/cli/main.js';
import { resolveCheckOptions, runCheck } from '../../lib/cli/commands/check.js';
import { InputError, UsageError } from '../../lib/core/errors.js';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import type { Manifest } from '../../lib/manifest/types.js';
import * as f from '../policy/fixtures.js';
import { sarifErrors } from '../policy/sarif-schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AZPOL = join(ROOT, 'test/fixtures/policy/azure-policy');
const AZPOL_PARAMS = join(ROOT, 'test/fixtures/policy/azure-policy-params.json');
const AZPOL_AUDIT = join(ROOT, 'test/fixtures/policy/azure-policy-params-audit.json');
let dir: string;

function writeManifest(name: string, m: Manifest): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const file = join(d, `${m.stack.name}.manifest.json`);
  writeFileSync(file, canonicalJson(m, 2));
  return file;
}

class Capture extends Writable {
  public text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function run(args: string[]): Promise<number> {
  // node:test sets process.exitCode when a test fails; main() reports it, so start from a clean slate.
  process.exitCode = undefined;
  return main(['node', 'amlcdk', 'check', ...args]);
}

let secure: string;
let insecure: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'amlcdk-check-'));
  secure = writeManifest('secure', f.manifest(f.secureResources()));
  insecure = writeManifest(
    'insecure',
    f.manifest([
      f.workspace({ publicNetworkAccess: 'Enabled' }),
      f.cluster('gpu', { vmSize: 'Standard_NC24ads_A100_v4', scaleSettings: { minNodeCount: 1, maxNodeCount: 8 } }),
      f.instance('ci-alice', { idleTimeBeforeShutdown: 'PT90M' }),
    ]),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('amlcdk check (in process)', () => {
  test('exit 0 on a clean manifest, with the report written to --output', async () => {
    const out = join(dir, 'clean.txt');
    assert.equal(await run(['--manifest', secure, '--output', out]), 0);
    assert.match(readFileSync(out, 'utf8'), /no findings in 12 resource\(s\), 1 stack\(s\), profile dev: passed/);
  });

  test('exit 1 on findings at or above --fail-on; 0 when the bar is higher', async () => {
    const out = join(dir, 'r.json');
    assert.equal(await run(['--manifest', insecure, '--format', 'json', '--output', out]), 1);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.ok(doc.findings.some((x: { ruleId: string }) => x.ruleId === 'AML-NET-001'));
    assert.equal(await run(['--manifest', insecure, '--fail-on', 'critical', '--output', out]), 0);
    assert.equal(
      await run(['--manifest', insecure, '--fail-on', 'critical', '--profile', 'prod', '--output', out]),
      1,
      'NET-001 is critical under prod',
    );
  });

  test('--pack limits the rules; packs may be repeated or comma-separated', async () => {
    const out = join(dir, 'cost.json');
    assert.equal(
      await run(['--manifest', insecure, '--format', 'json', '--output', out, '--pack', 'cost', '--fail-on', 'high']),
      1,
      'GPU min nodes 1 is high',
    );
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual([...new Set(doc.findings.map((x: { pack: string }) => x.pack))], ['cost']);
    assert.equal(
      await run(['--manifest', insecure, '--format', 'json', '--output', out, '--pack', 'network,identity']),
      1,
    );
    const packs = new Set(JSON.parse(readFileSync(out, 'utf8')).findings.map((x: { pack: string }) => x.pack));
    assert.ok(
      packs.has('network') && !packs.has('cost') && [...packs].every((p) => p === 'network' || p === 'identity'),
    );
  });

  test('--include-passes adds compliance rows to the JSON report', async () => {
    const out = join(dir, 'passes.json');
    assert.equal(await run(['--manifest', secure, '--format', 'json', '--include-passes', '--output', out]), 0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.ok(
      doc.passes.some(
        (p: { ruleId: string; logicalId: string }) => p.ruleId === 'AML-NET-001' && p.logicalId === 'Team/Workspace',
      ),
    );
    assert.equal(await run(['--manifest', secure, '--format', 'json', '--output', out]), 0);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).passes, undefined);
  });

  test('SARIF and JUnit outputs', async () => {
    const sarif = join(dir, 'r.sarif');
    assert.equal(await run(['--manifest', insecure, '--format', 'sarif', '--output', sarif]), 1);
    assert.deepEqual(sarifErrors(JSON.parse(readFileSync(sarif, 'utf8'))), []);
    const junit = join(dir, 'r.xml');
    assert.equal(await run(['--manifest', secure, '--format', 'junit', '--output', junit]), 0);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="amlcdk check" tests="\d+" failures="0"/);
    assert.ok((xml.match(/<testcase /g) ?? []).length > 50, 'passing rule/resource pairs are test cases');
  });

  test('--azure-policy adds offline Azure Policy results; a Deny fails the check', async () => {
    const out = join(dir, 'az.json');
    assert.equal(
      await run([
        '--manifest',
        secure,
        '--azure-policy',
        AZPOL,
        '--azure-policy-params',
        AZPOL_AUDIT,
        '--format',
        'json',
        '--output',
        out,
      ]),
      0,
      'audits do not fail',
    );
    assert.ok(JSON.parse(readFileSync(out, 'utf8')).azurePolicy.length > 0);
    assert.equal(
      await run([
        '--manifest',
        insecure,
        '--azure-policy',
        AZPOL,
        '--azure-policy-params',
        AZPOL_PARAMS,
        '--format',
        'json',
        '--output',
        out,
        '--fail-on',
        'critical',
      ]),
      1,
    );
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.ok(
      doc.azurePolicy.some(
        (a: { outcome: string; definition: string }) =>
          a.outcome === 'Deny' && a.definition === '438c38d2-3772-465a-a9cc-7a6666a275ce',
      ),
    );
    assert.ok(doc.summary.azurePolicyDeny > 0);
  });

  test('usage and input errors exit 2', async () => {
    assert.equal(await run(['--manifest', secure, '--format', 'xml']), 2);
    assert.equal(await run(['--manifest', secure, '--fail-on', 'severe']), 2);
    assert.equal(await run(['--manifest', secure, '--pack', 'secrets']), 2);
    assert.equal(await run(['--manifest', secure, '--profile', 'staging']), 2);
    assert.equal(await run(['--manifest', secure, '--app', 'tsx main.ts']), 2);
    assert.equal(await run(['--manifest', join(dir, 'nope')]), 2);
    assert.equal(await run(['--manifest', secure, '--azure-policy-params', AZPOL_PARAMS]), 2);
    assert.equal(await run(['--manifest', secure, '--azure-policy', join(dir, 'nope.json')]), 2);
    assert.equal(await run(['--manifest', secure, '--config', join(dir, 'nope.yaml')]), 2);
    assert.equal(await run(['--manifest', secure, '--no-such-flag']), 2);
    assert.equal(
      await run(['--manifest', secure, '--output', join(secure, 'report.txt')]),
      2,
      'OutputNotWritable: the parent is a file',
    );
    const tampered = join(dir, 'tampered');
    mkdirSync(tampered);
    const m = JSON.parse(readFileSync(secure, 'utf8'));
    m.resources[0].body.properties.publicNetworkAccess = 'Enabled';
    writeFileSync(join(tampered, 'Team.manifest.json'), JSON.stringify(m));
    assert.equal(await run(['--manifest', tampered]), 2, 'a hand-edited manifest is refused');
  });

  test('--manifest validates every body: a hand-made compute without computeType is refused with resource and line', async () => {
    const ci = f.instance('ci-nokind');
    const { computeType: _drop, ...props } = ci.body.properties as Record<string, unknown>;
    const file = writeManifest(
      'nokind',
      f.manifest([f.workspace(), { ...ci, body: { ...ci.body, properties: props } }]),
    );
    const text = readFileSync(file, 'utf8');
    const err = await runCheck({ manifest: file }, new Capture() as unknown as NodeJS.WriteStream, dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof InputError, String(err));
    assert.equal(err.code, 'ManifestSchemaInvalid');
    assert.match(
      err.message,
      /resource Team\/ci-nokind \(Microsoft\.MachineLearningServices\/workspaces\/computes\) body/,
    );
    assert.match(err.message, /computeType/);
    // The line of the resource's body in the file.
    const bodyLine =
      text.split('\n').findIndex((l, i, all) => /"body"/.test(l) && all.slice(i).join('\n').includes('ci-nokind')) + 1;
    assert.ok(err.line !== undefined && err.line >= bodyLine, `line ${err.line} >= ${bodyLine}`);
    assert.equal(await run(['--manifest', file]), 2);
  });

  test('the hand-made manifest of docs/policy.md follows the documented hash rule and passes the checks', async () => {
    const md = readFileSync(join(ROOT, 'docs/policy.md'), 'utf8');
    const block = /<!-- hand-made-manifest-example -->\n```json\n([\s\S]*?)\n```/.exec(md);
    assert.ok(block, 'the example is in docs/policy.md');
    const doc = JSON.parse(block[1]) as Record<string, unknown>;
    // The rule as documented, written out independently of lib/manifest/canonical.ts.
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v;
    const { hash, ...rest } = doc;
    assert.equal(
      hash,
      `sha256:${createHash('sha256')
        .update(JSON.stringify(sorted(rest)))
        .digest('hex')}`,
    );
    const d = join(dir, 'handmade');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'Handmade.manifest.json'), block[1]);
    const out = join(dir, 'handmade.json');
    assert.equal(await run(['--manifest', d, '--format', 'json', '--output', out]), 1, 'findings, not an input error');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(report.resourceCount, 2);
    assert.ok(report.findings.some((x: { ruleId: string }) => x.ruleId === 'AML-NET-007'));
  });

  test('--app: a failed synthesis exits 1 with its diagnostics; an app that never synthesizes exits 2', async () => {
    const proj = join(dir, 'apps');
    mkdirSync(proj, { recursive: true });
    writeFileSync(
      join(proj, 'fail.cjs'),
      "require('fs').writeFileSync(require('path').join(process.env.AMLCDK_OUTDIR, 'synth-report.json'), JSON.stringify({ ok: false, manifests: [], diagnostics: [{ level: 'error', code: 'MaxNodesBelowMin', path: 'Team/Gpu', message: 'maxNodeCount (2) must be >= minNodeCount (4)' }] }));\n",
    );
    writeFileSync(join(proj, 'crash.cjs'), 'process.exit(3);\n');
    const out = new Capture();
    assert.equal(
      await runCheck(
        { app: `"${process.execPath}" fail.cjs`, outdir: 'out' },
        out as unknown as NodeJS.WriteStream,
        proj,
      ),
      1,
    );
    await assert.rejects(
      runCheck({ app: `"${process.execPath}" crash.cjs`, outdir: 'out' }, out as unknown as NodeJS.WriteStream, proj),
      (e: unknown) => e instanceof InputError && e.code === 'AppFailed',
    );
    process.exitCode = undefined;
  });

  test('the text report is colored on a terminal only', async () => {
    const plain = new Capture();
    await runCheck({ manifest: insecure }, plain as unknown as NodeJS.WriteStream, dir);
    assert.ok(!plain.text.includes('\u001b['));
    assert.match(plain.text, /HIGH\s+AML-NET-001/);
    const tty = Object.assign(new Capture(), { isTTY: true });
    const saved = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    try {
      await runCheck({ manifest: insecure }, tty as unknown as NodeJS.WriteStream, dir);
    } finally {
      if (saved !== undefined) process.env.NO_COLOR = saved;
    }
    assert.ok(tty.text.includes('\u001b['), 'ANSI colors on a TTY');
    process.exitCode = undefined;
  });

  test('option errors carry codes', () => {
    assert.throws(
      () => resolveCheckOptions({ format: 'xml' }, dir),
      (e: unknown) =>
        e instanceof UsageError && /--format "xml" is not one of text, json, sarif, junit/.test(e.message),
    );
  });

  test('a policy config file sets profile, thresholds and rule overrides; its errors name the line', async () => {
    const cfg = join(dir, 'policy.yaml');
    writeFileSync(
      cfg,
      'profile: dev\nthresholds:\n  gpuClusterMaxNodes: 2\nrules:\n  AML-COST-001:\n    enabled: false\n  AML-NET-001:\n    severity: low\n',
    );
    const out = new Capture();
    const code = await runCheck(
      { manifest: insecure, config: cfg, format: 'json' },
      out as unknown as NodeJS.WriteStream,
      dir,
    );
    const doc = JSON.parse(out.text);
    assert.ok(!doc.findings.some((x: { ruleId: string }) => x.ruleId === 'AML-COST-001'), 'rule disabled');
    assert.equal(doc.findings.find((x: { ruleId: string }) => x.ruleId === 'AML-NET-001').severity, 'low');
    assert.match(
      doc.findings.find((x: { ruleId: string }) => x.ruleId === 'AML-COST-002').message,
      /caps GPU clusters at 2/,
    );
    assert.equal(typeof code, 'number');

    writeFileSync(cfg, 'profile: dev\nthresholds:\n  gpuClusterMaxNode: 2\n');
    assert.throws(
      () => resolveCheckOptions({ config: cfg }, dir),
      (e: unknown) =>
        e instanceof InputError &&
        e.code === 'PolicyConfigInvalid' &&
        e.line === 3 &&
        /^thresholds\.gpuClusterMaxNode is not a known setting; known: instanceIdleShutdownMaxMinutes, /.test(
          e.message,
        ),
    );
    writeFileSync(cfg, 'rules:\n  AML-NET-999:\n    enabled: false\n');
    assert.throws(
      () => resolveCheckOptions({ config: cfg }, dir),
      (e: unknown) => e instanceof InputError && e.code === 'PolicyConfigUnknownRule' && e.line === 2,
    );
    writeFileSync(cfg, 'failOn: severe\n');
    assert.throws(
      () => resolveCheckOptions({ config: cfg }, dir),
      (e: unknown) => e instanceof InputError && /must be one of "critical"/.test(e.message) && e.line === 1,
    );
    writeFileSync(cfg, 'thresholds: [\n');
    assert.throws(() => resolveCheckOptions({ config: cfg }, dir), { code: 'PolicyConfigInvalidSyntax' });
  });

  test('amlcdk.json supplies the profile and an inline policy config; flags win', async () => {
    const proj = join(dir, 'proj');
    mkdirSync(proj);
    writeFileSync(
      join(proj, 'amlcdk.json'),
      JSON.stringify({ profile: 'prod', policy: { failOn: 'critical', packs: ['network'] } }),
    );
    const a = resolveCheckOptions({}, proj).options;
    assert.equal(a.profile, 'prod');
    assert.equal(a.failOn, 'critical');
    assert.deepEqual(a.packs, ['network']);
    const b = resolveCheckOptions({ profile: 'dev', failOn: 'low', pack: ['cost'] }, proj).options;
    assert.equal(b.profile, 'dev');
    assert.equal(b.failOn, 'low');
    assert.deepEqual(b.packs, ['cost']);
  });
});

describe('amlcdk check end to end (the real CLI on the examples)', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/amlcdk.js'), 'check', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
  const exampleLine = (file: string, needle: string): number =>
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1;

  test('examples/insecure exits 1 and reports every violation it was written to contain, at the right lines', () => {
    const outdir = join(dir, 'insecure-out');
    const r = cli(['--app', 'npx tsx examples/insecure/main.ts', '--outdir', outdir, '--format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    const ids = new Set(
      doc.findings.filter((x: { suppressed?: unknown }) => !x.suppressed).map((x: { ruleId: string }) => x.ruleId),
    );
    // From examples/insecure/README.md: public workspace, local auth, SSH open to 0.0.0.0/0 on public IPs for an
    // instance and a cluster, no idle shutdown or schedule, min 2 / max 100 dedicated nodes, no tags.
    for (const id of [
      'AML-NET-001',
      'AML-IAM-001',
      'AML-NET-007',
      'AML-NET-008',
      'AML-NET-009',
      'AML-NET-011',
      'AML-COST-004',
      'AML-COST-001',
      'AML-COST-002',
      'AML-COST-007',
      'AML-GOV-001',
    ]) {
      assert.ok(ids.has(id), `missing ${id}; got ${[...ids].join(', ')}`);
    }

    // SARIF from the same manifests: valid, and each location is the line of the construct's `new`.
    const s = cli(['--manifest', outdir, '--format', 'sarif']);
    assert.equal(s.status, 1, s.stderr);
    const sarif = JSON.parse(s.stdout);
    assert.deepEqual(sarifErrors(sarif), []);
    const loc = (construct: string, rule: string) =>
      sarif.runs[0].results.find(
        (x: { ruleId: string; properties: { constructPath: string } }) =>
          x.ruleId === rule && x.properties.constructPath === construct,
      )?.locations[0].physicalLocation;
    const file = 'examples/insecure/stack.ts';
    assert.deepEqual(loc('Insecure/Workspace/OpenInstance', 'AML-NET-009')?.artifactLocation.uri, file);
    assert.equal(
      loc('Insecure/Workspace/OpenInstance', 'AML-NET-009')?.region.startLine,
      exampleLine(file, "new ComputeInstance(ws, 'OpenInstance'"),
    );
    assert.equal(
      loc('Insecure/Workspace/BigCluster', 'AML-NET-008')?.region.startLine,
      exampleLine(file, "new ComputeCluster(ws, 'BigCluster'"),
    );
    assert.equal(
      loc('Insecure/Workspace', 'AML-NET-001')?.region.startLine,
      exampleLine(file, "new Workspace(this, 'Workspace'"),
    );
  });

  test('examples/secure-gpu-team has no finding at High or above', () => {
    const r = cli([
      '--app',
      'npx tsx examples/secure-gpu-team/main.ts',
      '--outdir',
      join(dir, 'sgt-out'),
      '--format',
      'json',
      '--fail-on',
      'high',
    ]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout);
    const high = doc.findings.filter(
      (x: { severity: string; suppressed?: unknown }) =>
        !x.suppressed && (x.severity === 'high' || x.severity === 'critical'),
    );
    assert.deepEqual(
      high.map((x: { ruleId: string; logicalId: string }) => `${x.ruleId}@${x.logicalId}`),
      [],
    );
    assert.ok(doc.resourceCount > 10);
  });
});
