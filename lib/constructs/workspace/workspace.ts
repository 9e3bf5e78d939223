/**
 * `Workspace`: an Azure Machine Learning workspace with the resources it needs (storage account, key vault,
 * Application Insights on Log Analytics, container registry, optional user-assigned identity), or an existing
 * one imported with `Workspace.fromWorkspaceId`.
 *
 * @see https://learn.microsoft.com/rest/api/azureml/workspaces/create-or-update
 */
import { Construct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack, normalizeLocation } from '../../core/stack.js';
import { Names, type NamingProps } from '../../core/names.js';
import { Annotations } from '../../core/annotations.js';
import { onPrepare, onValidate, oncePerSynth } from '../../core/lifecycle.js';
import { isGuid, parseArmId } from '../../core/validators.js';
import { ValidationError } from '../../core/errors.js';
import { T, normalizeProps, prepareConstruct, reportPropProblems, cleanProps } from '../../core/props.js';
import { apiVersionFor } from '../../catalog/api-versions.js';
import type { IWorkspaceRef } from '../refs.js';
import {
  ApplicationInsights,
  ContainerRegistry,
  KeyVault,
  LogAnalyticsWorkspace,
  UserAssignedIdentity,
  WorkspaceStorageAccount,
} from './dependencies.js';
import { WorkspaceGrants } from './grants.js';
import { ManagedIdentityRef } from '../rbac/identity.js';
import { ComputeCluster, type ComputeClusterOptions } from '../compute/compute-cluster.js';
import { ComputeInstance, type ComputeInstanceProps } from '../compute/compute-instance.js';
import { AttachedCompute, type AttachedComputeProps } from '../compute/attached-compute.js';
import { PrivateEndpoint } from '../network/private-endpoint.js';
import type { VirtualNetwork } from '../network/virtual-network.js';
import type { ISubnetRef } from '../refs.js';
import { hasBrand, isReadableObject } from '../../core/brand.js';
import { checkConstructId } from '../../core/construct-id.js';

const WORKSPACE = Symbol.for('amlcdk.Workspace');
const WORKSPACE_TYPE = 'Microsoft.MachineLearningServices/workspaces';

/** Managed network isolation of a workspace. Once enabled it cannot be set back to `Disabled`. */
export type IsolationMode = 'Disabled' | 'AllowInternetOutbound' | 'AllowOnlyApprovedOutbound';

/** Enum-like constants for {@link IsolationMode}. */
export const IsolationMode = {
  /** No managed network: compute uses your own VNet (or none). */
  DISABLED: 'Disabled' as IsolationMode,
  /** Managed VNet, outbound internet allowed. */
  ALLOW_INTERNET_OUTBOUND: 'AllowInternetOutbound' as IsolationMode,
  /** Managed VNet, outbound only to approved destinations. */
  ALLOW_ONLY_APPROVED_OUTBOUND: 'AllowOnlyApprovedOutbound' as IsolationMode,
} as const;

/** A customer-managed key for workspace encryption. */
export interface CustomerManagedKey {
  /** ARM id of the key vault holding the key. */
  readonly keyVaultId: string;
  /** Key identifier URL, e.g. `https://kv.vault.azure.net/keys/aml/<version>`. */
  readonly keyUri: string;
  /**
   * User-assigned identity that can read the key (ARM id or an identity construct).
   * @default - the workspace's user-assigned identity when `userAssignedIdentity` is set
   */
  readonly identity?: string | UserAssignedIdentity;
}

