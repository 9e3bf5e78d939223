/**
 * The resources a workspace depends on, as small constructs: storage account, key vault, Log Analytics +
 * Application Insights, container registry and a user-assigned identity. `Workspace` creates them unless you pass
 * your own ids; they can also be defined on their own.
 */
import type { Construct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack } from '../../core/stack.js';
import { Names, type NamingProps, type NameKind } from '../../core/names.js';
import { Annotations } from '../../core/annotations.js';
import { apiVersionFor } from '../../catalog/api-versions.js';
import type { BuiltInRole } from '../../catalog/roles.js';
import { Reference } from '../../core/reference.js';
import { ManagedIdentityRef } from '../rbac/identity.js';
import type { GrantOptions, RoleAssignment } from '../rbac/role-assignment.js';
import type { ResourceIdLike } from '../rbac/scope.js';
import type { IPrincipal } from '../refs.js';
import { prepareConstruct, reportPropProblems } from '../../core/props.js';

/** Props shared by the dependency resources. */
export interface DependencyResourceProps extends ResourceOptionsProps, NamingProps {
  /**
   * Resource name.
   * @default - derived from the construct path, fitting the type's naming rules
   */
  readonly name?: string;
  /**
   * Tags of this resource (merged over the stack's tags).
   * @default - the stack's tags only
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Whether the resource accepts traffic from public networks.
   * @default true
   */
  readonly publicNetworkAccess?: boolean;
}

/** @internal resolves name, id and validates the name */
function init(
  scope: Construct,
  id: string,
  props: DependencyResourceProps,
  kind: NameKind,
  armType: string,
  segment: string,
) {
  const stack = Stack.of(scope);
  const namePath = Names.pathFor(scope, undefined) + '/' + id;
  const global = kind === 'storageAccount' || kind === 'keyVault' || kind === 'containerRegistry';
  const name =
    props.name ??
    Names.derive(
      kind,
      props.previousPath ?? namePath,
      global ? `${stack.subscriptionId}/${stack.resourceGroupName}` : '',
    );
  return {
    stack,
    name,
    init: {
      armType,
      apiVersion: apiVersionFor(armType),
      resourceId: `${stack.providerPrefix()}${segment}/${name}`,
      resourceName: name,
      options: props,
    },
  };
}

function checkName(c: AzureResource, kind: NameKind, name: string, code: string): void {
  const rule = Names.check(kind, name);
  if (rule) {
    Annotations.of(c).addError(code, `"${name}" is not a valid ${kind} name`, {
      value: name,
      allowed: rule.description,
      fix: 'change the name or leave it unset to derive a valid one',
    });
  }
}

const pna = (b: boolean | undefined): 'Enabled' | 'Disabled' => (b === false ? 'Disabled' : 'Enabled');

/**
 * A StorageAccount for the workspace (StorageV2, TLS 1.2, no public blob access). Shared-key access stays on:
 * compute instances need it.
 */
export class WorkspaceStorageAccount extends AzureResource {
  public readonly storageAccountName: string;
  private readonly props: DependencyResourceProps;
  private readonly location: string;
  constructor(scope: Construct, id: string, props: DependencyResourceProps = {}) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const r = init(
      scope,
      id,
      props,
      'storageAccount',
      'Microsoft.Storage/storageAccounts',
      'Microsoft.Storage/storageAccounts',
    );
    super(scope, id, r.init);
    reportPropProblems(this, prepared.problems);
    this.props = props;
    this.location = r.stack.location;
    this.storageAccountName = r.name;
    checkName(this, 'storageAccount', r.name, 'InvalidStorageAccountName');
  }
  protected renderBody(): Record<string, unknown> {
    return {
      location: this.location,
      ...(this.props.tags ? { tags: { ...this.props.tags } } : {}),
      sku: { name: 'Standard_LRS' },
      kind: 'StorageV2',
      properties: {
        minimumTlsVersion: 'TLS1_2',
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: true,
        supportsHttpsTrafficOnly: true,
        publicNetworkAccess: pna(this.props.publicNetworkAccess),
      },
    };
  }
}

