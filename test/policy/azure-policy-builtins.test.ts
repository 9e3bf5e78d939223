/**
 * Every built-in Azure Policy definition of category Machine Learning (the real files of Azure/azure-policy, see
 * test/fixtures/policy/README.md), evaluated offline on a compliant and a non-compliant amlcdk program, once per
 * effect the definition allows. Data-plane definitions are refused as not evaluable, with the reason.
 *
 * Programs are amlcdk constructs synthesized in memory. Where no construct can express the compliant state (a
 * diagnostic setting, V1 legacy mode, a read-only property Azure fills) the manifest gets the hand-written resource
 * or property a hand-made manifest would hold; each such case says so.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  App,
  ComputeCluster,
  ComputeInstance,
  Duration,
  IsolationMode,
  Principal,
  PrivateEndpoint,
  Stack,
  VirtualNetwork,
  VmSize,
  Workspace,
  type WorkspaceProps,
} from '../../lib/index.js';
import { synthesize } from '../../lib/core/synth.js';
import { contentHash } from '../../lib/manifest/canonical.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';
import { evaluateAzurePolicies, type PolicyDefinition } from '../../lib/policy/azure-policy/evaluate.js';
import { loadPolicyDefinitions } from '../../lib/policy/azure-policy/load.js';
import { BUILTIN_RULES } from '../../lib/policy/rules/index.js';
import { RULE_CASES } from './rule-cases.js';
import * as fx from './fixtures.js';

const DIR = fileURLToPath(new URL('../fixtures/policy/azure-policy/', import.meta.url));
const SUB = '00000000-0000-0000-0000-000000000001';
const TENANT = '11111111-1111-1111-1111-111111111111';
const ALICE = Principal.user('aaaaaaaa-0000-0000-0000-000000000001', { tenantId: TENANT, displayName: 'alice' });
const LOG_ANALYTICS = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.OperationalInsights/workspaces/log-ml`;

interface Program {
  readonly ws?: Partial<WorkspaceProps>;
  readonly build?: (ws: Workspace, stack: Stack) => void;
  /** Hand-made additions, for states no construct expresses. */
  readonly patch?: (m: Manifest) => ManifestResource[];
}

function synth(p: Program): Manifest {
  const app = new App();
  const stack = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg-ml', location: 'westeurope' });
  const ws = new Workspace(stack, 'Workspace', { tenantId: TENANT, ...p.ws });
  p.build?.(ws, stack);
  const m = synthesize(app, { write: false }).manifests[0];
  if (!p.patch) return m;
  const { hash: _h, ...rest } = { ...m, resources: p.patch(m) };
  return { ...rest, hash: contentHash(rest) };
}

const instance = (extra: Partial<ConstructorParameters<typeof ComputeInstance>[2]> = {}) =>
  ((ws: Workspace) =>
    void new ComputeInstance(ws, 'Alice', {
      vmSize: VmSize.STANDARD_D4S_V5,
      assignedUser: ALICE,
      idleShutdown: Duration.minutes(60),
      ...extra,
    })) satisfies Program['build'];

function networked(withEndpoint: boolean, withDns = true): Program['build'] {
  return (ws, stack) => {
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.40.0.0/16'] });
    const compute = vnet.addSubnet('Compute', { addressPrefix: '10.40.1.0/24' });
    const endpoints = vnet.addSubnet('Endpoints', { addressPrefix: '10.40.2.0/27' });
    new ComputeCluster(ws, 'Cpu', { vmSize: VmSize.STANDARD_D4S_V5, maxNodeCount: 2, subnet: compute });
    if (!withEndpoint) return;
    if (withDns)
      PrivateEndpoint.forWorkspace(stack, 'WsPe', { workspace: ws, subnet: endpoints, virtualNetwork: vnet });
    else new PrivateEndpoint(stack, 'WsPe', { subnet: endpoints, target: ws, groupIds: ['amlworkspace'] });
  };
}

/** A hand-made diagnostic setting on the workspace (no amlcdk construct defines one). */
function diagnostics(name: string, properties: Record<string, unknown>): Program['patch'] {
  return (m) => {
    const ws = m.resources.find((r) => r.type === 'Microsoft.MachineLearningServices/workspaces')!;
    return [
      ...m.resources,
      {
        logicalId: 'Team/Workspace/Diagnostics',
        type: 'Microsoft.Insights/diagnosticSettings',
        apiVersion: '2021-05-01-preview',
        id: `${ws.id}/providers/Microsoft.Insights/diagnosticSettings/${name}`,
        name,
        body: { scope: ws.id, properties },
        dependsOn: [ws.logicalId],
        options: { protect: false, deletePolicy: 'Delete' },
      },
    ];
  };
}