/** Props of {@link Workspace}. */
export interface WorkspaceProps extends ResourceOptionsProps, NamingProps {
  /**
   * Workspace name (3-33 letters, digits, `_` or `-`).
   * @default - derived from the construct path
   */
  readonly workspaceName?: string;
  /**
   * Display name in the Studio.
   * @default - the workspace name
   */
  readonly friendlyName?: string;
  /**
   * Description.
   * @default - none
   */
  readonly description?: string;
  /**
   * Tenant (GUID) of the key vault the workspace creates. Required unless `keyVaultId` is given.
   * @default - none
   */
  readonly tenantId?: string;
  /**
   * Use an existing storage account (ARM id) instead of creating one. Cannot change after creation.
   * @default - a StorageV2 account is defined
   */
  readonly storageAccountId?: string;
  /**
   * Use an existing key vault (ARM id).
   * @default - a key vault with RBAC authorization is defined
   */
  readonly keyVaultId?: string;
  /**
   * Use an existing Application Insights component (ARM id).
   * @default - Log Analytics + workspace-based Application Insights are defined
   */
  readonly applicationInsightsId?: string;
  /**
   * Container registry: an existing ARM id, `true` to define one, or `false` for none (Azure ML then creates one
   * on the first image build).
   * @default true
   */
  readonly containerRegistry?: string | boolean;
  /**
   * Allow access to the workspace from public networks.
   * @default true
   */
  readonly publicNetworkAccess?: boolean;
  /**
   * Managed network isolation mode. Cannot go back to `Disabled` once enabled.
   * @default IsolationMode.DISABLED
   */
  readonly isolationMode?: IsolationMode;
  /**
   * High business impact workspace (reduces diagnostic data collected by Microsoft).
   * @default false
   */
  readonly hbiWorkspace?: boolean;
  /**
   * Allow local (key-based) authentication on the computes of this workspace unless a compute says otherwise.
   * @default false
   */
  readonly computeLocalAuth?: boolean;
  /**
   * Encrypt with a customer-managed key.
   * @default - Microsoft-managed keys
   */
  readonly customerManagedKey?: CustomerManagedKey;
  /**
   * Define a user-assigned identity and make it the workspace's primary identity (in addition to the system one).
   * @default false
   */
  readonly userAssignedIdentity?: boolean;
  /**
   * How the system datastores authenticate to storage.
   * @default - service default (`AccessKey`)
   */
  readonly systemDatastoresAuthMode?: 'AccessKey' | 'Identity' | 'UserDelegationSAS';
  /**
   * Whether a private endpoint for the workspace is defined elsewhere in the program (the network constructs set
   * this through `markPrivateEndpoint()`); used by the no-public-IP checks.
   * @default false
   */
  readonly hasPrivateEndpoint?: boolean;
  /**
   * SKU.
   * @default 'Basic'
   */
  readonly sku?: 'Basic' | 'Free' | 'Standard' | 'Premium';
  /**
   * Tags of the workspace (merged over the stack's).
   * @default - the stack's tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An Azure Machine Learning workspace.
 *
 * @example
 * const ws = new Workspace(stack, 'Ws', { tenantId: TENANT, publicNetworkAccess: false, isolationMode: IsolationMode.ALLOW_INTERNET_OUTBOUND });
 * ws.grants.dataScientist(Principal.group(GROUP_ID, { displayName: 'ml-team' }));
 */
export class Workspace extends AzureResource implements IWorkspaceRef {
  public static isWorkspace(x: unknown): x is Workspace {
    return hasBrand(x, WORKSPACE);
  }

  /** Import an existing workspace by ARM id. Its region defaults to the stack's. */
  public static fromWorkspaceId(
    scope: Construct,
    id: string,
    workspaceId: string,
    options: { location?: string } = {},
  ): IWorkspaceRef {
    const location = isReadableObject(options) ? cleanProps(options).props.location : undefined;
    return new ImportedWorkspace(scope, id, workspaceId, location);
  }

  /**
   * Import an existing workspace with what is known about its network, so the checks of compute without public
   * IPs can run (`fromWorkspaceId` leaves them unknown and skips those checks).
   *
   * @example
   * Workspace.fromWorkspaceAttributes(stack, 'Shared', { workspaceId, location: 'westeurope', isolationMode: 'Disabled', hasPrivateEndpoint: true })
   */
  public static fromWorkspaceAttributes(scope: Construct, id: string, attrs: WorkspaceAttributes): IWorkspaceRef {
    attrs = isReadableObject(attrs) ? cleanProps(attrs).props : ({} as WorkspaceAttributes);
    return new ImportedWorkspace(
      scope,
      id,
      attrs?.workspaceId,
      attrs?.location,
      attrs?.isolationMode,
      attrs?.hasPrivateEndpoint,
    );
  }

