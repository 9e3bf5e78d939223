/**
 * What every compute construct shares: the workspace it belongs to, its name (given or derived, validated with
 * the 2025-12-01 rule), VM-size checks against the catalog, subnet placement checks, identity, local auth.
 */
import type { Construct, IConstruct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack } from '../../core/stack.js';
import { Names, NAME_RULES, type NamingProps } from '../../core/names.js';
import { Annotations } from '../../core/annotations.js';
import { T, cleanProps, reportPropProblems } from '../../core/props.js';
import { checkConstructId } from '../../core/construct-id.js';
import { safeJson } from '../../core/redact.js';
import { ValidationError } from '../../core/errors.js';
import { isIpv4Cidr, usableIps } from '../../core/validators.js';
import { apiVersionFor } from '../../catalog/api-versions.js';
import { VmSize } from '../../catalog/vm-size.js';
import {
  ZERO_QUOTA_BY_DEFAULT_FAMILIES,
  closestVmSizes,
  isGpuSize,
  isRetired,
  type VmSizeInfo,
} from '../../catalog/vm-sizes.js';
import type { ISubnetRef, IWorkspaceRef } from '../refs.js';
import { ComputeGrants } from '../workspace/grants.js';
import { ComputeIdentity } from './identity.js';
import { ManagedIdentityRef } from '../rbac/identity.js';

export const COMPUTE_TYPE = 'Microsoft.MachineLearningServices/workspaces/computes';

/** Props every compute construct accepts. */
export interface ComputeBaseProps extends ResourceOptionsProps, NamingProps {
  /**
   * The workspace the compute belongs to.
   * @default - the nearest Workspace among the construct's scopes
   */
  readonly workspace?: IWorkspaceRef;
  /**
   * Compute name: 3-24 letters, digits or `-`, starting with a letter, not ending in `-<digits>`. Unique per
   * region across all workspaces.
   * @default - derived from the construct path (readable part + hash), unique and valid
   */
  readonly computeName?: string;
  /**
   * Description shown in the Studio.
   * @default - none
   */
  readonly description?: string;
  /**
   * Tags (merged over the stack's tags).
   * @default - the stack's tags
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Allow local (key-based) authentication. `false` allows only Entra ID / managed identity.
   * @default - the workspace's `computeLocalAuth` (false)
   */
  readonly localAuth?: boolean;
  /**
   * Managed identity of the compute.
   * @default - none
   */
  readonly identity?: ComputeIdentity;
}

/** Walk up the scopes to find a workspace (duck-typed to avoid an import cycle with Workspace). */
export function findWorkspace(scope: IConstruct): IWorkspaceRef | undefined {
  for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
    if (Symbol.for('amlcdk.Workspace') in s) return s as unknown as IWorkspaceRef;
  }
  return undefined;
}

/** Base class of managed and attached computes. */
export abstract class ComputeBase extends AzureResource {
  /** @attribute */
  public readonly computeName: string;
  /** ARM id of the compute. @attribute */
  public readonly computeId: string;
  public readonly workspace: IWorkspaceRef;
  /** Region of the compute (the workspace's). */
  public readonly location: string;
  /** Role assignments scoped to this compute. */
  public readonly grants: ComputeGrants;
  protected readonly baseProps: ComputeBaseProps;

