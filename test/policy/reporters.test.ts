/** Reporters: SARIF valid against the 2.1.0 schema, stable fingerprints; JUnit well-formed; JSON; text grouping. */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { check } from '../../lib/policy/engine.js';
import { renderSarif } from '../../lib/policy/reporters/sarif.js';
import { renderJunit } from '../../lib/policy/reporters/junit.js';
import { renderJson } from '../../lib/policy/reporters/json.js';
import { renderText } from '../../lib/policy/reporters/text.js';
import { renderMarkdown } from '../../lib/policy/reporters/markdown.js';
import pc from 'picocolors';
import * as f from './fixtures.js';
import { sarifErrors } from './sarif-schema.js';

function insecure() {
  const src = { file: 'infra/team.ts', line: 42, column: 5 };
  return f.manifest([
    f.workspace(
      { publicNetworkAccess: 'Enabled', managedNetwork: undefined, encryption: undefined },
      { tags: { owner: 'x' } },
      { source: { file: 'infra/team.ts', line: 10 } },
    ),
    f.cluster(
      'gpu',
      {
        vmSize: 'Standard_NC24ads_A100_v4',
        enableNodePublicIp: true,
        subnet: undefined,
        remoteLoginPortPublicAccess: 'Enabled',
        scaleSettings: { minNodeCount: 2, maxNodeCount: 32 },
      },
      { disableLocalAuth: false },
      {},
      {
        source: src,
        suppressions: [{ ruleId: 'AML-COST-001', reason: 'warm pool for the benchmark', declaredAt: 'Team/gpu' }],
      },
    ),
    f.nsg([
      ...f.AML_NSG_RULES,
      {
        name: 'ssh <any> & "all"',
        priority: 300,
        direction: 'Inbound',
        access: 'Allow',
        source: '0.0.0.0/0',
        port: '22',
      },
    ]),
  ]);
}

