/** Suppressions: validation at declaration, inheritance, expiry, stack-wide warnings, invalid manifest entries. */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { App, ComputeCluster, Stack, ValidationError, VmSize, Workspace, synthesize } from '../../lib/index.js';
import { Suppressions } from '../../lib/policy/suppressions.js';
import { check } from '../../lib/policy/engine.js';
import { renderText } from '../../lib/policy/reporters/text.js';
import { renderSarif } from '../../lib/policy/reporters/sarif.js';
import type { Manifest } from '../../lib/manifest/types.js';
import * as f from './fixtures.js';

const NOW = new Date('2026-06-15T12:00:00Z');

function program(decorate: (parts: { stack: Stack; ws: Workspace; cluster: ComputeCluster }) => void): Manifest {
  const app = new App();
  const stack = new Stack(app, 'Team', {
    subscriptionId: f.SUB,
    resourceGroup: 'rg-ml',
    location: 'westeurope',
    tags: { owner: 'ml', costCenter: 'cc' },
  });
  const ws = new Workspace(stack, 'Workspace', { tenantId: f.TENANT });
  const cluster = new ComputeCluster(ws, 'Warm', { vmSize: VmSize.STANDARD_D4S_V3, minNodeCount: 2, maxNodeCount: 4 });
  decorate({ stack, ws, cluster });
  const result = synthesize(app, { write: false });
  return result.manifests[0];
}

function cost001(m: Manifest, now = NOW) {
  const report = check(m, { now });
  return { report, findings: report.findings.filter((x) => x.ruleId === 'AML-COST-001') };
}

