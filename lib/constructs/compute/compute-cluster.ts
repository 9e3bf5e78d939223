/**
 * `ComputeCluster` (AmlCompute): autoscaling nodes for training jobs.
 *
 * @see https://learn.microsoft.com/rest/api/azureml/compute/create-or-update
 */
import type { Construct } from 'constructs';
import { Annotations } from '../../core/annotations.js';
import { Duration } from '../../core/duration.js';
import { onValidate } from '../../core/lifecycle.js';
import { parseArmId } from '../../core/validators.js';
import { Secret } from '../../core/secret.js';
import type { VmSize } from '../../catalog/vm-size.js';
import { normalizeLocation } from '../../core/stack.js';
import type { IComputePlacement, ISubnetRef } from '../refs.js';
import {
  ComputeBase,
  checkCidrs,
  checkNoPublicIp,
  checkPublicAccess,
  checkSubnet,
  checkVmSize,
  type ComputeBaseProps,
} from './base.js';
import { T, normalizeProps } from '../../core/props.js';
import { SshAccess, describeNotPublicKey, isSshPublicKey } from './ssh.js';
import { hasBrand } from '../../core/brand.js';

const COMPUTE_CLUSTER = Symbol.for('amlcdk.ComputeCluster');

/** VM priority of cluster nodes. */
export type VmPriority = 'Dedicated' | 'LowPriority';
/** Enum-like constants for {@link VmPriority}. */
export const VmPriority = {
  /** Regular VMs. */
  DEDICATED: 'Dedicated' as VmPriority,
  /**
   * Low priority: since 2026-03-31 allocated as Spot VMs at a variable price and evictable at any time (the REST
   * value stays `LowPriority`).
   */
  LOW_PRIORITY: 'LowPriority' as VmPriority,
} as const;

/** Options of a compute cluster (used by `workspace.addComputeCluster`). */
export interface ComputeClusterOptions extends Omit<ComputeBaseProps, 'workspace'> {
  /** VM size of each node. */
  readonly vmSize: VmSize;
  /**
   * Minimum number of nodes. Keep at 0 so that an idle cluster costs nothing.
   * @default 0
   */
  readonly minNodeCount?: number;
  /** Maximum number of nodes (≥ minNodeCount). */
  readonly maxNodeCount: number;
  /**
   * How long an idle node waits before it is removed.
   * @default Duration.minutes(2)
   */
  readonly idleTimeBeforeScaleDown?: Duration;
  /**
   * VM priority.
   * @default VmPriority.DEDICATED
   */
  readonly vmPriority?: VmPriority;
  /**
   * Subnet to place nodes in (workspace region).
   * @default - no VNet placement (or the workspace's managed network)
   */
  readonly subnet?: ISubnetRef;
  /**
   * Give nodes public IPs. `false` needs a subnet or managed network, and a workspace private endpoint.
   * @default true
   */
  readonly nodePublicIp?: boolean;
  /**
   * SSH to nodes (admin user with a key and/or a password secret).
   * @default SshAccess.disabled()
   */
  readonly sshAccess?: SshAccess;
  /**
   * OS of the nodes.
   * @default 'Linux'
   */
  readonly osType?: 'Linux' | 'Windows';
  /**
   * Custom VM image (ARM id of a gallery image version); Windows clusters only.
   * @default - Azure ML's image
   */
  readonly virtualMachineImageId?: string;
  /**
   * Region of the nodes when it differs from the workspace's, e.g. to use a subnet (and GPU quota) of another region.
   * The subnet, when given, must be in this region. Azure ML supports compute in another region than the workspace:
   * `az ml compute create --location` / azure-ai-ml `AmlCompute(location=...)` send it, and Azure reports it back as
   * `properties.computeLocation` (azure-ai-ml `AmlCompute._load_from_rest` reads `compute_location` before
   * `location`; Azure/azure-sdk-for-python sdk/ml/azure-ai-ml/azure/ai/ml/entities/_compute/aml_compute.py
   * @29e9ef12111039a5c90b37f3ac899830d5d1e1d7).
   * @default - the workspace region
   */
  readonly computeLocation?: string;
}

