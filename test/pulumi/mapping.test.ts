import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { API_VERSIONS } from '../../lib/catalog/api-versions.js';
import { TYPE_MAPPINGS, bodyToArgs, mappingFor, nameArgs, parseArmId, toPulumiPath } from '../../lib/pulumi/mapping.js';
import { createOnlyBodyPaths, replaceOnChangesFor } from '../../lib/pulumi/replace.js';
import { AmlcdkError } from '../../lib/core/errors.js';

const load = createRequire(import.meta.url);
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000001';
const RG = `${SUB}/resourceGroups/rg-ml`;
const WS = `${RG}/providers/Microsoft.MachineLearningServices/workspaces/ws1`;

describe('mapping table', () => {
  test('every ARM type with a pinned api-version has an azure-native mapping', () => {
    const missing = Object.keys(API_VERSIONS).filter((t) => {
      try {
        mappingFor(t);
        return false;
      } catch {
        return true;
      }
    });
    assert.deepEqual(missing, []);
  });

  test('every mapping row loads its class, whose token and api-version match the installed azure-native', () => {
    for (const m of TYPE_MAPPINGS) {
      const C = m.resourceClass() as unknown as { __pulumiType: string; name: string };
      assert.equal(C.__pulumiType, m.token, m.armType);
      const mod = m.token.split(':')[1];
      const file = m.token.split(':')[2];
      const dts = readFileSync(
        load.resolve(`@pulumi/azure-native/${mod}/${file[0].toLowerCase()}${file.slice(1)}.d.ts`),
        'utf8',
      );
      const v = /Uses Azure REST API version ([0-9a-z-]+)\./.exec(dts)?.[1];
      assert.equal(v, m.azureNativeApiVersion, `${m.armType}: docs/pulumi.md prints ${m.azureNativeApiVersion}`);
    }
  });

  test('ARM types match case-insensitively; an unmapped type fails with UnmappedResourceType naming the resource', () => {
    assert.equal(
      mappingFor('microsoft.machinelearningservices/WORKSPACES/computes').token,
      'azure-native:machinelearningservices:Compute',
    );
    assert.throws(
      () => mappingFor('Microsoft.Web/sites', 'Team/App'),
      (e: unknown) =>
        e instanceof AmlcdkError &&
        e.code === 'UnmappedResourceType' &&
        /\[Team\/App\]/.test(e.message) &&
        /Microsoft\.Web\/sites/.test(e.message) &&
        /Fix:/.test(e.message),
    );
  });
});

describe('ARM ids → naming arguments', () => {
  test('parseArmId splits scope, resource group and names', () => {
    const p = parseArmId(`${WS}/computes/gpu-a100`);
    assert.equal(p.resourceGroupName, 'rg-ml');
    assert.deepEqual(p.names, ['ws1', 'gpu-a100']);
    assert.equal(p.scope, RG);
    assert.throws(
      () => parseArmId('/subscriptions/x/resourceGroups/rg/providers/Microsoft.Foo/bar'),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'InvalidResourceId',
    );
    assert.throws(
      () => parseArmId('not-an-id'),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'InvalidResourceId',
    );
  });

  const cases: [string, string, Record<string, string>][] = [
    ['Microsoft.Resources/resourceGroups', RG, { resourceGroupName: 'rg-ml' }],
    ['Microsoft.MachineLearningServices/workspaces', WS, { resourceGroupName: 'rg-ml', workspaceName: 'ws1' }],
    [
      'Microsoft.MachineLearningServices/workspaces/computes',
      `${WS}/computes/ci-alice`,
      { resourceGroupName: 'rg-ml', workspaceName: 'ws1', computeName: 'ci-alice' },
    ],
    [
      'Microsoft.MachineLearningServices/workspaces/datastores',
      `${WS}/datastores/shared`,
      { resourceGroupName: 'rg-ml', workspaceName: 'ws1', name: 'shared' },
    ],
    [
      'Microsoft.Storage/storageAccounts/fileServices/shares',
      `${RG}/providers/Microsoft.Storage/storageAccounts/st1/fileServices/default/shares/team`,
      { resourceGroupName: 'rg-ml', accountName: 'st1', shareName: 'team' },
    ],
    [
      'Microsoft.Network/virtualNetworks/subnets',
      `${RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/compute`,
      { resourceGroupName: 'rg-ml', virtualNetworkName: 'vnet', subnetName: 'compute' },
    ],
    [
      'Microsoft.Network/privateDnsZones/A',
      `${RG}/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms/A/ws1`,
      {
        resourceGroupName: 'rg-ml',
        privateZoneName: 'privatelink.api.azureml.ms',
        relativeRecordSetName: 'ws1',
        recordType: 'A',
      },
    ],
    [
      'Microsoft.Authorization/roleAssignments',
      `${WS}/providers/Microsoft.Authorization/roleAssignments/4b4a5c8e-0000-4000-8000-000000000001`,
      { scope: WS, roleAssignmentName: '4b4a5c8e-0000-4000-8000-000000000001' },
    ],
  ];
  for (const [type, id, expected] of cases) {
    test(`${type}: ${Object.keys(expected).join(', ')}`, () => {
      assert.deepEqual(nameArgs(mappingFor(type), id, 'X'), expected);
    });
  }

  test('an id with the wrong number of names for its type is refused', () => {
    assert.throws(
      () => nameArgs(mappingFor('Microsoft.MachineLearningServices/workspaces/computes'), WS, 'Team/Ci'),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'InvalidResourceId' && /Team\/Ci/.test(e.message),
    );
  });
});

