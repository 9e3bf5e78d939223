/**
 * A research team on GPUs, locked down: own VNet + NSG (Azure ML rules derived from the compute in it), no public
 * IPs, workspace reachable only through its private endpoint (with private DNS), SSH off, one personal instance per
 * member, an A100 low-priority (Spot) cluster scaling 0-4, a shared file share mounted on every instance, and
 * roles granted to the team's Entra group.
 */
import { Construct } from 'constructs';
import {
  Annotations,
  ComputeCluster,
  ComputeSchedule,
  Duration,
  FileShare,
  FileShareMount,
  NetworkSecurityGroup,
  PersonalComputeInstances,
  Principal,
  PrivateEndpoint,
  SshAccess,
  Stack,
  VirtualNetwork,
  VmPriority,
  VmSize,
  Workspace,
  type StackProps,
} from 'amlcdk';

export interface SecureGpuTeamProps extends StackProps {
  readonly tenantId: string;
  /** Entra group of the team (gets AzureML Data Scientist on the workspace). */
  readonly teamGroupObjectId: string;
  /** Team members: object id + short name (used in instance names). */
  readonly members: ReadonlyArray<{ readonly objectId: string; readonly name: string }>;
  /** NAT gateway (owned by the network team) that gives the compute subnet its outbound path. */
  readonly natGatewayId: string;
}

export const SECURE_GPU_TEAM_DEFAULTS: SecureGpuTeamProps = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-ml-gpu-team',
  location: 'swedencentral',
  tenantId: '11111111-1111-1111-1111-111111111111',
  teamGroupObjectId: '55555555-5555-5555-5555-555555555555',
  members: [
    { objectId: '22222222-2222-2222-2222-222222222222', name: 'alice' },
    { objectId: '33333333-3333-3333-3333-333333333333', name: 'bob' },
    { objectId: '44444444-4444-4444-4444-444444444444', name: 'carol' },
  ],
  natGatewayId:
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-network-hub/providers/Microsoft.Network/natGateways/nat-ml-egress',
  tags: { project: 'vision-research', costCenter: 'cc-4711', environment: 'prod' },
};

export class SecureGpuTeamStack extends Stack {
  public readonly workspace: Workspace;
  public readonly cluster: ComputeCluster;
  public readonly instances: PersonalComputeInstances;

  constructor(scope: Construct, id: string, props: SecureGpuTeamProps = SECURE_GPU_TEAM_DEFAULTS) {
    super(scope, id, props);

    // Network: one VNet, a compute subnet behind an NSG and a subnet for private endpoints.
    const vnet = new VirtualNetwork(this, 'Vnet', { addressSpace: ['10.40.0.0/16'] });
    const nsg = new NetworkSecurityGroup(this, 'ComputeNsg');
    // No default outbound access: egress goes through the network team's NAT gateway.
    const computeSubnet = vnet.addSubnet('Compute', {
      addressPrefix: '10.40.1.0/24',
      networkSecurityGroup: nsg,
      defaultOutboundAccess: false,
      natGatewayId: props.natGatewayId,
    });
    const endpointSubnet = vnet.addSubnet('Endpoints', { addressPrefix: '10.40.2.0/27' });

    this.workspace = new Workspace(this, 'Workspace', {
      tenantId: props.tenantId,
      publicNetworkAccess: false,
      hbiWorkspace: true,
      description: 'GPU research, private',
      protect: true,
    });
    PrivateEndpoint.forWorkspace(this, 'WorkspaceEndpoint', {
      workspace: this.workspace,
      subnet: endpointSubnet,
      virtualNetwork: vnet,
    });

    // Shared data on an Azure Files share in the workspace's storage account, mounted on every instance.
    const share = new FileShare(this, 'SharedData', { storageAccount: this.workspace.storageAccount!, quotaGiB: 1024 });
    const sharedMount = new FileShareMount(this, 'SharedDataMount', { workspace: this.workspace, share });

    const users = props.members.map((m) =>
      Principal.user(m.objectId, { tenantId: props.tenantId, displayName: m.name }),
    );
    this.instances = new PersonalComputeInstances(this.workspace, 'Personal', {
      users,
      template: {
        vmSize: VmSize.STANDARD_NC4AS_T4_V3,
        subnet: computeSubnet,
        nodePublicIp: false,
        sshAccess: SshAccess.disabled(),
        idleShutdown: Duration.minutes(45),
        schedules: [ComputeSchedule.stopAt('0 20 * * *', { timeZone: 'W. Europe Standard Time' })],
        fileShareMounts: [sharedMount],
      },
    });

    this.cluster = new ComputeCluster(this.workspace, 'A100Spot', {
      vmSize: VmSize.STANDARD_NC24ADS_A100_V4,
      vmPriority: VmPriority.LOW_PRIORITY,
      minNodeCount: 0,
      maxNodeCount: 4,
      idleTimeBeforeScaleDown: Duration.minutes(10),
      subnet: computeSubnet,
      nodePublicIp: false,
    });
    Annotations.of(this.cluster).acknowledgeWarning(
      'azureml:cluster:lowPriorityIsSpot',
      'training jobs checkpoint to the shared share every 15 minutes and resume after eviction',
    );
    Annotations.of(this).acknowledgeWarning(
      'azureml:compute:zeroQuotaByDefault',
      'quota for NCasT4_v3 and NCADSA100v4 approved in swedencentral (ticket 2026-0412)',
    );

    const team = Principal.group(props.teamGroupObjectId, { displayName: 'vision-team' });
    this.workspace.grants.dataScientist(team);
    this.cluster.grants.operator(team);
  }
}