/** Props of {@link KeyVault}. */
export interface KeyVaultProps extends DependencyResourceProps {
  /**
   * Tenant of the vault (GUID).
   * @default - the tenant of the deploying principal is not known at synth, so this is required
   */
  readonly tenantId: string;
  /**
   * Enable purge protection (cannot be turned off again).
   * @default false
   */
  readonly purgeProtection?: boolean;
  /**
   * Days a deleted vault is kept (7-90).
   * @default 90
   */
  readonly softDeleteRetentionDays?: number;
}

/** A Key Vault with RBAC authorization and soft delete. */
export class KeyVault extends AzureResource {
  public readonly vaultName: string;
  private readonly props: KeyVaultProps;
  private readonly location: string;
  constructor(scope: Construct, id: string, props: KeyVaultProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const r = init(scope, id, props, 'keyVault', 'Microsoft.KeyVault/vaults', 'Microsoft.KeyVault/vaults');
    super(scope, id, r.init);
    reportPropProblems(this, prepared.problems);
    this.props = props;
    this.location = r.stack.location;
    this.vaultName = r.name;
    checkName(this, 'keyVault', r.name, 'InvalidKeyVaultName');
    const days = props.softDeleteRetentionDays ?? 90;
    if (!Number.isInteger(days) || days < 7 || days > 90) {
      Annotations.of(this).addError(
        'InvalidSoftDeleteRetention',
        'softDeleteRetentionDays must be an integer between 7 and 90',
        { value: days, allowed: '7-90', fix: 'use e.g. 90' },
      );
    }
  }
  protected renderBody(): Record<string, unknown> {
    return {
      location: this.location,
      ...(this.props.tags ? { tags: { ...this.props.tags } } : {}),
      properties: {
        tenantId: this.props.tenantId,
        sku: { family: 'A', name: 'standard' },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: this.props.softDeleteRetentionDays ?? 90,
        ...(this.props.purgeProtection ? { enablePurgeProtection: true } : {}),
        publicNetworkAccess: pna(this.props.publicNetworkAccess),
      },
    };
  }
}

/** A Log Analytics workspace (backs workspace-based Application Insights). */
export class LogAnalyticsWorkspace extends AzureResource {
  private readonly props: DependencyResourceProps;
  private readonly location: string;
  constructor(scope: Construct, id: string, props: DependencyResourceProps = {}) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const r = init(
      scope,
      id,
      props,
      'logAnalytics',
      'Microsoft.OperationalInsights/workspaces',
      'Microsoft.OperationalInsights/workspaces',
    );
    super(scope, id, r.init);
    reportPropProblems(this, prepared.problems);
    this.props = props;
    this.location = r.stack.location;
    checkName(this, 'logAnalytics', r.name, 'InvalidLogAnalyticsName');
  }
  protected renderBody(): Record<string, unknown> {
    return {
      location: this.location,
      ...(this.props.tags ? { tags: { ...this.props.tags } } : {}),
      properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 },
    };
  }
}

/** Props of {@link ApplicationInsights}. */
export interface ApplicationInsightsProps extends DependencyResourceProps {
  /** The Log Analytics workspace that stores the telemetry (classic Application Insights is retired). */
  readonly logAnalytics: LogAnalyticsWorkspace;
}

/** Workspace-based Application Insights. */
export class ApplicationInsights extends AzureResource {
  private readonly props: ApplicationInsightsProps;
  private readonly location: string;
  constructor(scope: Construct, id: string, props: ApplicationInsightsProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const r = init(scope, id, props, 'generic', 'Microsoft.Insights/components', 'Microsoft.Insights/components');
    super(scope, id, r.init);
    reportPropProblems(this, prepared.problems);
    this.props = props;
    this.location = r.stack.location;
    this.addDependency(props.logAnalytics);
    checkName(this, 'generic', r.name, 'InvalidApplicationInsightsName');
  }
  protected renderBody(): Record<string, unknown> {
    return {
      location: this.location,
      ...(this.props.tags ? { tags: { ...this.props.tags } } : {}),
      kind: 'web',
      properties: {
        Application_Type: 'web',
        WorkspaceResourceId: this.props.logAnalytics.resourceId,
        IngestionMode: 'LogAnalytics',
      },
    };
  }
}