  /** @attribute */
  public readonly workspaceName: string;
  /** @attribute */
  public readonly workspaceId: string;
  public readonly location: string;
  public readonly subscriptionId: string;
  public readonly resourceGroupName: string;
  public readonly isolationMode: IsolationMode;
  /** Default for `disableLocalAuth` of computes in this workspace. */
  public readonly computeLocalAuth: boolean;
  /** Whether `computeLocalAuth` was given (else its library default applies). @internal */
  public readonly computeLocalAuthGiven: boolean;
  /** Role assignments on this workspace. */
  public readonly grants: WorkspaceGrants;
  /** The storage account defined for the workspace, if any. */
  public readonly storageAccount?: WorkspaceStorageAccount;
  public readonly keyVault?: KeyVault;
  public readonly applicationInsights?: ApplicationInsights;
  public readonly containerRegistry?: ContainerRegistry;
  /** The user-assigned identity defined for the workspace (`userAssignedIdentity: true`), if any. */
  public readonly userAssignedIdentity?: UserAssignedIdentity;
  /**
   * The workspace's system-assigned identity (every workspace has one): its principal id is a deploy-time value.
   * @example workspace.identity.grant(workspace.keyVault!, BuiltInRole.KEY_VAULT_SECRETS_USER)
   */
  public readonly identity: ManagedIdentityRef;
  private readonly props: WorkspaceProps;
  private readonly storageId: string;
  private readonly keyVaultArmId: string;
  private readonly appInsightsId: string;
  private readonly registryId?: string;
  private privateEndpoint: boolean;

  constructor(scope: Construct, id: string, props: WorkspaceProps = {}) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const stack = Stack.of(scope);
    let p: WorkspaceProps = props ?? {};
    const name =
      typeof p.workspaceName === 'string'
        ? p.workspaceName
        : Names.derive(
            'workspace',
            typeof p.previousPath === 'string' ? p.previousPath : `${Names.pathFor(scope)}/${id}`,
          );
    const resourceId = `${stack.providerPrefix()}${WORKSPACE_TYPE}/${name}`;
    super(scope, id, {
      armType: WORKSPACE_TYPE,
      apiVersion: apiVersionFor(WORKSPACE_TYPE),
      resourceId,
      resourceName: name,
      options: p,
    });
    reportPropProblems(this, prepared.problems);
    Object.defineProperty(this, WORKSPACE, { value: true });
    this.props = normalizeProps<WorkspaceProps>(this, props, {
      friendlyName: T.string,
      description: T.string,
      tenantId: T.string,
      storageAccountId: T.string,
      keyVaultId: T.string,
      applicationInsightsId: T.string,
      publicNetworkAccess: T.boolean,
      isolationMode: T.string,
      hbiWorkspace: T.boolean,
      computeLocalAuth: T.boolean,
      customerManagedKey: T.object,
      userAssignedIdentity: T.boolean,
      systemDatastoresAuthMode: T.string,
      hasPrivateEndpoint: T.boolean,
      sku: T.string,
      tags: T.record,
      containerRegistry: {
        test: (v) => typeof v === 'string' || typeof v === 'boolean',
        expected: 'an ARM id or true/false',
      },
    });
    p = this.props;
    this.workspaceName = name;
    this.workspaceId = resourceId;
    this.location = stack.location;
    this.subscriptionId = stack.subscriptionId;
    this.resourceGroupName = stack.resourceGroupName;
    this.isolationMode = p.isolationMode ?? 'Disabled';
    this.computeLocalAuth = p.computeLocalAuth ?? false;
    this.computeLocalAuthGiven = p.computeLocalAuth !== undefined;
    this.privateEndpoint = p.hasPrivateEndpoint ?? false;
    this.grants = new WorkspaceGrants(this);
    this.identity = new ManagedIdentityRef({
      resource: this,
      principalIdAttribute: 'identity.principalId',
      tenantIdAttribute: 'identity.tenantId',
      label: id,
    });

