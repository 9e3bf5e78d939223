/**
 * The az ml CLI v2 compute YAML converter: what each document becomes, the generated code for the example files
 * (kept in test/fixtures/import, which the project typecheck compiles), and every error path with its line.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readAzmlComputeYaml, yamlProblemsError } from '../../lib/cli/azml-yaml/read.js';
import { generateComputeCode } from '../../lib/cli/azml-yaml/codegen.js';
import type { ClusterSpec, InstanceSpec, KubernetesSpec, VirtualMachineSpec } from '../../lib/cli/azml-yaml/spec.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ3b3JrZXhhbXBsZWtleWZvcmRvY3Nvbmx5MTIz me@host';
const AKS =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks';
const SPARK =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-syn/providers/Microsoft.Synapse/workspaces/syn/bigDataPools/pool1';
const VM =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-vm/providers/Microsoft.Compute/virtualMachines/dsvm';

function ok(text: string) {
  const r = readAzmlComputeYaml(text);
  assert.deepEqual(r.problems, []);
  return r.specs;
}

describe('readAzmlComputeYaml: happy paths', () => {
  test('the example compute instance: every key mapped', () => {
    const [ci] = ok(readFileSync(join(ROOT, 'examples/import/compute-instance.yml'), 'utf8')) as InstanceSpec[];
    assert.equal(ci.kind, 'computeinstance');
    assert.equal(ci.name, 'ci-alice');
    assert.equal(ci.line, 4);
    assert.equal(ci.size, 'Standard_DS3_v2');
    assert.deepEqual(ci.assignedUser, {
      objectId: '33333333-3333-3333-3333-333333333333',
      tenantId: '22222222-2222-2222-2222-222222222222',
    });
    assert.equal(ci.ssh?.enabled, true);
    assert.match(ci.ssh.publicKey!, /^ssh-ed25519 /);
    assert.deepEqual(ci.subnet, { vnetName: 'vnet-ml', subnetName: 'snet-instances' });
    assert.equal(ci.nodePublicIp, false);
    assert.deepEqual(ci.idleShutdown, { minutes: 60 });
    assert.deepEqual(
      ci.schedules.map((s) => [s.action, s.cron, s.recurrence, s.enabled]),
      [
        ['Stop', '0 19 * * 1-5', undefined, true],
        [
          'Start',
          undefined,
          { frequency: 'Week', interval: 1, hours: [8], minutes: [30], weekDays: ['Monday', 'Wednesday'] },
          false,
        ],
      ],
    );
    assert.equal(ci.applications[0].name, 'rstudio');
    assert.deepEqual(ci.startupScript, { path: 'Users/alice/startup.sh', command: '--quiet', timeoutMinutes: 10 });
    assert.equal(ci.applications[0].endpoints[0].published, 8787);
    assert.equal(ci.sso, false);
    assert.deepEqual(ci.tags, { owner: 'alice', 'cost-center': '4711' });
  });

  test('the example clusters: two documents, tier, scale settings, admin password kept only as a line', () => {
    const specs = ok(readFileSync(join(ROOT, 'examples/import/cluster.yml'), 'utf8')) as ClusterSpec[];
    assert.deepEqual(
      specs.map((s) => [s.name, s.tier, s.minInstances, s.maxInstances, s.idleSecondsBeforeScaleDown]),
      [
        ['gpu-a100-spot', 'LowPriority', 0, 4, 900],
        ['cpu-private', 'Dedicated', 1, 8, 1800],
      ],
    );
    // ssh_public_access_enabled: false with credentials: SSH from inside the VNet only (SshAccess publicAccess: false).
    assert.deepEqual(specs[1].ssh, {
      enabled: true,
      adminUserName: 'azureuser',
      passwordLine: 27,
      publicAccess: false,
    });
    assert.doesNotMatch(JSON.stringify(specs), /not-a-real-password/);
  });

  test('kubernetes attach: resource id and namespace', () => {
    const [k] = ok(
      `name: aks-attached\ntype: kubernetes\nresource_id: ${AKS}\nnamespace: azureml\n`,
    ) as KubernetesSpec[];
    assert.deepEqual([k.kind, k.resourceId, k.namespace], ['kubernetes', AKS, 'azureml']);
  });

  test('defaults of az ml: size Standard_DS3_v2, max_instances 1, marked in the code', () => {
    const specs = ok('name: cpu-default\ntype: amlcompute\n');
    const c = specs[0] as ClusterSpec;
    assert.deepEqual([c.size, c.sizeDefaulted, c.maxInstances, c.maxDefaulted], ['Standard_DS3_v2', true, 1, true]);
    const { code } = generateComputeCode(specs, { source: 'x.yml' });
    assert.match(code, /vmSize: VmSize\.STANDARD_DS3_V2, \/\/ az ml default/);
    assert.match(code, /maxNodeCount: 1, \/\/ az ml default/);
  });

  test('virtual machine attach: password and private key file become Secret.fromEnv with a comment, never values', () => {
    const text = `name: dsvm-attached\ntype: virtualmachine\nresource_id: ${VM}\nssh_settings:\n  admin_username: azureuser\n  admin_password: hunter2-Secret!\n  ssh_private_key_file: ~/.ssh/id_rsa\n  ssh_port: 2222\n`;
    const specs = ok(text);
    const vm = specs[0] as VirtualMachineSpec;
    assert.deepEqual(
      [vm.adminUserName, vm.passwordLine, vm.privateKeyFile?.line, vm.sshPort],
      ['azureuser', 6, 7, 2222],
    );
    const { code, secrets } = generateComputeCode(specs, { source: 'vm.yml' });
    assert.doesNotMatch(code, /hunter2/);
    assert.match(code, /password: Secret\.fromEnv\('DSVM_ATTACHED_ADMIN_PASSWORD'\)/);
    assert.match(code, /privateKey: Secret\.fromEnv\('DSVM_ATTACHED_SSH_PRIVATE_KEY'\)/);
    assert.match(code, /sshPort: 2222/);
    assert.deepEqual(
      secrets.map((s) => [s.env, s.from]),
      [
        ['DSVM_ATTACHED_ADMIN_PASSWORD', 'vm.yml:6 ssh_settings.admin_password'],
        ['DSVM_ATTACHED_SSH_PRIVATE_KEY', 'vm.yml:7 ssh_settings.ssh_private_key_file'],
      ],
    );
  });

  test('identity forms, deprecated ISO idle time, daily recurrence, empty trailing document', () => {
    const uai = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u1';
    const specs = ok(
      `name: ci-bob\ntype: computeinstance\nidle_time_before_shutdown: PT30M\nidentity:\n  type: system_assigned,user_assigned\n  user_assigned_identities:\n    - resource_id: ${uai}\nschedules:\n  compute_start_stop:\n    - action: start\n      trigger:\n        type: recurrence\n        frequency: day\n        interval: 1\n        schedule: { hours: [7], minutes: [0, 30] }\n---\n`,
    );
    const ci = specs[0] as InstanceSpec;
    assert.deepEqual(ci.identity, { type: 'SystemAssigned,UserAssigned', userAssignedIds: [uai] });
    assert.deepEqual(ci.idleShutdown, { iso: 'PT30M' });
    assert.deepEqual(ci.schedules[0].recurrence, { frequency: 'Day', interval: 1, hours: [7], minutes: [0, 30] });
    const { code } = generateComputeCode(specs, { source: 'b.yml' });
    assert.match(code, /identity: ComputeIdentity\.systemAndUserAssigned\('\/subscriptions/);
    assert.match(code, /idleShutdown: Duration\.parse\('PT30M'\)/);
    assert.match(
      code,
      /ComputeSchedule\.startRecurring\(\{ frequency: 'Day', interval: 1, hours: \[7\], minutes: \[0, 30\] \}\)/,
    );
  });

  test('every recurrence az ml accepts stays a Recurrence (weekly, monthly, hourly, any interval), never cron', () => {
    const doc = (trigger: string) =>
      `name: ci-r\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger: ${trigger}\n`;
    const cases: [string, unknown][] = [
      [
        '{ type: recurrence, frequency: week, interval: 2, time_zone: UTC, schedule: { hours: [19], minutes: [0], week_days: [friday, Monday] } }',
        { frequency: 'Week', interval: 2, hours: [19], minutes: [0], weekDays: ['Friday', 'Monday'] },
      ],
      [
        '{ type: recurrence, frequency: week, schedule: { hours: [1], minutes: [0] } }',
        { frequency: 'Week', hours: [1], minutes: [0] },
      ],
      [
        '{ type: recurrence, frequency: month, interval: 1, schedule: { hours: [6], minutes: [15] } }',
        { frequency: 'Month', interval: 1, hours: [6], minutes: [15] },
      ],
      [
        '{ type: recurrence, frequency: hour, interval: 3, schedule: { hours: [0], minutes: [5] } }',
        { frequency: 'Hour', interval: 3, hours: [0], minutes: [5] },
      ],
      [
        '{ type: recurrence, frequency: minute, interval: 30, schedule: { hours: [0], minutes: [0] } }',
        { frequency: 'Minute', interval: 30, hours: [0], minutes: [0] },
      ],
    ];
    for (const [trigger, recurrence] of cases) {
      const specs = ok(doc(trigger));
      const [sch] = (specs[0] as InstanceSpec).schedules;
      assert.deepEqual([sch.cron, sch.recurrence], [undefined, recurrence], trigger);
      const { code } = generateComputeCode(specs, { source: 'r.yml' });
      assert.match(code, /ComputeSchedule\.stopRecurring\(\{ frequency: '/);
      assert.doesNotMatch(code, /stopAt\(/);
    }
  });

  test('a recurrence schedule may give one hour, minute or day instead of a list, as az ml accepts', () => {
    const specs = ok(
      'name: ci-r\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger: { type: recurrence, frequency: week, schedule: { hours: 19, minutes: 0, week_days: friday } }\n',
    );
    const [sch] = (specs[0] as InstanceSpec).schedules;
    assert.deepEqual(sch.recurrence, { frequency: 'Week', hours: [19], minutes: [0], weekDays: ['Friday'] });
  });

  test('a recurrence without schedule converts to empty hours and minutes, as az ml sends it, with a comment', () => {
    const specs = ok(
      'name: ci-r\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: start\n      trigger: { type: recurrence, frequency: day, interval: 1 }\n',
    );
    const [sch] = (specs[0] as InstanceSpec).schedules;
    assert.deepEqual(sch.recurrence, { frequency: 'Day', interval: 1, hours: [], minutes: [] });
    const { code } = generateComputeCode(specs, { source: 'r.yml' });
    assert.match(code, /\/\/ The az ml YAML gave no schedule times: az ml sends empty hours and minutes/);
    assert.match(
      code,
      /ComputeSchedule\.startRecurring\(\{ frequency: 'Day', interval: 1, hours: \[\], minutes: \[\] \}\)/,
    );
  });

  test('synapsespark: attached by resource id, as az ml attaches a Spark pool', () => {
    const [spark] = ok(`name: spark-a\ntype: synapsespark\ndescription: team pool\nresource_id: ${SPARK}\n`);
    assert.deepEqual(spark, {
      kind: 'synapsespark',
      name: 'spark-a',
      line: 1,
      description: 'team pool',
      resourceId: SPARK,
    });
    const { code } = generateComputeCode([spark], { source: 's.yml' });
    assert.match(
      code,
      new RegExp(`target: AttachTarget\\.synapseSpark\\(\\{ resourceId: '${SPARK.replace(/\//g, '\\/')}' \\}\\)`),
    );
    assert.match(code, /new AttachedCompute\(scope, /);
  });

  test('both idle keys: accepted as az ml does, the minutes win (even over an ISO value az ml would not check)', () => {
    for (const iso of ['PT60M', 'PT15M', '1h']) {
      const [ci] = ok(
        `name: ci-a\ntype: computeinstance\nidle_time_before_shutdown_minutes: 90\nidle_time_before_shutdown: ${iso}\n`,
      ) as InstanceSpec[];
      assert.deepEqual(ci.idleShutdown, { minutes: 90 });
      assert.match(generateComputeCode([ci], { source: 'a.yml' }).code, /idleShutdown: Duration\.minutes\(90\)/);
    }
  });

  test('the generated code of the examples is exactly the compiled fixtures (the typecheck compiles them), and deterministic', () => {
    for (const f of ['compute-instance', 'cluster', 'kubernetes']) {
      const { specs } = readAzmlComputeYaml(readFileSync(join(ROOT, `examples/import/${f}.yml`), 'utf8'));
      const a = generateComputeCode(specs, { source: `${f}.yml` }).code;
      assert.equal(
        a,
        readFileSync(join(ROOT, `test/fixtures/import/${f}.generated.ts`), 'utf8'),
        `${f}: regenerate with amlcdk import --from-azml-yaml examples/import/${f}.yml --out test/fixtures/import/${f}.generated.ts`,
      );
      assert.equal(generateComputeCode(specs, { source: `${f}.yml` }).code, a);
    }
  });

  test('string values with quotes and a reserved-word name stay valid TypeScript', () => {
    const { code } = generateComputeCode(
      ok(`name: new\ntype: amlcompute\ndescription: "it's a \\"test\\"\\n"\nmax_instances: 2\n`),
      { source: 'q.yml' },
    );
    assert.match(code, /const newCompute = new ComputeCluster\(scope, 'New'/);
    assert.match(code, /description: 'it\\'s a "test"\\n'/);
  });
});

/** [yaml, code, line, key (substring of the message or key), what must not leak] */
const BAD: ReadonlyArray<readonly [string, string, string, number, string]> = [
  ['syntax', 'name: a\ntype: [amlcompute\n', 'YamlSyntax', 3, '(syntax)'],
  ['duplicate key', 'name: cpu-a\nname: cpu-b\ntype: amlcompute\n', 'YamlSyntax', 2, '(syntax)'],
  ['not a mapping', '- name: x\n', 'WrongYamlType', 1, '(document)'],
  ['empty file', '# nothing\n', 'EmptyYaml', 1, '(document)'],
  ['missing type', 'name: cpu-a\n', 'MissingYamlKey', 1, 'type'],
  ['missing name', 'type: amlcompute\n', 'MissingYamlKey', 1, 'name'],
  ['unsupported type', 'name: dbx-a\ntype: databricks\n', 'UnsupportedComputeType', 2, 'type'],
  [
    'synapsespark: a read-only field of az ml compute show',
    `name: spark-a\ntype: synapsespark\nresource_id: ${SPARK}\nnode_count: 3\n`,
    'UnsupportedYamlKey',
    4,
    'node_count',
  ],
  [
    'synapsespark: resource_id of something else',
    `name: spark-a\ntype: synapsespark\nresource_id: ${AKS}\n`,
    'InvalidYamlValue',
    3,
    'resource_id',
  ],
  ['unknown type', 'name: x-a\ntype: gpu\n', 'UnsupportedComputeType', 2, 'type'],
  ['invalid compute name', 'name: gpu-1\ntype: amlcompute\n', 'InvalidComputeName', 1, 'name'],
  [
    'duplicate name across documents',
    'name: cpu-a\ntype: amlcompute\n---\nname: cpu-a\ntype: amlcompute\n',
    'DuplicateComputeName',
    4,
    'name',
  ],
  [
    'unknown key with a suggestion',
    'name: cpu-a\ntype: amlcompute\nmax_instance: 2\n',
    'UnknownYamlKey',
    3,
    'max_instance',
  ],
  [
    'unknown nested key',
    'name: cpu-a\ntype: amlcompute\nnetwork_settings:\n  vnet: v\n  subnet: s\n',
    'UnknownYamlKey',
    4,
    'network_settings.vnet',
  ],
  [
    'key known but not convertible',
    'name: ci-a\ntype: computeinstance\nenable_os_patching: true\n',
    'UnsupportedYamlKey',
    3,
    'enable_os_patching',
  ],
  [
    'identity on kubernetes',
    `name: aks-a\ntype: kubernetes\nresource_id: ${AKS}\nidentity:\n  type: system_assigned\n`,
    'UnsupportedYamlKey',
    4,
    'identity',
  ],
  [
    'instance admin_username is read-only',
    `name: ci-a\ntype: computeinstance\nssh_public_access_enabled: true\nssh_settings:\n  ssh_key_value: ${KEY}\n  admin_username: bob\n`,
    'UnsupportedYamlKey',
    6,
    'ssh_settings.admin_username',
  ],
  [
    'wrong type: string for a number',
    'name: cpu-a\ntype: amlcompute\nmax_instances: "4"\n',
    'WrongYamlType',
    3,
    'max_instances',
  ],
  [
    'wrong type: number for a bool',
    'name: cpu-a\ntype: amlcompute\nenable_node_public_ip: 1\n',
    'WrongYamlType',
    3,
    'enable_node_public_ip',
  ],
  [
    'wrong type: scalar for a mapping',
    'name: cpu-a\ntype: amlcompute\nnetwork_settings: snet\n',
    'WrongYamlType',
    3,
    'network_settings',
  ],
  [
    'wrong type: mapping for a list',
    'name: ci-a\ntype: computeinstance\ncustom_applications:\n  name: x\n',
    'WrongYamlType',
    4,
    'custom_applications',
  ],
  ['wrong type: tag value a list', 'name: cpu-a\ntype: amlcompute\ntags:\n  a: [1]\n', 'WrongYamlType', 4, 'tags.a'],
  [
    'wrong type: list item not a mapping',
    'name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - stop\n',
    'WrongYamlType',
    5,
    'compute_start_stop[0]',
  ],
  [
    'number out of range',
    'name: ci-a\ntype: computeinstance\nidle_time_before_shutdown_minutes: 5\n',
    'InvalidYamlValue',
    3,
    'idle_time_before_shutdown_minutes',
  ],
  [
    'max below min',
    'name: cpu-a\ntype: amlcompute\nmin_instances: 4\nmax_instances: 2\n',
    'InvalidYamlValue',
    4,
    'max_instances',
  ],
  ['bad tier', 'name: cpu-a\ntype: amlcompute\ntier: spot\n', 'UnsupportedYamlValue', 3, 'tier'],
  [
    'ssh enabled without key (instance)',
    'name: ci-a\ntype: computeinstance\nssh_public_access_enabled: true\n',
    'SshKeyMissing',
    3,
    'ssh_public_access_enabled',
  ],
  [
    'ssh enabled without settings (cluster)',
    'name: cpu-a\ntype: amlcompute\nssh_public_access_enabled: true\n',
    'SshKeyMissing',
    3,
    'ssh_public_access_enabled',
  ],
  [
    'cluster ssh settings without credentials',
    'name: cpu-a\ntype: amlcompute\nssh_settings:\n  admin_username: azureuser\n',
    'SshKeyMissing',
    3,
    'ssh_settings',
  ],
  [
    'private key in ssh_key_value (hidden)',
    'name: ci-a\ntype: computeinstance\nssh_public_access_enabled: true\nssh_settings:\n  ssh_key_value: "-----BEGIN OPENSSH PRIVATE KEY-----abcSECRETxyz"\n',
    'InvalidYamlValue',
    5,
    'ssh_key_value',
  ],
  [
    'not a public key',
    'name: ci-a\ntype: computeinstance\nssh_public_access_enabled: true\nssh_settings:\n  ssh_key_value: ~/.ssh/id_rsa.pub\n',
    'InvalidYamlValue',
    5,
    'ssh_key_value',
  ],
  [
    'bad admin user name',
    `name: cpu-a\ntype: amlcompute\nssh_settings:\n  admin_username: Admin!\n  ssh_key_value: ${KEY}\n`,
    'InvalidYamlValue',
    4,
    'admin_username',
  ],
  [
    'admin_password not a scalar (hidden)',
    'name: cpu-a\ntype: amlcompute\nssh_settings:\n  admin_password: [p4ssSECRET]\n',
    'WrongYamlType',
    4,
    'admin_password',
  ],
  [
    'subnet name without vnet',
    'name: cpu-a\ntype: amlcompute\nnetwork_settings:\n  subnet: snet\n',
    'MissingYamlKey',
    3,
    'vnet_name',
  ],
  [
    'subnet "id" that is not a subnet',
    'name: cpu-a\ntype: amlcompute\nnetwork_settings:\n  subnet: /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v\n',
    'InvalidYamlValue',
    4,
    'network_settings.subnet',
  ],
  [
    'vnet_name with a full subnet id',
    'name: cpu-a\ntype: amlcompute\nnetwork_settings:\n  vnet_name: v\n  subnet: /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s\n',
    'UnsupportedYamlValue',
    4,
    'vnet_name',
  ],
  [
    'identity without type',
    'name: cpu-a\ntype: amlcompute\nidentity:\n  user_assigned_identities: []\n',
    'MissingYamlKey',
    3,
    'identity.type',
  ],
  [
    'user_assigned without identities',
    'name: cpu-a\ntype: amlcompute\nidentity:\n  type: user_assigned\n',
    'MissingYamlKey',
    3,
    'user_assigned_identities',
  ],
  [
    'identities with system_assigned',
    'name: cpu-a\ntype: amlcompute\nidentity:\n  type: system_assigned\n  user_assigned_identities:\n    - resource_id: /subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u\n',
    'UnsupportedYamlValue',
    3,
    'user_assigned_identities',
  ],
  [
    'identity id of another type',
    'name: cpu-a\ntype: amlcompute\nidentity:\n  type: user_assigned\n  user_assigned_identities:\n    - resource_id: /subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x\n',
    'InvalidYamlValue',
    6,
    'resource_id',
  ],
  [
    'create_on_behalf_of not GUIDs',
    'name: ci-a\ntype: computeinstance\ncreate_on_behalf_of:\n  user_tenant_id: contoso\n  user_object_id: 33333333-3333-3333-3333-333333333333\n',
    'InvalidYamlValue',
    4,
    'user_tenant_id',
  ],
  [
    'bad deprecated idle form',
    'name: ci-a\ntype: computeinstance\nidle_time_before_shutdown: 1h\n',
    'InvalidYamlValue',
    3,
    'idle_time_before_shutdown',
  ],
  [
    'more than 4 schedules',
    `name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n${'    - { action: stop, trigger: { type: cron, expression: "0 19 * * *" } }\n'.repeat(5)}`,
    'InvalidYamlValue',
    5,
    'compute_start_stop',
  ],
  [
    'schedule without trigger',
    'name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n',
    'MissingYamlKey',
    5,
    'trigger',
  ],
  [
    'bad cron',
    'name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger: { type: cron, expression: "99 19 * * *" }\n',
    'InvalidYamlValue',
    6,
    'expression',
  ],
  [
    'cron with recurrence keys',
    'name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger:\n        type: cron\n        expression: "0 19 * * *"\n        frequency: day\n',
    'UnsupportedYamlValue',
    9,
    'frequency',
  ],
  [
    'recurrence with expression',
    'name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger:\n        type: recurrence\n        expression: "0 19 * * *"\n        frequency: day\n        schedule: { hours: [19], minutes: [0] }\n',
    'UnsupportedYamlValue',
    8,
    'expression',
  ],
  [
    'recurrence without hours',
    'name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger: { type: recurrence, frequency: day, schedule: { minutes: [0] } }\n',
    'MissingYamlKey',
    6,
    'hours',
  ],
  [
    'recurrence hour out of range',
    'name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger: { type: recurrence, frequency: day, schedule: { hours: [25], minutes: [0] } }\n',
    'InvalidYamlValue',
    6,
    'hours',
  ],
  [
    'month_days (not in az ml compute recurrences)',
    'name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger:\n        type: recurrence\n        frequency: month\n        schedule: { hours: [1], minutes: [0], month_days: [1] }\n',
    'UnknownYamlKey',
    9,
    'month_days',
  ],
  [
    'bad week day',
    'name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: stop\n      trigger: { type: recurrence, frequency: week, schedule: { hours: [1], minutes: [0], week_days: [funday] } }\n',
    'UnsupportedYamlValue',
    6,
    'week_days',
  ],
  [
    'bad schedule action',
    'name: ci-a\ntype: computeinstance\nschedules:\n  compute_start_stop:\n    - action: restart\n      trigger: { type: cron, expression: "0 19 * * *" }\n',
    'UnsupportedYamlValue',
    5,
    'action',
  ],
  [
    'setup script without path',
    'name: ci-a\ntype: computeinstance\nsetup_scripts:\n  creation_script:\n    command: x\n',
    'MissingYamlKey',
    4,
    'creation_script.path',
  ],
  [
    'setup script timeout too long',
    'name: ci-a\ntype: computeinstance\nsetup_scripts:\n  startup_script:\n    path: a.sh\n    timeout_minutes: 60\n',
    'InvalidYamlValue',
    6,
    'timeout_minutes',
  ],
  [
    'custom application without image',
    'name: ci-a\ntype: computeinstance\ncustom_applications:\n  - name: app\n    endpoints: [{ target: 80, published: 8080 }]\n',
    'MissingYamlKey',
    4,
    'image',
  ],
  [
    'custom application without endpoints',
    'name: ci-a\ntype: computeinstance\ncustom_applications:\n  - name: app\n    image: { reference: r }\n',
    'MissingYamlKey',
    4,
    'endpoints',
  ],
  [
    'endpoint without published port',
    'name: ci-a\ntype: computeinstance\ncustom_applications:\n  - name: app\n    image: { reference: r }\n    endpoints: [{ target: 80 }]\n',
    'MissingYamlKey',
    6,
    'endpoints[0]',
  ],
  [
    'endpoint port out of range',
    'name: ci-a\ntype: computeinstance\ncustom_applications:\n  - name: app\n    image: { reference: r }\n    endpoints: [{ target: 80, published: 70000 }]\n',
    'InvalidYamlValue',
    6,
    'published',
  ],
  [
    'bind mount without target',
    'name: ci-a\ntype: computeinstance\ncustom_applications:\n  - name: app\n    image: { reference: r }\n    endpoints: [{ target: 80, published: 8080 }]\n    bind_mounts: [{ source: /a }]\n',
    'MissingYamlKey',
    7,
    'bind_mounts[0].target',
  ],
  [
    'application type not docker',
    'name: ci-a\ntype: computeinstance\ncustom_applications:\n  - name: app\n    type: podman\n    image: { reference: r }\n    endpoints: [{ target: 80, published: 8080 }]\n',
    'UnsupportedYamlValue',
    5,
    'type',
  ],
  ['kubernetes without resource_id', 'name: aks-a\ntype: kubernetes\n', 'MissingYamlKey', 1, 'resource_id'],
  [
    'kubernetes resource_id of a VM',
    `name: aks-a\ntype: kubernetes\nresource_id: ${VM}\n`,
    'InvalidYamlValue',
    3,
    'resource_id',
  ],
  [
    'bad namespace',
    `name: aks-a\ntype: kubernetes\nresource_id: ${AKS}\nnamespace: Azure_ML\n`,
    'InvalidYamlValue',
    4,
    'namespace',
  ],
  [
    'vm without ssh_settings',
    `name: vm-a\ntype: virtualmachine\nresource_id: ${VM}\n`,
    'MissingYamlKey',
    1,
    'ssh_settings',
  ],
  [
    'vm without credentials',
    `name: vm-a\ntype: virtualmachine\nresource_id: ${VM}\nssh_settings:\n  admin_username: azureuser\n`,
    'SshKeyMissing',
    4,
    'ssh_settings',
  ],
  [
    'vm without user',
    `name: vm-a\ntype: virtualmachine\nresource_id: ${VM}\nssh_settings:\n  ssh_private_key_file: k\n`,
    'MissingYamlKey',
    4,
    'admin_username',
  ],
  ['non-string key', 'name: cpu-a\ntype: amlcompute\n[a]: 1\n', 'WrongYamlType', 3, '(document)'],
];

