/**
 * Deliberately insecure, but valid: it synthesizes without errors so that the policy pack has something to flag.
 * Every choice below is one a reviewer should reject. Do not copy it.
 */
import { Construct } from 'constructs';
import {
  ComputeCluster,
  ComputeInstance,
  NetworkSecurityGroup,
  Principal,
  SshAccess,
  Stack,
  VirtualNetwork,
  VmSize,
  Workspace,
  type StackProps,
} from 'amlcdk';

export const INSECURE_DEFAULTS: StackProps & { tenantId: string; userObjectId: string } = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-ml-insecure',
  location: 'eastus',
  tenantId: '11111111-1111-1111-1111-111111111111',
  userObjectId: '22222222-2222-2222-2222-222222222222',
  // no tags: nobody owns it, no cost center
};

export class InsecureStack extends Stack {
  constructor(scope: Construct, id: string, props = INSECURE_DEFAULTS) {
    super(scope, id, props);
    // Public network access, no managed network, local auth on for every compute.
    const ws = new Workspace(this, 'Workspace', {
      tenantId: props.tenantId,
      publicNetworkAccess: true,
      computeLocalAuth: true,
    });

    const vnet = new VirtualNetwork(this, 'Vnet', { addressSpace: ['10.9.0.0/16'] });
    const subnet = vnet.addSubnet('Open', {
      addressPrefix: '10.9.0.0/20',
      networkSecurityGroup: new NetworkSecurityGroup(this, 'Nsg'),
    });

    // SSH open to the whole internet on a public IP, no idle shutdown, no schedule.
    new ComputeInstance(ws, 'OpenInstance', {
      vmSize: VmSize.STANDARD_DS3_V2,
      assignedUser: Principal.user(props.userObjectId, { tenantId: props.tenantId, displayName: 'dev' }),
      subnet,
      nodePublicIp: true,
      sshAccess: SshAccess.enabled({
        publicKey:
          'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7insecureexamplekeyonlyforpolicytests0000000000000000000000000000 dev@example',
        sourceCidrs: ['0.0.0.0/0'],
      }),
      localAuth: true,
    });

    // A large dedicated cluster that never scales to zero, SSH open on public IPs.
    new ComputeCluster(ws, 'BigCluster', {
      vmSize: VmSize.STANDARD_D16S_V5,
      minNodeCount: 2,
      maxNodeCount: 100,
      subnet,
      nodePublicIp: true,
      sshAccess: SshAccess.enabled({
        publicKey:
          'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7insecureexamplekeyonlyforpolicytests0000000000000000000000000000 dev@example',
        sourceCidrs: ['0.0.0.0/0'],
      }),
      localAuth: true,
    });
  }
}