/** Props of {@link ContainerRegistry}. */
export interface ContainerRegistryProps extends DependencyResourceProps {
  /**
   * Registry SKU. Private endpoints need `Premium`.
   * @default 'Basic' (or 'Premium' when publicNetworkAccess is false)
   */
  readonly sku?: 'Basic' | 'Standard' | 'Premium';
}

/** An Azure Container Registry (admin user off). */
export class ContainerRegistry extends AzureResource {
  public readonly registryName: string;
  private readonly props: ContainerRegistryProps;
  private readonly location: string;
  constructor(scope: Construct, id: string, props: ContainerRegistryProps = {}) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const r = init(
      scope,
      id,
      props,
      'containerRegistry',
      'Microsoft.ContainerRegistry/registries',
      'Microsoft.ContainerRegistry/registries',
    );
    super(scope, id, r.init);
    reportPropProblems(this, prepared.problems);
    this.props = props;
    this.location = r.stack.location;
    this.registryName = r.name;
    checkName(this, 'containerRegistry', r.name, 'InvalidContainerRegistryName');
    if (props.publicNetworkAccess === false && props.sku && props.sku !== 'Premium') {
      Annotations.of(this).addError(
        'RegistrySkuTooLowForPrivate',
        'a registry without public network access needs the Premium SKU',
        { value: props.sku, allowed: 'Premium', fix: 'set sku: "Premium" or allow public network access' },
      );
    }
  }
  protected renderBody(): Record<string, unknown> {
    const sku = this.props.sku ?? (this.props.publicNetworkAccess === false ? 'Premium' : 'Basic');
    return {
      location: this.location,
      ...(this.props.tags ? { tags: { ...this.props.tags } } : {}),
      sku: { name: sku },
      properties: {
        adminUserEnabled: false,
        publicNetworkAccess: pna(this.props.publicNetworkAccess),
        anonymousPullEnabled: false,
      },
    };
  }
}

/** A user-assigned managed identity. */
export class UserAssignedIdentity extends AzureResource {
  private readonly props: DependencyResourceProps;
  private readonly location: string;
  constructor(scope: Construct, id: string, props: DependencyResourceProps = {}) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const r = init(
      scope,
      id,
      props,
      'generic',
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'Microsoft.ManagedIdentity/userAssignedIdentities',
    );
    super(scope, id, r.init);
    reportPropProblems(this, prepared.problems);
    this.props = props;
    this.location = r.stack.location;
    checkName(this, 'generic', r.name, 'InvalidIdentityName');
  }
  /** ARM id of the identity. @attribute */
  public get identityId(): string {
    return this.resourceId;
  }

  /** Principal (object) id Azure assigns: a deploy-time value, usable wherever a string is. @attribute */
  public get principalId(): string {
    return this.ref.principalId;
  }

  /** Client (application) id Azure assigns, for code that asks for the identity's tokens. @attribute */
  public get clientId(): string {
    return Reference.to(this, 'properties.clientId');
  }

  /** Tenant id of the identity. @attribute */
  public get tenantId(): string {
    return this.ref.tenantId;
  }

  /** The identity as a principal to grant roles to. */
  public get principal(): IPrincipal {
    return this.ref.principal;
  }

  /**
   * Grant `role` on `target` to this identity.
   * @example uai.grant(workspace.storageAccount!, BuiltInRole.STORAGE_BLOB_DATA_READER)
   */
  public grant(target: ResourceIdLike, role: BuiltInRole | string, options: GrantOptions = {}): RoleAssignment {
    return this.ref.grant(target, role, options);
  }

  private get ref(): ManagedIdentityRef {
    return new ManagedIdentityRef({
      resource: this,
      principalIdAttribute: 'properties.principalId',
      tenantIdAttribute: 'properties.tenantId',
      label: this.node.id,
    });
  }
  protected renderBody(): Record<string, unknown> {
    return { location: this.location, ...(this.props.tags ? { tags: { ...this.props.tags } } : {}) };
  }
}