  protected constructor(
    scope: Construct,
    id: string,
    props: ComputeBaseProps,
    defaultDeletePolicy: 'Delete' | 'Detach' = 'Delete',
  ) {
    checkConstructId(scope, id); // before the id is used in a name
    // Unusable values (Proxies, BigInts, circular or huge data…) are dropped here and reported once constructed.
    const cleaned = props !== null && typeof props === 'object' ? cleanProps(props) : { props: {}, problems: [] };
    const p: ComputeBaseProps = cleaned.props;
    const ws = p.workspace ?? findWorkspace(scope);
    if (!ws) {
      throw new ValidationError('NoWorkspace', `compute ${id} has no workspace`, `${scope.node.path}/${id}`, {
        fix: 'create the compute inside a Workspace (new ComputeCluster(workspace, ...)) or pass `workspace`',
      });
    }
    Stack.of(scope); // throws NoStack outside a stack, before anything else
    // Compute names are unique per region across all customers (they are DNS labels of the instances): mix the
    // subscription, resource group and region into the hash so two teams running the same program do not clash.
    const salt = `${ws.subscriptionId}/${ws.resourceGroupName}/${ws.location}`.toLowerCase();
    const given = typeof p.computeName === 'string' ? p.computeName : undefined;
    const name =
      given ??
      Names.derive(
        'compute',
        typeof p.previousPath === 'string' ? p.previousPath : `${Names.pathFor(scope)}/${id}`,
        salt,
      );
    const resourceId = `${ws.workspaceId}/computes/${name}`;
    super(scope, id, {
      armType: COMPUTE_TYPE,
      apiVersion: apiVersionFor(COMPUTE_TYPE),
      resourceId,
      resourceName: name,
      options: p,
      defaultDeletePolicy,
    });
    reportPropProblems(this, cleaned.problems);
    if (p.identity !== undefined && !(p.identity instanceof ComputeIdentity)) {
      Annotations.of(this).addError('InvalidPropType', 'identity must be a ComputeIdentity', {
        allowed: 'ComputeIdentity.systemAssigned(), .userAssigned(...) or .systemAndUserAssigned(...)',
        fix: 'build the identity with a ComputeIdentity factory, or leave it unset',
      });
      delete (p as { identity?: unknown }).identity;
    }
    // Tags are plain data (a construct here rendered its whole tree into the body); subclasses report the error.
    if (p.tags !== undefined && !T.record.test(p.tags)) delete (p as { tags?: unknown }).tags;
    this.baseProps = p;
    this.workspace = ws;
    this.computeName = name;
    this.computeId = resourceId;
    this.location = ws.location;
    this.grants = new ComputeGrants(this);
    if (AzureResource.isAzureResource(ws)) this.addDependency(ws);
    this.checkName(name);
    const dp = p.deletePolicy;
    if (
      dp !== undefined &&
      !(defaultDeletePolicy === 'Detach' ? ['Detach', 'Delete', 'Retain'] : ['Delete', 'Retain']).includes(dp)
    ) {
      Annotations.of(this).addError(
        'InvalidDeletePolicy',
        `deletePolicy ${safeJson(dp)} does not apply to ${defaultDeletePolicy === 'Detach' ? 'attached' : 'managed'} compute`,
        {
          value: dp,
          allowed:
            defaultDeletePolicy === 'Detach'
              ? 'Detach (default), Delete (also deletes the underlying resource), Retain'
              : 'Delete (default) or Retain',
          fix:
            defaultDeletePolicy === 'Detach'
              ? 'use Detach to keep the attached cluster or VM'
              : 'managed compute must be deleted with Delete: a detached managed compute is reused with its old settings when the name comes back (azure-rest-api-specs#18889)',
        },
      );
    }
    if (p.computeName !== undefined && given === undefined) {
      Annotations.of(this).addError('InvalidPropType', 'computeName must be a string', {
        value: p.computeName === null || typeof p.computeName !== 'object' ? p.computeName : typeof p.computeName,
        allowed: 'a string',
        fix: 'pass a string or leave computeName unset',
      });
    }
    for (const i of Array.isArray(p.identity?.identities) ? p.identity.identities : [])
      if (AzureResource.isAzureResource(i)) this.addDependency(i);
  }

  private checkName(name: string): void {
    if (typeof name !== 'string' || name.length > NAME_RULES.compute.maxLength) {
      Annotations.of(this).addError('ComputeNameTooLong', `compute name "${name}" is longer than 24 characters`, {
        value: name,
        allowed: NAME_RULES.compute.description,
        fix: 'shorten computeName, or leave it unset to derive a valid one',
      });
    } else if (!NAME_RULES.compute.pattern.test(name)) {
      Annotations.of(this).addError('InvalidComputeName', `compute name "${name}" does not match the Azure ML rule`, {
        value: name,
        allowed: NAME_RULES.compute.description,
        fix: 'e.g. "gpu-cluster-a" instead of "gpu-cluster-1"; or leave computeName unset',
      });
    }
  }

  /** Whether local auth is disabled on this compute (recorded as an amlcdk default when neither it nor the workspace says). */
  protected get disableLocalAuth(): boolean {
    const ws = this.workspace as { computeLocalAuth?: boolean; computeLocalAuthGiven?: boolean };
    const fromWorkspace = ws.computeLocalAuthGiven === false ? undefined : ws.computeLocalAuth;
    return !this.defaulted('/properties/disableLocalAuth', this.baseProps.localAuth ?? fromWorkspace, false);
  }

  /**
   * The identity the compute runs as, as deploy-time values: its system-assigned identity, or, when it runs only as
   * one user-assigned identity defined in the program, that one. Synthesis reports `ReferenceAttributeUnavailable`
   * when a program uses it on a compute without such an identity.
   *
   * @example cluster.identity.grant(workspace.storageAccount!, BuiltInRole.STORAGE_BLOB_DATA_READER)
   */
  public get identity(): ManagedIdentityRef {
    const i = this.baseProps.identity;
    const uais = (Array.isArray(i?.identities) ? i.identities : []).filter((x) => AzureResource.isAzureResource(x));
    if (i?.type === 'UserAssigned' && uais.length === 1 && uais.length === i.identities.length) {
      return new ManagedIdentityRef({
        resource: uais[0],
        principalIdAttribute: 'properties.principalId',
        tenantIdAttribute: 'properties.tenantId',
        label: uais[0].node.id,
      });
    }
    return new ManagedIdentityRef({
      resource: this,
      principalIdAttribute: 'identity.principalId',
      tenantIdAttribute: 'identity.tenantId',
      label: this.node.id,
    });
  }

