/**
 * Quickstart: a workspace (with its storage account, key vault, Application Insights and registry) with a managed
 * network, one personal compute instance for a data scientist, and a small CPU cluster that scales to zero; the
 * compute has no public IPs (it lives in the workspace's managed VNet), so `amlcdk check` passes at its default bar.
 */
import { Construct } from 'constructs';
import {
  ComputeCluster,
  ComputeInstance,
  ComputeSchedule,
  Duration,
  IsolationMode,
  Principal,
  Stack,
  VmSize,
  Workspace,
  type StackProps,
} from 'amlcdk';
import { Suppressions } from 'amlcdk/policy';

/** Ids the quickstart needs (placeholders by default: synthesis never calls Azure). */
export interface QuickstartProps extends StackProps {
  readonly tenantId: string;
  /** Entra object id of the data scientist who gets the compute instance. */
  readonly userObjectId: string;
  /**
   * Stop the compute instance right after it is created (the real-Azure acceptance run does, to keep its cost low).
   * @default false
   */
  readonly stopInstanceAfterCreate?: boolean;
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
    this.workspace = new Workspace(this, 'Workspace', {
      tenantId: props.tenantId,
      description: 'amlcdk quickstart',
      // The managed VNet lets compute run without public IPs and without a VNet of our own.
      isolationMode: IsolationMode.ALLOW_INTERNET_OUTBOUND,
    });
    // A private workspace needs private endpoints for it and its storage, key vault and registry: see
    // examples/secure-gpu-team. The quickstart keeps Studio reachable and says so where every report shows it.
    Suppressions.of(this.workspace).add({
      id: 'AML-NET-001',
      reason: 'quickstart: Studio is reached over the internet; examples/secure-gpu-team shows the private workspace',
    });
    const alice = Principal.user(props.userObjectId, { tenantId: props.tenantId, displayName: 'alice' });

    this.instance = new ComputeInstance(this.workspace, 'AliceInstance', {
      vmSize: VmSize.STANDARD_D4S_V5,
      assignedUser: alice,
      idleShutdown: Duration.minutes(60),
      nodePublicIp: false,
      schedules: [ComputeSchedule.stopAt('0 19 * * 1-5', { timeZone: 'W. Europe Standard Time' })],
      ...(props.stopInstanceAfterCreate ? { stopAfterCreate: true } : {}),
    });

    this.cluster = new ComputeCluster(this.workspace, 'CpuCluster', {
      vmSize: VmSize.STANDARD_D4S_V5,
      minNodeCount: 0,
      maxNodeCount: 4,
      nodePublicIp: false,
      idleTimeBeforeScaleDown: Duration.minutes(5),
    });

    this.workspace.grants.dataScientist(alice);
  }
}
