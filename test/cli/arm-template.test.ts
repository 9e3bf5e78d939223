/**
 * `amlcdk check --arm-template`: the official Azure ML quickstart templates (test/fixtures/arm-templates, sources in
 * its README) are reviewed by the same rules as manifests; parameters' defaultValue is used; what is known only at
 * deployment is never judged (and never fails the check); SARIF points at the template line; and the findings equal
 * those of the same resources described with amlcdk's constructs and synthesized (the reader's resolution itself is
 * checked against the resources written out by hand).
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../lib/cli/main.js';
import {
  App,
  ComputeCluster,
  ComputeInstance,
  GenericResource,
  Principal,
  Secret,
  SetupScript,
  SshAccess,
  Stack,
  VmSize,
  Workspace,
} from '../../lib/index.js';
import { STACK_TRACE } from '../helpers/cli.js';
import { InputError } from '../../lib/core/errors.js';
import { canonicalJson, contentHash } from '../../lib/manifest/canonical.js';
import type { Manifest, ManifestResource } from '../../lib/manifest/types.js';
import { readArmParameters, readArmTemplate, readArmTemplateText } from '../../lib/policy/arm-template/read.js';
import { check } from '../../lib/policy/engine.js';
import { onTemplate } from '../../lib/policy/arm-template/report.js';
import { evaluateAzurePolicies } from '../../lib/policy/azure-policy/evaluate.js';
import { loadPolicyDefinitions } from '../../lib/policy/azure-policy/load.js';
import type { Finding } from '../../lib/policy/types.js';
import { sarifErrors } from '../policy/sarif-schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const T = join(ROOT, 'test/fixtures/arm-templates');
const AZPOL = join(ROOT, 'test/fixtures/policy/azure-policy');
const TEMPLATES = [
  'machine-learning-workspace',
  'machine-learning-create',
  'machine-learning-compute-create-computeinstance',
  'machine-learning-compute-create-amlcompute',
  'aistudio-basics',
];
const SUB = '00000000-0000-0000-0000-000000000001';
const SCOPE = {
  subscriptionId: SUB,
  resourceGroup: 'rg-ml',
  location: 'westeurope',
  tenantId: '11111111-1111-1111-1111-111111111111',
};
const RG = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers`;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'amlcdk-arm-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<number> {
  process.exitCode = undefined;
  return main(['node', 'amlcdk', 'check', ...args]);
}

/** Run `fn` with `cwd` as the working directory, returning its result and what it wrote to stderr. */
async function inDir<T>(cwd: string, fn: () => Promise<T>): Promise<{ code: T; stderr: string }> {
  const before = process.cwd();
  const original = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = (c: string | Uint8Array) => {
    stderr += typeof c === 'string' ? c : Buffer.from(c).toString();
    return true;
  };
  process.chdir(cwd);
  try {
    return { code: await fn(), stderr };
  } finally {
    process.chdir(before);
    process.stderr.write = original;
  }
}

function writeTemplate(name: string, template: unknown): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(template, null, 2));
  return file;
}

const TEMPLATE_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

