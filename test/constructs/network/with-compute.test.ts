/**
 * The network, RBAC and storage constructs together with the real Workspace, ComputeInstance and ComputeCluster
 * constructs (what a user program does), synthesized through the real pipeline.
 */
import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import { Workspace } from '../../../lib/constructs/workspace/index.js';
import { ComputeCluster, ComputeInstance, SshAccess } from '../../../lib/constructs/compute/index.js';
import { VirtualNetwork, NetworkSecurityGroup, PrivateEndpoint } from '../../../lib/constructs/network/index.js';
import { FileShare, FileShareMount } from '../../../lib/constructs/storage/index.js';
import { Principal } from '../../../lib/constructs/rbac/index.js';
import { VmSize, BuiltInRole } from '../../../lib/catalog/index.js';
import { validateManifestDeep } from '../../../lib/manifest/schema.js';
import { newStack, synth, errorOf, TENANT } from './helpers.js';

const alice = Principal.user('11111111-1111-1111-1111-111111111111', { tenantId: TENANT, displayName: 'alice' });
const bob = Principal.user('33333333-3333-3333-3333-333333333333', { tenantId: TENANT, displayName: 'bob' });
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGv2bSOmeEPBM1qg1P4vJ3RVp4sKMq1U3Ssr8qNr5Zq+ alice@example';

function program(options: { clusterMax?: number; subnetPrefix?: string; publicIp?: boolean; ssh?: boolean } = {}) {
  const { app, stack } = newStack('westeurope', 'Team');
  const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.40.0.0/16'] });
  const nsg = new NetworkSecurityGroup(stack, 'Nsg');
  const compute = vnet.addSubnet('Compute', {
    addressPrefix: options.subnetPrefix ?? '10.40.1.0/24',
    networkSecurityGroup: nsg,
  });
  const endpoints = vnet.addSubnet('Endpoints', { addressPrefix: '10.40.2.0/27' });
  const ws = new Workspace(stack, 'Ws', { tenantId: TENANT, publicNetworkAccess: false });
  PrivateEndpoint.forWorkspace(stack, 'WsPe', { workspace: ws, subnet: endpoints });
  const share = new FileShare(stack, 'Shared', { storageAccount: ws.storageAccount!, quotaGiB: 512 });
  const mount = new FileShareMount(stack, 'SharedMount', { workspace: ws, share });
  const publicIp = options.publicIp ?? false;
  const ssh = options.ssh
    ? SshAccess.enabled({ publicKey: KEY, sourceCidrs: ['203.0.113.0/24'] })
    : SshAccess.disabled();
  for (const [id, user] of [
    ['AliceCi', alice],
    ['BobCi', bob],
  ] as const) {
    new ComputeInstance(ws, id, {
      vmSize: VmSize.STANDARD_DS3_V2,
      assignedUser: user,
      subnet: compute,
      nodePublicIp: publicIp,
      sshAccess: ssh,
      fileShareMounts: [mount],
    });
  }
  new ComputeCluster(ws, 'Gpu', {
    vmSize: VmSize.STANDARD_NC24ADS_A100_V4,
    maxNodeCount: options.clusterMax ?? 4,
    subnet: compute,
    nodePublicIp: publicIp,
  });
  return { app, share, mount, ws };
}

describe('network + storage + RBAC with real compute constructs', () => {
  test('no-public-IP team: outbound-only NSG rules with SMB, private endpoint marks the workspace, users get share access', () => {
    const { app, share } = program();
    const s = synth(app);
    assert.deepEqual(s.errors, [], JSON.stringify(s.errors));
    assert.deepEqual(validateManifestDeep(s.manifest), []);
    const rules = (
      s.resource('Team/Nsg').body.properties as { securityRules: Array<{ name: string }> }
    ).securityRules.map((r) => r.name);
    assert.deepEqual(rules, [
      'AzureML-Out-AzureML-Tcp',
      'AzureML-Out-AzureML-Udp',
      'AzureML-Out-Batch',
      'AzureML-Out-Storage',
      'AzureML-Out-Storage-Smb',
    ]);
    const grants = s
      .ofType('Microsoft.Authorization/roleAssignments')
      .filter((r) => r.id.startsWith(share.roleScopeId));
    assert.deepEqual(grants.map((g) => (g.body.properties as { principalId: string }).principalId).sort(), [
      alice.objectId,
      bob.objectId,
    ]);
    for (const g of grants)
      assert.match(
        (g.body.properties as { roleDefinitionId: string }).roleDefinitionId,
        new RegExp(BuiltInRole.STORAGE_FILE_DATA_SMB_SHARE_CONTRIBUTOR.guid),
      );
    assert.ok(
      !s.diagnostics.some((d) => d.code === 'azureml:workspace:unreachable'),
      'the private endpoint counts for the workspace',
    );
  });

  test('public IPs and SSH from a CIDR add inbound 44224 and 22 from that CIDR only', () => {
    const { app } = program({ publicIp: true, ssh: true });
    const s = synth(app);
    assert.deepEqual(s.errors, [], JSON.stringify(s.errors));
    const inbound = (
      s.resource('Team/Nsg').body.properties as {
        securityRules: Array<{ name: string; properties: Record<string, unknown> }>;
      }
    ).securityRules.filter((r) => r.properties.direction === 'Inbound');
    assert.deepEqual(
      inbound.map((r) => [r.name, r.properties.sourceAddressPrefix, r.properties.destinationPortRange]),
      [
        ['AzureML-In-44224', 'AzureMachineLearning', '44224'],
        ['AzureML-In-SSH', '203.0.113.0/24', '22'],
      ],
    );
  });

  test('a subnet too small for 2 instances + 10 cluster nodes fails SubnetTooSmall', () => {
    const { app } = program({ clusterMax: 10, subnetPrefix: '10.40.1.0/28' });
    const e = errorOf(synth(app), 'SubnetTooSmall');
    assert.equal(e.path, 'Team/Vnet/Compute');
    assert.match(e.message, /11 usable addresses .* needs up to 12/);
  });
});
