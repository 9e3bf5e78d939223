/**
 * `amlcdk import` end to end, as real processes:
 * - adopt: against an emulator over HTTPS (AMLCDK_ARM_ENDPOINT), the computes created out of band with the ARM
 *   client; exit codes and messages of every refusal; `plan` afterwards shows no create.
 * - --from-azml-yaml: the example YAML files converted, the code run with tsx in a program that synthesizes, and
 *   the manifest bodies compared with the YAML; bad YAML writes nothing.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson } from '../../lib/manifest/canonical.js';
import type { Manifest } from '../../lib/manifest/types.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { resourceAt, seedImportWorld } from '../helpers/import-program.js';
import { STACK_TRACE, killAll, runCli, type CliResult } from '../helpers/cli.js';
import type { Json } from '../helpers/json.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** No ARM target is inherited from this process; `env` adds one. */
const amlcdk = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  runCli(args, cwd, { env });

function noStackTrace(r: CliResult): void {
  assert.doesNotMatch(r.stderr + r.stdout, STACK_TRACE);
}

describe('amlcdk import <armId> --as <path> (emulator)', () => {
  let h: Harness;
  let m: Manifest;
  let env: NodeJS.ProcessEnv;
  const run = (...args: string[]): Promise<CliResult> =>
    amlcdk(['import', ...args, '--manifest', 'Team.manifest.json'], h.dir, env);

  beforeAll(async () => {
    h = await startHarness();
    m = await seedImportWorld(h);
    writeFileSync(join(h.dir, 'Team.manifest.json'), canonicalJson(m, 2));
    writeFileSync(join(h.dir, 'emulator-ca.pem'), h.emu.caCertPem);
    env = { AMLCDK_ARM_ENDPOINT: h.emu.url, AMLCDK_ARM_CA_FILE: join(h.dir, 'emulator-ca.pem') };
  });
  afterAll(async () => {
    killAll();
    await h?.close();
  });

  test('adopts a matching compute: exit 0, "no changes", no write reached the emulator', async () => {
    const since = h.lastSeq();
    const r = await run(resourceAt(m, 'Team/Ws/Gpu').id, '--as', 'Team/Ws/Gpu');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✓ imported \/subscriptions\/.*\/computes\/gpu-import into stack Team as Team\/Ws\/Gpu/);
    assert.match(r.stdout, /plan: no changes for Team\/Ws\/Gpu/);
    assert.deepEqual(h.writesSince(since), []);
  });

  test('adopts a differing compute: the update and the exact path are printed', async () => {
    const r = await run(resourceAt(m, 'Team/Ws/Cpu').id, '--as', 'Team/Ws/Cpu');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /plan: patch Team\/Ws\/Cpu/);
    assert.match(r.stdout, /\/properties\/properties\/scaleSettings\/maxNodeCount: 2 → 4/);
  });

  test('then `amlcdk plan` creates only what does not exist: imported computes are a no-op and a patch', async () => {
    const r = await amlcdk(['plan', '--manifest', 'Team.manifest.json', '--json'], h.dir, env);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as {
      resource_changes: { address: string; change: { actions: string[]; paths: { path: string }[] } }[];
    };
    const by = new Map(plan.resource_changes.map((c) => [c.address, c.change]));
    assert.deepEqual(by.get('Team/Ws/Gpu')!.actions, ['no-op']);
    assert.deepEqual(by.get('Team/Ws/Cpu')!.actions, ['patch']);
    assert.deepEqual(
      by.get('Team/Ws/Cpu')!.paths.map((p) => p.path),
      ['/properties/properties/scaleSettings/maxNodeCount'],
    );
    assert.deepEqual(
      plan.resource_changes
        .filter((c) => c.change.actions.includes('create'))
        .map((c) => c.address)
        .sort(),
      ['Team/Ws/Kind', 'Team/Ws/Missing'],
    );
  });

  test('already owned: exit 0 with a notice; --json says already-owned', async () => {
    const r = await run(resourceAt(m, 'Team/Ws/Gpu').id, '--as', 'Team/Ws/Gpu');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /notice .*gpu-import is already owned by stack Team as Team\/Ws\/Gpu; nothing to import/);
    const j = await run(resourceAt(m, 'Team/Ws/Gpu').id, '--as', 'Team/Ws/Gpu', '--json');
    assert.equal(JSON.parse(j.stdout).status, 'already-owned');
  });

  test('wrong construct path: exit 2, ImportConstructNotFound with close matches', async () => {
    const r = await run(resourceAt(m, 'Team/Ws/Missing').id, '--as', 'Team/Ws/Misisng');
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /ImportConstructNotFound: stack Team has no construct at path "Team\/Ws\/Misisng" \(.*close matches: Team\/Ws\/Missing/,
    );
    assert.match(r.stderr, /fix: use --as Team\/Ws\/Missing/);
    noStackTrace(r);
  });

  test('id mismatch: exit 2, ImportIdMismatch saying which id the construct manages and how to rename', async () => {
    const other = resourceAt(m, 'Team/Ws/Gpu').id.replace('gpu-import', 'legacy-gpu');
    const r = await run(other, '--as', 'Team/Ws/Gpu');
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /ImportIdMismatch: Team\/Ws\/Gpu would manage .*\/computes\/gpu-import, not .*\/computes\/legacy-gpu/,
    );
    assert.match(r.stderr, /fix: .*computeName: 'legacy-gpu'.*previousPath/);
    noStackTrace(r);
  });

  test('404: exit 1, ImportNotFound, nothing recorded', async () => {
    const r = await run(resourceAt(m, 'Team/Ws/Missing').id, '--as', 'Team/Ws/Missing');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /ImportNotFound: no resource exists at .*missing-import \(GET with api-version .* answered 404\)/,
    );
    assert.equal((await h.store.load('Team'))!.resources['Team/Ws/Missing'], undefined);
    noStackTrace(r);
  });

  test('owned by another stack found in the state directory: exit 1, ImportOwnedByOtherStack', async () => {
    const gpu = resourceAt(m, 'Team/Ws/Gpu');
    const missing = resourceAt(m, 'Team/Ws/Missing');
    await h.store.save({
      version: 1,
      stack: 'Legacy',
      resources: {
        'Legacy/Old': {
          logicalId: 'Legacy/Old',
          id: missing.id,
          type: gpu.type,
          apiVersion: gpu.apiVersion,
          applied: undefined,
          ownership: 'created',
        },
      },
      updatedAt: new Date().toISOString(),
    });
    const r = await run(missing.id, '--as', 'Team/Ws/Missing');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /ImportOwnedByOtherStack: .*missing-import is already owned by stack Legacy \(as Legacy\/Old\)/,
    );
  });

  test('usage: no id, no --as, --out without YAML, YAML with an id: exit 2', async () => {
    assert.match((await amlcdk(['import', '--manifest', 'Team.manifest.json'], h.dir, env)).stderr, /ImportNeedsId/);
    const noAs = await run(resourceAt(m, 'Team/Ws/Gpu').id);
    assert.equal(noAs.code, 2);
    assert.match(noAs.stderr, /ImportNeedsAddress/);
    const out = await run(resourceAt(m, 'Team/Ws/Gpu').id, '--as', 'Team/Ws/Gpu', '--out', 'x.ts');
    assert.equal(out.code, 2);
    assert.match(out.stderr, /ConflictingOptions/);
    const both = await amlcdk(['import', resourceAt(m, 'Team/Ws/Gpu').id, '--from-azml-yaml', 'x.yml'], h.dir, env);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /ConflictingOptions/);
  });
});

