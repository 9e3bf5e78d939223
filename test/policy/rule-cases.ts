/**
 * The rule cases shared by rules.test.ts (compliant / non-compliant / defaulted per rule) and fix-texts.test.ts
 * (every fix text those findings carry). Resources are hand-written in ARM body shapes.
 */
import type { CheckOptions } from '../../lib/policy/engine.js';
import type { ManifestResource } from '../../lib/manifest/types.js';
import * as f from './fixtures.js';

/** The secure baseline with resources replaced (same logicalId) or added. */
export function withR(...changes: ManifestResource[]): ManifestResource[] {
  const base = f.secureResources();
  for (const c of changes) {
    const i = base.findIndex((r) => r.logicalId === c.logicalId);
    if (i >= 0) base[i] = c;
    else base.push(c);
  }
  return base;
}
export function without(resources: ManifestResource[], ...logicalIds: string[]): ManifestResource[] {
  return resources.filter((r) => !logicalIds.includes(r.logicalId));
}

export interface Case {
  readonly rule: string;
  readonly kind: 'compliant' | 'violation' | 'defaulted';
  readonly name: string;
  readonly resources: () => ManifestResource[];
  /** The resource the pass/finding is on. */
  readonly on: string;
  readonly opts?: CheckOptions;
  /** Expected severity of the finding. */
  readonly severity?: string;
}