    if (p.deletePolicy !== undefined && !['Delete', 'Purge', 'Retain'].includes(p.deletePolicy)) {
      Annotations.of(this).addError(
        'InvalidDeletePolicy',
        `deletePolicy "${String(p.deletePolicy)}" does not apply to a workspace`,
        {
          value: p.deletePolicy,
          allowed: 'Delete (soft delete, name blocked for 14 days), Purge (name reusable at once), Retain',
          fix: 'use Delete, Purge or Retain',
        },
      );
    }
    const rule = Names.check('workspace', name);
    if (rule)
      Annotations.of(this).addError('InvalidWorkspaceName', `workspace name "${name}" is not valid`, {
        value: name,
        allowed: rule.description,
        fix: 'change workspaceName or leave it unset to derive one',
      });
    if (!['Disabled', 'AllowInternetOutbound', 'AllowOnlyApprovedOutbound'].includes(this.isolationMode)) {
      Annotations.of(this).addError('InvalidIsolationMode', 'isolationMode is not a managed network isolation mode', {
        value: this.isolationMode,
        allowed: 'Disabled, AllowInternetOutbound, AllowOnlyApprovedOutbound',
        fix: 'use an IsolationMode constant',
      });
    }

    const depPublic = p.publicNetworkAccess !== false || this.isolationMode !== 'Disabled' ? undefined : false;
    // Dependencies: given ids are checked for their type; otherwise they are defined here.
    if (p.storageAccountId !== undefined) {
      this.storageId = this.checkId('storageAccountId', p.storageAccountId, 'Microsoft.Storage/storageAccounts');
    } else {
      this.storageAccount = new WorkspaceStorageAccount(this, 'Storage', {
        publicNetworkAccess: depPublic,
        tags: p.tags,
      });
      this.storageId = this.storageAccount.resourceId;
      this.addDependency(this.storageAccount);
    }
    if (p.keyVaultId !== undefined) {
      this.keyVaultArmId = this.checkId('keyVaultId', p.keyVaultId, 'Microsoft.KeyVault/vaults');
    } else {
      if (!isGuid(p.tenantId)) {
        Annotations.of(this).addError(
          'TenantIdRequired',
          'the workspace defines a key vault, which needs the tenant id',
          {
            value: p.tenantId,
            allowed: 'a tenant GUID',
            fix: 'pass tenantId (az account show --query tenantId) or keyVaultId of an existing vault',
          },
        );
      }
      this.keyVault = new KeyVault(this, 'KeyVault', {
        tenantId: String(p.tenantId ?? ''),
        publicNetworkAccess: depPublic,
        tags: p.tags,
      });
      this.keyVaultArmId = this.keyVault.resourceId;
      this.addDependency(this.keyVault);
    }
    if (p.applicationInsightsId !== undefined) {
      this.appInsightsId = this.checkId(
        'applicationInsightsId',
        p.applicationInsightsId,
        'Microsoft.Insights/components',
      );
    } else {
      const logs = new LogAnalyticsWorkspace(this, 'Logs', { tags: p.tags });
      this.applicationInsights = new ApplicationInsights(this, 'Insights', { logAnalytics: logs, tags: p.tags });
      this.appInsightsId = this.applicationInsights.resourceId;
      this.addDependency(this.applicationInsights);
    }
    const acr = p.containerRegistry ?? true;
    if (typeof acr === 'string') {
      this.registryId = this.checkId('containerRegistry', acr, 'Microsoft.ContainerRegistry/registries');
    } else if (acr) {
      this.containerRegistry = new ContainerRegistry(this, 'Registry', {
        publicNetworkAccess: depPublic,
        tags: p.tags,
      });
      this.registryId = this.containerRegistry.resourceId;
      this.addDependency(this.containerRegistry);
    }
    if (p.userAssignedIdentity) {
      this.userAssignedIdentity = new UserAssignedIdentity(this, 'Identity', { tags: p.tags });
      this.addDependency(this.userAssignedIdentity);
    }
    if (p.customerManagedKey) {
      const cmk = p.customerManagedKey;
      this.checkId('customerManagedKey.keyVaultId', cmk.keyVaultId, 'Microsoft.KeyVault/vaults');
      if (
        typeof cmk.keyUri !== 'string' ||
        !/^https:\/\/[a-z0-9-]+\.vault\.azure\.net\/keys\/[^/]+(\/[^/]*)?$/i.test(cmk.keyUri)
      ) {
        Annotations.of(this).addError('InvalidKeyUri', 'customerManagedKey.keyUri is not a Key Vault key URL', {
          value: cmk.keyUri,
          allowed: 'https://<vault>.vault.azure.net/keys/<name>[/<version>]',
          fix: 'copy the key identifier from the key vault',
        });
      }
      if (!cmk.identity && !this.userAssignedIdentity) {
        Annotations.of(this).addError(
          'CmkIdentityMissing',
          'a customer-managed key needs a user-assigned identity that can read the key',
          { fix: 'set userAssignedIdentity: true or customerManagedKey.identity' },
        );
      }
    }
    // A PrivateEndpoint (network constructs) targeting this workspace anywhere in the app counts as one.
    onPrepare(this, () => {
      if (this.privateEndpoint) return;
      // One scan of the tree per synthesis, shared by every workspace of the app.
      const targets = oncePerSynth(this.node.root, () => {
        const ids = new Set<string>();
        for (const c of this.node.root.node.findAll()) {
          const pe = c as { armType?: string; targetResourceId?: string };
          if (pe.armType === 'Microsoft.Network/privateEndpoints' && typeof pe.targetResourceId === 'string')
            ids.add(pe.targetResourceId.toLowerCase());
        }
        return ids;
      });
      if (targets.has(this.workspaceId.toLowerCase())) this.privateEndpoint = true;
    });
    onValidate(this, () => {
      if (this.props.publicNetworkAccess === false && this.isolationMode === 'Disabled' && !this.privateEndpoint) {
        Annotations.of(this).addWarning(
          'azureml:workspace:unreachable',
          'public network access is disabled but the workspace has no private endpoint and no managed network: nobody can reach it',
          {
            fix: 'add a private endpoint for the workspace (network constructs) or enable a managed network',
          },
        );
      }
    });
  }