  /** Envelope fields common to managed computes. */
  protected envelope(): Record<string, unknown> {
    const p = this.baseProps;
    return {
      location: this.location,
      ...(p.tags ? { tags: { ...p.tags } } : {}),
      ...(p.identity ? { identity: p.identity.render() } : {}),
    };
  }
}

/** Check a VM size against the catalog for one compute kind. Records errors/warnings on `c`. */
export function checkVmSize(
  c: IConstruct,
  vmSize: VmSize | undefined,
  kind: 'instance' | 'cluster',
): VmSizeInfo | undefined {
  if (!VmSize.isVmSize(vmSize)) {
    Annotations.of(c).addError('VmSizeRequired', 'vmSize must be a VmSize', {
      value: typeof vmSize === 'string' ? vmSize : typeof vmSize,
      allowed: 'a VmSize constant or VmSize.of("Standard_…")',
      fix: 'pass e.g. VmSize.STANDARD_DS3_V2',
    });
    return undefined;
  }
  const info = vmSize.info;
  if (!info) {
    const near = closestVmSizes(vmSize.name);
    Annotations.of(c).addWarning(
      'azureml:compute:unknownVmSize',
      `VM size "${vmSize.name}" is not in amlcdk's catalog; it cannot be checked for retirement, quota or compute type`,
      {
        value: vmSize.name,
        ...(near.length ? { allowed: `did you mean ${near.join(', ')}?` } : {}),
        fix: 'check the spelling, or acknowledge the warning for a size newer than the catalog',
      },
    );
    return undefined;
  }
  const retired = isRetired(info);
  if (retired) {
    Annotations.of(c).addError('RetiredVmSize', `VM size ${info.name} was retired on ${info.retirement?.date}`, {
      value: info.name,
      allowed: 'a current size',
      fix: info.replacement ? `use ${info.replacement}` : 'pick a current size of the same class',
    });
    // Sizes the catalog lists as gone say nothing more; sizes whose announced date passed may also be of the wrong kind.
    if (info.retirement?.status === 'retired') return info;
  } else if (info.retirement?.status === 'announced') {
    Annotations.of(c).addWarning(
      'azureml:compute:vmSizeRetiring',
      `VM size ${info.name} retires on ${info.retirement.date}`,
      {
        value: info.name,
        fix: info.replacement ? `plan the move to ${info.replacement}` : 'plan a move to a current size',
      },
    );
  }
  if (!info.allowedFor[kind]) {
    Annotations.of(c).addError(
      kind === 'instance' ? 'VmSizeNotAllowedForInstance' : 'VmSizeNotAllowedForCluster',
      `VM size ${info.name} cannot be used for a compute ${kind}`,
      {
        value: info.name,
        allowed:
          kind === 'instance'
            ? 'a size allowed for compute instances (8-GPU InfiniBand ND sizes are cluster-only)'
            : 'a size allowed for compute clusters',
        fix:
          kind === 'instance'
            ? 'use a single-GPU size such as Standard_NC24ads_A100_v4 for an instance, or a ComputeCluster for ND sizes'
            : 'pick another size',
      },
    );
  }
  if (!retired && isGpuSize(info) && ZERO_QUOTA_BY_DEFAULT_FAMILIES.has(info.family)) {
    Annotations.of(c).addWarning(
      'azureml:compute:zeroQuotaByDefault',
      `${info.name} is in ${info.quotaFamily}, which has zero quota in new subscriptions`,
      {
        value: info.family,
        fix: 'request quota for the family in the target region before deploying (Azure ML studio → Quota), then acknowledge this warning',
      },
    );
  }
  return info;
}