describe('the quickstart templates', () => {
  for (const name of TEMPLATES) {
    test(`${name}: reviewed without crashing; every resource read; unknowns never fail the check`, async () => {
      const r = readArmTemplate(join(T, `${name}.json`));
      assert.ok(r.manifest.resources.length > 0);
      assert.ok(r.manifest.resources.every((x) => x.source && x.source.line > 1));
      const report = check(r.manifest, { failOn: 'info' });
      assert.ok(report.findings.length > 0);
      // Not-judged findings say why and do not count as failures, even at --fail-on info.
      for (const f of report.findings.filter((x) => x.undetermined))
        assert.match(f.message, /^not judged: .*known only at deploy time/);
      assert.equal(report.summary.failing, report.findings.filter((x) => !x.undetermined && !x.suppressed).length);
      const out = join(dir, `${name}.sarif`);
      const code = await run(['--arm-template', join(T, `${name}.json`), '--format', 'sarif', '--output', out]);
      assert.ok(code === 0 || code === 1, `exit ${code}`);
      assert.deepEqual(sarifErrors(JSON.parse(readFileSync(out, 'utf8'))), []);
    });
  }

  test('the Bicep-compiled template: modules (nested deployments) are read and their outputs resolve references', () => {
    const r = readArmTemplate(join(T, 'aistudio-basics.json'));
    const types = r.manifest.resources.map((x) => x.type).sort();
    assert.deepEqual(types, [
      'Microsoft.CognitiveServices/accounts',
      'Microsoft.ContainerRegistry/registries',
      'Microsoft.Insights/components',
      'Microsoft.KeyVault/vaults',
      'Microsoft.MachineLearningServices/workspaces',
      'Microsoft.MachineLearningServices/workspaces/connections',
      'Microsoft.Storage/storageAccounts',
    ]);
    const hub = r.manifest.resources.find((x) => x.type === 'Microsoft.MachineLearningServices/workspaces')!;
    const storage = r.manifest.resources.find((x) => x.type === 'Microsoft.Storage/storageAccounts')!;
    // reference(<dependencies module>).outputs.storageId.value is the storage account the other module declares.
    assert.equal((hub.body.properties as Record<string, unknown>).storageAccount, storage.id);
    assert.equal(hub.body.kind, 'hub');
    // listKeys() is deployed state: unknown, not a plaintext secret.
    const conn = r.manifest.resources.find((x) => x.type.endsWith('/connections'))!;
    const key = ((conn.body.properties as Record<string, unknown>).credentials as Record<string, unknown>).key;
    assert.deepEqual(Object.keys(key as object), ['unknown']);
    const report = check(r.manifest);
    assert.ok(!report.findings.some((f) => f.ruleId === 'AML-DATA-001'), 'listKeys() is no secret in clear');
    // The module's resources point at their own lines in the template.
    assert.equal(storage.source!.line, lineOf('aistudio-basics', '"type": "Microsoft.Storage/storageAccounts"') - 1);
  });
});

