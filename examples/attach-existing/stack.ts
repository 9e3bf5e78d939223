/**
 * Attach compute that already exists elsewhere: an AKS cluster (with the Azure ML extension installed) and a Linux
 * VM, to an existing workspace imported by id. Removing them from the program detaches them; the cluster and the
 * VM themselves are never deleted.
 */
import { Construct } from 'constructs';
import { AttachTarget, AttachedCompute, Secret, Stack, Workspace, type StackProps } from 'amlcdk';

export interface AttachExistingProps extends StackProps {
  readonly workspaceId: string;
  readonly aksClusterId: string;
  readonly vmId: string;
}

const SUB = '00000000-0000-0000-0000-000000000000';
export const ATTACH_EXISTING_DEFAULTS: AttachExistingProps = {
  subscriptionId: SUB,
  resourceGroup: 'rg-ml-shared',
  location: 'westeurope',
  workspaceId: `/subscriptions/${SUB}/resourceGroups/rg-ml-shared/providers/Microsoft.MachineLearningServices/workspaces/shared-ws`,
  aksClusterId: `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/inference-aks`,
  vmId: `/subscriptions/${SUB}/resourceGroups/rg-vms/providers/Microsoft.Compute/virtualMachines/dsvm-01`,
  tags: { project: 'shared-compute' },
};

export class AttachExistingStack extends Stack {
  public readonly aks: AttachedCompute;
  public readonly vm: AttachedCompute;

  constructor(scope: Construct, id: string, props: AttachExistingProps = ATTACH_EXISTING_DEFAULTS) {
    super(scope, id, props);
    const workspace = Workspace.fromWorkspaceId(this, 'Workspace', props.workspaceId);

    this.aks = new AttachedCompute(this, 'Aks', {
      workspace,
      computeName: 'inference-aks',
      description: 'AKS with the Azure ML extension (namespace azureml)',
      target: AttachTarget.kubernetes({
        resourceId: props.aksClusterId,
        namespace: 'azureml',
        defaultInstanceType: 'cpu-small',
        instanceTypes: {
          'cpu-small': { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } },
          gpu: { nodeSelector: { agentpool: 'gpupool' }, limits: { cpu: '6', memory: '56Gi', 'nvidia.com/gpu': '1' } },
        },
      }),
    });

    this.vm = new AttachedCompute(this, 'Dsvm', {
      workspace,
      computeName: 'dsvm-attached',
      target: AttachTarget.virtualMachine({
        resourceId: props.vmId,
        sshPort: 22,
        // The private key is resolved at deploy time from Key Vault; it never appears in the manifest.
        administratorAccount: {
          username: 'azureuser',
          privateKey: Secret.fromKeyVault('kv-ml-shared', 'dsvm-ssh-key'),
        },
      }),
    });
  }
}