  /**
   * Define a compute cluster in this workspace.
   * @example ws.addComputeCluster('Cpu', { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 4 })
   */
  public addComputeCluster(id: string, options: ComputeClusterOptions): ComputeCluster {
    return new ComputeCluster(this, id, { ...options, workspace: this });
  }

  /**
   * Define a compute instance in this workspace.
   * @example ws.addComputeInstance('Alice', { vmSize: VmSize.STANDARD_DS3_V2, assignedUser: alice })
   */
  public addComputeInstance(id: string, options: Omit<ComputeInstanceProps, 'workspace'>): ComputeInstance {
    return new ComputeInstance(this, id, { ...options, workspace: this });
  }

  /** Attach existing compute (AKS, VM, ...) to this workspace. */
  public addAttachedCompute(id: string, options: Omit<AttachedComputeProps, 'workspace'>): AttachedCompute {
    return new AttachedCompute(this, id, { ...options, workspace: this });
  }

  /**
   * Define the workspace's private endpoint (`amlworkspace`) in `subnet`, with the `privatelink.api.azureml.ms` and
   * `privatelink.notebooks.azure.net` zones linked to the VNet. Defined in the workspace's stack, next to it.
   * @example ws.addPrivateEndpoint('Pe', { subnet: endpointSubnet })
   */
  public addPrivateEndpoint(
    id: string,
    options: { readonly subnet: ISubnetRef; readonly virtualNetwork?: VirtualNetwork },
  ): PrivateEndpoint {
    const pe = PrivateEndpoint.forWorkspace(Stack.of(this), id, {
      workspace: this,
      subnet: options.subnet,
      ...(options.virtualNetwork ? { virtualNetwork: options.virtualNetwork } : {}),
    });
    this.privateEndpoint = true;
    return pe;
  }

  /** True when a private endpoint for this workspace is defined in the program. */
  public get hasPrivateEndpoint(): boolean {
    return this.privateEndpoint;
  }

  /** Called by a private endpoint construct targeting this workspace. */
  public markPrivateEndpoint(): void {
    this.privateEndpoint = true;
  }

  private checkId(prop: string, id: string, type: string): string {
    const parsed = parseArmId(id);
    if (!parsed || parsed.type.toLowerCase() !== type.toLowerCase()) {
      Annotations.of(this).addError('WrongResourceType', `${prop} must be the ARM id of a ${type}`, {
        value: id,
        allowed: `/subscriptions/<sub>/resourceGroups/<rg>/providers/${type}/<name>`,
        fix: `pass the id of an existing ${type}`,
      });
    }
    return String(id);
  }

