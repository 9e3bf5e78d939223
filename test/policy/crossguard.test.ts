/**
 * The CrossGuard pack: built from the same rules, fed azure-native resource arguments derived from manifests
 * with the Pulumi component's own mapping (lib/pulumi/mapping.ts), it reports the same (rule, resource) pairs
 * as `amlcdk check`. No Pulumi CLI: the pack's validateResource/validateStack functions are called directly.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { App, synthesize } from '../../lib/index.js';
import { check } from '../../lib/policy/engine.js';
import { buildPolicyPackArgs, canonicalToken, pulumiToManifestResource } from '../../lib/policy/crossguard.js';
import { BUILTIN_RULES } from '../../lib/policy/rules/index.js';
import { bodyToArgs, mappingFor, nameArgs } from '../../lib/pulumi/mapping.js';
import type { Manifest } from '../../lib/manifest/types.js';
import { InsecureStack } from '../../examples/insecure/stack.js';
import { SecureGpuTeamStack } from '../../examples/secure-gpu-team/stack.js';
import { AttachExistingStack } from '../../examples/attach-existing/stack.js';
import * as f from './fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The azure-native resources the Pulumi component would register for a manifest. */
function pulumiResources(m: Manifest): PolicyResource[] {
  return m.resources.map((r) => {
    const map = mappingFor(r.type, r.logicalId);
    const props = { ...nameArgs(map, r.id, r.logicalId), ...bodyToArgs(map, r.body, r.logicalId) };
    return {
      type: map.token,
      name: r.logicalId,
      urn: `urn:pulumi:dev::proj::${map.token}::${r.logicalId}`,
      props,
      opts: { protect: r.options.protect, retainOnDelete: r.options.deletePolicy === 'Retain' },
      dependencies: [],
      propertyDependencies: {},
    } as unknown as PolicyResource;
  });
}

/** Run every policy of the pack and return `ruleId@pulumiName` pairs. */
function runPack(resources: PolicyResource[], options: Parameters<typeof buildPolicyPackArgs>[0] = {}): Set<string> {
  const pack = buildPolicyPackArgs(options);
  const out = new Set<string>();
  const byUrn = new Map(resources.map((r) => [r.urn, r.name]));
  for (const p of pack.policies) {
    const rv = p as ResourceValidationPolicy;
    const sv = p as StackValidationPolicy;
    if (rv.validateResource) {
      const fns = Array.isArray(rv.validateResource) ? rv.validateResource : [rv.validateResource];
      for (const r of resources) {
        const args = {
          type: r.type,
          props: r.props,
          urn: r.urn,
          name: r.name,
          opts: r.opts,
          stackTags: new Map(),
          isType: () => false,
          asType: () => undefined,
          getConfig: () => ({}),
          notApplicable: () => {
            throw new Error('n/a');
          },
        };
        for (const fn of fns) {
          const returned = fn(args as never, (message: string) => {
            assert.ok(message.length > 10);
            out.add(`${p.name}@${r.name}`);
          });
          assert.equal(returned, undefined, 'the pack validates synchronously');
        }
      }
    }
    if (sv.validateStack) {
      const returned = sv.validateStack(
        {
          resources,
          stackTags: new Map(),
          getConfig: () => ({}),
          notApplicable: () => {
            throw new Error('n/a');
          },
        } as never,
        (_message: string, urn?: string) => {
          assert.ok(urn, `${p.name} reports with the resource urn`);
          out.add(`${p.name}@${byUrn.get(urn)}`);
        },
      );
      assert.equal(returned, undefined, 'the pack validates synchronously');
    }
  }
  return out;
}

function checkPairs(m: Manifest, options = {}): Set<string> {
  return new Set(
    check(m, options)
      .findings.filter((x) => x.pack !== 'meta')
      .map((x) => `${x.ruleId}@${x.logicalId}`),
  );
}

function synthExample(build: (app: App) => void): Manifest {
  const app = new App();
  build(app);
  return synthesize(app, { write: false }).manifests[0];
}