/** Props of {@link ComputeCluster}. */
export interface ComputeClusterProps extends ComputeClusterOptions, Pick<ComputeBaseProps, 'workspace'> {}

/**
 * A compute cluster.
 *
 * @example
 * new ComputeCluster(ws, 'Gpu', { vmSize: VmSize.STANDARD_NC24ADS_A100_V4, maxNodeCount: 4, vmPriority: VmPriority.LOW_PRIORITY });
 */
export class ComputeCluster extends ComputeBase implements IComputePlacement {
  public static isComputeCluster(x: unknown): x is ComputeCluster {
    return hasBrand(x, COMPUTE_CLUSTER);
  }

  public readonly computeKind = 'AmlCompute' as const;
  public readonly nodePublicIp: boolean;
  public readonly sshSourceCidrs?: readonly string[];
  /** Minimum node count. Aspects may change it before synthesis (it is validated after them). */
  public minNodeCount: number;
  /** Maximum node count. Aspects may change it before synthesis (it is validated after them). */
  public maxNodeCount: number;
  private readonly props: ComputeClusterProps;
  private readonly ssh: SshAccess;

  constructor(scope: Construct, id: string, props: ComputeClusterProps) {
    super(scope, id, props);
    Object.defineProperty(this, COMPUTE_CLUSTER, { value: true });
    const p = normalizeProps<ComputeClusterProps>(this, props, {
      sshAccess: T.instance(SshAccess, 'SshAccess (SshAccess.enabled/disabled)'),
      nodePublicIp: T.boolean,
      idleTimeBeforeScaleDown: T.instance(Duration, 'Duration'),
      subnet: T.object,
      osType: T.string,
      virtualMachineImageId: T.string,
      computeLocation: T.string,
      description: T.string,
      localAuth: T.boolean,
      tags: T.record,
    });
    this.props = p;
    this.ssh = p.sshAccess ?? SshAccess.disabled();
    this.nodePublicIp = p.nodePublicIp ?? true;
    this.minNodeCount = p.minNodeCount ?? 0;
    this.maxNodeCount = p.maxNodeCount;
    this.sshSourceCidrs =
      this.ssh.isEnabled && Array.isArray(this.ssh.options.sourceCidrs)
        ? [...(this.ssh.options.sourceCidrs as readonly string[])]
        : this.ssh.isEnabled
          ? []
          : undefined;
    p.subnet?.registerCompute?.(this);

    // Checked at synthesis (after aspects), so what aspects change (e.g. the node counts) is validated.
    onValidate(this, () => {
      checkVmSize(this, p.vmSize, 'cluster');
      this.checkNodes();
      this.checkPriority();
      this.checkSsh();
    });
    if (p.virtualMachineImageId !== undefined) {
      const parsed = parseArmId(p.virtualMachineImageId);
      if (!parsed || !/^Microsoft\.Compute\/(galleries\/images\/versions|images)$/i.test(parsed.type)) {
        Annotations.of(this).addError(
          'WrongResourceType',
          'virtualMachineImageId must be the ARM id of a gallery image version or managed image',
          {
            value: p.virtualMachineImageId,
            allowed: '…/providers/Microsoft.Compute/galleries/<g>/images/<i>/versions/<v>',
            fix: 'copy the image version id',
          },
        );
      }
      if ((p.osType ?? 'Linux') !== 'Windows') {
        Annotations.of(this).addError(
          'CustomImageNeedsWindows',
          'virtualMachineImageId applies to Windows clusters only',
          {
            value: p.osType ?? 'Linux',
            allowed: 'Windows',
            fix: 'set osType: "Windows" or remove virtualMachineImageId (use environments for Linux images)',
          },
        );
      }
    }
    if (p.computeLocation !== undefined && !/^[a-z][a-z0-9]{2,39}$/.test(normalizeLocation(p.computeLocation))) {
      Annotations.of(this).addError('InvalidLocation', 'computeLocation is not an Azure region name', {
        value: p.computeLocation,
        allowed: 'e.g. westeurope',
        fix: 'use the name column of `az account list-locations`',
      });
    }
    onValidate(this, () => {
      checkSubnet(this, p.subnet, this.workspace, this.maxIpCount, this.computeLocation);
      checkNoPublicIp(this, this.nodePublicIp, p.subnet, this.workspace);
    });
  }