function patchBody(type: string, path: string[], value: unknown): Program['patch'] {
  return (m) =>
    m.resources.map((r) => {
      if (r.type !== type) return r;
      const body = structuredClone(r.body) as Record<string, unknown>;
      let cur = body;
      for (const k of path.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
      cur[path[path.length - 1]] = value;
      return { ...r, body };
    });
}

interface Case {
  /** What the non-compliant program gets flagged on (logicalId). */
  readonly flagged: string;
  readonly compliant: Program;
  readonly nonCompliant: Program;
  /** Assignment parameters besides the effect. */
  readonly params?: Record<string, unknown>;
}

const WS = 'Team/Workspace';
const INSTANCE = 'Team/Workspace/Alice';
const CLUSTER = 'Team/Workspace/Cpu';

const CASES: Record<string, Case> = {
  'AuditDiagnosticLog_Audit.json': {
    flagged: WS,
    // Logs enabled without storage retention: compliant through the second anyOf branch, which reads the legacy
    // alias `logs.enabled` inside the count over `logs[*]`.
    compliant: {
      patch: diagnostics('to-law', { workspaceId: LOG_ANALYTICS, logs: [{ category: 'a', enabled: true }] }),
    },
    nonCompliant: {
      patch: diagnostics('to-law', { workspaceId: LOG_ANALYTICS, logs: [{ category: 'a', enabled: false }] }),
    },
  },
  'AuditDiagnosticLog_DINE.json': {
    flagged: WS,
    params: { logAnalytics: LOG_ANALYTICS },
    compliant: {
      patch: diagnostics('MachineLearningServicesDiagnosticsLogsToWorkspace', {
        workspaceId: LOG_ANALYTICS,
        logs: [
          { categoryGroup: 'allLogs', enabled: true },
          { categoryGroup: 'audit', enabled: true },
        ],
        metrics: [{ category: 'AllMetrics', enabled: true }],
      }),
    },
    // One log category off: the legacy alias as a plain condition must hold for every element.
    nonCompliant: {
      patch: diagnostics('MachineLearningServicesDiagnosticsLogsToWorkspace', {
        workspaceId: LOG_ANALYTICS,
        logs: [
          { categoryGroup: 'allLogs', enabled: true },
          { categoryGroup: 'audit', enabled: false },
        ],
        metrics: [{ category: 'AllMetrics', enabled: true }],
      }),
    },
  },
  'ComputeInstanceUpdates_Audit.json': {
    flagged: INSTANCE,
    // A read-only property: only a manifest that carries the observed value (hand-made) can be judged.
    compliant: {
      build: instance(),
      patch: patchBody(
        'Microsoft.MachineLearningServices/workspaces/computes',
        ['properties', 'properties', 'osImageMetadata'],
        { isLatestOsImageVersion: true },
      ),
    },
    nonCompliant: {
      build: instance(),
      patch: patchBody(
        'Microsoft.MachineLearningServices/workspaces/computes',
        ['properties', 'properties', 'osImageMetadata'],
        { isLatestOsImageVersion: false },
      ),
    },
  },
  'DisableLocalAuth_Audit.json': {
    flagged: INSTANCE,
    compliant: { build: instance() },
    nonCompliant: { build: instance({ localAuth: true }) },
  },
  'DisableLocalAuth_Modify.json': {
    flagged: INSTANCE,
    compliant: { build: instance() },
    nonCompliant: { build: instance({ localAuth: true }) },
  },
  'IdleShutdown_Audit.json': {
    flagged: INSTANCE,
    compliant: { build: instance() },
    nonCompliant: { build: instance({ idleShutdown: undefined }) },
  },
  'ManagedNetworkIsolationMode_Audit.json': {
    flagged: WS,
    params: { isolationMode: 'AllowOnlyApprovedOutbound' },
    compliant: { ws: { isolationMode: IsolationMode.ALLOW_ONLY_APPROVED_OUTBOUND } },
    nonCompliant: { ws: { isolationMode: IsolationMode.ALLOW_INTERNET_OUTBOUND } },
  },
  'Vnet_Audit.json': {
    flagged: CLUSTER,
    compliant: { build: networked(false) },
    nonCompliant: {
      build: (ws) => void new ComputeCluster(ws, 'Cpu', { vmSize: VmSize.STANDARD_D4S_V5, maxNodeCount: 2 }),
    },
  },
  'Workspace_CMKEnabled_Audit.json': {
    flagged: WS,
    compliant: { ws: { customerManagedKey: cmk(), userAssignedIdentity: true } },
    nonCompliant: {},
  },
  'Workspace_CMKEnabled_Audit_V2.json': {
    flagged: WS,
    compliant: { ws: { customerManagedKey: cmk(), userAssignedIdentity: true } },
    nonCompliant: {},
  },
  'Workspace_EnableV1LegacyMode_Audit.json': {
    flagged: WS,
    // amlcdk's Workspace never turns V1 legacy mode on: the compliant state exists only in hand-made input.
    compliant: {
      patch: patchBody('Microsoft.MachineLearningServices/workspaces', ['properties', 'v1LegacyMode'], true),
    },
    nonCompliant: {},
  },
  'Workspace_PrivateDnsZones_DINE.json': {
    flagged: 'Team/WsPe',
    compliant: { build: networked(true) },
    nonCompliant: { build: networked(true, false) },
  },
  'Workspace_PrivateEndpoint_Audit.json': {
    flagged: WS,
    compliant: { build: networked(true) },
    nonCompliant: { build: networked(false) },
  },
  'Workspace_PrivateEndpoint_Audit_V2.json': {
    flagged: WS,
    compliant: { build: networked(true) },
    nonCompliant: { build: networked(false) },
  },
  'Workspace_PrivateEndpoint_DINE.json': {
    flagged: WS,
    compliant: { build: networked(true) },
    nonCompliant: { build: networked(false) },
  },
  'Workspace_PublicNetworkAccessDisabled_Audit.json': {
    flagged: WS,
    compliant: { ws: { publicNetworkAccess: false } },
    nonCompliant: {},
  },
  'Workspace_PublicNetworkAccessDisabled_Modify.json': {
    flagged: WS,
    compliant: { ws: { publicNetworkAccess: false } },
    nonCompliant: {},
  },
  'azure-government/Workspace_PublicNetworkAccessDisabled_Modify.json': {
    flagged: WS,
    compliant: { ws: { publicNetworkAccess: false } },
    nonCompliant: {},
  },
  'Workspace_UAIEnabled_Audit.json': {
    flagged: WS,
    compliant: { ws: { userAssignedIdentity: true } },
    nonCompliant: {},
  },
};

function cmk(): NonNullable<WorkspaceProps['customerManagedKey']> {
  return {
    keyVaultId: `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.KeyVault/vaults/kv-cmk`,
    keyUri: 'https://kv-cmk.vault.azure.net/keys/ws/0123456789abcdef0123456789abcdef',
  };
}

/** Data-plane definitions (modes Microsoft.MachineLearningServices.Data / .v2.Data). */
const DATA_PLANE = [
  'AllowDeployRegistryModels_Audit.json',
  'AllowedACRs_EnforceSetting.json',
  'AllowedLogFilter_EnforceSetting.json',
  'AllowedModuleAuthors_EnforceSetting.json',
  'AllowedPythonPackageChannels_EnforceSetting.json',
  'AllowedSigningKey_EnforceSetting.json',
  'ApprovalEndpoint_EnforceSetting.json',
  'OnlyDeployAllowedRegistryModels_Deny.json',
];

function load(file: string): PolicyDefinition {
  const defs = loadPolicyDefinitions(join(DIR, file));
  assert.equal(defs.length, 1);
  return defs[0];
}

/** The effects a definition lets an assignment choose. */
function effects(def: PolicyDefinition): string[] {
  const p = Object.entries(def.parameters ?? {}).find(([k]) => /^effects?$/i.test(k));
  assert.ok(p?.[1].allowedValues, `${def.name} has an effect parameter with allowedValues`);
  return p[1].allowedValues.map(String);
}

function run(def: PolicyDefinition, m: Manifest, params: Record<string, unknown>) {
  return evaluateAzurePolicies(m, { definitions: [def], parameters: { [def.name]: params } });
}

describe('the 27 built-in Machine Learning definitions', () => {
  const files = [
    ...[...readdirSync(DIR)].filter((f) => f.endsWith('.json') && !f.startsWith('alz-')),
    ...[...readdirSync(join(DIR, 'azure-government'))].map((f) => `azure-government/${f}`),
  ].sort();

  test('every fixture is covered here, and there are 27', () => {
    assert.equal(files.length, 27);
    assert.deepEqual(files, [...Object.keys(CASES), ...DATA_PLANE].sort());
  });

  for (const [file, c] of Object.entries(CASES)) {
    const def = load(file);
    const compliant = synth(c.compliant);
    const nonCompliant = synth(c.nonCompliant);
    for (const effect of effects(def)) {
      test(`${file} (${def.name.slice(0, 8)}), effect ${effect}: compliant passes, non-compliant gets ${effect}`, () => {
        const params = { ...c.params, [Object.keys(def.parameters!).find((k) => /^effects?$/i.test(k))!]: effect };
        const ok = run(def, compliant, params);
        assert.deepEqual(
          ok.map((r) => `${r.logicalId}: ${r.outcome} ${r.note ?? ''}`),
          [],
        );
        const bad = run(def, nonCompliant, params);
        const want = effect.toLowerCase() === 'disabled' ? 'Disabled' : effect;
        assert.deepEqual(
          bad.map((r) => `${r.logicalId}: ${r.outcome}`),
          [`${c.flagged}: ${want[0].toUpperCase()}${want.slice(1)}`],
        );
      });
    }
  }

  for (const file of DATA_PLANE) {
    const def = load(file);
    test(`${file} (${def.name.slice(0, 8)}) is a data-plane definition: refused as not evaluable, for every effect`, () => {
      const values = def.parameters?.effect?.allowedValues ?? ['Deny', 'Disabled'];
      for (const effect of values) {
        for (const m of [synth({}), synth({ build: instance({ localAuth: true }) })]) {
          const res = run(def, m, { effect });
          assert.equal(res.length, 1);
          assert.equal(res[0].outcome, 'NotEvaluable');
          assert.equal(res[0].resourceType, '(definition)');
          assert.match(res[0].note ?? '', new RegExp(`mode ${def.mode!.replace(/\./g, '\\.')} is a data-plane`));
        }
      }
    });
  }
});

describe('read-only properties and the deployed view', () => {
  test('a property Azure fills after deployment is not evaluable on a program that cannot set it', () => {
    const def = load('ComputeInstanceUpdates_Audit.json');
    const res = run(def, synth({ build: instance() }), { effects: 'Audit' });
    assert.deepEqual(
      res.map((r) => [r.logicalId, r.outcome]),
      [[INSTANCE, 'NotEvaluable']],
    );
    assert.match(res[0].note ?? '', /osImageMetadata\.isLatestOsImageVersion is read-only .*after deployment/);
    // A cluster is not a ComputeInstance: the definition does not apply, so nothing is unknown.
    assert.deepEqual(run(def, synth({ build: networked(false) }), { effects: 'Audit' }), []);
  });

  test('a manual private endpoint connection waits for approval: the private-link built-ins still flag it', () => {
    const def = load('Workspace_PrivateEndpoint_Audit_V2.json');
    const m = synth({
      build: networked(true),
      patch: (mm) =>
        mm.resources.map((r) => {
          if (r.type !== 'Microsoft.Network/privateEndpoints') return r;
          const props = r.body.properties as Record<string, unknown>;
          const { privateLinkServiceConnections, ...rest } = props;
          return {
            ...r,
            body: {
              ...r.body,
              properties: { ...rest, manualPrivateLinkServiceConnections: privateLinkServiceConnections },
            },
          };
        }),
    });
    assert.deepEqual(
      run(def, m, { effect: 'Audit' }).map((r) => [r.logicalId, r.outcome]),
      [[WS, 'Audit']],
    );
  });

  test('AuditIfNotExists on the same type looks in the resource group, not below the resource (7f40cee6)', () => {
    const def = load('Workspace_CMKEnabled_Audit_V2.json');
    // Two workspaces in the resource group: each is judged by its own encryption (details.name = field('name')).
    const m = synth({
      ws: { customerManagedKey: cmk(), userAssignedIdentity: true },
      build: (_ws, stack) => void new Workspace(stack, 'Plain', { tenantId: TENANT }),
    });
    assert.deepEqual(
      run(def, m, { effect: 'AuditIfNotExists' }).map((r) => [r.logicalId, r.outcome]),
      [['Team/Plain', 'AuditIfNotExists']],
    );
  });
});

describe('rule anchors', () => {
  const byName = new Map(
    [...readdirSync(DIR)]
      .filter((f) => f.endsWith('.json') && !f.startsWith('alz-'))
      .map((f) => {
        const d = load(f);
        return [d.name, d] as const;
      }),
  );
  // A rule may be stricter or laxer than its anchor (AML-COST-004 also caps the idle time and accepts a stop
  // schedule instead), but an anchor that flags none of the rule's non-compliant cases checks something else.
  test("a built-in named as a rule anchor flags at least one of the rule's non-compliant cases", () => {
    const bad: string[] = [];
    let pairs = 0;
    for (const rule of BUILTIN_RULES) {
      for (const anchor of rule.anchors.azurePolicy ?? []) {
        const def = byName.get(anchor);
        if (!def || (def.mode ?? '').includes('.')) continue;
        pairs++;
        const agree = RULE_CASES.filter((x) => x.rule === rule.id && x.kind !== 'compliant').some((c) => {
          const res = evaluateAzurePolicies(fx.manifest(c.resources()), {
            definitions: [def],
            parameters: { [def.name]: { logAnalytics: LOG_ANALYTICS } },
          });
          const mine = res.find((r) => r.logicalId === c.on);
          return !!mine && mine.outcome !== 'NotEvaluable';
        });
        if (!agree) bad.push(`${rule.id}: ${def.name} flags none of the rule's non-compliant cases`);
      }
    }
    assert.ok(pairs >= 10, `${pairs} pairs`);
    assert.deepEqual(bad, []);
  });
});