describe('CrossGuard pack', () => {
  test('has one policy per rule, named by rule id, with severity and enforcement from the profile', () => {
    const pack = buildPolicyPackArgs({ profile: 'prod' });
    const expected = BUILTIN_RULES.filter((r) => r.pack !== 'meta' && (!r.profiles || r.profiles.includes('prod')));
    assert.deepEqual(pack.policies.map((p) => p.name).sort(), expected.map((r) => r.id).sort());
    const net001 = pack.policies.find((p) => p.name === 'AML-NET-001')!;
    assert.equal(net001.severity, 'critical');
    assert.equal(net001.enforcementLevel, 'mandatory');
    assert.equal(pack.policies.find((p) => p.name === 'AML-GOV-003')!.enforcementLevel, 'advisory');
    assert.ok(
      'validateStack' in pack.policies.find((p) => p.name === 'AML-NET-006')!,
      'graph rules are stack policies',
    );
    assert.ok(
      'validateResource' in pack.policies.find((p) => p.name === 'AML-NET-001')!,
      'single-resource rules are resource policies',
    );
    assert.ok(pack.policies.every((p) => /^[A-Za-z0-9._-]{1,100}$/.test(p.name)));
  });

  const cases: [string, () => Manifest][] = [
    ['examples/insecure', () => synthExample((app) => new InsecureStack(app, 'Insecure'))],
    ['examples/secure-gpu-team', () => synthExample((app) => new SecureGpuTeamStack(app, 'SecureGpuTeam'))],
    ['examples/attach-existing', () => synthExample((app) => new AttachExistingStack(app, 'AttachExisting'))],
    ['fixture: secure baseline', () => f.manifest(f.secureResources())],
    [
      'fixture: insecure network and identity',
      () =>
        f.manifest([
          f.workspace({ publicNetworkAccess: 'Enabled', managedNetwork: undefined }),
          f.instance('ci-alice', {
            subnet: undefined,
            sshSettings: { sshPublicAccess: 'Enabled' },
            personalComputeInstanceSettings: undefined,
          }),
          f.cluster('gpu', { vmSize: 'Standard_NC6s_v3', enableNodePublicIp: false }),
          f.nsg([
            { name: 'ssh', priority: 100, direction: 'Inbound', access: 'Allow', source: '*', port: '22' },
            { name: 'deny-out', priority: 200, direction: 'Outbound', access: 'Deny', protocol: '*' },
          ]),
          f.vnet(),
          f.subnet(),
          f.privateEndpoint(false),
          f.roleAssignment(f.BOB, 'User', f.OWNER, `/subscriptions/${f.SUB}`, 'sub-owner'),
          f.storage(),
          f.keyVault(),
          f.registry(),
        ]),
    ],
  ];
  for (const profile of ['dev', 'prod'] as const) {
    for (const [name, make] of cases) {
      test(`reports the same rule ids as amlcdk check: ${name} (${profile})`, () => {
        const m = make();
        const expected = checkPairs(m, { profile });
        const got = runPack(pulumiResources(m), { profile });
        assert.deepEqual([...got].sort(), [...expected].sort());
        if (name.includes('insecure')) assert.ok(expected.size > 5, 'the comparison covers real findings');
      });
    }
  }

  test('thresholds can be set per policy with --policy-pack-config (configSchema + getConfig)', () => {
    const pack = buildPolicyPackArgs();
    const policy = pack.policies.find((p) => p.name === 'AML-COST-002') as ResourceValidationPolicy;
    assert.deepEqual(Object.keys(policy.configSchema!.properties).sort(), ['clusterMaxNodes', 'gpuClusterMaxNodes']);
    const [cluster] = pulumiResources(f.manifest([f.cluster()]));
    const run = (config: object): string[] => {
      const got: string[] = [];
      const fn = policy.validateResource as (a: unknown, r: (m: string) => void) => void;
      fn(
        {
          type: cluster.type,
          props: cluster.props,
          urn: cluster.urn,
          name: cluster.name,
          opts: cluster.opts,
          getConfig: () => config,
        },
        (m) => got.push(m),
      );
      return got;
    };
    assert.deepEqual(run({}), [], 'maxNodeCount 4 is within the default cap');
    const got = run({ clusterMaxNodes: 2 });
    assert.equal(got.length, 1);
    assert.match(got[0], /caps clusters at 2/);
    assert.deepEqual(run({}), [], 'configs are cached separately');
  });

  test('maps versioned type tokens and Pulumi inputs back to ARM bodies', () => {
    assert.equal(canonicalToken('azure-native:network/v20240501:Subnet'), 'azure-native:network:Subnet');
    const nsg = pulumiToManifestResource({
      type: 'azure-native:network:NetworkSecurityGroup',
      name: 'nsg',
      props: {
        resourceGroupName: 'rg',
        networkSecurityGroupName: 'nsg-a',
        location: 'westeurope',
        securityRules: [
          {
            name: 'r',
            priority: 100,
            direction: 'Inbound',
            access: 'Allow',
            protocol: 'Tcp',
            sourceAddressPrefix: '*',
            destinationPortRange: '22',
          },
        ],
      },
    })!;
    assert.equal(
      nsg.id,
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-a',
    );
    assert.deepEqual(nsg.body, {
      location: 'westeurope',
      properties: {
        securityRules: [
          {
            name: 'r',
            properties: {
              priority: 100,
              direction: 'Inbound',
              access: 'Allow',
              protocol: 'Tcp',
              sourceAddressPrefix: '*',
              destinationPortRange: '22',
            },
          },
        ],
      },
    });
    const ra = pulumiToManifestResource({
      type: 'azure-native:authorization:RoleAssignment',
      name: 'ra',
      props: {
        scope: '/subscriptions/s/resourceGroups/rg',
        roleAssignmentName: 'g',
        principalId: 'p',
        principalType: 'Group',
        roleDefinitionId: 'x',
      },
    })!;
    assert.equal(ra.id, '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/g');
    assert.deepEqual(ra.body, { properties: { principalId: 'p', principalType: 'Group', roleDefinitionId: 'x' } });
    const compute = pulumiToManifestResource({
      type: 'azure-native:machinelearningservices:Compute',
      name: 'auto-named',
      props: { resourceGroupName: 'rg', workspaceName: 'ws', properties: { computeType: 'AmlCompute' } },
    })!;
    assert.equal(compute.name, 'auto-named', 'an auto-named resource uses its Pulumi name');
    assert.equal(pulumiToManifestResource({ type: 'azure-native:web:WebApp', name: 'x', props: {} }), undefined);
  });

  test('importing amlcdk/policy never loads @pulumi/*', () => {
    const dir = mkdtempSync(join(tmpdir(), 'amlcdk-nopulumi-'));
    try {
      const hooks = join(dir, 'hooks.mjs');
      writeFileSync(
        hooks,
        "export async function resolve(specifier, context, next) { if (specifier.startsWith('@pulumi/')) throw new Error('LOADED ' + specifier); return next(specifier, context); }\n",
      );
      const reg = join(dir, 'register.mjs');
      writeFileSync(
        reg,
        `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
      );
      const script = (spec: string) =>
        spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            '--import',
            pathToFileURL(reg).href,
            '-e',
            `await import(${JSON.stringify(spec)}); console.log('ok');`,
          ],
          { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
        );
      const ok = script(pathToFileURL(join(ROOT, 'lib/policy/index.ts')).href);
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /ok/);
      const control = script('@pulumi/policy');
      assert.notEqual(control.status, 0, 'the hook does catch @pulumi imports');
      assert.match(control.stderr, /LOADED @pulumi\/policy/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('examples/policy-pack', () => {
  test('the pack program builds its policies from the environment; PulumiPolicy.yaml and package.json are valid', async () => {
    const { packArgs, packOptions, PACK_NAME } = await import('../../examples/policy-pack/pack.js');
    assert.equal(PACK_NAME, 'amlcdk-azure-ml');
    assert.equal(packOptions({}).profile, 'dev');
    assert.equal(packOptions({ AMLCDK_POLICY_PROFILE: 'prod' }).profile, 'prod');
    const dir = mkdtempSync(join(tmpdir(), 'amlcdk-pack-'));
    try {
      const cfg = join(dir, 'policy.yaml');
      writeFileSync(cfg, 'profile: prod\nrules:\n  AML-GOV-002:\n    enabled: false\n');
      const args = packArgs({ AMLCDK_POLICY_CONFIG: cfg });
      assert.ok(!args.policies.some((p) => p.name === 'AML-GOV-002'));
      assert.ok(
        args.policies.some((p) => p.name === 'AML-REL-005'),
        'prod-only rules present',
      );
      const found = runPack(
        pulumiResources(synthExample((app) => new InsecureStack(app, 'Insecure'))),
        packOptions({ AMLCDK_POLICY_PROFILE: 'prod' }),
      );
      assert.ok(found.has('AML-NET-001@Insecure/Workspace'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const yml = parse(readFileSync(join(ROOT, 'examples/policy-pack/PulumiPolicy.yaml'), 'utf8'));
    assert.equal(yml.runtime.name, 'nodejs');
    assert.equal(yml.main, 'index.ts');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'examples/policy-pack/package.json'), 'utf8'));
    assert.match(pkg.version, /^\d+\.\d+\.\d+$/, 'PolicyPack reads its version from package.json');
  });
});
