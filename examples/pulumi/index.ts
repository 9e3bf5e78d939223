/**
 * The secure GPU team (examples/secure-gpu-team) deployed with `pulumi up`: the same constructs, validation and
 * policy as `amlcdk apply`, as @pulumi/azure-native resources under one component. On top of the team stack, a
 * shared RStudio workbench serves a custom image built from ./images/rstudio and pushed to the workspace registry.
 *
 *   pulumi config set subscriptionId <guid> && pulumi config set tenantId <guid>
 *   pulumi preview                                  # or: pulumi preview --policy-pack ../policy-pack
 *   pulumi up
 */
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { App, ComputeInstance, ContainerImage, Duration, Principal, SshAccess, VirtualNetwork, VmSize } from 'amlcdk';
import { AmlcdkComponent } from 'amlcdk/pulumi';
import { SECURE_GPU_TEAM_DEFAULTS, SecureGpuTeamStack } from '../secure-gpu-team/stack.js';

const config = new pulumi.Config();
const props = {
  ...SECURE_GPU_TEAM_DEFAULTS,
  subscriptionId: config.get('subscriptionId') ?? SECURE_GPU_TEAM_DEFAULTS.subscriptionId,
  tenantId: config.get('tenantId') ?? SECURE_GPU_TEAM_DEFAULTS.tenantId,
  resourceGroup: config.get('resourceGroup') ?? SECURE_GPU_TEAM_DEFAULTS.resourceGroup,
  location: config.get('location') ?? SECURE_GPU_TEAM_DEFAULTS.location,
};

const app = new App();
const team = new SecureGpuTeamStack(app, 'SecureGpuTeam', props);

// A shared RStudio workbench in the team's compute subnet, serving an image built from ./images/rstudio.
const vnet = team.node.findChild('Vnet') as VirtualNetwork;
const computeSubnet = vnet.subnets.find((s) => s.node.id === 'Compute')!;
const rstudio = ContainerImage.fromDirectory(team, 'RStudioImage', {
  directory: fileURLToPath(new URL('./images/rstudio', import.meta.url)),
  registry: team.workspace,
  repository: 'vision/rstudio',
});
const lead = props.members[0];
new ComputeInstance(team.workspace, 'Workbench', {
  vmSize: VmSize.STANDARD_DS3_V2,
  assignedUser: Principal.user(lead.objectId, { tenantId: props.tenantId, displayName: `${lead.name}-wb` }),
  subnet: computeSubnet,
  nodePublicIp: false,
  sshAccess: SshAccess.disabled(),
  idleShutdown: Duration.minutes(30),
  customApplications: [
    { name: 'rstudio', image: rstudio, endpoints: [{ name: 'rstudio', target: 8787, published: 8787 }] },
  ],
});

const registryAuth = config.get('registryAuth') === 'admin' ? 'admin' : 'entra';
const ml = new AmlcdkComponent('secure-gpu-team', { stack: team, registryAuth });

/** ARM ids of every resource, by construct path. */
export const ids = ml.ids;
/** Workspace URLs, the instances' application endpoints, the registry login server. */
export const endpoints = ml.endpoints;
/** The pushed RStudio image (by digest). */
export const rstudioImage = ml.images[rstudio.build!.assetId].repoDigest;
