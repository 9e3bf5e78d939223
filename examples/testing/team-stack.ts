/**
 * The stack under test: a workspace with a managed network, a CPU cluster that scales to zero and a Spot GPU
 * cluster for a team. The tests next to it (team-stack.test.ts) check it with amlcdk/testing.
 */
import type { Construct } from 'constructs';
import { ComputeCluster, Duration, IsolationMode, Stack, VmPriority, VmSize, Workspace, type StackProps } from 'amlcdk';
import { Suppressions } from 'amlcdk/policy';

export interface TeamStackProps extends StackProps {
  readonly tenantId: string;
  /** Largest size of the GPU cluster. @default 4 */
  readonly maxGpuNodes?: number;
}

export class TeamStack extends Stack {
  public readonly workspace: Workspace;

  constructor(scope: Construct, id: string, props: TeamStackProps) {
    super(scope, id, props);
    this.workspace = new Workspace(this, 'Workspace', {
      tenantId: props.tenantId,
      isolationMode: IsolationMode.ALLOW_INTERNET_OUTBOUND,
    });
    Suppressions.of(this.workspace).add({ id: 'AML-NET-001', reason: 'example: Studio is reached over the internet' });
    new ComputeCluster(this.workspace, 'Cpu', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 2,
      idleTimeBeforeScaleDown: Duration.minutes(10),
    });
    new ComputeCluster(this.workspace, 'Gpu', {
      vmSize: VmSize.STANDARD_NC4AS_T4_V3,
      maxNodeCount: props.maxGpuNodes ?? 4,
      vmPriority: VmPriority.LOW_PRIORITY,
    });
  }
}