describe('Suppressions.of(construct).add()', () => {
  test('a reason shorter than 10 characters fails with SuppressionReasonTooShort', () => {
    program(({ cluster }) => {
      assert.throws(
        () => Suppressions.of(cluster).add({ id: 'AML-COST-001', reason: 'warm pool' }),
        (e: unknown) => {
          assert.ok(e instanceof ValidationError);
          assert.equal(e.code, 'SuppressionReasonTooShort');
          assert.equal(e.path, 'Team/Workspace/Warm');
          assert.match(e.details.fix ?? '', /AML-COST-001/);
          return true;
        },
      );
    });
  });

  test('a missing reason fails too', () => {
    program(({ cluster }) => {
      assert.throws(() => Suppressions.of(cluster).add({ id: 'AML-COST-001' } as never), {
        code: 'SuppressionReasonTooShort',
      });
      assert.throws(() => Suppressions.of(cluster).add({ id: 'AML-COST-001', reason: '          \t  ' }), {
        code: 'SuppressionReasonTooShort',
      });
    });
  });

  test('unknown rule ids, meta rules and invalid dates are refused', () => {
    program(({ cluster }) => {
      assert.throws(() => Suppressions.of(cluster).add({ id: 'AML-COST-999', reason: 'a long enough reason' }), {
        code: 'SuppressionUnknownRule',
      });
      assert.throws(() => Suppressions.of(cluster).add({ id: 'aml-cost-001', reason: 'a long enough reason' }), {
        code: 'SuppressionUnknownRule',
      });
      assert.throws(() => Suppressions.of(cluster).add({ id: 'AML-SUP-001', reason: 'a long enough reason' }), {
        code: 'SuppressionNotAllowed',
      });
      assert.throws(
        () =>
          Suppressions.of(cluster).add({ id: 'AML-COST-001', reason: 'a long enough reason', expires: '2026-02-30' }),
        { code: 'SuppressionInvalidExpiry' },
      );
      assert.throws(
        () =>
          Suppressions.of(cluster).add({ id: 'AML-COST-001', reason: 'a long enough reason', expires: '31/12/2026' }),
        { code: 'SuppressionInvalidExpiry' },
      );
    });
  });

  test('a valid suppression marks the finding suppressed, keeps it in every report, and does not fail', () => {
    const m = program(({ cluster }) =>
      Suppressions.of(cluster).add({
        id: 'AML-COST-001',
        reason: 'warm pool for the nightly benchmark',
        expires: '2026-12-31',
      }),
    );
    const res = m.resources.find((r) => r.logicalId === 'Team/Workspace/Warm')!;
    assert.equal(res.suppressions?.[0]?.declaredAt, 'Team/Workspace/Warm');
    assert.match(
      res.suppressions?.[0]?.source?.file ?? '',
      /suppressions\.test\.ts$/,
      'records the line of the add() call',
    );
    const { report, findings } = cost001(m);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].suppressed?.reason, 'warm pool for the nightly benchmark');
    assert.equal(report.summary.suppressed >= 1, true);
    assert.ok(!report.findings.some((x) => x.ruleId.startsWith('AML-SUP')), 'no meta finding');
    assert.match(
      renderText(report),
      /SUPPRESSED\s+AML-COST-001[^\n]*\n\s+reason: warm pool for the nightly benchmark \(until 2026-12-31\); declared at Team\/Workspace\/Warm \(test\/policy\/suppressions\.test\.ts:\d+\)/,
    );
    const sarif = JSON.parse(renderSarif(report));
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'AML-COST-001');
    assert.deepEqual(result.suppressions, [
      { kind: 'inSource', status: 'accepted', justification: 'warm pool for the nightly benchmark' },
    ]);
    // Suppressing a failing rule turns a failing check into a passing one.
    const strict = check(m, { now: NOW, failOn: 'medium', packs: ['cost'] });
    assert.equal(strict.findings.filter((x) => !x.suppressed && x.ruleId === 'AML-COST-001').length, 0);
  });

  test('a suppression on a parent applies to the resources below it', () => {
    const m = program(({ ws }) =>
      Suppressions.of(ws).add({ id: 'AML-COST-001', reason: 'team-wide warm pools approved by FinOps' }),
    );
    const { findings } = cost001(m);
    assert.equal(findings[0].suppressed?.declaredAt, 'Team/Workspace');
  });

  test('an expired suppression no longer applies and is itself a finding', () => {
    const m = program(({ cluster }) =>
      Suppressions.of(cluster).add({
        id: 'AML-COST-001',
        reason: 'warm pool until the migration is done',
        expires: '2026-06-14',
      }),
    );
    const { report, findings } = cost001(m);
    assert.equal(findings[0].suppressed, undefined, 'the finding is active again');
    const expired = report.findings.filter((x) => x.ruleId === 'AML-SUP-001');
    assert.equal(expired.length, 1);
    assert.equal(expired[0].logicalId, 'Team/Workspace/Warm');
    assert.match(expired[0].message, /expired on 2026-06-14/);
    assert.match(expired[0].source?.file ?? '', /suppressions\.test\.ts$/);
    // The last day still counts.
    assert.ok(cost001(m, new Date('2026-06-14T23:00:00Z')).findings[0].suppressed);
  });

  test('a stack-wide suppression is allowed but reported once with a warning', () => {
    const m = program(({ stack }) =>
      Suppressions.of(stack).add({
        id: 'AML-GOV-001',
        reason: 'tags are applied by Azure Policy modify in this subscription',
      }),
    );
    const report = check(m, { now: NOW, profile: 'prod' });
    const gov = report.findings.filter((x) => x.ruleId === 'AML-GOV-001');
    assert.ok(gov.length >= 2);
    assert.ok(gov.every((x) => x.suppressed?.declaredAt === 'Team'));
    const wide = report.findings.filter((x) => x.ruleId === 'AML-SUP-002');
    assert.equal(wide.length, 1);
    assert.equal(wide[0].severity, 'low');
    assert.equal(wide[0].logicalId, 'Team');
  });

  test('suppressions that bypassed validation in a manifest are ignored and reported', () => {
    const bad = f.cluster(
      'cpu-cluster',
      { scaleSettings: { minNodeCount: 3, maxNodeCount: 4 } },
      {},
      {},
      {
        suppressions: [
          { ruleId: 'AML-COST-001', reason: 'short', declaredAt: 'Team/cpu-cluster' },
          { ruleId: 'AML-NOPE-001', reason: 'a long enough reason', declaredAt: 'Team/cpu-cluster' },
          {
            ruleId: 'AML-COST-001',
            reason: 'a long enough reason',
            expires: 'tomorrow',
            declaredAt: 'Team/cpu-cluster',
          },
        ],
      },
    );
    const report = check(f.manifest([...f.secureResources().filter((r) => r.logicalId !== 'Team/cpu-cluster'), bad]), {
      now: NOW,
    });
    assert.equal(report.findings.find((x) => x.ruleId === 'AML-COST-001')!.suppressed, undefined);
    const invalid = report.findings.filter((x) => x.ruleId === 'AML-SUP-003');
    assert.equal(invalid.length, 3);
    assert.ok(invalid.some((x) => /fewer than 10 characters/.test(x.message)));
    assert.ok(invalid.some((x) => /no rule has the id/.test(x.message)));
    assert.ok(invalid.some((x) => /not a YYYY-MM-DD date/.test(x.message)));
  });
});