  protected renderBody(): Record<string, unknown> {
    const p = this.props;
    const cmk = p.customerManagedKey;
    const cmkIdentity = cmk
      ? typeof cmk.identity === 'string'
        ? cmk.identity
        : (cmk.identity ?? this.userAssignedIdentity)?.resourceId
      : undefined;
    return {
      location: this.location,
      ...(p.tags ? { tags: { ...p.tags } } : {}),
      identity: this.userAssignedIdentity
        ? {
            type: 'SystemAssigned,UserAssigned',
            userAssignedIdentities: { [this.userAssignedIdentity.resourceId]: {} },
          }
        : { type: 'SystemAssigned' },
      sku: { name: this.defaulted('/sku/name', p.sku, 'Basic'), tier: this.defaulted('/sku/tier', p.sku, 'Basic') },
      kind: 'Default',
      properties: {
        friendlyName: p.friendlyName ?? this.workspaceName,
        ...(p.description ? { description: p.description } : {}),
        storageAccount: this.storageId,
        keyVault: this.keyVaultArmId,
        applicationInsights: this.appInsightsId,
        ...(this.registryId ? { containerRegistry: this.registryId } : {}),
        hbiWorkspace: this.defaulted('/properties/hbiWorkspace', p.hbiWorkspace, false),
        publicNetworkAccess: this.defaulted('/properties/publicNetworkAccess', p.publicNetworkAccess, true)
          ? 'Enabled'
          : 'Disabled',
        ...(this.isolationMode !== 'Disabled' ? { managedNetwork: { isolationMode: this.isolationMode } } : {}),
        ...(this.userAssignedIdentity ? { primaryUserAssignedIdentity: this.userAssignedIdentity.resourceId } : {}),
        ...(p.systemDatastoresAuthMode ? { systemDatastoresAuthMode: p.systemDatastoresAuthMode } : {}),
        ...(cmk
          ? {
              encryption: {
                status: 'Enabled',
                keyVaultProperties: { keyVaultArmId: cmk.keyVaultId, keyIdentifier: cmk.keyUri },
                ...(cmkIdentity ? { identity: { userAssignedIdentity: cmkIdentity } } : {}),
              },
            }
          : {}),
      },
    };
  }
}

/** What is known about an existing workspace (see {@link Workspace.fromWorkspaceAttributes}). */
export interface WorkspaceAttributes {
  /** Full ARM id of the workspace. */
  readonly workspaceId: string;
  /**
   * Region of the workspace.
   * @default - the stack's region
   */
  readonly location?: string;
  /**
   * Its managed network isolation mode.
   * @default - unknown (network checks that need it are skipped)
   */
  readonly isolationMode?: IsolationMode;
  /**
   * Whether it has a private endpoint.
   * @default - unknown (network checks that need it are skipped)
   */
  readonly hasPrivateEndpoint?: boolean;
}

/** A workspace that exists outside this program. */
class ImportedWorkspace extends Construct implements IWorkspaceRef {
  public readonly workspaceName: string;
  public readonly workspaceId: string;
  public readonly location: string;
  public readonly subscriptionId: string;
  public readonly resourceGroupName: string;
  public readonly isolationMode?: IsolationMode;
  public readonly hasPrivateEndpoint?: boolean;
  constructor(
    scope: Construct,
    id: string,
    workspaceId: string,
    location?: string,
    isolationMode?: IsolationMode,
    hasPrivateEndpoint?: boolean,
  ) {
    super(scope, checkConstructId(scope, id));
    this.isolationMode = isolationMode;
    this.hasPrivateEndpoint = hasPrivateEndpoint;
    const parsed = parseArmId(workspaceId);
    if (!parsed || parsed.type.toLowerCase() !== WORKSPACE_TYPE.toLowerCase()) {
      throw new ValidationError(
        'WrongResourceType',
        `Workspace.fromWorkspaceId needs the ARM id of a ${WORKSPACE_TYPE}`,
        this,
        {
          value: workspaceId,
          allowed: `/subscriptions/<sub>/resourceGroups/<rg>/providers/${WORKSPACE_TYPE}/<name>`,
          fix: "copy the id from the workspace's Properties page or `az ml workspace show --query id`",
        },
      );
    }
    this.workspaceId = workspaceId;
    this.workspaceName = parsed.name;
    this.subscriptionId = parsed.subscriptionId;
    this.resourceGroupName = parsed.resourceGroup;
    this.location = location ? normalizeLocation(location) : Stack.of(this).location;
  }
}
