/**
 * What `amlcdk import --from-azml-yaml` understands of an az ml CLI v2 compute YAML document, after validation:
 * one `ComputeSpec` per document. Secret values are never held here: only the fact that one was given (and
 * where), so nothing downstream can copy them into code.
 */

/** Where a value came from: the YAML file (base name) and line. */
export interface YamlPlace {
  readonly line: number;
}

export interface IdentitySpec {
  readonly type: 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned,UserAssigned';
  readonly userAssignedIds: readonly string[];
}

/** `network_settings`: a full subnet id, or a VNet and subnet name in the workspace's resource group. */
export type SubnetSpec = { readonly subnetId: string } | { readonly vnetName: string; readonly subnetName: string };

export interface ScheduleSpec {
  readonly action: 'Start' | 'Stop';
  /** A cron trigger's expression; absent for a recurrence trigger. */
  readonly cron?: string;
  /** A recurrence trigger, as az ml sends it (ARM `triggerType: Recurrence`); absent for a cron trigger. */
  readonly recurrence?: {
    readonly frequency: 'Minute' | 'Hour' | 'Day' | 'Week' | 'Month';
    readonly interval?: number;
    readonly hours: readonly number[];
    readonly minutes: readonly number[];
    readonly weekDays?: readonly ('Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday')[];
  };
  readonly timeZone?: string;
  readonly startTime?: string;
  readonly enabled: boolean;
}

export interface SetupScriptSpec {
  readonly path: string;
  readonly command?: string;
  readonly timeoutMinutes?: number;
}

export interface CustomApplicationSpec {
  readonly name: string;
  readonly image: string;
  readonly endpoints: readonly {
    readonly name: string;
    readonly target: number;
    readonly published: number;
    readonly protocol?: 'tcp' | 'udp' | 'http';
  }[];
  readonly volumes: readonly { readonly source: string; readonly target: string; readonly readOnly?: boolean }[];
  readonly environment: Readonly<Record<string, string>>;
}

interface CommonSpec {
  /** Compute name (`name`). */
  readonly name: string;
  /** Line of the document's `name` key. */
  readonly line: number;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly location?: string;
  readonly identity?: IdentitySpec;
}

export interface InstanceSpec extends CommonSpec {
  readonly kind: 'computeinstance';
  readonly size: string;
  /** True when `size` was absent and the az ml default (Standard_DS3_v2) is used. */
  readonly sizeDefaulted: boolean;
  readonly assignedUser?: { readonly objectId: string; readonly tenantId: string };
  /** `undefined` when the YAML says nothing about SSH. */
  readonly ssh?: { readonly enabled: boolean; readonly publicKey?: string; readonly publicAccess?: false };
  readonly subnet?: SubnetSpec;
  readonly nodePublicIp?: boolean;
  readonly idleShutdown?: { readonly minutes: number } | { readonly iso: string };
  readonly schedules: readonly ScheduleSpec[];
  readonly creationScript?: SetupScriptSpec;
  readonly startupScript?: SetupScriptSpec;
  readonly applications: readonly CustomApplicationSpec[];
  readonly sso?: boolean;
  readonly rootAccess?: boolean;
}

export interface ClusterSpec extends CommonSpec {
  readonly kind: 'amlcompute';
  readonly size: string;
  readonly sizeDefaulted: boolean;
  readonly tier?: 'Dedicated' | 'LowPriority';
  readonly minInstances?: number;
  readonly maxInstances: number;
  /** True when `max_instances` was absent and the az ml default (1) is used. */
  readonly maxDefaulted: boolean;
  readonly idleSecondsBeforeScaleDown?: number;
  readonly ssh?: {
    readonly enabled: boolean;
    readonly adminUserName?: string;
    readonly publicKey?: string;
    /** Line of `admin_password` when the YAML had one (its value is never kept). */
    readonly passwordLine?: number;
    /** `ssh_public_access_enabled: false` with credentials: SSH from inside the virtual network only. */
    readonly publicAccess?: false;
  };
  readonly subnet?: SubnetSpec;
  readonly nodePublicIp?: boolean;
}

export interface KubernetesSpec extends CommonSpec {
  readonly kind: 'kubernetes';
  readonly resourceId: string;
  readonly namespace?: string;
}

export interface VirtualMachineSpec extends CommonSpec {
  readonly kind: 'virtualmachine';
  readonly resourceId: string;
  readonly adminUserName: string;
  readonly passwordLine?: number;
  /** `ssh_private_key_file` as written (a path on the machine that ran az ml; its content is never read). */
  readonly privateKeyFile?: { readonly path: string; readonly line: number };
  readonly sshPort?: number;
}

export interface SynapseSparkSpec extends CommonSpec {
  readonly kind: 'synapsespark';
  /** The Spark pool (`Microsoft.Synapse/workspaces/bigDataPools`). */
  readonly resourceId: string;
}

export type ComputeSpec = InstanceSpec | ClusterSpec | KubernetesSpec | VirtualMachineSpec | SynapseSparkSpec;
