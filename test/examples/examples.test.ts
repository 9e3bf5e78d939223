/** Every example synthesizes (in memory and as a program), schema-valid and deterministic, with the facts its README promises. */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, parseManifest, validateManifestDeep, type Stack } from '../../lib/index.js';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import { Match, Template } from '../../lib/testing/index.js';
import { QuickstartStack } from '../../examples/quickstart/stack.js';
import { SecureGpuTeamStack } from '../../examples/secure-gpu-team/stack.js';
import { AttachExistingStack } from '../../examples/attach-existing/stack.js';
import { InsecureStack } from '../../examples/insecure/stack.js';
import { IdentityGrantsStack } from '../../examples/identity-grants/stack.js';
import type { Json } from '../helpers/json.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const COMPUTES = 'Microsoft.MachineLearningServices/workspaces/computes';
type Body = { properties: { computeType: string; properties: Record<string, Json> } };

const EXAMPLES: Array<[string, string, (app: App) => Stack]> = [
  ['quickstart', 'Quickstart', (app) => new QuickstartStack(app, 'Quickstart')],
  ['secure-gpu-team', 'SecureGpuTeam', (app) => new SecureGpuTeamStack(app, 'SecureGpuTeam')],
  ['attach-existing', 'AttachExisting', (app) => new AttachExistingStack(app, 'AttachExisting')],
  ['insecure', 'Insecure', (app) => new InsecureStack(app, 'Insecure')],
  ['identity-grants', 'IdentityGrants', (app) => new IdentityGrantsStack(app, 'IdentityGrants')],
];

function synth(make: (app: App) => Stack): Template {
  return Template.fromStack(make(new App()));
}

describe('examples', () => {
  for (const [dir, , make] of EXAMPLES) {
    test(`${dir}: no errors, schema-valid, deterministic`, () => {
      const a = synth(make);
      a.hasNoErrors();
      assert.deepEqual(a.schemaIssues(), []);
      assert.equal(canonicalJson(synth(make).manifest), canonicalJson(a.manifest));
    });
  }

  test('quickstart: workspace, one personal instance, a small CPU cluster scaling from 0', () => {
    const t = synth(EXAMPLES[0][2]);
    t.resourceCountIs('Microsoft.MachineLearningServices/workspaces', 1);
    const computes = t.findResources(COMPUTES).map((r) => (r.body as Body).properties);
    assert.deepEqual(computes.map((c) => c.computeType).sort(), ['AmlCompute', 'ComputeInstance']);
    const cluster = computes.find((c) => c.computeType === 'AmlCompute')!;
    assert.equal(cluster.properties.scaleSettings.minNodeCount, 0);
    assert.ok(computes.find((c) => c.computeType === 'ComputeInstance')!.properties.personalComputeInstanceSettings);
  });

  test('secure-gpu-team: no public IPs, SSH off, private workspace with endpoint + DNS, 3 personal instances, A100 Spot 0-4, share mounted, group RBAC', () => {
    const t = synth(EXAMPLES[1][2]);
    const computes = t.findResources(COMPUTES).map((r) => (r.body as Body).properties);
    assert.equal(computes.filter((c) => c.computeType === 'ComputeInstance').length, 3);
    for (const c of computes) {
      assert.equal(c.properties.enableNodePublicIp, false);
      assert.ok(c.properties.subnet?.id.includes('/subnets/'));
      if (c.computeType === 'ComputeInstance') assert.equal(c.properties.sshSettings.sshPublicAccess, 'Disabled');
    }
    const cluster = computes.find((c) => c.computeType === 'AmlCompute')!;
    assert.equal(cluster.properties.vmPriority, 'LowPriority');
    assert.match(cluster.properties.vmSize, /A100/);
    assert.deepEqual(
      [cluster.properties.scaleSettings.minNodeCount, cluster.properties.scaleSettings.maxNodeCount],
      [0, 4],
    );
    t.hasResourceProperties('Microsoft.MachineLearningServices/workspaces', {
      properties: { publicNetworkAccess: 'Disabled' },
    });
    t.resourceCountIs('Microsoft.Network/privateEndpoints', 1);
    t.resourceCountIs('Microsoft.Network/privateDnsZones', 2);
    t.resourceCountIs('Microsoft.Network/networkSecurityGroups', 1);
    t.resourceCountIs('Microsoft.MachineLearningServices/workspaces/datastores', 1);
    for (const r of t
      .findResources(COMPUTES)
      .filter((x) => (x.body as Body).properties.computeType === 'ComputeInstance')) {
      assert.equal(r.actions?.[0]?.name, 'updateDataMounts');
    }
    const groupRoles = t
      .findResources('Microsoft.Authorization/roleAssignments')
      .filter((r) => (r.body as { properties: { principalType: string } }).properties.principalType === 'Group');
    assert.equal(groupRoles.length, 2);
    assert.equal(t.warnings().filter((w) => !w.acknowledged).length, 0);
    assert.deepEqual(
      t.diagnostics.filter((d) => d.level === 'info').map((d) => d.code),
      [],
    );
  });

  test('attach-existing: AKS + VM attached with Detach policy, VM key as a secret reference', () => {
    const t = synth(EXAMPLES[2][2]);
    const rs = t.findResources(COMPUTES);
    assert.deepEqual(rs.map((r) => (r.body as Body).properties.computeType).sort(), ['Kubernetes', 'VirtualMachine']);
    for (const r of rs) assert.equal(r.options.deletePolicy, 'Detach');
    const vm = t.resource('AttachExisting/Dsvm');
    assert.deepEqual(vm.secrets, ['/properties/properties/administratorAccount/privateKeyData']);
  });

  test('insecure: valid, but public, SSH open to the internet, local auth on, min nodes 2, no tags', () => {
    const t = synth(EXAMPLES[3][2]);
    assert.deepEqual(t.manifest.stack.tags, {});
    t.hasResourceProperties('Microsoft.MachineLearningServices/workspaces', {
      properties: { publicNetworkAccess: 'Enabled' },
    });
    t.hasResourceProperties(COMPUTES, {
      properties: {
        computeType: 'ComputeInstance',
        disableLocalAuth: false,
        properties: {
          sshSettings: { sshPublicAccess: 'Enabled' },
          enableNodePublicIp: true,
          idleTimeBeforeShutdown: Match.absent(),
        },
      },
    });
    t.hasResourceProperties(COMPUTES, {
      properties: {
        computeType: 'AmlCompute',
        properties: { remoteLoginPortPublicAccess: 'Enabled', scaleSettings: { minNodeCount: 2, maxNodeCount: 100 } },
      },
    });
    t.hasWarning('azureml:cluster:minNodesAboveZero');
  });

  test('each main.ts runs on its own and writes its manifest (as under `amlcdk synth`)', () => {
    const out = mkdtempSync(join(tmpdir(), 'amlcdk-examples-'));
    try {
      for (const [dir, stackName] of EXAMPLES) {
        const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [`examples/${dir}/main.ts`], {
          cwd: ROOT,
          env: { ...process.env, AMLCDK_OUTDIR: out },
          encoding: 'utf8',
          timeout: 120_000,
        });
        assert.equal(r.status, 0, r.stderr);
        const m = parseManifest(readFileSync(join(out, `${stackName}.manifest.json`), 'utf8'));
        assert.deepEqual(validateManifestDeep(m), []);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
