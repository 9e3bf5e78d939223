/**
 * Every rule has a compliant case (the rule ran and passed), a non-compliant case and, where the API has a
 * default, a defaulted case whose finding says so. Resources are hand-written in ARM body shapes.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { check } from '../../lib/policy/engine.js';
import { BUILTIN_RULES } from '../../lib/policy/rules/index.js';
import { POLICY_CONFIG_SCHEMA } from '../../lib/policy/config.js';
import * as f from './fixtures.js';
import { NOW, RULE_CASES, withR } from './rule-cases.js';

const cases = RULE_CASES;

describe('rules: compliant, non-compliant, defaulted', () => {
  for (const c of cases) {
    test(`${c.rule} ${c.kind}: ${c.name}`, () => {
      const report = check(f.manifest(c.resources()), { recordPasses: true, now: NOW, ...c.opts });
      const mine = report.findings.filter((x) => x.ruleId === c.rule && x.logicalId === c.on);
      if (c.kind === 'compliant') {
        assert.deepEqual(
          mine.map((m) => m.message),
          [],
          'no finding expected',
        );
        assert.ok(
          report.passes!.some((p) => p.ruleId === c.rule && p.logicalId === c.on),
          `${c.rule} must have run and passed on ${c.on}`,
        );
        return;
      }
      assert.ok(
        mine.length > 0,
        `expected a ${c.rule} finding on ${c.on}; got ${report.findings.map((x) => `${x.ruleId}@${x.logicalId}`).join(', ')}`,
      );
      if (c.severity) assert.equal(mine[0].severity, c.severity);
      if (c.kind === 'defaulted')
        assert.ok(
          mine.some((m) => m.provenance === 'defaulted' || m.provenance === 'unknown'),
          'the finding says the value was not set',
        );
      else
        assert.ok(
          mine.some((m) => m.provenance === 'set'),
          'the finding says the value was set',
        );
      for (const m of mine) {
        assert.ok(m.fix.length > 10, 'has a fix');
        assert.ok(m.message.length > 10, 'has a message');
      }
    });
  }

  test('every non-meta rule has a compliant and a non-compliant case', () => {
    for (const r of BUILTIN_RULES) {
      if (r.pack === 'meta') continue;
      const mine = cases.filter((c) => c.rule === r.id);
      assert.ok(
        mine.some((c) => c.kind === 'compliant'),
        `${r.id} lacks a compliant case`,
      );
      assert.ok(
        mine.some((c) => c.kind !== 'compliant'),
        `${r.id} lacks a non-compliant case`,
      );
    }
  });

  test('there are at least 35 rules across the six packs, ids unique', () => {
    const nonMeta = BUILTIN_RULES.filter((r) => r.pack !== 'meta');
    assert.ok(nonMeta.length >= 35, `only ${nonMeta.length} rules`);
    assert.equal(new Set(BUILTIN_RULES.map((r) => r.id)).size, BUILTIN_RULES.length);
    assert.deepEqual([...new Set(nonMeta.map((r) => r.pack))].sort(), [
      'cost',
      'identity',
      'network',
      'reliability',
      'security',
      'tagging',
    ]);
    const thresholdNames = Object.keys(POLICY_CONFIG_SCHEMA.properties.thresholds.properties);
    for (const r of BUILTIN_RULES) {
      for (const k of r.thresholdKeys ?? [])
        assert.ok(thresholdNames.includes(k), `${r.id} names an unknown threshold ${k}`);
      assert.match(r.id, /^AML-[A-Z]+-\d{3}$/);
      assert.ok(r.rationale.length > 20 && r.title.length > 5, `${r.id} metadata`);
    }
  });

  test('the secure baseline has no finding in either profile', () => {
    for (const profile of ['dev', 'prod'] as const) {
      const report = check(f.manifest(f.secureResources()), { profile });
      assert.deepEqual(
        report.findings.map((x) => `${x.ruleId}@${x.logicalId}: ${x.message}`),
        [],
      );
      assert.equal(report.failed, false);
    }
  });

  test('attached compute is out of scope for managed-compute rules (PSRule false positives)', () => {
    const report = check(
      f.manifest(
        withR(
          f.attached(
            'k8s',
            'Kubernetes',
            `/subscriptions/${f.SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks`,
          ),
        ),
      ),
    );
    assert.deepEqual(
      report.findings.filter((x) => x.logicalId === 'Team/k8s').map((x) => x.ruleId),
      [],
    );
  });

  test('plaintext secrets are masked in the finding', () => {
    const report = check(
      f.manifest(
        withR(
          f.cluster('cpu-cluster', {
            userAccountCredentials: { adminUserName: 'azureuser', adminUserPassword: 'Sup3rS3cret!' },
          }),
        ),
      ),
    );
    const text = JSON.stringify(report);
    assert.ok(!text.includes('Sup3rS3cret!'), 'the secret never appears in the report');
  });
});
