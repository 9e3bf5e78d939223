/**
 * Quickstart: a workspace (with its storage account, key vault, Application Insights and registry), one personal
 * compute instance for a data scientist, and a small CPU cluster that scales to zero.
 */
import { Construct } from 'constructs';
import { ComputeCluster, ComputeInstance, ComputeSchedule, Duration, Principal, Stack, VmSize, Workspace, type StackProps } from 'amlcdk';

/** Ids the quickstart needs (placeholders by default: synthesis never calls Azure). */
export interface QuickstartProps extends StackProps {
  readonly tenantId: string;
  /** Entra object id of the data scientist who gets the compute instance. */
  readonly userObjectId: string;
}

export const QUICKSTART_DEFAULTS: QuickstartProps = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-ml-quickstart',
  location: 'westeurope',
  tenantId: '11111111-1111-1111-1111-111111111111',
  userObjectId: '22222222-2222-2222-2222-222222222222',
  tags: { project: 'quickstart', owner: 'ml-platform' },
};

export class QuickstartStack extends Stack {
  public readonly workspace: Workspace;
  public readonly instance: ComputeInstance;
  public readonly cluster: ComputeCluster;

  constructor(scope: Construct, id: string, props: QuickstartProps = QUICKSTART_DEFAULTS) {
    super(scope, id, props);
    this.workspace = new Workspace(this, 'Workspace', { tenantId: props.tenantId, description: 'amlcdk quickstart' });
    const alice = Principal.user(props.userObjectId, { tenantId: props.tenantId, displayName: 'alice' });

    this.instance = new ComputeInstance(this.workspace, 'AliceInstance', {
      vmSize: VmSize.STANDARD_D4S_V5,
      assignedUser: alice,
      idleShutdown: Duration.minutes(60),
      schedules: [ComputeSchedule.stopAt('0 19 * * 1-5', { timeZone: 'W. Europe Standard Time' })],
    });

    this.cluster = new ComputeCluster(this.workspace, 'CpuCluster', {
      vmSize: VmSize.STANDARD_D4S_V5,
      minNodeCount: 0,
      maxNodeCount: 4,
      idleTimeBeforeScaleDown: Duration.minutes(5),
    });

    this.workspace.grants.dataScientist(alice);
  }
}