describe('ARM bodies → arguments', () => {
  test('computes keep `properties` as in ARM', () => {
    const body = {
      location: 'westeurope',
      tags: { a: 'b' },
      properties: { computeType: 'AmlCompute', properties: { vmSize: 'Standard_DS3_v2' } },
    };
    assert.deepEqual(bodyToArgs(mappingFor('Microsoft.MachineLearningServices/workspaces/computes'), body, 'X'), body);
  });

  test('workspaces flatten `properties` to top-level arguments', () => {
    const body = {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      sku: { name: 'Basic' },
      properties: { storageAccount: 'sa-id', hbiWorkspace: false },
    };
    assert.deepEqual(bodyToArgs(mappingFor('Microsoft.MachineLearningServices/workspaces'), body, 'X'), {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      sku: { name: 'Basic' },
      storageAccount: 'sa-id',
      hbiWorkspace: false,
    });
  });

  test('Application Insights renames PascalCase/underscore properties', () => {
    const body = {
      location: 'westeurope',
      kind: 'web',
      properties: { Application_Type: 'web', WorkspaceResourceId: 'law-id', IngestionMode: 'LogAnalytics' },
    };
    assert.deepEqual(bodyToArgs(mappingFor('Microsoft.Insights/components'), body, 'X'), {
      location: 'westeurope',
      kind: 'web',
      applicationType: 'web',
      workspaceResourceId: 'law-id',
      ingestionMode: 'LogAnalytics',
    });
  });

  test('Microsoft.Network flattens nested sub-resources too', () => {
    const body = {
      location: 'westeurope',
      properties: {
        securityRules: [
          {
            name: 'AzureML-in',
            properties: {
              priority: 100,
              direction: 'Inbound',
              access: 'Allow',
              protocol: 'Tcp',
              destinationPortRange: '44224',
            },
          },
        ],
      },
    };
    assert.deepEqual(bodyToArgs(mappingFor('Microsoft.Network/networkSecurityGroups'), body, 'X'), {
      location: 'westeurope',
      securityRules: [
        {
          name: 'AzureML-in',
          priority: 100,
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'Tcp',
          destinationPortRange: '44224',
        },
      ],
    });
    const subnet = {
      properties: { addressPrefix: '10.0.1.0/24', networkSecurityGroup: { id: 'nsg-id' }, delegations: [] },
    };
    assert.deepEqual(bodyToArgs(mappingFor('Microsoft.Network/virtualNetworks/subnets'), subnet, 'X'), {
      addressPrefix: '10.0.1.0/24',
      networkSecurityGroup: { id: 'nsg-id' },
      delegations: [],
    });
  });

  test('a flattened property colliding with an envelope field is refused (FlattenConflict)', () => {
    assert.throws(
      () =>
        bodyToArgs(
          mappingFor('Microsoft.MachineLearningServices/workspaces'),
          { location: 'x', properties: { location: 'y' } },
          'Team/Ws',
        ),
      (e: unknown) => e instanceof AmlcdkError && e.code === 'FlattenConflict' && /Team\/Ws/.test(e.message),
    );
  });
});