/** Placement checks of a compute in a subnet. */
export function checkSubnet(
  c: IConstruct,
  subnet: ISubnetRef | undefined,
  ws: IWorkspaceRef,
  ipCount: number,
  computeLocation?: string,
): void {
  if (!subnet) return;
  const region = computeLocation ?? ws.location;
  if (subnet.location && region && subnet.location.toLowerCase() !== region.toLowerCase()) {
    const cluster = computeLocation !== undefined;
    Annotations.of(c).addError(
      'SubnetRegionMismatch',
      cluster && region !== ws.location
        ? `the subnet is in ${subnet.location} but computeLocation is ${region}`
        : `the subnet is in ${subnet.location} but the ${cluster ? 'compute (the workspace)' : 'workspace'} is in ${region}`,
      {
        value: subnet.location,
        allowed: region,
        fix: cluster
          ? `set computeLocation: '${subnet.location}' to run the cluster's nodes in the subnet's region, or use a subnet in ${region}`
          : 'use a virtual network in the workspace region (compute instances always run in the workspace region)',
      },
    );
  }
  if (subnet.delegations && subnet.delegations.length > 0) {
    Annotations.of(c).addError(
      'SubnetDelegated',
      `the subnet is delegated to ${subnet.delegations.join(', ')}; Azure ML compute needs a subnet without delegation`,
      {
        value: [...subnet.delegations],
        allowed: 'no delegations',
        fix: 'use another subnet or remove the delegation',
      },
    );
  }
  if (subnet.addressPrefix) {
    if (!isIpv4Cidr(subnet.addressPrefix)) return; // reported by the subnet itself
    const usable = usableIps(subnet.addressPrefix);
    if (usable < ipCount) {
      Annotations.of(c).addError(
        'SubnetTooSmall',
        `subnet ${subnet.addressPrefix} has ${usable} usable addresses but the compute needs up to ${ipCount}`,
        {
          value: subnet.addressPrefix,
          allowed: `a prefix of /${prefixFor(ipCount)} or larger`,
          fix: 'enlarge the subnet or lower the maximum node count',
        },
      );
    }
  }
  if (ws.isolationMode && ws.isolationMode !== 'Disabled') {
    Annotations.of(c).addError(
      'SubnetWithManagedNetwork',
      'compute in a workspace with a managed network cannot be placed in your own subnet',
      {
        value: ws.isolationMode,
        allowed: 'no subnet (the managed network is used)',
        fix: 'remove `subnet`, or disable the managed network (only possible for a new workspace)',
      },
    );
  }
}

function prefixFor(ips: number): number {
  let p = 29;
  while (p > 8 && 2 ** (32 - p) - 5 < ips) p--;
  return p;
}

/** No public IP needs a subnet or a managed network, and a private endpoint or managed network on the workspace. */
export function checkNoPublicIp(
  c: IConstruct,
  nodePublicIp: boolean,
  subnet: ISubnetRef | undefined,
  ws: IWorkspaceRef,
): void {
  if (nodePublicIp) return;
  const managed = ws.isolationMode !== undefined && ws.isolationMode !== 'Disabled';
  if (!subnet && !managed && ws.isolationMode !== undefined) {
    Annotations.of(c).addError(
      'NoPublicIpRequiresNetwork',
      'compute without a public IP must be placed in a subnet or in a workspace with a managed network',
      {
        value: { nodePublicIp, subnet: null },
        fix: 'set `subnet`, or give the workspace a managed network (isolationMode), or allow a public IP',
      },
    );
  }
  if (!managed && ws.hasPrivateEndpoint === false) {
    Annotations.of(c).addError(
      'NoPublicIpWithoutPrivateEndpoint',
      'compute without a public IP needs a workspace private endpoint (or a managed network) to talk to the workspace',
      {
        value: { nodePublicIp, workspacePrivateEndpoint: false },
        fix: 'add a private endpoint for the workspace in the VNet, or use a managed network',
      },
    );
  }
}

/** `sshAccess.publicAccess` must be a boolean when given. */
export function checkPublicAccess(c: IConstruct, publicAccess: unknown): void {
  if (publicAccess !== undefined && typeof publicAccess !== 'boolean') {
    Annotations.of(c).addError('InvalidPropType', 'sshAccess.publicAccess must be true or false', {
      value: publicAccess === null ? null : typeof publicAccess,
      allowed: 'true (SSH on the public IP) or false (SSH only from inside the virtual network)',
      fix: 'pass publicAccess: false to keep SSH inside the virtual network, or leave it unset',
    });
  }
}

/** Validate SSH source CIDRs. */
export function checkCidrs(c: IConstruct, cidrs: readonly string[] | undefined, prop: string): void {
  if (cidrs !== undefined && !Array.isArray(cidrs)) {
    Annotations.of(c).addError('InvalidPropType', `${prop} must be an array of CIDRs`, {
      value: cidrs === null ? null : typeof cidrs,
      allowed: 'e.g. ["203.0.113.0/24"]',
      fix: `pass an array for ${prop}`,
    });
    return;
  }
  for (const cidr of cidrs ?? []) {
    if (!isIpv4Cidr(cidr, { allowAddress: true })) {
      Annotations.of(c).addError('InvalidCidr', `${prop} contains "${cidr}", which is not an IPv4 CIDR`, {
        value: cidr,
        allowed: 'a.b.c.d/n with octets 0-255 and n 0-32 (or a single address)',
        fix: 'e.g. "203.0.113.0/24"',
      });
    }
  }
}
