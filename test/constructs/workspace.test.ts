import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  App,
  AttachTarget,
  ComputeCluster,
  ComputeIdentity,
  ComputeInstance,
  ComputeSchedule,
  ContainerRegistry,
  SetupScript,
  SshAccess,
  VirtualNetwork,
  rstudioApplication,
  Duration,
  IsolationMode,
  KeyVault,
  Principal,
  Stack,
  ValidationError,
  VmSize,
  Workspace,
  WorkspaceStorageAccount,
} from '../../lib/index.js';
import { Template, Match } from '../../lib/testing/index.js';
import { ALICE, GROUP, KEY, SUB, TENANT, alice, setup } from './fixtures.js';
import type { Json } from '../helpers/json.js';

const WS = 'Microsoft.MachineLearningServices/workspaces';

describe('Workspace', () => {
  test('defines storage, key vault, Log Analytics + App Insights, registry, and references them by id', () => {
    const { stack, ws } = setup();
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    for (const [type, n] of [
      ['Microsoft.Storage/storageAccounts', 1],
      ['Microsoft.KeyVault/vaults', 1],
      ['Microsoft.Insights/components', 1],
      ['Microsoft.OperationalInsights/workspaces', 1],
      ['Microsoft.ContainerRegistry/registries', 1],
      [WS, 1],
    ] as const)
      t.resourceCountIs(type, n);
    t.hasResourceProperties(WS, {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      properties: {
        storageAccount: ws.storageAccount!.resourceId,
        keyVault: ws.keyVault!.resourceId,
        applicationInsights: ws.applicationInsights!.resourceId,
        containerRegistry: ws.containerRegistry!.resourceId,
        publicNetworkAccess: 'Enabled',
        managedNetwork: Match.absent(),
        hbiWorkspace: false,
      },
    });
    t.hasResourceProperties('Microsoft.Storage/storageAccounts', {
      properties: { allowSharedKeyAccess: true, allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_2' },
    });
    t.hasResourceProperties('Microsoft.KeyVault/vaults', {
      properties: { tenantId: TENANT, enableRbacAuthorization: true },
    });
    const wsRes = t.resource('Team/Ws');
    assert.deepEqual([...wsRes.dependsOn].sort(), [
      'Team/Ws/Insights',
      'Team/Ws/KeyVault',
      'Team/Ws/Registry',
      'Team/Ws/Storage',
    ]);
    assert.equal(ws.workspaceId, `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/${WS}/${ws.workspaceName}`);
  });

  test('private + managed network + CMK + user-assigned identity + purge on delete', () => {
    const { stack } = setup({
      publicNetworkAccess: false,
      isolationMode: IsolationMode.ALLOW_ONLY_APPROVED_OUTBOUND,
      hbiWorkspace: true,
      userAssignedIdentity: true,
      deletePolicy: 'Purge',
      protect: true,
      customerManagedKey: {
        keyVaultId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/cmk-kv`,
        keyUri: 'https://cmk-kv.vault.azure.net/keys/aml/0123abcd',
      },
      containerRegistry: false,
    });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    t.resourceCountIs('Microsoft.ContainerRegistry/registries', 0);
    t.hasResourceProperties(WS, {
      identity: { type: 'SystemAssigned,UserAssigned' },
      properties: {
        publicNetworkAccess: 'Disabled',
        managedNetwork: { isolationMode: 'AllowOnlyApprovedOutbound' },
        hbiWorkspace: true,
        encryption: {
          status: 'Enabled',
          keyVaultProperties: { keyIdentifier: 'https://cmk-kv.vault.azure.net/keys/aml/0123abcd' },
          identity: { userAssignedIdentity: Match.stringLikeRegexp('userAssignedIdentities/') },
        },
        primaryUserAssignedIdentity: Match.anyValue(),
      },
    });
    const r = t.resource('Team/Ws');
    assert.deepEqual(r.options, { protect: true, deletePolicy: 'Purge' });
    // the managed network keeps dependencies reachable: their public access stays on
    t.hasResourceProperties('Microsoft.Storage/storageAccounts', { properties: { publicNetworkAccess: 'Enabled' } });
  });

  test('warning azureml:workspace:unreachable: public access off, no private endpoint, no managed network', () => {
    const { stack } = setup({ publicNetworkAccess: false });
    const t = Template.fromStack(stack);
    t.hasWarning('azureml:workspace:unreachable', 'Team/Ws');
    t.hasResourceProperties('Microsoft.ContainerRegistry/registries', {
      sku: { name: 'Premium' },
      properties: { publicNetworkAccess: 'Disabled' },
    });
  });

  test('errors: TenantIdRequired, InvalidWorkspaceName, InvalidIsolationMode, WrongResourceType, InvalidKeyUri, CmkIdentityMissing', () => {
    const app = new App();
    const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
    new Workspace(s, 'NoTenant');
    new Workspace(s, 'BadName', { tenantId: TENANT, workspaceName: '-bad' });
    new Workspace(s, 'BadMode', { tenantId: TENANT, isolationMode: 'Private' as IsolationMode });
    new Workspace(s, 'BadIds', {
      tenantId: TENANT,
      storageAccountId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`,
    });
    new Workspace(s, 'BadCmk', {
      tenantId: TENANT,
      customerManagedKey: {
        keyVaultId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`,
        keyUri: 'http://kv/keys',
      },
    });
    const t = Template.fromStack(s);
    t.hasError('TenantIdRequired', 'Team/NoTenant');
    assert.equal(t.hasError('InvalidWorkspaceName', 'Team/BadName').value, '-bad');
    t.hasError('InvalidIsolationMode', 'Team/BadMode');
    t.hasError('WrongResourceType', 'Team/BadIds');
    t.hasError('InvalidKeyUri', 'Team/BadCmk');
    t.hasError('CmkIdentityMissing', 'Team/BadCmk');
  });

  test('dependency resource errors: InvalidStorageAccountName, InvalidKeyVaultName, InvalidSoftDeleteRetention, RegistrySkuTooLowForPrivate, InvalidContainerRegistryName', () => {
    const app = new App();
    const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
    new WorkspaceStorageAccount(s, 'St', { name: 'Has-Upper' });
    new KeyVault(s, 'Kv', { tenantId: TENANT, name: 'kv--double', softDeleteRetentionDays: 3 });
    new ContainerRegistry(s, 'Acr', { publicNetworkAccess: false, sku: 'Basic' });
    new ContainerRegistry(s, 'Acr2', { name: 'acr' });
    const t = Template.fromStack(s);
    t.hasError('InvalidStorageAccountName', 'Team/St');
    t.hasError('InvalidKeyVaultName', 'Team/Kv');
    t.hasError('InvalidSoftDeleteRetention', 'Team/Kv');
    t.hasError('RegistrySkuTooLowForPrivate', 'Team/Acr');
    t.hasError('InvalidContainerRegistryName', 'Team/Acr2');
  });

  test('fromWorkspaceId: computes attach to an existing workspace; WrongResourceType for other ids', () => {
    const app = new App();
    const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
    const id = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/${WS}/shared`;
    const ws = Workspace.fromWorkspaceId(s, 'Shared', id);
    const c = new ComputeCluster(s, 'C', { workspace: ws, vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2 });
    const t = Template.fromStack(s);
    t.hasNoErrors();
    t.resourceCountIs(WS, 0);
    assert.ok(c.computeId.startsWith(`${id}/computes/`));
    assert.deepEqual(t.resource('Team/C').dependsOn, []);
    assert.throws(
      () =>
        Workspace.fromWorkspaceId(
          s,
          'Bad',
          `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x`,
        ),
      (e: ValidationError) => e.code === 'WrongResourceType',
    );
  });

  test('fromWorkspaceAttributes: known network facts enable the no-public-IP checks', () => {
    const app = new App();
    const s = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
    const workspaceId = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/${WS}/shared`;
    const open = Workspace.fromWorkspaceAttributes(s, 'Open', {
      workspaceId,
      isolationMode: IsolationMode.DISABLED,
      hasPrivateEndpoint: false,
    });
    const managed = Workspace.fromWorkspaceAttributes(s, 'Managed', {
      workspaceId: workspaceId + '2',
      isolationMode: IsolationMode.ALLOW_INTERNET_OUTBOUND,
    });
    new ComputeCluster(s, 'A', {
      workspace: open,
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 1,
      nodePublicIp: false,
    });
    new ComputeCluster(s, 'B', {
      workspace: managed,
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 1,
      nodePublicIp: false,
    });
    const t = Template.fromStack(s);
    t.hasError('NoPublicIpRequiresNetwork', 'Team/A');
    t.hasError('NoPublicIpWithoutPrivateEndpoint', 'Team/A');
    assert.equal(t.errors().filter((e) => e.path === 'Team/B').length, 0);
  });

  test('grants: data scientist / compute operator / reader at workspace scope, deduplicated, deterministic GUID names', () => {
    const { stack, ws } = setup();
    const team = Principal.group(GROUP, { displayName: 'team' });
    const a = ws.grants.dataScientist(team);
    const b = ws.grants.dataScientist(team);
    ws.grants.computeOperator(alice());
    ws.grants.reader(alice());
    assert.equal(a, b);
    const t = Template.fromStack(stack);
    t.resourceCountIs('Microsoft.Authorization/roleAssignments', 3);
    t.hasResourceProperties('Microsoft.Authorization/roleAssignments', {
      properties: {
        principalId: GROUP,
        principalType: 'Group',
        roleDefinitionId: Match.stringLikeRegexp('/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121$'),
      },
    });
    for (const r of t.findResources('Microsoft.Authorization/roleAssignments'))
      assert.ok(r.id.startsWith(`${ws.workspaceId}/providers/Microsoft.Authorization/roleAssignments/`));
    const again = setup();
    again.ws.grants.dataScientist(Principal.group(GROUP, { displayName: 'team' }));
    assert.equal(
      Template.fromStack(again.stack).findResources('Microsoft.Authorization/roleAssignments')[0].name,
      t
        .findResources('Microsoft.Authorization/roleAssignments')
        .find((r) => (r.body as { properties: { principalId: string } }).properties.principalId === GROUP)!.name,
    );
  });
});

test('UnknownRole: a misspelled role name in a grant is reported at synth with the closest names', () => {
  const { stack, ws } = setup();
  ws.grants.role(Principal.group(GROUP, { displayName: 'team' }), 'AzureML Data Scentist');
  const d = Template.fromStack(stack).hasError('UnknownRole');
  assert.match(String(d.fix), /AzureML Data Scientist/);
});

test('secondary factories: addComputeCluster / addComputeInstance / addAttachedCompute / addPrivateEndpoint', () => {
  const { stack, ws } = setup({ publicNetworkAccess: false });
  const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.1.0.0/16'] });
  const compute = vnet.addSubnet('Compute', { addressPrefix: '10.1.1.0/24' });
  const pes = vnet.addSubnet('Pe', { addressPrefix: '10.1.2.0/27' });
  ws.addPrivateEndpoint('WsPe', { subnet: pes, virtualNetwork: vnet });
  const c = ws.addComputeCluster('Cpu', {
    vmSize: VmSize.STANDARD_DS3_V2,
    maxNodeCount: 2,
    subnet: compute,
    nodePublicIp: false,
  });
  const i = ws.addComputeInstance('Alice', {
    vmSize: VmSize.STANDARD_DS3_V2,
    assignedUser: alice(),
    subnet: compute,
    nodePublicIp: false,
  });
  ws.addAttachedCompute('Aks', {
    target: AttachTarget.kubernetes({
      resourceId: `/subscriptions/${SUB}/resourceGroups/r/providers/Microsoft.ContainerService/managedClusters/a`,
    }),
  });
  const t = Template.fromStack(stack);
  t.hasNoErrors();
  t.hasNoWarning('azureml:workspace:unreachable');
  assert.equal(c.workspace, ws);
  assert.equal(i.node.path, 'Team/Ws/Alice');
  t.resourceCountIs('Microsoft.Network/privateEndpoints', 1);
  t.resourceCountIs('Microsoft.MachineLearningServices/workspaces/computes', 3);
});

describe('compute bodies', () => {
  test('instance: assigned user always emitted, SSH explicit, schedules, idle shutdown, local auth off by default, endpoints', () => {
    const { stack, ws } = setup();
    const ci = new ComputeInstance(ws, 'Alice', {
      vmSize: VmSize.STANDARD_DS3_V2,
      assignedUser: alice(),
      idleShutdown: Duration.hours(2),
    });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    t.hasResourceProperties('Microsoft.MachineLearningServices/workspaces/computes', {
      location: 'westeurope',
      properties: {
        computeType: 'ComputeInstance',
        disableLocalAuth: true,
        properties: Match.objectEquals({
          vmSize: 'Standard_DS3_v2',
          applicationSharingPolicy: 'Personal',
          computeInstanceAuthorizationType: 'personal',
          sshSettings: { sshPublicAccess: 'Disabled' },
          personalComputeInstanceSettings: { assignedUser: { objectId: ALICE, tenantId: TENANT } },
          enableNodePublicIp: true,
          idleTimeBeforeShutdown: 'PT2H',
        }),
      },
    });
    assert.match(
      ci.endpoints.jupyterLab,
      new RegExp(`^https://${ci.computeName}\\.westeurope\\.instances\\.azureml\\.ms/lab$`),
    );
    assert.match(ci.endpoints.vsCodeWeb, /ml\.azure\.com\/compute\//);
  });
  test('instance: schedules, setup scripts (base64 inline), RStudio app with its endpoint, user-assigned identity, SSH key', () => {
    const { stack, ws } = setup({ userAssignedIdentity: true });
    const ci = new ComputeInstance(ws, 'Rs', {
      vmSize: VmSize.STANDARD_DS3_V2,
      assignedUser: alice(),
      schedules: [
        ComputeSchedule.startAt('0 8 * * 1-5', { timeZone: 'W. Europe Standard Time' }),
        ComputeSchedule.stopAt('0 19 * * 1-5', { enabled: false }),
      ],
      creationScript: SetupScript.inline('#!/bin/bash\necho hi', {
        timeout: Duration.minutes(10),
        arguments: '--fast',
      }),
      startupScript: SetupScript.fromWorkspacePath('Users/alice/start.sh'),
      customApplications: [rstudioApplication()],
      identity: ComputeIdentity.userAssigned(ws.userAssignedIdentity!),
      sshAccess: SshAccess.enabled({ publicKey: KEY, sourceCidrs: ['203.0.113.0/24'] }),
    });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    const body = t.resource('Team/Ws/Rs').body as Json;
    const inner = body.properties.properties;
    assert.deepEqual(inner.schedules.computeStartStop, [
      {
        status: 'Enabled',
        action: 'Start',
        triggerType: 'Cron',
        cron: { expression: '0 8 * * 1-5', timeZone: 'W. Europe Standard Time' },
      },
      {
        status: 'Disabled',
        action: 'Stop',
        triggerType: 'Cron',
        cron: { expression: '0 19 * * 1-5', timeZone: 'UTC' },
      },
    ]);
    assert.deepEqual(inner.setupScripts.scripts.creationScript, {
      scriptSource: 'inline',
      scriptData: Buffer.from('#!/bin/bash\necho hi').toString('base64'),
      scriptArguments: '--fast',
      timeout: '10m',
    });
    assert.deepEqual(inner.setupScripts.scripts.startupScript, {
      scriptSource: 'workspace',
      scriptData: 'Users/alice/start.sh',
    });
    assert.equal(inner.customServices[0].image.reference, 'ghcr.io/azure/rocker-rstudio-ml-verse:latest');
    assert.deepEqual(inner.customServices[0].endpoints, [
      { name: 'connect', protocol: 'http', target: 8787, published: 8787 },
    ]);
    assert.deepEqual(inner.sshSettings, { sshPublicAccess: 'Enabled', adminPublicKey: KEY });
    assert.deepEqual(body.identity, {
      type: 'UserAssigned',
      userAssignedIdentities: { [ws.userAssignedIdentity!.resourceId]: {} },
    });
    assert.ok(t.resource('Team/Ws/Rs').dependsOn.includes('Team/Ws/Identity'));
    assert.match(String(ci.endpoints.rstudio), /-8787\.westeurope\.instances\.azureml\.ms$/);
    assert.deepEqual(ci.sshSourceCidrs, ['203.0.113.0/24']);
  });

  test('cluster: scale settings ISO durations, remote login explicit, dedicated by default, workspace local-auth default', () => {
    const { stack, ws } = setup({ computeLocalAuth: true });
    new ComputeCluster(ws, 'Cpu', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 4,
      idleTimeBeforeScaleDown: Duration.minutes(5),
    });
    Template.fromStack(stack).hasResourceProperties('Microsoft.MachineLearningServices/workspaces/computes', {
      properties: {
        computeType: 'AmlCompute',
        disableLocalAuth: false,
        properties: {
          vmPriority: 'Dedicated',
          osType: 'Linux',
          scaleSettings: { minNodeCount: 0, maxNodeCount: 4, nodeIdleTimeBeforeScaleDown: 'PT5M' },
          remoteLoginPortPublicAccess: 'Disabled',
          enableNodePublicIp: true,
          userAccountCredentials: Match.absent(),
        },
      },
    });
  });
});
