/** Engine internals: NSG flow evaluation, durations, secret detection, custom rules, robustness on odd manifests. */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { check } from '../../lib/policy/engine.js';
import { evaluateFlow, ManifestGraph, type NsgRule } from '../../lib/policy/graph.js';
import { parseIsoDuration, wildcardMatch, isGpuSize } from '../../lib/policy/util.js';
import { findPlaintextSecrets } from '../../lib/policy/rules/security.js';
import { resourceRule } from '../../lib/policy/rules/define.js';
import { parsePolicyConfig } from '../../lib/policy/config.js';
import { InputError } from '../../lib/core/errors.js';
import type { ManifestResource } from '../../lib/manifest/types.js';
import * as f from './fixtures.js';

function rules(specs: f.NsgRuleSpec[]): readonly NsgRule[] {
  const g = new ManifestGraph(f.manifest([f.nsg(specs)]));
  return g.nsgRulesOf(f.NSG_ID)!;
}

describe('NSG flow evaluation', () => {
  test('first matching rule by priority wins; Azure defaults apply after', () => {
    const r = rules([
      { name: 'deny-ssh', priority: 300, direction: 'Inbound', access: 'Deny', source: '*', port: '22' },
      {
        name: 'allow-admins',
        priority: 200,
        direction: 'Inbound',
        access: 'Allow',
        source: '203.0.113.0/24',
        port: '22',
      },
      { name: 'allow-any-ssh', priority: 400, direction: 'Inbound', access: 'Allow', source: 'Internet', port: '22' },
    ]);
    assert.equal(
      evaluateFlow(r, {
        direction: 'inbound',
        protocol: 'tcp',
        port: 22,
        source: 'Internet',
        destination: 'VirtualNetwork',
      }).rule?.name,
      'deny-ssh',
    );
    assert.equal(
      evaluateFlow(r, {
        direction: 'inbound',
        protocol: 'tcp',
        port: 22,
        source: 'Internet',
        destination: 'VirtualNetwork',
      }).allowed,
      false,
    );
    assert.equal(
      evaluateFlow(r, {
        direction: 'inbound',
        protocol: 'tcp',
        port: 44224,
        source: 'AzureMachineLearning',
        destination: 'VirtualNetwork',
      }).allowed,
      false,
      'DenyAllInBound',
    );
    assert.equal(
      evaluateFlow(r, {
        direction: 'inbound',
        protocol: 'tcp',
        port: 443,
        source: 'VirtualNetwork',
        destination: 'VirtualNetwork',
      }).allowed,
      true,
      'AllowVnetInBound',
    );
    assert.equal(
      evaluateFlow(r, {
        direction: 'outbound',
        protocol: 'tcp',
        port: 443,
        source: 'VirtualNetwork',
        destination: 'Storage.westeurope',
      }).allowed,
      true,
      'AllowInternetOutBound',
    );
  });
  test('service tags, regional tags, port ranges and protocols', () => {
    const r = rules([
      {
        name: 'deny-storage',
        priority: 100,
        direction: 'Outbound',
        access: 'Deny',
        protocol: 'Tcp',
        source: '*',
        dest: 'Storage',
        port: '400-500',
      },
      {
        name: 'deny-udp',
        priority: 110,
        direction: 'Outbound',
        access: 'Deny',
        protocol: 'Udp',
        source: '*',
        dest: 'Internet',
        port: '*',
      },
    ]);
    assert.equal(
      evaluateFlow(r, {
        direction: 'outbound',
        protocol: 'tcp',
        port: 443,
        source: 'VirtualNetwork',
        destination: 'Storage.westeurope',
      }).allowed,
      false,
      'the global tag covers the regional one',
    );
    assert.equal(
      evaluateFlow(r, {
        direction: 'outbound',
        protocol: 'tcp',
        port: 443,
        source: 'VirtualNetwork',
        destination: 'AzureMachineLearning',
      }).allowed,
      true,
    );
    assert.equal(
      evaluateFlow(r, {
        direction: 'outbound',
        protocol: 'udp',
        port: 5831,
        source: 'VirtualNetwork',
        destination: 'AzureMachineLearning',
      }).allowed,
      false,
      'Internet covers service tags',
    );
  });
});

