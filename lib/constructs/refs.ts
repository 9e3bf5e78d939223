/**
 * Reference interfaces between constructs (attributes only, no behaviour), so that constructs written in
 * different files can point at each other without import cycles. Concrete constructs implement them.
 */
import type { IConstruct } from 'constructs';

/** A workspace, defined in this program or imported with `Workspace.fromWorkspaceId`. */
export interface IWorkspaceRef extends IConstruct {
  /** @attribute */
  readonly workspaceName: string;
  /** Full ARM id of the workspace. @attribute */
  readonly workspaceId: string;
  /** Region of the workspace (lower-case ARM form). */
  readonly location: string;
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  /** Managed network isolation mode, when known (`undefined` for imported workspaces). */
  readonly isolationMode?: 'Disabled' | 'AllowInternetOutbound' | 'AllowOnlyApprovedOutbound';
  /** True when the workspace has (or is given in this program) a private endpoint. */
  readonly hasPrivateEndpoint?: boolean;
}

/** A subnet compute can be placed in. */
export interface ISubnetRef extends IConstruct {
  /** Full ARM id. @attribute */
  readonly subnetId: string;
  /** Region of its virtual network, when known. */
  readonly location?: string;
  /** CIDR prefix, when known (for sizing checks). */
  readonly addressPrefix?: string;
  /** Service delegations on the subnet, when known (Azure ML compute needs none). */
  readonly delegations?: readonly string[];
  /**
   * Record that compute with (or without) public IPs lands in this subnet, so the NSG of the subnet can derive
   * the Azure ML rules it needs. No-op for imported subnets.
   */
  registerCompute?(compute: IComputePlacement): void;
}

/** What a compute tells its subnet/NSG about itself. */
export interface IComputePlacement extends IConstruct {
  readonly computeKind: 'ComputeInstance' | 'AmlCompute';
  /** Whether nodes get public IPs (then inbound 44224 from AzureMachineLearning is required). */
  readonly nodePublicIp: boolean;
  /** Whether SSH (port 22 / cluster remote login) is enabled, and from which CIDRs. */
  readonly sshSourceCidrs?: readonly string[];
  /** How many IPs it needs at most (1 per instance, max nodes per cluster). */
  readonly maxIpCount: number;
}

/** An Entra ID principal that can be granted a role or assigned a compute instance. */
export interface IPrincipal {
  /** Object id (GUID). */
  readonly objectId: string;
  /** Tenant id (GUID); required to assign a compute instance to a user. */
  readonly tenantId?: string;
  readonly principalType: 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup' | 'Device';
  /** A short human name used in derived names (e.g. `alice`). */
  readonly displayName?: string;
}

/** A file share registered as an AzureFile datastore, mountable on compute instances. */
export interface IFileShareMountRef extends IConstruct {
  /** Datastore name in the workspace. */
  readonly datastoreName: string;
  readonly storageAccountName: string;
  readonly shareName: string;
  /** Where the share is mounted on instances. */
  readonly mountPath: string;
  /** Read-only or read-write mount. */
  readonly readOnly: boolean;
  /**
   * True for the workspace's default file share (datastore `workspaceworkingdirectory`), which Azure ML mounts on
   * every compute instance by itself as the notebook directory: compute must not add a data mount for it.
   */
  readonly isWorkspaceDefault?: boolean;
  /**
   * Record that a compute instance mounts this share, so the share can grant the instance's assigned user data
   * access to it. Compute instances call it for each mount; no-op for shares that grant nothing.
   */
  registerMount?(compute: IShareMounter): void;
}

/** A compute that mounts a file share (what `IFileShareMountRef.registerMount` needs to know). */
export interface IShareMounter extends IConstruct {
  /** The user the compute instance is assigned to, when there is one. */
  readonly assignedUser?: IPrincipal;
}