describe('reporters', () => {
  test('SARIF validates against the SARIF 2.1.0 schema and carries rules, locations, fingerprints and suppressions', () => {
    const report = check(insecure(), { profile: 'prod' });
    const doc = JSON.parse(renderSarif(report));
    assert.deepEqual(sarifErrors(doc), []);
    const run = doc.runs[0];
    assert.equal(doc.version, '2.1.0');
    assert.equal(run.tool.driver.name, 'amlcdk');
    assert.equal(run.tool.driver.rules.length, report.rules.length);
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    for (const r of run.results) {
      assert.equal(ids[r.ruleIndex], r.ruleId, 'ruleIndex points at the rule');
      assert.ok(r.partialFingerprints['amlcdk/v1']);
    }
    const gpu = run.results.find(
      (r: { ruleId: string; properties: { constructPath: string } }) =>
        r.ruleId === 'AML-NET-007' && r.properties.constructPath === 'Team/gpu',
    );
    assert.deepEqual(gpu.locations[0].physicalLocation, {
      artifactLocation: { uri: 'infra/team.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: 42, startColumn: 5 },
    });
    assert.equal(gpu.locations[0].logicalLocations[0].fullyQualifiedName, 'Team/gpu');
    assert.equal(gpu.level, 'error');
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'AML-NET-001');
    assert.equal(rule.properties['security-severity'], '9.5', 'prod severity critical');
    assert.ok(rule.help.markdown.includes('CKV_AZURE_144'));
    const sup = run.results.find((r: { ruleId: string }) => r.ruleId === 'AML-COST-001');
    assert.equal(sup.suppressions[0].justification, 'warm pool for the benchmark');
  });

  test('fingerprints are stable when the code moves but change with the construct path', () => {
    const a = check(insecure());
    const moved = insecure();
    const m2 = {
      ...moved,
      resources: moved.resources.map((r) =>
        r.source ? { ...r, source: { ...r.source, line: r.source.line + 30 } } : r,
      ),
    };
    const b = check(m2);
    assert.deepEqual(
      a.findings.map((x) => x.fingerprint),
      b.findings.map((x) => x.fingerprint),
    );
    const renamed = {
      ...moved,
      resources: moved.resources.map((r) => (r.logicalId === 'Team/gpu' ? { ...r, logicalId: 'Team/gpu2' } : r)),
    };
    const c = check(renamed);
    const fa = a.findings.find((x) => x.ruleId === 'AML-NET-007' && x.logicalId === 'Team/gpu')!.fingerprint;
    const fc = c.findings.find((x) => x.ruleId === 'AML-NET-007' && x.logicalId === 'Team/gpu2')!.fingerprint;
    assert.notEqual(fa, fc);
  });

  test('SARIF with Azure Policy results adds a second valid run', () => {
    const report = check(insecure(), {
      azurePolicy: {
        definitions: [
          {
            name: 'ws-public',
            displayName: 'Workspaces should disable public network access',
            mode: 'Indexed',
            policyRule: {
              if: {
                allOf: [
                  { field: 'type', equals: 'Microsoft.MachineLearningServices/workspaces' },
                  { field: 'Microsoft.MachineLearningServices/workspaces/publicNetworkAccess', notEquals: 'Disabled' },
                ],
              },
              then: { effect: 'Deny' },
            },
          },
        ],
      },
    });
    const doc = JSON.parse(renderSarif(report));
    assert.deepEqual(sarifErrors(doc), []);
    assert.equal(doc.runs.length, 2);
    assert.equal(doc.runs[1].results[0].level, 'error');
    assert.equal(report.failed, true);
  });

  test('SARIF points findings without a source line at the fallback file', () => {
    const m = f.manifest([f.workspace({ publicNetworkAccess: 'Enabled' })]);
    const doc = JSON.parse(renderSarif(check(m), { fallbackUri: 'amlcdk.out/Team.manifest.json' }));
    assert.deepEqual(sarifErrors(doc), []);
    assert.deepEqual(doc.runs[0].results[0].locations[0].physicalLocation, {
      artifactLocation: { uri: 'amlcdk.out/Team.manifest.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    const bare = JSON.parse(renderSarif(check(m)));
    assert.equal(bare.runs[0].results[0].locations[0].physicalLocation, undefined);
  });

  test('SARIF of a clean manifest is valid with zero results', () => {
    const doc = JSON.parse(renderSarif(check(f.manifest(f.secureResources()))));
    assert.deepEqual(sarifErrors(doc), []);
    assert.equal(doc.runs[0].results.length, 0);
  });

  test('the schema check itself rejects a broken log (the validator is live)', () => {
    assert.ok(
      sarifErrors({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ ruleId: 'x' }] }] }).length > 0,
    );
  });

  test('JUnit: failures at or above fail-on, suppressed as skipped, passes recorded, XML escaped', () => {
    const report = check(insecure(), { recordPasses: true, failOn: 'high' });
    const xml = renderJunit(report);
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    const tests = Number(/<testsuites[^>]* tests="(\d+)"/.exec(xml)![1]);
    const failures = Number(/<testsuites[^>]* failures="(\d+)"/.exec(xml)![1]);
    const caseCount = (xml.match(/<testcase /g) ?? []).length;
    assert.equal(tests, caseCount);
    assert.equal(failures, (xml.match(/<failure /g) ?? []).length);
    assert.ok(failures > 0);
    assert.match(
      xml,
      /<testcase name="AML-COST-001 [^"]*" classname="Team\.gpu" file="infra\/team.ts" line="42">\n\s+<skipped message="suppressed: warm pool for the benchmark"\/>/,
    );
    assert.ok(xml.includes('ssh &lt;any&gt; &amp; &quot;all&quot;'), 'escapes rule names');
    assert.ok(!/<testcase[^>]*ssh <any>/.test(xml));
    assert.ok(
      report.passes!.length > 0 && xml.includes('<testcase name="AML-NET-002 '),
      'passing rules appear as test cases',
    );
    // Balanced tags.
    assert.equal((xml.match(/<testcase /g) ?? []).length, (xml.match(/<\/testcase>|<testcase [^>]*\/>/g) ?? []).length);
  });

  test('JSON report: stable, complete and parseable', () => {
    const report = check(insecure());
    const a = renderJson(report);
    assert.equal(a, renderJson(check(insecure())), 'same input, same bytes');
    const doc = JSON.parse(a);
    assert.equal(doc.version, 1);
    assert.equal(doc.failed, true);
    assert.equal(doc.findings.length, report.findings.length);
    const f0 = doc.findings.find((x: { ruleId: string }) => x.ruleId === 'AML-NET-001');
    assert.equal(f0.provenance, 'set');
    assert.equal(f0.source.line, 10);
    assert.ok(doc.rules.every((r: { anchors: unknown }) => r.anchors));
  });

  test('markdown: verdict, counts, findings by severity with file:line, suppressed in a collapsed block', () => {
    const md = renderMarkdown(check(insecure()));
    assert.match(md, /^### amlcdk check: :x: \*\*failed\*\*/);
    assert.match(md, /\| high \| \d+ \|/);
    assert.match(md, /\| `AML-NET-007` \| `Team\/gpu` \| `infra\/team.ts:42` \|/);
    assert.match(md, /<details><summary>1 suppressed finding\(s\)<\/summary>[\s\S]*warm pool for the benchmark/);
    assert.ok(md.includes('ssh &lt;any&gt; &amp; "all"'), 'names are escaped, no raw HTML');
    assert.ok(!md.includes('<any>'));
    assert.match(renderMarkdown(check(f.manifest(f.secureResources()))), /:white_check_mark: \*\*passed\*\*/);
  });

  test('text: grouped by resource with file:line, value provenance and fix; colors only when asked', () => {
    const report = check(insecure());
    const plain = renderText(report);
    assert.ok(!plain.includes('\u001b['), 'no ANSI codes without colors');
    const gpuBlock = plain.split('\n\n').find((b) => b.startsWith('Team/gpu '))!;
    assert.match(
      gpuBlock,
      /^Team\/gpu \(Microsoft\.MachineLearningServices\/workspaces\/computes gpu\) infra\/team\.ts:42/,
    );
    assert.match(
      gpuBlock,
      /HIGH\s+AML-NET-007 .*\n\s+value: properties\.properties\.enableNodePublicIp = true \(set\)\n\s+fix: /,
    );
    const ws = plain.split('\n\n').find((b) => b.startsWith('Team/Workspace '))!;
    assert.match(ws, /value: properties\.encryption\.status = Disabled \(defaulted: API default\)/);
    assert.match(plain, /FAILED: \d+ at or above high/);
    const colored = renderText(report, { colors: pc.createColors(true) });
    assert.ok(colored.includes('\u001b['));
  });
});