  /** IPs the cluster needs at most in its subnet (one per node). */
  /**
   * Region of the nodes: `computeLocation` when given (a cluster in a subnet of another region), else the
   * workspace's.
   */
  public get computeLocation(): string {
    const given = this.props.computeLocation;
    return typeof given === 'string' && given ? normalizeLocation(given) : this.location;
  }

  public get maxIpCount(): number {
    return Number.isInteger(this.maxNodeCount) && this.maxNodeCount > 0 ? this.maxNodeCount : 0;
  }

  private checkNodes(): void {
    const { minNodeCount: min, maxNodeCount: max } = this;
    const bad = (v: unknown) => !Number.isInteger(v) || (v as number) < 0 || (v as number) > 10000;
    if (bad(min)) {
      Annotations.of(this).addError('InvalidNodeCount', 'minNodeCount must be a whole number ≥ 0', {
        value: min,
        allowed: '0-10000',
        fix: 'use 0 so the cluster costs nothing when idle',
      });
    }
    if (bad(max) || max === 0) {
      Annotations.of(this).addError('InvalidNodeCount', 'maxNodeCount must be a whole number ≥ 1', {
        value: max,
        allowed: '1-10000',
        fix: 'e.g. maxNodeCount: 4',
      });
    }
    if (!bad(min) && !bad(max) && max < min) {
      Annotations.of(this).addError('MaxNodesBelowMin', `maxNodeCount (${max}) must be >= minNodeCount (${min})`, {
        value: max,
        allowed: `>= ${min}`,
        fix: 'lower minNodeCount or raise maxNodeCount',
      });
    }
    if (Number.isInteger(min) && min > 0) {
      Annotations.of(this).addWarning(
        'azureml:cluster:minNodesAboveZero',
        `minNodeCount is ${min}: those nodes run (and cost) even when no job does`,
        { value: min, fix: 'use 0 unless jobs must start without waiting for nodes' },
      );
    }
  }

  private checkPriority(): void {
    const pr = this.props.vmPriority ?? 'Dedicated';
    if (pr !== 'Dedicated' && pr !== 'LowPriority') {
      Annotations.of(this).addError('InvalidVmPriority', 'vmPriority must be Dedicated or LowPriority', {
        value: pr,
        allowed: 'VmPriority.DEDICATED, VmPriority.LOW_PRIORITY',
        fix: 'use a VmPriority constant ("Spot" is LowPriority in the REST API)',
      });
    } else if (pr === 'LowPriority') {
      Annotations.of(this).addWarning(
        'azureml:cluster:lowPriorityIsSpot',
        'low-priority nodes are allocated as Spot VMs since 2026-03-31: variable price, and nodes can be evicted at any time',
        {
          fix: 'make jobs checkpoint and resume, then acknowledge this warning with the reason',
        },
      );
    }
  }

  private checkSsh(): void {
    if (!this.ssh.isEnabled) return;
    const o = this.ssh.options;
    if (!o.publicKey && !o.password) {
      Annotations.of(this).addError(
        'SshKeyMissing',
        'SSH is enabled but neither a public key nor a password secret is given',
        { fix: 'pass SshAccess.enabled({ publicKey }) (preferred) or a password: Secret.fromEnv(...)' },
      );
    }
    if (o.publicKey && !isSshPublicKey(o.publicKey)) {
      Annotations.of(this).addError('InvalidSshPublicKey', 'sshAccess.publicKey is not an OpenSSH public key', {
        value: describeNotPublicKey(o.publicKey),
        allowed: '"ssh-ed25519 AAAA…" or "ssh-rsa AAAA…"',
        fix: 'paste the content of ~/.ssh/id_ed25519.pub',
      });
    }
    if (o.password !== undefined && !Secret.isSecret(o.password)) {
      Annotations.of(this).addError('PlainSecret', 'sshAccess.password must be a Secret reference, never a value', {
        fix: 'use Secret.fromEnv("CLUSTER_ADMIN_PASSWORD") or Secret.fromKeyVault(vault, name)',
      });
    }
    if (o.adminUserName !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(o.adminUserName)) {
      Annotations.of(this).addError('InvalidAdminUserName', 'sshAccess.adminUserName is not a valid Linux user name', {
        value: o.adminUserName,
        allowed: 'lower-case letters, digits, "_" or "-", ≤ 32, starting with a letter or "_"',
        fix: 'e.g. "azureuser"',
      });
    }
    checkCidrs(this, o.sourceCidrs, 'sshAccess.sourceCidrs');
    checkPublicAccess(this, o.publicAccess);
  }