/** 1-based line of the first occurrence of `needle` in a fixture. */
function lineOf(name: string, needle: string, from = 0): number {
  const lines = readFileSync(join(T, `${name}.json`), 'utf8').split('\n');
  const i = lines.findIndex((l, n) => n >= from && l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${name}`);
  return i + 1;
}

describe('template forms', () => {
  test('languageVersion 2.0 symbolic resources, existing references, copy loops, child and extension resources', () => {
    const t = {
      $schema: TEMPLATE_SCHEMA,
      languageVersion: '2.0',
      contentVersion: '1.0.0.0',
      parameters: { count: { type: 'int', defaultValue: 2 } },
      resources: {
        ws: {
          type: 'Microsoft.MachineLearningServices/workspaces',
          apiVersion: '2024-10-01',
          name: 'mlw-team',
          location: 'westeurope',
          properties: { publicNetworkAccess: 'Disabled' },
        },
        kv: { existing: true, type: 'Microsoft.KeyVault/vaults', apiVersion: '2023-07-01', name: 'kv-shared' },
        clusters: {
          copy: { name: 'loop', count: "[parameters('count')]" },
          type: 'Microsoft.MachineLearningServices/workspaces/computes',
          apiVersion: '2024-10-01',
          name: "[format('mlw-team/cpu-{0}', copyIndex(1))]",
          location: 'westeurope',
          properties: { computeType: 'AmlCompute', properties: { vmSize: 'Standard_D4s_v5' } },
        },
        vnet: {
          type: 'Microsoft.Network/virtualNetworks',
          apiVersion: '2024-05-01',
          name: 'vnet',
          location: 'westeurope',
          properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } },
          resources: [
            {
              type: 'subnets',
              apiVersion: '2024-05-01',
              name: 'compute',
              properties: { addressPrefix: '10.0.1.0/24' },
            },
          ],
        },
        diag: {
          type: 'Microsoft.MachineLearningServices/workspaces/providers/diagnosticSettings',
          apiVersion: '2021-05-01-preview',
          name: 'mlw-team/Microsoft.Insights/to-law',
          properties: { logs: [] },
        },
      },
    };
    const r = readArmTemplateText(JSON.stringify(t, null, 2), 'forms.json', { scope: SCOPE });
    assert.deepEqual(
      r.manifest.resources.map((x) => x.id.slice(RG.length)),
      [
        '/Microsoft.MachineLearningServices/workspaces/mlw-team',
        '/Microsoft.MachineLearningServices/workspaces/mlw-team/computes/cpu-1',
        '/Microsoft.MachineLearningServices/workspaces/mlw-team/computes/cpu-2',
        '/Microsoft.Network/virtualNetworks/vnet',
        '/Microsoft.Network/virtualNetworks/vnet/subnets/compute',
        '/Microsoft.MachineLearningServices/workspaces/mlw-team/providers/Microsoft.Insights/diagnosticSettings/to-law',
      ],
    );
    assert.deepEqual(r.uncertain, []);
    // An unknown loop count: the resource is read once and not judged.
    const unknownCount = readArmTemplateText(
      JSON.stringify({ ...t, parameters: { count: { type: 'int' } } }),
      'forms.json',
      { scope: SCOPE },
    );
    assert.equal(unknownCount.uncertain.length, 1);
    assert.match(unknownCount.uncertain[0].why, /copy count .* known only at deployment/);
  });
});

describe('unknown values: never a false pass or a false fail, and the finding says so', () => {
  const template = (pna: unknown, extra: Record<string, unknown> = {}) => ({
    $schema: TEMPLATE_SCHEMA,
    contentVersion: '1.0.0.0',
    parameters: { access: { type: 'string' }, ...extra },
    resources: [
      {
        type: 'Microsoft.MachineLearningServices/workspaces',
        apiVersion: '2024-10-01',
        name: 'mlw-team',
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
        properties: { publicNetworkAccess: pna },
      },
    ],
  });

  test('a parameter without value: AML-NET-001 is not judged, not failing even at --fail-on info', async () => {
    const file = writeTemplate('pna-unknown', template("[parameters('access')]"));
    const out = join(dir, 'pna.json');
    assert.equal(
      await run([
        '--arm-template',
        file,
        '--fail-on',
        'info',
        '--format',
        'json',
        '--output',
        out,
        '--pack',
        'network',
      ]),
      1,
    );
    const report = JSON.parse(readFileSync(out, 'utf8')) as { findings: Finding[]; summary: { undetermined: number } };
    const net001 = report.findings.find((f) => f.ruleId === 'AML-NET-001')!;
    assert.equal(net001.undetermined, true);
    assert.match(
      net001.message,
      /not judged: .*properties\.publicNetworkAccess = \[parameters\('access'\)\] \(parameter 'access' has no value and no defaultValue\)/,
    );
    assert.ok(report.summary.undetermined >= 1);
    // The text report marks it UNKNOWN and does not call the value "not set".
    const txt = join(dir, 'pna.txt');
    await run(['--arm-template', file, '--output', txt, '--pack', 'network']);
    const text = readFileSync(txt, 'utf8');
    assert.match(text, /UNKNOWN {2}AML-NET-001 not judged/);
    assert.doesNotMatch(text, /publicNetworkAccess is not set/);
    assert.match(text, /3 not judged \(values known only at deploy time\)/);
    // Only the judged findings (other network rules on this workspace) can fail.
    const judged = report.findings.filter((f) => !f.undetermined);
    assert.ok(judged.every((f) => f.ruleId !== 'AML-NET-001'));
  });

  test('its defaultValue is used; a value from --arm-parameters wins', async () => {
    const out = join(dir, 'pna2.json');
    const withDefault = writeTemplate('pna-default', template("[parameters('access')]", {}));
    const t = JSON.parse(readFileSync(withDefault, 'utf8'));
    t.parameters.access.defaultValue = 'Disabled';
    writeFileSync(withDefault, JSON.stringify(t, null, 2));
    await run(['--arm-template', withDefault, '--format', 'json', '--output', out]);
    assert.ok(!JSON.parse(readFileSync(out, 'utf8')).findings.some((f: Finding) => f.ruleId === 'AML-NET-001'));
    const params = join(dir, 'pna.parameters.json');
    writeFileSync(params, JSON.stringify({ parameters: { access: { value: 'Enabled' } } }));
    await run(['--arm-template', withDefault, '--arm-parameters', params, '--format', 'json', '--output', out]);
    const f = JSON.parse(readFileSync(out, 'utf8')).findings.find((x: Finding) => x.ruleId === 'AML-NET-001');
    assert.ok(f && !f.undetermined);
    assert.match(f.message, /publicNetworkAccess=Enabled, set in the template/);
  });

  test('a resource under a condition known only at deployment is not judged', () => {
    const t = template('Enabled', { deploy: { type: 'bool' } });
    (t.resources[0] as Record<string, unknown>).condition = "[parameters('deploy')]";
    const file = writeTemplate('conditional', t);
    const r = readArmTemplate(file);
    assert.equal(r.uncertain.length, 1);
    assert.match(r.uncertain[0].why, /deployed only if \[parameters\('deploy'\)\]/);
    // publicNetworkAccess is Enabled, but the workspace may not be deployed at all: reported, never failing.
    const report = onTemplate(check(r.manifest, { failOn: 'info' }), r);
    const net001 = report.findings.find((f) => f.ruleId === 'AML-NET-001')!;
    assert.equal(net001.undetermined, true);
    assert.match(net001.message, /^not judged: .*; but .*deployed only if/);
    assert.equal(report.summary.failing, 0);
    assert.equal(report.failed, false);
  });

  test('Azure Policy definitions are not evaluated on unknown values either', () => {
    const r = readArmTemplateText(JSON.stringify(template("[parameters('access')]")), 'pna.json');
    const def = loadPolicyDefinitions(join(AZPOL, 'Workspace_PublicNetworkAccessDisabled_Audit.json'))[0];
    const res = evaluateAzurePolicies(r.manifest, { definitions: [def] });
    assert.deepEqual(
      res.map((x) => x.outcome),
      ['NotEvaluable'],
    );
    assert.match(res[0].note ?? '', /known only at deploy time/);
  });
});

describe('SARIF points at the template line', () => {
  test('each result sits on the line of the property it is about, or of its resource', async () => {
    const name = 'machine-learning-compute-create-amlcompute';
    const out = join(dir, 'lines.sarif');
    await run(['--arm-template', join(T, `${name}.json`), '--format', 'sarif', '--output', out]);
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    const at = (rule: string): number =>
      sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === rule).locations[0].physicalLocation.region
        .startLine;
    assert.equal(
      sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri,
      `test/fixtures/arm-templates/${name}.json`,
    );
    assert.equal(at('AML-NET-006'), lineOf(name, '"subnet" : "[if('));
    assert.equal(at('AML-IAM-002'), lineOf(name, '"adminUserPassword" : "'));
    // A property the template leaves out points at the object it would go in.
    assert.equal(at('AML-NET-007'), lineOf(name, '"properties":', lineOf(name, '"computeType"')));
  });
});

/** The template's resources written out by hand with the parameters of test/fixtures/arm-templates/parameters. */
function handManifest(
  stack: string,
  resources: Omit<ManifestResource, 'dependsOn' | 'options' | 'apiVersion'>[],
  apiVersions: string[],
): Manifest {
  const doc = {
    schemaVersion: 1 as const,
    stack: { name: stack, subscriptionId: SUB, resourceGroup: 'rg-ml', location: 'westeurope', tags: {} },
    resources: resources.map((r, i) => ({
      ...r,
      apiVersion: apiVersions[i],
      dependsOn: [],
      options: { protect: false, deletePolicy: 'Delete' as const },
    })),
  };
  return { ...doc, hash: contentHash(doc) };
}

const HAND: Record<string, { params: string; manifest: Manifest }> = {
  'machine-learning-compute-create-amlcompute': {
    params: 'amlcompute.parameters.json',
    manifest: handManifest(
      'machine-learning-compute-create-amlcompute',
      [
        {
          logicalId: 'machine-learning-compute-create-amlcompute/computes/mlw-team/cpu-cluster',
          type: 'Microsoft.MachineLearningServices/workspaces/computes',
          id: `${RG}/Microsoft.MachineLearningServices/workspaces/mlw-team/computes/cpu-cluster`,
          name: 'cpu-cluster',
          body: {
            location: 'westeurope',
            properties: {
              computeType: 'AmlCompute',
              properties: {
                vmSize: 'Standard_D4s_v3',
                scaleSettings: { minNodeCount: 0, maxNodeCount: 1 },
                userAccountCredentials: {
                  adminUserName: { secretRef: 'armParameter:adminUserName' },
                  adminUserPassword: { secretRef: 'armParameter:adminUserPassword' },
                },
                subnet: null,
              },
            },
          },
        },
      ],
      ['2021-01-01'],
    ),
  },
  'machine-learning-compute-create-computeinstance': {
    params: 'computeinstance.parameters.json',
    manifest: handManifest(
      'machine-learning-compute-create-computeinstance',
      [
        {
          logicalId: 'machine-learning-compute-create-computeinstance/computes/mlw-team/ci-alice',
          type: 'Microsoft.MachineLearningServices/workspaces/computes',
          id: `${RG}/Microsoft.MachineLearningServices/workspaces/mlw-team/computes/ci-alice`,
          name: 'ci-alice',
          body: {
            location: 'westeurope',
            properties: {
              computeType: 'ComputeInstance',
              properties: {
                vmSize: 'Standard_DS3_v2',
                subnet: null,
                personalComputeInstanceSettings: {
                  assignedUser: { objectId: 'aaaaaaaa-0000-0000-0000-000000000001', tenantId: SCOPE.tenantId },
                },
                setupScripts: {
                  scripts: { creationScript: { scriptSource: 'inline', scriptData: 'bHM=', scriptArguments: '' } },
                },
                schedules: { computeStartStop: [] },
              },
            },
          },
        },
      ],
      ['2021-07-01'],
    ),
  },
  'machine-learning-workspace': {
    params: 'workspace.parameters.json',
    manifest: handManifest(
      'machine-learning-workspace',
      [
        {
          logicalId: 'machine-learning-workspace/storageAccounts/stteamdev',
          type: 'Microsoft.Storage/storageAccounts',
          id: `${RG}/Microsoft.Storage/storageAccounts/stteamdev`,
          name: 'stteamdev',
          body: {
            location: 'westeurope',
            sku: { name: 'Standard_RAGRS' },
            kind: 'StorageV2',
            properties: {
              encryption: {
                services: { blob: { enabled: true }, file: { enabled: true } },
                keySource: 'Microsoft.Storage',
              },
              supportsHttpsTrafficOnly: true,
            },
          },
        },
        {
          logicalId: 'machine-learning-workspace/vaults/kv-team-dev',
          type: 'Microsoft.KeyVault/vaults',
          id: `${RG}/Microsoft.KeyVault/vaults/kv-team-dev`,
          name: 'kv-team-dev',
          body: {
            location: 'westeurope',
            properties: {
              tenantId: SCOPE.tenantId,
              sku: { name: 'standard', family: 'A' },
              accessPolicies: [],
              enableSoftDelete: true,
            },
          },
        },
        {
          logicalId: 'machine-learning-workspace/components/appi-team-dev',
          type: 'Microsoft.Insights/components',
          id: `${RG}/Microsoft.Insights/components/appi-team-dev`,
          name: 'appi-team-dev',
          body: { location: 'westeurope', kind: 'web', properties: { Application_Type: 'web' } },
        },
        {
          logicalId: 'machine-learning-workspace/registries/crteamdev',
          type: 'Microsoft.ContainerRegistry/registries',
          id: `${RG}/Microsoft.ContainerRegistry/registries/crteamdev`,
          name: 'crteamdev',
          body: {
            sku: { name: 'Standard', tier: 'Standard' },
            location: 'westeurope',
            properties: { adminUserEnabled: true },
          },
        },
        {
          logicalId: 'machine-learning-workspace/workspaces/mlwteamdev',
          type: 'Microsoft.MachineLearningServices/workspaces',
          id: `${RG}/Microsoft.MachineLearningServices/workspaces/mlwteamdev`,
          name: 'mlwteamdev',
          body: {
            identity: { type: 'systemAssigned' },
            location: 'westeurope',
            properties: {
              friendlyName: 'mlwteamdev',
              storageAccount: `${RG}/Microsoft.Storage/storageAccounts/stteamdev`,
              keyVault: `${RG}/Microsoft.KeyVault/vaults/kv-team-dev`,
              applicationInsights: `${RG}/Microsoft.Insights/components/appi-team-dev`,
              containerRegistry: `${RG}/Microsoft.ContainerRegistry/registries/crteamdev`,
              hbiWorkspace: 'false',
            },
          },
        },
      ],
      ['2021-01-01', '2021-04-01-preview', '2020-02-02', '2019-12-01-preview', '2020-03-01'],
    ),
  },
};

/**
 * The template's resources described with amlcdk's constructs, as a user migrating it would write them: the same
 * names, sizes and settings, including what the template leaves to the service (local auth on, the instance's
 * sharing policy unset through the documented escape hatch), so the synthesized manifest holds the same resources.
 */
const SYNTH: Record<string, (stack: Stack) => void> = {
  'machine-learning-compute-create-amlcompute': (stack) => {
    const workspace = Workspace.fromWorkspaceId(
      stack,
      'Ws',
      `${RG}/Microsoft.MachineLearningServices/workspaces/mlw-team`,
    );
    new ComputeCluster(stack, 'Cpu', {
      workspace,
      computeName: 'cpu-cluster',
      vmSize: VmSize.of('Standard_D4s_v3'),
      minNodeCount: 0,
      maxNodeCount: 1,
      localAuth: true,
      sshAccess: SshAccess.enabled({ adminUserName: 'azureuser', password: Secret.fromEnv('ADMIN_PASSWORD') }),
    }).addPropertyDeletion('/properties/properties/remoteLoginPortPublicAccess'); // the template leaves it unset
  },
  'machine-learning-compute-create-computeinstance': (stack) => {
    const workspace = Workspace.fromWorkspaceId(
      stack,
      'Ws',
      `${RG}/Microsoft.MachineLearningServices/workspaces/mlw-team`,
    );
    new ComputeInstance(stack, 'Ci', {
      workspace,
      computeName: 'ci-alice',
      vmSize: VmSize.STANDARD_DS3_V2,
      localAuth: true,
      assignedUser: Principal.user('aaaaaaaa-0000-0000-0000-000000000001', { tenantId: SCOPE.tenantId }),
      creationScript: SetupScript.inline('ls'),
    }).addPropertyDeletion('/properties/properties/applicationSharingPolicy'); // the template leaves it unset
  },
  'machine-learning-workspace': (stack) => {
    const existing = (id: string, type: string, apiVersion: string, name: string, body: Record<string, unknown>) =>
      new GenericResource(stack, id, { type, apiVersion, name, body: { location: 'westeurope', ...body } });
    const st = existing('St', 'Microsoft.Storage/storageAccounts', '2021-01-01', 'stteamdev', {
      sku: { name: 'Standard_RAGRS' },
      kind: 'StorageV2',
      properties: {
        encryption: { services: { blob: { enabled: true }, file: { enabled: true } }, keySource: 'Microsoft.Storage' },
        supportsHttpsTrafficOnly: true,
      },
    });
    const kv = existing('Kv', 'Microsoft.KeyVault/vaults', '2021-04-01-preview', 'kv-team-dev', {
      properties: {
        tenantId: SCOPE.tenantId,
        sku: { name: 'standard', family: 'A' },
        accessPolicies: [],
        enableSoftDelete: true,
      },
    });
    const appi = existing('Appi', 'Microsoft.Insights/components', '2020-02-02', 'appi-team-dev', {
      kind: 'web',
      properties: { Application_Type: 'web' },
    });
    const cr = existing('Cr', 'Microsoft.ContainerRegistry/registries', '2019-12-01-preview', 'crteamdev', {
      sku: { name: 'Standard', tier: 'Standard' },
      properties: { adminUserEnabled: true },
    });
    new Workspace(stack, 'Ws', {
      workspaceName: 'mlwteamdev',
      friendlyName: 'mlwteamdev',
      storageAccountId: st.resourceId,
      keyVaultId: kv.resourceId,
      applicationInsightsId: appi.resourceId,
      containerRegistry: cr.resourceId,
    });
  },
};

function synthesized(name: string): Manifest {
  const app = new App();
  const stack = new Stack(app, name, { subscriptionId: SUB, resourceGroup: 'rg-ml', location: 'westeurope' });
  SYNTH[name](stack);
  return app.synth({ write: false }).manifests[0];
}

/** A finding as both sides must agree on it: rule, severity, resource (by ARM id), path, value, judged or not. */
const same = (m: Manifest) => {
  const arm = new Map(m.resources.map((r) => [r.logicalId, r.id]));
  return {
    // ARM enum values are case-insensitive (the template writes `systemAssigned`, amlcdk `SystemAssigned`).
    finding: (f: Finding): string =>
      JSON.stringify([
        f.ruleId,
        f.severity,
        f.resourceType,
        arm.get(f.logicalId),
        f.path,
        f.value,
        !!f.undetermined,
      ]).toLowerCase(),
    pass: (p: { ruleId: string; logicalId: string }): string => `${p.ruleId} ${arm.get(p.logicalId)}`,
  };
};

describe('findings equal those of the same resources synthesized from constructs', () => {
  for (const [name, hand] of Object.entries(HAND)) {
    test(`${name} with its parameters file and scope: the same findings as the program describing it`, async () => {
      const params = readArmParameters(join(T, 'parameters', hand.params));
      const r = readArmTemplate(join(T, `${name}.json`), {
        parameters: params,
        scope: SCOPE,
        displayFile: `${name}.json`,
      });
      // The reader resolves the template to these resources (sources aside), checked by hand.
      assert.deepEqual(
        r.manifest.resources.map(({ source: _s, ...x }) => x),
        hand.manifest.resources,
      );
      const program = synthesized(name);
      assert.deepEqual(
        program.resources.map((x) => x.id).sort(),
        r.manifest.resources.map((x) => x.id).sort(),
        'the program describes the same resources',
      );
      const a = onTemplate(check(r.manifest, { recordPasses: true }), r);
      const b = check(program, { recordPasses: true });
      assert.ok(a.findings.length > 0);
      const [ka, kb] = [same(r.manifest), same(program)];
      assert.deepEqual(a.findings.map(ka.finding).sort(), b.findings.map(kb.finding).sort());
      assert.deepEqual(a.passes!.map(ka.pass).sort(), b.passes!.map(kb.pass).sort());
      // Each side says where a value came from in its own terms: the template's findings never speak of a program.
      assert.ok(a.findings.every((f) => !/\bprogram\b/.test(f.message)));
      // And through the CLI: --arm-template and --manifest (the program as synthesized) exit alike and report the
      // same rules on the same resources and paths.
      const mdir = join(dir, `synth-${name}`);
      mkdirSync(mdir, { recursive: true });
      writeFileSync(join(mdir, `${name}.manifest.json`), canonicalJson(program, 2));
      const outA = join(dir, `${name}-a.json`);
      const outB = join(dir, `${name}-b.json`);
      const flags = [
        '--subscription-id',
        SUB,
        '--resource-group',
        'rg-ml',
        '--location',
        'westeurope',
        '--tenant-id',
        SCOPE.tenantId,
      ];
      const ca = await run([
        '--arm-template',
        join(T, `${name}.json`),
        '--arm-parameters',
        join(T, 'parameters', hand.params),
        ...flags,
        '--format',
        'json',
        '--output',
        outA,
      ]);
      const cb = await run(['--manifest', mdir, '--format', 'json', '--output', outB]);
      assert.equal(ca, cb);
      const fa = JSON.parse(readFileSync(outA, 'utf8')).findings as Finding[];
      const fb = JSON.parse(readFileSync(outB, 'utf8')).findings as Finding[];
      assert.deepEqual(fa.map(ka.finding).sort(), fb.map(kb.finding).sort());
    });
  }
});

describe('diagnostic settings and the customer-managed key, from a template', () => {
  test('built-ins afe0c3be and 7f40cee6 judge the template the way Azure would', () => {
    const t = {
      $schema: TEMPLATE_SCHEMA,
      contentVersion: '1.0.0.0',
      parameters: { cmk: { type: 'string', defaultValue: 'Enabled' } },
      resources: [
        {
          type: 'Microsoft.MachineLearningServices/workspaces',
          apiVersion: '2024-10-01',
          name: 'mlw-team',
          location: 'westeurope',
          properties: {
            encryption: {
              status: "[parameters('cmk')]",
              keyVaultProperties: {
                keyVaultArmId: `${RG}/Microsoft.KeyVault/vaults/kv`,
                keyIdentifier: 'https://kv.vault.azure.net/keys/k/1',
              },
            },
          },
        },
        {
          type: 'Microsoft.Insights/diagnosticSettings',
          apiVersion: '2021-05-01-preview',
          name: 'to-law',
          scope: "[format('Microsoft.MachineLearningServices/workspaces/{0}', 'mlw-team')]",
          properties: {
            workspaceId: `${RG}/Microsoft.OperationalInsights/workspaces/law`,
            logs: [{ categoryGroup: 'allLogs', enabled: true }],
          },
        },
      ],
    };
    const r = readArmTemplateText(JSON.stringify(t, null, 2), 'diag.json', { scope: SCOPE });
    const diag = r.manifest.resources.find((x) => x.type === 'Microsoft.Insights/diagnosticSettings')!;
    assert.equal(
      diag.id,
      `${RG}/Microsoft.MachineLearningServices/workspaces/mlw-team/providers/Microsoft.Insights/diagnosticSettings/to-law`,
    );
    const defs = ['AuditDiagnosticLog_Audit.json', 'Workspace_CMKEnabled_Audit_V2.json'].map(
      (f) => loadPolicyDefinitions(join(AZPOL, f))[0],
    );
    assert.deepEqual(evaluateAzurePolicies(r.manifest, { definitions: defs }), []);
    // The same template with the CMK off and the logs disabled: both flag the workspace.
    const off = readArmTemplateText(JSON.stringify(t).replace('"enabled":true', '"enabled":false'), 'diag.json', {
      scope: SCOPE,
      parameters: { cmk: { value: 'Disabled' } },
    });
    assert.deepEqual(
      evaluateAzurePolicies(off.manifest, { definitions: defs }).map((x) => x.outcome),
      ['AuditIfNotExists', 'AuditIfNotExists'],
    );
  });
});

describe('errors', () => {
  test('not a template, unknown parameters, conflicting inputs: coded input and usage errors', async () => {
    const notTemplate = join(dir, 'not-template.json');
    writeFileSync(notTemplate, JSON.stringify({ parameters: {} }));
    assert.throws(
      () => readArmTemplate(notTemplate),
      (e: unknown) => e instanceof InputError && e.code === 'ArmTemplateInvalid',
    );
    assert.throws(
      () => readArmTemplate(join(T, 'machine-learning-workspace.json'), { parameters: { nme: { value: 'x' } } }),
      (e: unknown) =>
        e instanceof InputError &&
        e.code === 'ArmParameterUnknown' &&
        /declared parameters: name, environment/.test(e.fix ?? ''),
    );
    const bad = writeTemplate('bad-expr', {
      $schema: TEMPLATE_SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [
        { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: "[concat('a',,)]", location: 'x' },
      ],
    });
    assert.throws(
      () => readArmTemplate(bad),
      (e: unknown) =>
        e instanceof InputError && e.code === 'ArmTemplateInvalidExpression' && e.line !== undefined && e.line > 1,
    );
    assert.equal(await run(['--arm-template', notTemplate]), 2);
    assert.equal(await run(['--arm-template', join(T, 'aistudio-basics.json'), '--manifest', dir]), 2);
    assert.equal(await run(['--manifest', dir, '--location', 'westeurope']), 2);
    assert.equal(await run(['--arm-template', join(dir, 'nope.json')]), 2);
  });

  test('--arm-template and --arm-parameters errors name the files as given, never by an absolute path', async () => {
    const sub = join(dir, 'given');
    mkdirSync(sub, { recursive: true });
    const template = join(T, 'machine-learning-workspace.json');
    writeFileSync(join(sub, 'bad.parameters.json'), '{ "parameters": { "name": { "value": "x" }, }');
    const cases: [string[], RegExp][] = [
      [
        ['--arm-template', template, '--arm-parameters', join(sub, 'missing.parameters.json')],
        /given\/missing\.parameters\.json: ArmParametersUnreadable: cannot read given\/missing\.parameters\.json \(ENOENT\)/,
      ],
      [
        ['--arm-template', template, '--arm-parameters', join(sub, 'bad.parameters.json')],
        /given\/bad\.parameters\.json:1: ArmParametersInvalidJson: given\/bad\.parameters\.json is not valid JSON/,
      ],
      [
        ['--arm-template', join(sub, 'missing.json')],
        /ArmTemplateUnreadable: cannot read given\/missing\.json \(ENOENT\)/,
      ],
    ];
    for (const [args, expected] of cases) {
      // Absolute paths in, from the temporary directory as the working directory.
      const { code, stderr } = await inDir(dir, () => run(args));
      assert.equal(code, 2, stderr);
      assert.match(stderr, expected);
      assert.ok(!stderr.includes(dir), `absolute path printed: ${stderr}`);
      assert.doesNotMatch(stderr, STACK_TRACE);
    }
  });
});