describe('replaceOnChanges from the field tables', () => {
  const ci = {
    location: 'westeurope',
    tags: { team: 'ml' },
    properties: {
      computeType: 'ComputeInstance',
      disableLocalAuth: true,
      properties: {
        vmSize: 'Standard_DS3_v2',
        sshSettings: { sshPublicAccess: 'Disabled' },
        idleTimeBeforeShutdown: 'PT60M',
        schedules: {
          computeStartStop: [
            { action: 'Stop', triggerType: 'Cron', cron: { expression: '0 19 * * *', timeZone: 'UTC' } },
          ],
        },
        personalComputeInstanceSettings: { assignedUser: { objectId: 'o', tenantId: 't' } },
        customServices: [{ name: 'rstudio', image: { type: 'docker', reference: 'x' } }],
      },
    },
  };
  const type = 'Microsoft.MachineLearningServices/workspaces/computes';

  test('compute instance: create-only paths are listed (schedules too: no stable operation updates them), the idle shutdown action path is not', () => {
    const paths = replaceOnChangesFor(mappingFor(type), type, ci);
    for (const p of [
      'location',
      'tags',
      'properties.computeType',
      'properties.disableLocalAuth',
      'properties.properties.vmSize',
      'properties.properties.sshSettings.sshPublicAccess',
      'properties.properties.personalComputeInstanceSettings',
      'properties.properties.customServices',
      // POST updateSchedules is in no stable spec (trap 5): a schedule edit replaces the instance.
      'properties.properties.schedules',
    ]) {
      assert.ok(
        paths.some((q) => p === q || p.startsWith(`${q}.`)),
        `${p} not covered by ${paths.join(', ')}`,
      );
    }
    assert.ok(!paths.some((p) => p.startsWith('properties.properties.idleTimeBeforeShutdown')), paths.join(', '));
    assert.ok(
      !paths.includes('properties') && !paths.includes('properties.properties'),
      'whole subtrees with updatable children are not listed',
    );
  });

  test('compute cluster: vmSize replaces, scaleSettings (PATCH) does not', () => {
    const cluster = {
      location: 'westeurope',
      properties: {
        computeType: 'AmlCompute',
        properties: {
          vmSize: 'Standard_NC24ads_A100_v4',
          vmPriority: 'LowPriority',
          scaleSettings: { minNodeCount: 0, maxNodeCount: 4 },
        },
      },
    };
    const paths = replaceOnChangesFor(mappingFor(type), type, cluster);
    assert.ok(paths.includes('properties.properties.vmSize'));
    assert.ok(paths.includes('properties.properties.vmPriority'));
    assert.ok(!paths.some((p) => p.includes('scaleSettings')), paths.join(', '));
  });

  test('workspace (flattened): storageAccount replaces as `storageAccount`, friendlyName does not', () => {
    const t = 'Microsoft.MachineLearningServices/workspaces';
    const paths = replaceOnChangesFor(mappingFor(t), t, {
      location: 'westeurope',
      properties: { storageAccount: 'sa', keyVault: 'kv', friendlyName: 'Team' },
    });
    assert.ok(
      paths.includes('storageAccount') && paths.includes('keyVault') && paths.includes('location'),
      paths.join(', '),
    );
    assert.ok(!paths.includes('friendlyName'));
  });

  test('body paths come straight from the field table classification', () => {
    const segs = createOnlyBodyPaths(type, ci).map((s) => s.join('/'));
    assert.ok(segs.includes('properties/properties/vmSize'));
  });

  test('Pulumi property paths quote keys that are not identifiers and mark wildcards', () => {
    const m = mappingFor('Microsoft.Network/networkSecurityGroups');
    assert.equal(
      toPulumiPath(m, ['properties', 'securityRules', '*', 'properties', 'priority']),
      'securityRules[*].priority',
    );
    assert.equal(toPulumiPath(mappingFor(type), ['tags', 'cost-center']), 'tags["cost-center"]');
    assert.equal(
      toPulumiPath(mappingFor('Microsoft.Insights/components'), ['properties', 'Application_Type']),
      'applicationType',
    );
  });
});

describe('argument check against the azure-native classes', () => {
  test('every naming argument and renamed property of the table is an argument of its class', async () => {
    const { acceptedArgs } = await import('../../lib/pulumi/mapping.js');
    for (const m of TYPE_MAPPINGS) {
      const accepted = acceptedArgs(m);
      assert.ok(accepted.size > 0, `${m.token}: could not read its arguments`);
      for (const a of [
        ...m.nameArgs.filter((x): x is string => x !== null),
        ...Object.values(m.renames ?? {}),
        ...Object.keys(m.fixedArgs ?? {}),
        ...(m.scopeArg ? [m.scopeArg] : []),
      ]) {
        assert.ok(accepted.has(a), `${m.token} does not accept ${a}`);
      }
      if (!m.noResourceGroup) assert.ok(accepted.has('resourceGroupName'), m.token);
    }
  });

  test('an argument the class would silently drop fails with UnsupportedArgument', async () => {
    const { checkArgs } = await import('../../lib/pulumi/mapping.js');
    const m = mappingFor('Microsoft.Storage/storageAccounts');
    assert.doesNotThrow(() => checkArgs(m, { enableHttpsTrafficOnly: true, resourceGroupName: 'rg' }, 'X'));
    assert.throws(
      () => checkArgs(m, { supportsHttpsTrafficOnly: true }, 'Team/Storage'),
      (e: unknown) =>
        e instanceof AmlcdkError &&
        e.code === 'UnsupportedArgument' &&
        /"supportsHttpsTrafficOnly"/.test(e.message) &&
        /Team\/Storage/.test(e.message),
    );
  });
});