  protected override secretPaths(): string[] {
    return this.ssh.isEnabled && Secret.isSecret(this.ssh.options.password)
      ? ['/properties/properties/userAccountCredentials/adminUserPassword']
      : [];
  }

  protected renderBody(): Record<string, unknown> {
    const p = this.props;
    const o = this.ssh.options;
    const loc = p.computeLocation ? normalizeLocation(p.computeLocation) : undefined;
    const inner: Record<string, unknown> = {
      vmSize: p.vmSize?.name,
      // An invalid priority is reported once (InvalidVmPriority), not again by the body schema.
      vmPriority: this.defaulted(
        '/properties/properties/vmPriority',
        p.vmPriority === undefined ? undefined : p.vmPriority === 'LowPriority' ? 'LowPriority' : 'Dedicated',
        'Dedicated',
      ),
      osType: this.defaulted('/properties/properties/osType', p.osType, 'Linux'),
      ...(p.virtualMachineImageId ? { virtualMachineImage: { id: p.virtualMachineImageId } } : {}),
      scaleSettings: {
        minNodeCount: this.defaulted(
          '/properties/properties/scaleSettings/minNodeCount',
          p.minNodeCount === undefined && this.minNodeCount === 0 ? undefined : this.minNodeCount,
          0,
        ),
        maxNodeCount: this.maxNodeCount,
        nodeIdleTimeBeforeScaleDown: this.defaulted(
          '/properties/properties/scaleSettings/nodeIdleTimeBeforeScaleDown',
          Duration.isDuration(p.idleTimeBeforeScaleDown) ? p.idleTimeBeforeScaleDown : undefined,
          Duration.minutes(2),
        ).toIsoString(),
      },
      ...(p.subnet ? { subnet: { id: p.subnet.subnetId } } : {}),
      enableNodePublicIp: this.defaulted('/properties/properties/enableNodePublicIp', p.nodePublicIp, true),
      // Explicit, so the service never picks (and later reports) a value on its own.
      remoteLoginPortPublicAccess: this.defaulted(
        '/properties/properties/remoteLoginPortPublicAccess',
        p.sshAccess === undefined ? undefined : this.ssh.isPublic && this.nodePublicIp ? 'Enabled' : 'Disabled',
        'Disabled',
      ),
      ...(this.ssh.isEnabled
        ? {
            userAccountCredentials: {
              adminUserName: o.adminUserName ?? 'azureuser',
              ...(o.publicKey ? { adminUserSshPublicKey: o.publicKey.trim() } : {}),
              ...(Secret.isSecret(o.password) ? { adminUserPassword: o.password.toRef() } : {}),
            },
          }
        : {}),
    };
    return {
      ...this.envelope(),
      // A cluster in another region is created with that region as its location, as Microsoft's clients do
      // (azure-ai-ml ComputeOperations.begin_create_or_update sends the compute's own location and no
      // computeLocation), and Azure echoes it there; the workspace region would read back as a change of location.
      ...(loc ? { location: loc } : {}),
      properties: {
        computeType: 'AmlCompute',
        ...(p.description ? { description: p.description } : {}),
        disableLocalAuth: this.disableLocalAuth,
        properties: inner,
      },
    };
  }
}