/** Rules that depend on dates (VM size retirement) see a fixed clock. */
export const NOW = new Date('2026-06-15T00:00:00Z');
const WS = 'Team/Workspace';
const CI = 'Team/ci-alice';
const CL = 'Team/cpu-cluster';
const NSG = 'Team/Nsg';
export const RULE_CASES: Case[] = [
  // ---- network
  { rule: 'AML-NET-001', kind: 'compliant', name: 'public access Disabled', resources: () => withR(), on: WS },
  {
    rule: 'AML-NET-001',
    kind: 'violation',
    name: 'public access Enabled',
    resources: () => withR(f.workspace({ publicNetworkAccess: 'Enabled' })),
    on: WS,
    severity: 'high',
  },
  {
    rule: 'AML-NET-001',
    kind: 'defaulted',
    name: 'absent means Enabled; critical under prod',
    resources: () => withR(f.workspace({ publicNetworkAccess: undefined })),
    on: WS,
    opts: { profile: 'prod' },
    severity: 'critical',
  },
  { rule: 'AML-NET-002', kind: 'compliant', name: 'absent means false', resources: () => withR(), on: WS },
  {
    rule: 'AML-NET-002',
    kind: 'violation',
    name: 'allowPublicAccessWhenBehindVnet true',
    resources: () => withR(f.workspace({ allowPublicAccessWhenBehindVnet: true })),
    on: WS,
  },
  {
    rule: 'AML-NET-003',
    kind: 'compliant',
    name: 'private endpoint to the workspace',
    resources: () => withR(),
    on: WS,
  },
  {
    rule: 'AML-NET-003',
    kind: 'compliant',
    name: 'approved connection in the body counts',
    resources: () =>
      without(
        withR(
          f.workspace({
            privateEndpointConnections: [{ properties: { privateLinkServiceConnectionState: { status: 'Approved' } } }],
          }),
        ),
        'Team/Workspace/PrivateEndpoint',
      ),
    on: WS,
  },
  {
    rule: 'AML-NET-003',
    kind: 'violation',
    name: 'private workspace without endpoint',
    resources: () => without(withR(), 'Team/Workspace/PrivateEndpoint'),
    on: WS,
  },
  {
    rule: 'AML-NET-003',
    kind: 'violation',
    name: 'endpoint to another resource does not count',
    resources: () => withR(f.privateEndpoint(true, f.STORAGE_ID)),
    on: WS,
  },
  {
    rule: 'AML-NET-004',
    kind: 'compliant',
    name: 'inline DNS zone group',
    resources: () => withR(),
    on: 'Team/Workspace/PrivateEndpoint',
  },
  {
    rule: 'AML-NET-004',
    kind: 'defaulted',
    name: 'no DNS zone group',
    resources: () => withR(f.privateEndpoint(false)),
    on: 'Team/Workspace/PrivateEndpoint',
  },
  {
    rule: 'AML-NET-005',
    kind: 'compliant',
    name: 'approved outbound',
    resources: () => withR(),
    on: WS,
    opts: { profile: 'prod' },
  },
  {
    rule: 'AML-NET-005',
    kind: 'compliant',
    name: 'Disabled accepted when all compute is in own subnets',
    resources: () => withR(f.workspace({ managedNetwork: undefined })),
    on: WS,
  },
  {
    rule: 'AML-NET-005',
    kind: 'violation',
    name: 'internet outbound under prod',
    resources: () => withR(f.workspace({ managedNetwork: { isolationMode: 'AllowInternetOutbound' } })),
    on: WS,
    opts: { profile: 'prod' },
    severity: 'high',
  },
  {
    rule: 'AML-NET-005',
    kind: 'defaulted',
    name: 'absent means Disabled; compute without subnet',
    resources: () => withR(f.workspace({ managedNetwork: undefined }), f.cluster('cpu-cluster', { subnet: undefined })),
    on: WS,
  },
  { rule: 'AML-NET-006', kind: 'compliant', name: 'own subnet', resources: () => withR(), on: CI },
  {
    rule: 'AML-NET-006',
    kind: 'compliant',
    name: 'managed VNet counts as isolation',
    resources: () => withR(f.instance('ci-alice', { subnet: undefined })),
    on: CI,
  },
  {
    rule: 'AML-NET-006',
    kind: 'defaulted',
    name: 'no subnet and no managed VNet',
    resources: () =>
      withR(
        f.workspace({ managedNetwork: { isolationMode: 'Disabled' } }),
        f.instance('ci-alice', { subnet: undefined }),
      ),
    on: CI,
  },
  { rule: 'AML-NET-007', kind: 'compliant', name: 'no public IP', resources: () => withR(), on: CL },
  {
    rule: 'AML-NET-007',
    kind: 'violation',
    name: 'public IP true',
    resources: () => withR(f.cluster('cpu-cluster', { enableNodePublicIp: true })),
    on: CL,
  },
  {
    rule: 'AML-NET-007',
    kind: 'defaulted',
    name: 'absent means true',
    resources: () => withR(f.instance('ci-alice', { enableNodePublicIp: undefined })),
    on: CI,
  },
  { rule: 'AML-NET-008', kind: 'compliant', name: 'Disabled', resources: () => withR(), on: CL },
  {
    rule: 'AML-NET-008',
    kind: 'compliant',
    name: 'NotSpecified with a subnet is closed',
    resources: () => withR(f.cluster('cpu-cluster', { remoteLoginPortPublicAccess: undefined })),
    on: CL,
  },
  {
    rule: 'AML-NET-008',
    kind: 'violation',
    name: 'Enabled',
    resources: () => withR(f.cluster('cpu-cluster', { remoteLoginPortPublicAccess: 'Enabled' })),
    on: CL,
  },
  {
    rule: 'AML-NET-008',
    kind: 'defaulted',
    name: 'NotSpecified without subnet is open',
    resources: () => withR(f.cluster('cpu-cluster', { remoteLoginPortPublicAccess: undefined, subnet: undefined })),
    on: CL,
  },
  { rule: 'AML-NET-009', kind: 'compliant', name: 'SSH disabled', resources: () => withR(), on: CI },
  {
    rule: 'AML-NET-009',
    kind: 'compliant',
    name: 'SSH enabled behind an NSG that allows 22 only from a CIDR',
    resources: () =>
      withR(
        f.instance('ci-alice', { sshSettings: { sshPublicAccess: 'Enabled', adminPublicKey: 'ssh-rsa AAAA' } }),
        f.nsg([
          ...f.AML_NSG_RULES,
          {
            name: 'ssh-admins',
            priority: 200,
            direction: 'Inbound',
            access: 'Allow',
            source: '203.0.113.0/24',
            port: '22',
          },
        ]),
      ),
    on: CI,
  },
  {
    rule: 'AML-NET-009',
    kind: 'violation',
    name: 'SSH enabled and NSG allows 22 from Internet',
    resources: () =>
      withR(
        f.instance('ci-alice', { sshSettings: { sshPublicAccess: 'Enabled' } }),
        f.nsg([
          ...f.AML_NSG_RULES,
          { name: 'ssh', priority: 200, direction: 'Inbound', access: 'Allow', source: 'Internet', port: '22' },
        ]),
      ),
    on: CI,
  },
  {
    rule: 'AML-NET-009',
    kind: 'violation',
    name: 'SSH enabled with no NSG in the program',
    resources: () => withR(f.instance('ci-alice', { sshSettings: { sshPublicAccess: 'Enabled' }, subnet: undefined })),
    on: CI,
  },
  { rule: 'AML-NET-010', kind: 'compliant', name: 'subnet with NSG', resources: () => withR(), on: CI },
  {
    rule: 'AML-NET-010',
    kind: 'violation',
    name: 'subnet without NSG',
    resources: () => withR(f.subnet(false)),
    on: CI,
  },
  { rule: 'AML-NET-011', kind: 'compliant', name: 'only service-tag rules', resources: () => withR(), on: NSG },
  {
    rule: 'AML-NET-011',
    kind: 'violation',
    name: '0.0.0.0/0 to 22',
    resources: () =>
      withR(
        f.nsg([
          ...f.AML_NSG_RULES,
          { name: 'ssh-any', priority: 300, direction: 'Inbound', access: 'Allow', source: '0.0.0.0/0', port: '22' },
        ]),
      ),
    on: NSG,
    severity: 'critical',
  },
  {
    rule: 'AML-NET-011',
    kind: 'violation',
    name: '* to a range containing 3389',
    resources: () =>
      withR(
        f.nsg([
          ...f.AML_NSG_RULES,
          { name: 'rdp-range', priority: 300, direction: 'Inbound', access: 'Allow', source: '*', port: '3000-4000' },
        ]),
      ),
    on: NSG,
  },
  {
    rule: 'AML-NET-011',
    kind: 'violation',
    name: 'separate securityRules resource on an NSG that is not in the program',
    resources: () =>
      withR({
        ...f.nsg(),
        logicalId: 'Team/SshRule',
        type: 'Microsoft.Network/networkSecurityGroups/securityRules',
        id: `/subscriptions/${f.SUB}/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/shared/securityRules/ssh`,
        name: 'ssh',
        body: {
          properties: {
            priority: 310,
            direction: 'Inbound',
            access: 'Allow',
            protocol: 'Tcp',
            sourceAddressPrefix: 'Internet',
            sourcePortRange: '*',
            destinationAddressPrefix: '*',
            destinationPortRange: '22',
          },
        },
      }),
    on: 'Team/SshRule',
    severity: 'critical',
  },
  {
    rule: 'AML-NET-012',
    kind: 'compliant',
    name: 'defaults allow outbound, no public IP compute',
    resources: () => withR(),
    on: NSG,
  },
  {
    rule: 'AML-NET-012',
    kind: 'violation',
    name: 'outbound deny-all blocks AzureMachineLearning 443',
    resources: () =>
      withR(
        f.nsg([
          ...f.AML_NSG_RULES.slice(0, 1),
          {
            name: 'deny-out',
            priority: 4000,
            direction: 'Outbound',
            access: 'Deny',
            source: '*',
            dest: '*',
            port: '*',
            protocol: '*',
          },
        ]),
      ),
    on: NSG,
  },
  {
    rule: 'AML-NET-012',
    kind: 'defaulted',
    name: 'public-IP compute without inbound 44224 rule (DenyAllInBound)',
    resources: () => withR(f.cluster('cpu-cluster', { enableNodePublicIp: true }), f.nsg([])),
    on: NSG,
  },
  { rule: 'AML-NET-013', kind: 'compliant', name: 'service tag sources only', resources: () => withR(), on: NSG },
  {
    rule: 'AML-NET-013',
    kind: 'violation',
    name: 'Internet to 443',
    resources: () =>
      withR(
        f.nsg([
          ...f.AML_NSG_RULES,
          { name: 'https-any', priority: 300, direction: 'Inbound', access: 'Allow', source: 'Internet', port: '443' },
        ]),
      ),
    on: NSG,
  },
  { rule: 'AML-NET-014', kind: 'compliant', name: 'dependents private', resources: () => withR(), on: WS },
  {
    rule: 'AML-NET-014',
    kind: 'violation',
    name: 'key vault public',
    resources: () => withR(f.keyVault('Enabled')),
    on: 'Team/KeyVault',
  },
  {
    rule: 'AML-NET-014',
    kind: 'defaulted',
    name: 'storage without publicNetworkAccess is public',
    resources: () => withR(f.storage()),
    on: 'Team/Storage',
  },
  {
    rule: 'AML-NET-016',
    kind: 'compliant',
    name: 'private endpoint present',
    resources: () => withR(f.workspace({ managedNetwork: undefined })),
    on: CI,
  },
  {
    rule: 'AML-NET-016',
    kind: 'violation',
    name: 'no PE, no managed VNet',
    resources: () => without(withR(f.workspace({ managedNetwork: undefined })), 'Team/Workspace/PrivateEndpoint'),
    on: CI,
  },
  // ---- security
  {
    rule: 'AML-DATA-001',
    kind: 'compliant',
    name: 'secret reference',
    resources: () => withR(f.datastore('AccountKey')),
    on: 'Team/Share',
  },
  {
    rule: 'AML-DATA-001',
    kind: 'violation',
    name: 'cluster admin password literal',
    resources: () =>
      withR(
        f.cluster('cpu-cluster', {
          userAccountCredentials: { adminUserName: 'azureuser', adminUserPassword: 'Sup3rS3cret!' },
        }),
      ),
    on: CL,
  },
  {
    rule: 'AML-DATA-001',
    kind: 'violation',
    name: 'storage key in a base64 setup script',
    resources: () =>
      withR(
        f.instance('ci-alice', {
          setupScripts: {
            scripts: {
              creationScript: {
                scriptSource: 'inline',
                scriptData: Buffer.from(
                  'az storage x --connection-string "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abcdefghijklmnopqrstuvwxyz0123456789ABCD=="',
                ).toString('base64'),
              },
            },
          },
        }),
      ),
    on: CI,
  },
  { rule: 'AML-DATA-002', kind: 'compliant', name: 'CMK', resources: () => withR(), on: WS },
  {
    rule: 'AML-DATA-002',
    kind: 'violation',
    name: 'sensitive data without CMK is high',
    resources: () =>
      withR(
        f.workspace(
          { encryption: { status: 'Disabled' } },
          { tags: { ...f.TAGS, dataClassification: 'confidential' } },
        ),
      ),
    on: WS,
    severity: 'high',
  },
  {
    rule: 'AML-DATA-002',
    kind: 'defaulted',
    name: 'no encryption block',
    resources: () => withR(f.workspace({ encryption: undefined })),
    on: WS,
    severity: 'medium',
  },
  {
    rule: 'AML-DATA-003',
    kind: 'compliant',
    name: 'confidential and HBI',
    resources: () => withR(f.workspace({}, { tags: { ...f.TAGS, dataClassification: 'Confidential' } })),
    on: WS,
  },
  {
    rule: 'AML-DATA-003',
    kind: 'defaulted',
    name: 'confidential without hbiWorkspace',
    resources: () =>
      withR(f.workspace({ hbiWorkspace: undefined }, { tags: { ...f.TAGS, dataClassification: 'confidential' } })),
    on: WS,
  },
  // ---- identity
  { rule: 'AML-IAM-001', kind: 'compliant', name: 'local auth disabled', resources: () => withR(), on: CI },
  {
    rule: 'AML-IAM-001',
    kind: 'violation',
    name: 'disableLocalAuth false',
    resources: () => withR(f.cluster('cpu-cluster', {}, { disableLocalAuth: false })),
    on: CL,
  },
  {
    rule: 'AML-IAM-001',
    kind: 'defaulted',
    name: 'absent means local auth on',
    resources: () => withR(f.instance('ci-alice', {}, { disableLocalAuth: undefined })),
    on: CI,
  },
  { rule: 'AML-IAM-002', kind: 'compliant', name: 'no credentials', resources: () => withR(), on: CL },
  {
    rule: 'AML-IAM-002',
    kind: 'violation',
    name: 'admin password (secret ref)',
    resources: () =>
      withR(
        f.cluster('cpu-cluster', {
          userAccountCredentials: { adminUserName: 'azureuser', adminUserPassword: { secretRef: 'env:PW' } },
        }),
      ),
    on: CL,
  },
  { rule: 'AML-IAM-003', kind: 'compliant', name: 'combined identity type', resources: () => withR(), on: WS },
  {
    rule: 'AML-IAM-003',
    kind: 'defaulted',
    name: 'no identity',
    resources: () => withR(f.workspace({}, { identity: undefined })),
    on: WS,
  },
  { rule: 'AML-IAM-004', kind: 'compliant', name: 'user-assigned primary', resources: () => withR(), on: WS },
  {
    rule: 'AML-IAM-004',
    kind: 'violation',
    name: 'system-assigned only; medium under prod',
    resources: () =>
      withR(f.workspace({ primaryUserAssignedIdentity: undefined }, { identity: { type: 'SystemAssigned' } })),
    on: WS,
    opts: { profile: 'prod' },
    severity: 'medium',
  },
  { rule: 'AML-IAM-005', kind: 'compliant', name: 'compute identity', resources: () => withR(), on: CL },
  {
    rule: 'AML-IAM-005',
    kind: 'violation',
    name: 'identity None',
    resources: () => withR(f.cluster('cpu-cluster', {}, {}, { identity: { type: 'None' } })),
    on: CL,
  },
  {
    rule: 'AML-IAM-005',
    kind: 'defaulted',
    name: 'no identity block',
    resources: () => withR(f.instance('ci-alice', {}, {}, { identity: undefined })),
    on: CI,
  },
  {
    rule: 'AML-IAM-006',
    kind: 'compliant',
    name: 'identity-based datastore',
    resources: () => withR(f.datastore('None')),
    on: 'Team/Share',
  },
  {
    rule: 'AML-IAM-006',
    kind: 'violation',
    name: 'account key datastore',
    resources: () => withR(f.datastore('AccountKey')),
    on: 'Team/Share',
  },
  {
    rule: 'AML-IAM-006',
    kind: 'defaulted',
    name: 'system datastores default to AccessKey',
    resources: () => withR(f.workspace({ systemDatastoresAuthMode: undefined })),
    on: WS,
    severity: 'medium',
  },
  {
    rule: 'AML-RBAC-001',
    kind: 'compliant',
    name: 'data scientist role to a group',
    resources: () => withR(),
    on: `Team/Grant-ra-${f.GROUP.slice(0, 8)}-${f.DATA_SCIENTIST.slice(0, 4)}`,
  },
  {
    rule: 'AML-RBAC-001',
    kind: 'violation',
    name: 'Owner to a group',
    resources: () => withR(f.roleAssignment(f.GROUP, 'Group', f.OWNER)),
    on: `Team/Grant-ra-${f.GROUP.slice(0, 8)}-${f.OWNER.slice(0, 4)}`,
  },
  {
    rule: 'AML-RBAC-002',
    kind: 'compliant',
    name: 'assigned user of a personal instance may be granted directly',
    resources: () => withR(),
    on: `Team/Grant-ra-${f.ALICE.slice(0, 8)}-${f.DATA_SCIENTIST.slice(0, 4)}`,
  },
  {
    rule: 'AML-RBAC-002',
    kind: 'violation',
    name: 'other user granted directly',
    resources: () => withR(f.roleAssignment(f.BOB, 'User', f.DATA_SCIENTIST)),
    on: `Team/Grant-ra-${f.BOB.slice(0, 8)}-${f.DATA_SCIENTIST.slice(0, 4)}`,
  },
  {
    rule: 'AML-RBAC-003',
    kind: 'compliant',
    name: 'workspace scope',
    resources: () => withR(),
    on: `Team/Grant-ra-${f.GROUP.slice(0, 8)}-${f.DATA_SCIENTIST.slice(0, 4)}`,
  },
  {
    rule: 'AML-RBAC-003',
    kind: 'violation',
    name: 'subscription scope',
    resources: () => withR(f.roleAssignment(f.GROUP, 'Group', f.DATA_SCIENTIST, `/subscriptions/${f.SUB}`, 'sub-wide')),
    on: 'Team/Grant-sub-wide',
  },
  {
    rule: 'AML-RBAC-004',
    kind: 'compliant',
    name: 'explicit actions',
    resources: () => withR(f.roleDefinition(['Microsoft.MachineLearningServices/workspaces/computes/start/action'])),
    on: 'Team/CustomRole',
  },
  {
    rule: 'AML-RBAC-004',
    kind: 'violation',
    name: 'ML wildcard',
    resources: () => withR(f.roleDefinition(['Microsoft.MachineLearningServices/*'])),
    on: 'Team/CustomRole',
  },
  {
    rule: 'AML-RBAC-006',
    kind: 'compliant',
    name: 'assigned user holds a workspace role',
    resources: () => withR(),
    on: CI,
  },
  {
    rule: 'AML-RBAC-006',
    kind: 'violation',
    name: 'assigned user without role',
    resources: () => without(withR(), `Team/Grant-ra-${f.ALICE.slice(0, 8)}-${f.DATA_SCIENTIST.slice(0, 4)}`),
    on: CI,
  },
  {
    rule: 'AML-RBAC-006',
    kind: 'defaulted',
    name: 'no assigned user',
    resources: () => withR(f.instance('ci-alice', { personalComputeInstanceSettings: undefined })),
    on: CI,
  },
  { rule: 'AML-RBAC-007', kind: 'compliant', name: 'Personal', resources: () => withR(), on: CI },
  {
    rule: 'AML-RBAC-007',
    kind: 'defaulted',
    name: 'absent means Shared',
    resources: () => withR(f.instance('ci-alice', { applicationSharingPolicy: undefined })),
    on: CI,
  },
  // ---- cost
  { rule: 'AML-COST-001', kind: 'compliant', name: 'min 0', resources: () => withR(), on: CL },
  {
    rule: 'AML-COST-001',
    kind: 'compliant',
    name: 'warm pool tag',
    resources: () =>
      withR(
        f.cluster(
          'cpu-cluster',
          { scaleSettings: { minNodeCount: 2, maxNodeCount: 4 } },
          {},
          { tags: { ...f.TAGS, 'amlcdk:warm-pool': 'nightly benchmark' } },
        ),
      ),
    on: CL,
  },
  {
    rule: 'AML-COST-001',
    kind: 'violation',
    name: 'GPU min 1 is high',
    resources: () =>
      withR(
        f.cluster('cpu-cluster', {
          vmSize: 'Standard_NC4as_T4_v3',
          scaleSettings: { minNodeCount: 1, maxNodeCount: 2 },
        }),
      ),
    on: CL,
    severity: 'high',
  },
  { rule: 'AML-COST-002', kind: 'compliant', name: 'max 4', resources: () => withR(), on: CL },
  {
    rule: 'AML-COST-002',
    kind: 'violation',
    name: 'GPU max above cap',
    resources: () =>
      withR(
        f.cluster('cpu-cluster', {
          vmSize: 'Standard_NC24ads_A100_v4',
          scaleSettings: { minNodeCount: 0, maxNodeCount: 16 },
        }),
      ),
    on: CL,
  },
  {
    rule: 'AML-COST-002',
    kind: 'violation',
    name: 'threshold from config',
    resources: () => withR(),
    on: CL,
    opts: { thresholds: { clusterMaxNodes: 2 } },
  },
  { rule: 'AML-COST-003', kind: 'compliant', name: 'PT5M', resources: () => withR(), on: CL },
  {
    rule: 'AML-COST-003',
    kind: 'compliant',
    name: 'absent means 120 s',
    resources: () => withR(f.cluster('cpu-cluster', { scaleSettings: { minNodeCount: 0, maxNodeCount: 4 } })),
    on: CL,
  },
  {
    rule: 'AML-COST-003',
    kind: 'violation',
    name: 'PT1H30M is 5400 s',
    resources: () =>
      withR(
        f.cluster('cpu-cluster', {
          scaleSettings: { minNodeCount: 0, maxNodeCount: 4, nodeIdleTimeBeforeScaleDown: 'PT1H30M' },
        }),
      ),
    on: CL,
  },
  { rule: 'AML-COST-004', kind: 'compliant', name: 'PT30M', resources: () => withR(), on: CI },
  {
    rule: 'AML-COST-004',
    kind: 'compliant',
    name: 'stop schedule instead',
    resources: () =>
      withR(
        f.instance('ci-alice', {
          idleTimeBeforeShutdown: undefined,
          schedules: {
            computeStartStop: [
              {
                status: 'Enabled',
                action: 'Stop',
                triggerType: 'Cron',
                cron: { expression: '0 18 * * *', timeZone: 'UTC' },
              },
            ],
          },
        }),
      ),
    on: CI,
  },
  {
    rule: 'AML-COST-004',
    kind: 'compliant',
    name: 'idle shutdown set by the updateIdleShutdownSetting action',
    resources: () =>
      withR({
        ...f.instance('ci-alice', { idleTimeBeforeShutdown: undefined }),
        actions: [
          {
            name: 'updateIdleShutdownSetting',
            body: { idleTimeBeforeShutdown: 'PT30M' },
            when: 'afterCreate',
            reason: 'api-version without the field',
          },
        ],
      }),
    on: CI,
  },
  {
    rule: 'AML-COST-004',
    kind: 'violation',
    name: 'PT3H above the prod limit',
    resources: () => withR(f.instance('ci-alice', { idleTimeBeforeShutdown: 'PT3H' })),
    on: CI,
    opts: { profile: 'prod' },
  },
  {
    rule: 'AML-COST-004',
    kind: 'defaulted',
    name: 'GPU instance without idle shutdown is high',
    resources: () =>
      withR(f.instance('ci-alice', { vmSize: 'Standard_NC4as_T4_v3', idleTimeBeforeShutdown: undefined })),
    on: CI,
    severity: 'high',
  },
  {
    rule: 'AML-COST-005',
    kind: 'compliant',
    name: 'size in allow-list',
    resources: () => withR(),
    on: CI,
    opts: { thresholds: { allowedVmSizes: ['Standard_DS11_v2', 'Standard_D*s_v3'] } },
  },
  {
    rule: 'AML-COST-005',
    kind: 'violation',
    name: 'size not allowed',
    resources: () => withR(),
    on: CL,
    opts: { thresholds: { allowedVmSizes: ['Standard_DS11_v2'] } },
  },
  {
    rule: 'AML-COST-006',
    kind: 'compliant',
    name: 'approved GPU cluster with cost center',
    resources: () => withR(f.cluster('cpu-cluster', { vmSize: 'Standard_NC24ads_A100_v4' })),
    on: CL,
  },
  {
    rule: 'AML-COST-006',
    kind: 'violation',
    name: 'GPU instance under prod',
    resources: () => withR(f.instance('ci-alice', { vmSize: 'Standard_NC4as_T4_v3' })),
    on: CI,
    opts: { profile: 'prod' },
  },
  {
    rule: 'AML-COST-006',
    kind: 'violation',
    name: 'retired GPU size not in the allow-list',
    resources: () => withR(f.cluster('cpu-cluster', { vmSize: 'Standard_NC6s_v3' })),
    on: CL,
  },
  { rule: 'AML-COST-007', kind: 'compliant', name: 'low priority', resources: () => withR(), on: CL },
  {
    rule: 'AML-COST-007',
    kind: 'defaulted',
    name: 'absent means Dedicated',
    resources: () => withR(f.cluster('cpu-cluster', { vmPriority: undefined })),
    on: CL,
  },
  // ---- tagging
  {
    rule: 'AML-GOV-001',
    kind: 'compliant',
    name: 'all tags',
    resources: () => withR(),
    on: CI,
    opts: { profile: 'prod' },
  },
  {
    rule: 'AML-GOV-001',
    kind: 'defaulted',
    name: 'missing costCenter',
    resources: () => withR(f.instance('ci-alice', {}, {}, { tags: { owner: 'x' } })),
    on: CI,
  },
  {
    rule: 'AML-GOV-002',
    kind: 'compliant',
    name: 'mlw- prefix',
    resources: () => withR(),
    on: WS,
    opts: { profile: 'prod' },
  },
  {
    rule: 'AML-GOV-002',
    kind: 'violation',
    name: 'custom pattern',
    resources: () => withR(),
    on: WS,
    opts: { thresholds: { workspaceNamePattern: '^ws-' } },
  },
  { rule: 'AML-GOV-003', kind: 'compliant', name: 'not legacy', resources: () => withR(), on: WS },
  {
    rule: 'AML-GOV-003',
    kind: 'violation',
    name: 'v1LegacyMode true',
    resources: () => withR(f.workspace({ v1LegacyMode: true })),
    on: WS,
    severity: 'info',
  },
  // ---- reliability
  {
    rule: 'AML-REL-001',
    kind: 'compliant',
    name: 'dedicated inference cluster',
    resources: () =>
      withR(f.cluster('cpu-cluster', { vmPriority: 'Dedicated' }, {}, { tags: { ...f.TAGS, purpose: 'inference' } })),
    on: CL,
  },
  {
    rule: 'AML-REL-001',
    kind: 'violation',
    name: 'low priority batch cluster',
    resources: () => withR(f.cluster('cpu-cluster', {}, {}, { tags: { ...f.TAGS, purpose: 'batch' } })),
    on: CL,
  },
  {
    rule: 'AML-REL-002',
    kind: 'compliant',
    name: 'attached Kubernetes by id',
    resources: () =>
      withR(
        f.attached(
          'k8s',
          'Kubernetes',
          `/subscriptions/${f.SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks`,
        ),
      ),
    on: 'Team/k8s',
  },
  {
    rule: 'AML-REL-002',
    kind: 'defaulted',
    name: 'AKS without resourceId creates a cluster',
    resources: () => withR(f.attached('aks', 'AKS')),
    on: 'Team/aks',
  },
  {
    rule: 'AML-REL-003',
    kind: 'compliant',
    name: 'dev workspace',
    resources: () => withR(),
    on: WS,
    opts: { profile: 'prod' },
  },
  {
    rule: 'AML-REL-003',
    kind: 'violation',
    name: 'prod workspace with instances',
    resources: () => withR(f.workspace({}, { tags: { ...f.TAGS, environment: 'prod' } })),
    on: WS,
    opts: { profile: 'prod' },
  },
  { rule: 'AML-REL-004', kind: 'compliant', name: 'current size', resources: () => withR(), on: CL },
  {
    rule: 'AML-REL-004',
    kind: 'violation',
    name: 'NCv3 retired',
    resources: () => withR(f.cluster('cpu-cluster', { vmSize: 'Standard_NC6s_v3' })),
    on: CL,
    severity: 'high',
  },
  {
    rule: 'AML-REL-004',
    kind: 'violation',
    name: 'NVv3 retiring within 180 days is medium',
    resources: () => withR(f.instance('ci-alice', { vmSize: 'Standard_NV12s_v3' })),
    on: CI,
    severity: 'medium',
  },
  {
    rule: 'AML-REL-004',
    kind: 'compliant',
    name: 'Dv2 retirement in 2028 is beyond the horizon',
    resources: () => withR(f.instance('ci-alice', { vmSize: 'Standard_DS11_v2' })),
    on: CI,
  },
  {
    rule: 'AML-REL-004',
    kind: 'violation',
    name: 'a longer horizon reports Dv2 (2028-05-01)',
    resources: () => withR(),
    on: CI,
    opts: { thresholds: { retirementWarningDays: 1000 } },
    severity: 'medium',
  },
  {
    rule: 'AML-REL-005',
    kind: 'compliant',
    name: 'protected workspace',
    resources: () => withR(),
    on: WS,
    opts: { profile: 'prod' },
  },
  {
    rule: 'AML-REL-005',
    kind: 'defaulted',
    name: 'protect defaults to false',
    resources: () => withR(f.workspace({}, {}, { protect: false })),
    on: WS,
    opts: { profile: 'prod' },
  },
];