describe('amlcdk import --from-azml-yaml', () => {
  let dir: string;
  beforeAll(() => {
    // Inside the repository (tmp/ is ignored by git) so the generated `import … from 'amlcdk'` resolves.
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, 'tmp', 'import-yaml-'));
  });
  afterAll(() => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the example files convert, compile under tsx, synthesize, and the manifest bodies match the YAML', async () => {
    for (const f of ['compute-instance', 'cluster', 'kubernetes']) {
      const r = await amlcdk(
        ['import', '--from-azml-yaml', `examples/import/${f}.yml`, '--out', join(dir, `${f}.ts`)],
        ROOT,
      );
      assert.equal(r.code, 0, r.stderr);
      if (f === 'cluster')
        assert.match(
          r.stderr,
          /notice: cluster\.yml:27 ssh_settings\.admin_password was not copied into the code; set CPU_PRIVATE_ADMIN_PASSWORD/,
        );
    }
    const code = readFileSync(join(dir, 'cluster.ts'), 'utf8');
    assert.doesNotMatch(code, /not-a-real-password/);
    writeFileSync(
      join(dir, 'main.ts'),
      [
        "import { App, Stack, Workspace } from 'amlcdk';",
        "import { defineComputes as instance } from './compute-instance.js';",
        "import { defineComputes as clusters } from './cluster.js';",
        "import { defineComputes as aks } from './kubernetes.js';",
        'const app = new App();',
        "const stack = new Stack(app, 'Imported', { subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg-ml', location: 'westeurope' });",
        "const ws = Workspace.fromWorkspaceAttributes(stack, 'Ws', { workspaceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/mlw-shared', location: 'westeurope', isolationMode: 'Disabled', hasPrivateEndpoint: true });",
        'instance(stack, ws);',
        'clusters(stack, ws);',
        'aks(stack, ws);',
        'process.stdout.write(JSON.stringify(app.synth({ write: false }).manifests[0]));',
      ].join('\n'),
    );
    const s = spawnSync(TSX, [join(dir, 'main.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(s.status, 0, s.stderr);
    assert.doesNotMatch(s.stdout, /not-a-real-password/);
    const manifest = JSON.parse(s.stdout) as Manifest;
    const body = (name: string) => manifest.resources.find((r) => r.name === name)!.body as Json;

    const ci = body('ci-alice');
    assert.equal(ci.properties.computeType, 'ComputeInstance');
    assert.equal(ci.properties.description, "Alice's workstation");
    const cip = ci.properties.properties;
    assert.equal(cip.vmSize, 'Standard_DS3_v2');
    assert.deepEqual(cip.personalComputeInstanceSettings.assignedUser, {
      objectId: '33333333-3333-3333-3333-333333333333',
      tenantId: '22222222-2222-2222-2222-222222222222',
    });
    assert.equal(cip.sshSettings.sshPublicAccess, 'Enabled');
    assert.match(cip.sshSettings.adminPublicKey, /^ssh-ed25519 AAAA.* alice@laptop$/);
    assert.equal(
      cip.subnet.id,
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/snet-instances',
    );
    assert.equal(cip.enableNodePublicIp, false);
    assert.equal(cip.idleTimeBeforeShutdown, 'PT1H');
    assert.deepEqual(cip.schedules.computeStartStop, [
      {
        status: 'Enabled',
        action: 'Stop',
        triggerType: 'Cron',
        cron: { expression: '0 19 * * 1-5', timeZone: 'W. Europe Standard Time', startTime: '2025-01-06T00:00:00' },
      },
      // The weekly recurrence stays a Recurrence, as az ml sends it.
      {
        status: 'Disabled',
        action: 'Start',
        triggerType: 'Recurrence',
        recurrence: {
          frequency: 'Week',
          interval: 1,
          timeZone: 'W. Europe Standard Time',
          schedule: { hours: [8], minutes: [30], weekDays: ['Monday', 'Wednesday'] },
        },
      },
    ]);
    assert.deepEqual(cip.setupScripts.scripts.startupScript, {
      scriptSource: 'workspace',
      scriptData: 'Users/alice/startup.sh',
      scriptArguments: '--quiet',
      timeout: '10m',
    });
    assert.equal(cip.customServices[0].image.reference, 'ghcr.io/azure/rocker-rstudio-ml-verse:latest');
    assert.equal(cip.customServices[0].endpoints[0].published, 8787);
    assert.deepEqual(cip.customServices[0].docker, { privileged: true });
    assert.equal(cip.enableSSO, false);
    assert.deepEqual(ci.tags, { owner: 'alice', 'cost-center': '4711' });

    const gpu = body('gpu-a100-spot').properties.properties;
    assert.equal(gpu.vmSize, 'Standard_NC24ads_A100_v4');
    assert.equal(gpu.vmPriority, 'LowPriority');
    assert.deepEqual(
      [gpu.scaleSettings.minNodeCount, gpu.scaleSettings.maxNodeCount, gpu.scaleSettings.nodeIdleTimeBeforeScaleDown],
      [0, 4, 'PT15M'],
    );
    assert.equal(gpu.remoteLoginPortPublicAccess, 'Disabled');
    assert.equal(gpu.userAccountCredentials, undefined);

    const cpuRes = manifest.resources.find((r) => r.name === 'cpu-private')!;
    const cpu = (cpuRes.body as Json).properties.properties;
    assert.equal(cpu.vmSize, 'Standard_D4s_v5');
    assert.equal(cpu.vmPriority, 'Dedicated');
    assert.deepEqual(
      [cpu.scaleSettings.minNodeCount, cpu.scaleSettings.maxNodeCount, cpu.scaleSettings.nodeIdleTimeBeforeScaleDown],
      [1, 8, 'PT30M'],
    );
    assert.equal(cpu.enableNodePublicIp, false);
    assert.equal(cpu.remoteLoginPortPublicAccess, 'Disabled');
    assert.match(cpu.subnet.id, /virtualNetworks\/vnet-hub\/subnets\/snet-training$/);
    assert.deepEqual(cpu.userAccountCredentials, {
      adminUserName: 'azureuser',
      adminUserPassword: { secretRef: 'env:CPU_PRIVATE_ADMIN_PASSWORD' },
    });
    assert.deepEqual(cpuRes.secrets, ['/properties/properties/userAccountCredentials/adminUserPassword']);
    assert.deepEqual(Object.keys((cpuRes.body as Json).identity.userAssignedIdentities), [
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ml/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-training',
    ]);

    const aksBody = body('inference-aks').properties;
    assert.equal(aksBody.computeType, 'Kubernetes');
    assert.match(aksBody.resourceId, /managedClusters\/inference-aks$/);
    assert.equal(aksBody.properties.namespace, 'azureml');
    assert.equal(manifest.resources.find((r) => r.name === 'inference-aks')!.options.deletePolicy, 'Detach');
  });

  test("docs/import.md's own wrappers synthesize converted code; a no-public-IP compute says what network it needs", async () => {
    const wrappers = [...readFileSync(join(ROOT, 'docs/import.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((m) => m[1])
      .filter((b) => b.includes("from './computes.js'"));
    assert.equal(wrappers.length, 2, 'the plain wrapper and the managed-network one');
    const synth = (sub: string, wrapper: string, write = true) => {
      writeFileSync(join(dir, sub, 'main.ts'), wrapper);
      // AMLCDK_OUTDIR: where the CLI would have app.synth() write the manifests; without it, errors throw.
      const env = { ...process.env };
      if (write) env.AMLCDK_OUTDIR = join(dir, sub, 'out');
      else delete env.AMLCDK_OUTDIR;
      return spawnSync(TSX, [join(dir, sub, 'main.ts')], {
        cwd: join(dir, sub),
        encoding: 'utf8',
        timeout: 120_000,
        env,
      });
    };
    // The three example files as one, converted by the CLI, in the first wrapper as written.
    mkdirSync(join(dir, 'docs-a'));
    const all = ['compute-instance', 'cluster', 'kubernetes']
      .map((f) => readFileSync(join(ROOT, `examples/import/${f}.yml`), 'utf8'))
      .join('\n---\n');
    writeFileSync(join(dir, 'docs-a', 'all.yml'), all);
    const conv = await amlcdk(['import', '--from-azml-yaml', 'all.yml', '--out', 'computes.ts'], join(dir, 'docs-a'));
    assert.equal(conv.code, 0, conv.stderr);
    const a = synth('docs-a', wrappers[0]);
    assert.equal(a.status, 0, a.stderr);
    const team = JSON.parse(readFileSync(join(dir, 'docs-a', 'out', 'Team.manifest.json'), 'utf8')) as Manifest;
    assert.deepEqual(team.resources.map((r) => r.name).sort(), [
      'ci-alice',
      'cpu-private',
      'gpu-a100-spot',
      'inference-aks',
    ]);
    // No public IP and no network_settings: the code says what to add; the managed-network wrapper synthesizes it,
    // the plain one fails as the comment warns.
    mkdirSync(join(dir, 'docs-b'));
    writeFileSync(
      join(dir, 'docs-b', 'nopip.yml'),
      'name: cpu-nopip\ntype: amlcompute\nenable_node_public_ip: false\n',
    );
    const convB = await amlcdk(
      ['import', '--from-azml-yaml', 'nopip.yml', '--out', 'computes.ts'],
      join(dir, 'docs-b'),
    );
    assert.equal(convB.code, 0, convB.stderr);
    const code = readFileSync(join(dir, 'docs-b', 'computes.ts'), 'utf8');
    assert.match(
      code,
      /\/\/ No public IP and no network_settings: az ml relies on the workspace's managed network here\./,
    );
    assert.match(code, /isolationMode: 'AllowInternetOutbound' or 'AllowOnlyApprovedOutbound'/);
    assert.match(code, /subnet: Subnet\.fromSubnetId\(scope, 'CpuNopipSubnet', '<subnet id>'\)/);
    assert.match(code, /else synth fails with NoPublicIpRequiresNetwork/);
    const managed = synth('docs-b', wrappers[1]);
    assert.equal(managed.status, 0, managed.stderr);
    assert.ok(existsSync(join(dir, 'docs-b', 'out', 'Team.manifest.json')));
    const plain = synth('docs-b', wrappers[0], false);
    assert.notEqual(plain.status, 0);
    assert.match(plain.stderr, /NoPublicIpRequiresNetwork/);
  });

  test('without --out the code goes to stdout', async () => {
    const r = await amlcdk(['import', '--from-azml-yaml', 'examples/import/kubernetes.yml'], ROOT);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\/\/ Generated by `amlcdk import --from-azml-yaml kubernetes\.yml`/);
    assert.match(r.stdout, /new AttachedCompute\(scope, 'InferenceAks'/);
  });

  test('bad YAML: exit 2 with file:line, code, key and fix; nothing written, an existing --out file untouched', async () => {
    writeFileSync(
      join(dir, 'bad.yml'),
      'name: cpu-a\ntype: amlcompute\nmax_instance: 4\ntier: spot\nssh_settings:\n  admin_password: hunter2-SECRET\n',
    );
    const out = join(dir, 'keep.ts');
    writeFileSync(out, '// previous\n');
    const r = await amlcdk(['import', '--from-azml-yaml', join(dir, 'bad.yml'), '--out', out], ROOT);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /bad\.yml:3: UnknownYamlKey: unknown key max_instance/);
    assert.match(r.stderr, /fix: did you mean max_instances\?/);
    assert.match(r.stderr, /also .*bad\.yml:4: UnsupportedYamlValue: tier is "spot"/);
    assert.doesNotMatch(r.stderr, /hunter2/);
    assert.equal(readFileSync(out, 'utf8'), '// previous\n');
    const fresh = join(dir, 'fresh.ts');
    assert.equal((await amlcdk(['import', '--from-azml-yaml', join(dir, 'bad.yml'), '--out', fresh], ROOT)).code, 2);
    assert.equal(existsSync(fresh), false);
    noStackTrace(r);
  });

  test('unreadable file and a non-.ts --out: exit 2', async () => {
    const missing = await amlcdk(['import', '--from-azml-yaml', 'no/such.yml'], ROOT);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no\/such\.yml: YamlUnreadable: cannot read no\/such\.yml: ENOENT/);
    const js = await amlcdk(
      ['import', '--from-azml-yaml', 'examples/import/cluster.yml', '--out', join(dir, 'x.js')],
      ROOT,
    );
    assert.equal(js.code, 2);
    assert.match(js.stderr, /ImportOutNotTypeScript/);
  });
});
