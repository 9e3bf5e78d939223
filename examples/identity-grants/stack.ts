/**
 * Managed identities granted in the same program that creates them: a GPU cluster's system-assigned identity reads
 * training data from the workspace storage and pulls images from the workspace registry; one user-assigned identity
 * is shared by two CPU clusters and can read the same data; the workspace's own identity reads the key vault's
 * secrets. Every principal id is a deploy-time value (known after apply): the program never pastes a GUID.
 */
import { Construct } from 'constructs';
import {
  Annotations,
  BuiltInRole,
  ComputeCluster,
  ComputeIdentity,
  Stack,
  UserAssignedIdentity,
  VmSize,
  Workspace,
  type StackProps,
} from 'amlcdk';

export interface IdentityGrantsProps extends StackProps {
  readonly tenantId: string;
}

export const IDENTITY_GRANTS_DEFAULTS: IdentityGrantsProps = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-ml-identity-grants',
  location: 'westeurope',
  tenantId: '11111111-1111-1111-1111-111111111111',
  tags: { project: 'identity-grants', environment: 'dev' },
};

export class IdentityGrantsStack extends Stack {
  public readonly workspace: Workspace;
  public readonly gpu: ComputeCluster;
  public readonly training: UserAssignedIdentity;

  constructor(scope: Construct, id: string, props: IdentityGrantsProps = IDENTITY_GRANTS_DEFAULTS) {
    super(scope, id, props);
    this.workspace = new Workspace(this, 'Workspace', { tenantId: props.tenantId });
    const storage = this.workspace.storageAccount!;
    const registry = this.workspace.containerRegistry!;

    // A cluster with its own (system-assigned) identity: blob read on the data, AcrPull on the registry.
    this.gpu = new ComputeCluster(this.workspace, 'Gpu', {
      vmSize: VmSize.STANDARD_NC4AS_T4_V3,
      maxNodeCount: 2,
      identity: ComputeIdentity.systemAssigned(),
    });
    this.gpu.identity.grant(storage, BuiltInRole.STORAGE_BLOB_DATA_READER);
    this.gpu.identity.grant(registry, BuiltInRole.ACR_PULL);
    Annotations.of(this.gpu).acknowledgeWarning(
      'azureml:compute:zeroQuotaByDefault',
      'NCasT4_v3 quota is requested with the subscription',
    );

    // One user-assigned identity shared by two clusters, granted once.
    this.training = new UserAssignedIdentity(this, 'TrainingIdentity');
    for (const name of ['CpuSmall', 'CpuLarge']) {
      new ComputeCluster(this.workspace, name, {
        vmSize: name === 'CpuSmall' ? VmSize.STANDARD_DS3_V2 : VmSize.STANDARD_DS11_V2,
        maxNodeCount: 2,
        identity: ComputeIdentity.userAssigned(this.training),
      });
    }
    this.training.grant(storage, BuiltInRole.STORAGE_BLOB_DATA_READER);
    this.training.grant(registry, BuiltInRole.ACR_PULL);

    // The workspace's own identity reads the key vault's secrets.
    this.workspace.identity.grant(this.workspace.keyVault!, BuiltInRole.KEY_VAULT_SECRETS_USER);
  }
}