describe('helpers', () => {
  test('ISO-8601 durations are parsed fully', () => {
    assert.equal(parseIsoDuration('PT1H30M'), 5400);
    assert.equal(parseIsoDuration('PT120S'), 120);
    assert.equal(parseIsoDuration('P1DT2H'), 93600);
    assert.equal(parseIsoDuration('PT0.5M'), 30);
    for (const bad of ['P', 'PT', '00:05:00', '15m', '', 5])
      assert.equal(parseIsoDuration(bad), undefined, String(bad));
  });
  test('wildcards and GPU detection', () => {
    assert.ok(wildcardMatch('Standard_NC*as_T4_v3', 'standard_nc16as_t4_v3'));
    assert.ok(!wildcardMatch('Standard_NC*as_T4_v3', 'Standard_NC16as_T4_v3x'));
    assert.ok(isGpuSize('Standard_NV6ads_A10_v5'), 'a partial GPU counts');
    assert.ok(isGpuSize('STANDARD_ND96ISR_H100_V5'));
    assert.ok(!isGpuSize('Standard_D4s_v3'));
    assert.ok(isGpuSize('Standard_NC999_future_v9'), 'unknown N-series sizes count as GPU');
  });
  test('secret detection ignores public keys, vault URIs, ARM ids, asset placeholders and secret references', () => {
    const r: ManifestResource = {
      ...f.cluster(),
      body: {
        properties: {
          properties: {
            userAccountCredentials: {
              adminUserName: 'azureuser',
              adminUserSshPublicKey: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host',
              adminUserPassword: { secretRef: 'env:PW' },
            },
            keyIdentifier: 'https://kv.vault.azure.net/keys/cmk/1',
            connectionString: '${asset:image}',
            tokenStore: `/subscriptions/${f.SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`,
            description: 'the password must come from key vault',
          },
        },
      },
    };
    assert.deepEqual(findPlaintextSecrets(r), []);
    const leaked: ManifestResource = {
      ...r,
      body: {
        tags: { note: 'AccountKey=abcdefghijklmnopqrstuvwxyz0123456789ABCD==' },
        properties: { apiToken: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB' },
      },
    };
    const found = findPlaintextSecrets(leaked);
    assert.deepEqual(found.map((x) => x.path).sort(), ['properties.apiToken', 'tags.note']);
    assert.ok(found.every((x) => x.value === '(masked)' && !x.message.includes('abcdefghij')));
  });
});

describe('engine', () => {
  test('custom rules run next to the built-in ones', () => {
    const rule = resourceRule({
      id: 'ACME-001',
      name: 'TeamPrefix',
      title: 'Compute names start with the team prefix',
      pack: 'tagging',
      severity: 'medium',
      scope: 'compute',
      rationale: 'ACME names every compute after its team.',
      anchors: {},
      types: ['Microsoft.MachineLearningServices/workspaces/computes'],
      evaluate: (r) =>
        r.name.startsWith('acme-')
          ? []
          : [
              {
                path: 'name',
                value: r.name,
                provenance: 'set',
                message: `${r.name} lacks the acme- prefix`,
                fix: 'rename it',
              },
            ],
    });
    const report = check(f.manifest(f.secureResources()), { extraRules: [rule], recordPasses: true });
    assert.deepEqual(
      report.findings
        .filter((x) => x.ruleId === 'ACME-001')
        .map((x) => x.logicalId)
        .sort(),
      ['Team/ci-alice', 'Team/cpu-cluster'],
    );
    assert.ok(report.rules.some((r) => r.id === 'ACME-001'));
  });

  test('rules can be disabled or re-rated; profile-only rules run only in their profile', () => {
    const m = f.manifest([f.workspace({ publicNetworkAccess: 'Enabled' }, {}, { protect: false })]);
    assert.ok(
      !check(m, { rules: { 'AML-NET-001': { enabled: false } } }).findings.some((x) => x.ruleId === 'AML-NET-001'),
    );
    assert.equal(
      check(m, { rules: { 'AML-NET-001': { severity: 'low' } } }).findings.find((x) => x.ruleId === 'AML-NET-001')!
        .severity,
      'low',
    );
    assert.ok(!check(m, { profile: 'dev' }).findings.some((x) => x.ruleId === 'AML-REL-005'));
    assert.ok(check(m, { profile: 'prod' }).findings.some((x) => x.ruleId === 'AML-REL-005'));
  });

  test('several manifests: findings per stack, ordered by resource', () => {
    const report = check([
      f.manifest(f.secureResources(), 'A'),
      f.manifest([f.workspace({ publicNetworkAccess: 'Enabled' })], 'B'),
    ]);
    assert.deepEqual(report.stacks, ['A', 'B']);
    assert.ok(report.findings.every((x) => x.stack === 'B'));
    assert.equal(report.resourceCount, 13);
  });

  test('the same input always gives the same report', () => {
    const a = check(
      f.manifest([
        f.workspace({ publicNetworkAccess: 'Enabled' }),
        f.cluster('c', { scaleSettings: { minNodeCount: 2, maxNodeCount: 50 } }),
      ]),
      { now: new Date('2026-01-01') },
    );
    const b = check(
      f.manifest([
        f.workspace({ publicNetworkAccess: 'Enabled' }),
        f.cluster('c', { scaleSettings: { minNodeCount: 2, maxNodeCount: 50 } }),
      ]),
      { now: new Date('2026-01-01') },
    );
    assert.deepEqual(a, b);
  });

  test('odd bodies never crash a rule (property-based)', () => {
    const types = [
      'Microsoft.MachineLearningServices/workspaces',
      'Microsoft.MachineLearningServices/workspaces/computes',
      'Microsoft.Network/networkSecurityGroups',
      'Microsoft.Network/virtualNetworks',
      'Microsoft.Network/virtualNetworks/subnets',
      'Microsoft.Network/privateEndpoints',
      'Microsoft.Authorization/roleAssignments',
      'Microsoft.Authorization/roleDefinitions',
      'Microsoft.Storage/storageAccounts',
      'Microsoft.MachineLearningServices/workspaces/datastores',
    ];
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
    );
    const computeProps = fc.record(
      {
        computeType: fc.constantFrom('ComputeInstance', 'AmlCompute', 'Kubernetes', 'AKS', 42),
        disableLocalAuth: value,
        properties: fc.oneof(
          value,
          fc.record({
            vmSize: value,
            subnet: value,
            scaleSettings: value,
            enableNodePublicIp: value,
            sshSettings: value,
            idleTimeBeforeShutdown: value,
            schedules: value,
            personalComputeInstanceSettings: value,
            remoteLoginPortPublicAccess: value,
          }),
        ),
      },
      { requiredKeys: [] },
    );
    const body = fc.record(
      {
        location: value,
        tags: value,
        identity: value,
        properties: fc.oneof(
          value,
          computeProps,
          fc.record({
            securityRules: fc.oneof(value, fc.array(fc.record({ name: value, properties: value }), { maxLength: 3 })),
            subnets: value,
            privateLinkServiceConnections: value,
            publicNetworkAccess: value,
            managedNetwork: value,
            encryption: value,
            principalId: value,
            principalType: value,
            roleDefinitionId: value,
            permissions: value,
            credentials: value,
          }),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...types), body), { minLength: 1, maxLength: 6 }), (rs) => {
        const resources = rs.map(([type, b], i) => ({
          ...f.workspace(),
          logicalId: `T/r${i}`,
          type,
          id: `${f.WS_ID}/x/r${i}`,
          name: `r${i}`,
          body: b,
        }));
        for (const profile of ['dev', 'prod'] as const) {
          const report = check(f.manifest(resources), { profile });
          for (const x of report.findings) assert.ok(x.ruleId && x.message && x.fix && x.logicalId);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150), seed: Number(process.env.FUZZ_SEED ?? 42) },
    );
  });

  test('policy config: an invalid regular expression is an input error with its line', () => {
    assert.throws(
      () => parsePolicyConfig('thresholds:\n  workspaceNamePattern: "(["\n', 'p.yaml', new Set()),
      (e: unknown) => e instanceof InputError && e.line === 2 && e.code === 'PolicyConfigInvalid',
    );
  });
});