describe('readAzmlComputeYaml: every error path has a code, the line and the key', () => {
  for (const [what, yaml, code, line, key] of BAD) {
    test(`${what}: ${code} at line ${line}`, () => {
      const { problems } = readAzmlComputeYaml(yaml);
      const p = problems.find((x) => x.code === code);
      assert.ok(p, `expected ${code}, got ${JSON.stringify(problems)}`);
      assert.equal(p.line, line, JSON.stringify(p));
      assert.ok(p.key.includes(key) || p.message.includes(key), `key ${key} in ${JSON.stringify(p)}`);
      assert.ok(p.fix.length > 5);
      assert.doesNotMatch(JSON.stringify(problems), /SECRET/, 'secret values never echoed');
    });
  }

  test('every placeholder is refused alike, with its key path and line, wherever it stands', () => {
    const yaml = [
      'name: aks-a', // 1
      'type: kubernetes',
      'resource_id: /subscriptions/<SUBSCRIPTION_ID>/resourceGroups/<RESOURCE_GROUP>/providers/Microsoft.ContainerService/managedClusters/aks',
      'namespace: azureml',
      '---',
      'name: ci-a', // 6
      'type: computeinstance',
      'description: ${{parent.inputs.owner}}',
      'create_on_behalf_of:',
      '  user_tenant_id: 22222222-2222-2222-2222-222222222222',
      '  user_object_id: <USER_OBJECT_ID>', // 11
      'network_settings:',
      '  subnet: /subscriptions/<SUB>/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s',
      'tags:',
      '  <TEAM_TAG>: ml', // 15
      'custom_applications:',
      '  - name: app',
      '    image: { reference: <ACR_NAME>.azurecr.io/app:1 }',
      '    endpoints: [{ target: 80, published: 8080 }]',
      '---',
      'name: cpu-a', // 21
      'type: amlcompute',
      'ssh_settings:',
      '  admin_username: azureuser',
      '  admin_password: <SECRET_PASSWORD>', // 25
    ].join('\n');
    const { specs, problems } = readAzmlComputeYaml(yaml);
    assert.deepEqual(
      problems.map((p) => [p.code, p.line, p.key]),
      [
        ['YamlPlaceholder', 3, 'resource_id'],
        ['YamlPlaceholder', 8, 'description'],
        ['YamlPlaceholder', 11, 'create_on_behalf_of.user_object_id'],
        ['YamlPlaceholder', 13, 'network_settings.subnet'],
        ['YamlPlaceholder', 15, 'tags'],
        ['YamlPlaceholder', 18, 'custom_applications[0].image.reference'],
        ['YamlPlaceholder', 25, 'ssh_settings.admin_password'],
      ],
    );
    assert.match(problems[0].message, /resource_id holds the placeholder <SUBSCRIPTION_ID>, which az ml would send/);
    assert.match(problems[0].fix, /replace <SUBSCRIPTION_ID> with the real value/);
    assert.match(problems[1].fix, /no \$\{\{…\}\} expressions/);
    assert.match(problems[4].message, /a key of tags holds the placeholder <TEAM_TAG>/);
    // The secret's placeholder is not echoed either; nothing is converted from a file with placeholders.
    assert.doesNotMatch(problems[6].message + problems[6].fix, /SECRET_PASSWORD/);
    assert.ok(specs.length <= 3);
    const e = yamlProblemsError('p.yml', problems);
    assert.equal(e.code, 'YamlPlaceholder');
    assert.equal(e.line, 3);
  });

  test('all problems of a file are reported together; the error carries the first line and a fix', () => {
    const { problems } = readAzmlComputeYaml(
      'name: cpu-a\ntype: amlcompute\nmax_instances: x\n---\nname: ci-b\ntype: computeinstance\nsize: 3\n',
    );
    assert.equal(problems.length, 2);
    const e = yamlProblemsError('c.yml', problems);
    assert.equal(e.code, 'WrongYamlType');
    assert.equal(e.file, 'c.yml');
    assert.equal(e.line, 3);
    assert.match(e.message, /also c\.yml:7: WrongYamlType: size must be a non-empty string/);
    assert.match(e.message, /nothing was written/);
    assert.ok(e.fix);
  });
});
