/**
 * `PrivateEndpoint`: a private IP in your subnet for a PaaS resource (an Azure ML workspace, a storage account,
 * a key vault, a registry), with its DNS zone group.
 */
import type { Construct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack, normalizeLocation } from '../../core/stack.js';
import { Names, NAME_RULES, type NamingProps } from '../../core/names.js';
import { recordError } from '../../core/annotations.js';
import { onValidate } from '../../core/lifecycle.js';
import { ValidationError } from '../../core/errors.js';
import { apiVersionFor } from '../../catalog/api-versions.js';
import type { ISubnetRef, IWorkspaceRef } from '../refs.js';
import { armTypeOfId, resourceIdOf, type ResourceIdLike } from '../rbac/scope.js';
import { PrivateDnsZone } from './private-dns-zone.js';
import { Subnet, type IVirtualNetwork } from './virtual-network.js';
import { list, stringList } from './props.js';
import { cleanProps, prepareConstruct, reportPropProblems } from '../../core/props.js';
import { hasBrand, isReadableObject } from '../../core/brand.js';
import { text } from '../../core/text.js';

const PE = Symbol.for('amlcdk.PrivateEndpoint');
const PE_TYPE = 'Microsoft.Network/privateEndpoints';
const GROUP_TYPE = 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups';

/** Sub-resources (group ids) each target type accepts (Learn "Private endpoint DNS zone values"). */
export const PRIVATE_LINK_GROUP_IDS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'microsoft.machinelearningservices/workspaces': ['amlworkspace'],
  'microsoft.machinelearningservices/registries': ['amlregistry'],
  'microsoft.storage/storageaccounts': [
    'blob',
    'blob_secondary',
    'file',
    'queue',
    'queue_secondary',
    'table',
    'table_secondary',
    'dfs',
    'dfs_secondary',
    'web',
    'web_secondary',
  ],
  'microsoft.keyvault/vaults': ['vault'],
  'microsoft.containerregistry/registries': ['registry'],
  'microsoft.insights/privatelinkscopes': ['azuremonitor'],
});

/** Private DNS zones (public cloud) for each private-link sub-resource (Learn "Azure Private Endpoint DNS zone values"). */
export const PRIVATE_DNS_ZONES_FOR_GROUP: Readonly<Record<string, readonly string[]>> = Object.freeze({
  amlworkspace: ['privatelink.api.azureml.ms', 'privatelink.notebooks.azure.net'],
  amlregistry: ['privatelink.api.azureml.ms'],
  blob: ['privatelink.blob.core.windows.net'],
  file: ['privatelink.file.core.windows.net'],
  queue: ['privatelink.queue.core.windows.net'],
  table: ['privatelink.table.core.windows.net'],
  dfs: ['privatelink.dfs.core.windows.net'],
  web: ['privatelink.web.core.windows.net'],
  vault: ['privatelink.vaultcore.azure.net'],
  registry: ['privatelink.azurecr.io'],
});

/** Props of a {@link PrivateEndpoint}. */
export interface PrivateEndpointProps extends ResourceOptionsProps, NamingProps {
  /** Subnet that holds the endpoint's network interface. */
  readonly subnet: ISubnetRef;
  /** The resource to reach privately: a construct with an ARM id, or the id. */
  readonly target: ResourceIdLike;
  /** Sub-resource(s) of the target, e.g. `['amlworkspace']`, `['blob']`. */
  readonly groupIds: readonly string[];
  /**
   * Private DNS zones to register the endpoint's records in (a `privateDnsZoneGroups/default` child).
   * @default - none
   */
  readonly privateDnsZones?: readonly PrivateDnsZone[];
  /**
   * Endpoint name.
   * @default - derived from the construct path
   */
  readonly privateEndpointName?: string;
  /**
   * Region; must be the subnet's region.
   * @default - the subnet's region when known, else the stack's
   */
  readonly location?: string;
  /**
   * Name of the network interface Azure creates.
   * @default - Azure derives one
   */
  readonly customNetworkInterfaceName?: string;
  /**
   * Tags.
   * @default - the stack's tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Options of {@link PrivateEndpoint.withPrivateDns}. */
export interface PrivateEndpointWithDnsOptions {
  /** The resource to reach privately. */
  readonly target: ResourceIdLike;
  /** Its sub-resource, e.g. `blob`, `file`, `vault`, `registry`, `amlworkspace`. */
  readonly groupId: string;
  /** Subnet for the endpoint. */
  readonly subnet: ISubnetRef;
  /**
   * VNet (construct or existing VNet id) to link the zones to.
   * @default - the subnet's VNet when the subnet was defined in this program; else no links
   */
  readonly virtualNetwork?: IVirtualNetwork | string;
}

/** Options of {@link PrivateEndpoint.forWorkspace}. */
export interface WorkspacePrivateEndpointOptions {
  /** The workspace. */
  readonly workspace: IWorkspaceRef;
  /** Subnet for the endpoint. */
  readonly subnet: ISubnetRef;
  /**
   * VNet whose clients resolve the workspace privately (a construct or an existing VNet's ARM id); the two Azure
   * ML zones are linked to it.
   * @default - the subnet's VNet when the subnet was defined in this program; else no links
   */
  readonly virtualNetwork?: IVirtualNetwork | string;
  /**
   * Existing zones to use instead of creating `privatelink.api.azureml.ms` and `privatelink.notebooks.azure.net`.
   * @default - both zones are created
   */
  readonly privateDnsZones?: readonly PrivateDnsZone[];
}

/**
 * A private endpoint.
 *
 * @example
 * PrivateEndpoint.forWorkspace(stack, 'WsPe', { workspace: ws, subnet: peSubnet });
 * new PrivateEndpoint(stack, 'BlobPe', { subnet: peSubnet, target: storage, groupIds: ['blob'],
 *   privateDnsZones: [new PrivateDnsZone(stack, 'Blob', { zoneName: PrivateDnsZone.STORAGE_BLOB, virtualNetworks: [vnet] })] });
 */
export class PrivateEndpoint extends AzureResource {
  public static isPrivateEndpoint(x: unknown): x is PrivateEndpoint {
    return hasBrand(x, PE);
  }

  /**
   * The private endpoint of an Azure ML workspace (`amlworkspace`), with the `privatelink.api.azureml.ms` and
   * `privatelink.notebooks.azure.net` zones linked to the VNet and registered through a DNS zone group.
   */
  public static forWorkspace(scope: Construct, id: string, options: WorkspacePrivateEndpointOptions): PrivateEndpoint {
    options = isReadableObject(options) ? cleanProps(options).props : ({} as WorkspacePrivateEndpointOptions);
    const vnet =
      options.virtualNetwork ?? (Subnet.isSubnet(options.subnet) ? options.subnet.virtualNetwork : undefined);
    const zones = options.privateDnsZones ?? [
      PrivateDnsZone.forName(scope, PrivateDnsZone.AZUREML_API),
      PrivateDnsZone.forName(scope, PrivateDnsZone.AZUREML_NOTEBOOKS),
    ];
    if (vnet) for (const z of zones) z.addVirtualNetworkLink(vnet);
    return new PrivateEndpoint(scope, id, {
      subnet: options.subnet,
      target: options.workspace,
      groupIds: ['amlworkspace'],
      privateDnsZones: zones,
    });
  }

  /**
   * A private endpoint for one sub-resource with the matching private DNS zone(s) (shared with other endpoints
   * of the stack) linked to the VNet, e.g. the workspace's storage account (`blob`, `file`), key vault (`vault`)
   * or registry (`registry`).
   *
   * @example
   * PrivateEndpoint.withPrivateDns(stack, 'BlobPe', { target: ws.storageAccount!, groupId: 'blob', subnet: endpoints });
   */
  public static withPrivateDns(scope: Construct, id: string, options: PrivateEndpointWithDnsOptions): PrivateEndpoint {
    options = isReadableObject(options) ? cleanProps(options).props : ({} as PrivateEndpointWithDnsOptions);
    const vnet =
      options.virtualNetwork ?? (Subnet.isSubnet(options.subnet) ? options.subnet.virtualNetwork : undefined);
    const zones = (PRIVATE_DNS_ZONES_FOR_GROUP[text(options.groupId).toLowerCase()] ?? []).map((z) =>
      PrivateDnsZone.forName(scope, z),
    );
    if (vnet) for (const z of zones) z.addVirtualNetworkLink(vnet);
    return new PrivateEndpoint(scope, id, {
      subnet: options.subnet,
      target: options.target,
      groupIds: [options.groupId],
      privateDnsZones: zones,
    });
  }

  /** @attribute */
  public readonly privateEndpointName: string;
  /** @attribute */
  public readonly privateEndpointId: string;
  public readonly location: string;
  /** ARM id of the target resource. */
  public readonly targetResourceId: string;
  public readonly groupIds: readonly string[];
  public readonly subnet: ISubnetRef;
  private readonly props: PrivateEndpointProps;

  constructor(scope: Construct, id: string, props: PrivateEndpointProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const stack = Stack.of(scope);
    const p = (props ?? {}) as Partial<PrivateEndpointProps>;
    const name =
      p.privateEndpointName !== undefined
        ? String(p.privateEndpointName)
        : Names.derive('generic', p.previousPath ?? `${Names.pathFor(scope)}/${id}`);
    const resourceId = `${stack.providerPrefix()}${PE_TYPE}/${name}`;
    super(scope, id, {
      armType: PE_TYPE,
      apiVersion: apiVersionFor(PE_TYPE),
      resourceId,
      resourceName: name,
      options: p,
    });
    reportPropProblems(this, prepared.problems);
    Object.defineProperty(this, PE, { value: true });
    this.privateEndpointName = name;
    this.privateEndpointId = resourceId;
    this.props = p as PrivateEndpointProps;
    this.subnet = p.subnet as ISubnetRef;
    this.groupIds = [];
    this.location = p.location !== undefined ? normalizeLocation(p.location) : (p.subnet?.location ?? stack.location);
    const target = p.target !== undefined && p.target !== null ? resourceIdOf(p.target) : undefined;
    this.targetResourceId = target ?? '';
    (this as { groupIds: readonly string[] }).groupIds = stringList(this, p.groupIds, 'groupIds', '["amlworkspace"]');
    const zones = list<PrivateDnsZone>(this, p.privateDnsZones, 'privateDnsZones', '[new PrivateDnsZone(...)]').filter(
      (z) => PrivateDnsZone.isPrivateDnsZone(z),
    );

    if (p.privateEndpointName !== undefined && Names.check('generic', name)) {
      this.err(
        'InvalidPrivateEndpointName',
        `private endpoint name "${name}" is not valid`,
        name,
        NAME_RULES.generic.description,
        'rename it or leave privateEndpointName unset',
      );
    }
    if (!p.subnet || typeof p.subnet.subnetId !== 'string') {
      this.err(
        'MissingSubnet',
        'a private endpoint needs a subnet',
        p.subnet,
        'a Subnet or Subnet.fromSubnetId(...)',
        'set subnet',
      );
    } else {
      if (AzureResource.isAzureResource(p.subnet)) this.addDependency(p.subnet);
      if (Subnet.isSubnet(p.subnet)) p.subnet.registerPrivateEndpoint();
    }
    if (!target || !armTypeOfId(target)) {
      this.err(
        'InvalidPrivateEndpointTarget',
        'target is not a resource id or a construct with one',
        typeof p.target === 'string' ? p.target : p.target?.node?.path,
        'an ARM resource id or a construct such as a Workspace',
        'set target',
      );
    } else {
      if (typeof p.target === 'object') {
        // An imported target (Workspace.fromWorkspaceId) is not deployed here: nothing to wait for.
        if (AzureResource.isAzureResource(p.target)) this.addDependency(p.target);
        // Let a workspace know it has a private endpoint (its no-public-IP checks read it).
        const t = p.target as { markPrivateEndpoint?: () => void };
        if (typeof t.markPrivateEndpoint === 'function') t.markPrivateEndpoint();
      }
      const allowed = PRIVATE_LINK_GROUP_IDS[armTypeOfId(target)!.toLowerCase()];
      if (this.groupIds.length === 0) {
        this.err(
          'InvalidPrivateEndpointGroupId',
          'groupIds is empty',
          p.groupIds ?? [],
          allowed ? allowed.join(' | ') : "the target's sub-resource name",
          `set groupIds${allowed ? `, e.g. ['${allowed[0]}']` : ''}`,
        );
      } else if (allowed) {
        for (const g of this.groupIds) {
          if (!allowed.includes(g.toLowerCase())) {
            this.err(
              'InvalidPrivateEndpointGroupId',
              `group id "${g}" does not exist on ${armTypeOfId(target)}`,
              g,
              allowed.join(' | '),
              `use groupIds: ['${allowed[0]}']`,
            );
          }
        }
      }
    }
    for (const z of zones) this.addDependency(z);
    if (zones.length) new PrivateDnsZoneGroup(this, 'DnsZoneGroup', { endpoint: this, zones });
    onValidate(this, () => {
      const sl = this.subnet?.location;
      if (sl !== undefined && sl !== this.location) {
        this.err(
          'PrivateEndpointRegionMismatch',
          `private endpoint is in ${this.location} but its subnet is in ${sl}`,
          this.location,
          sl,
          'leave location unset (it follows the subnet) or use a subnet in the same region',
        );
      }
    });
  }

  protected renderBody(): Record<string, unknown> {
    const p = this.props;
    return {
      location: this.location,
      ...(p.tags && Object.keys(p.tags).length ? { tags: { ...p.tags } } : {}),
      properties: {
        subnet: { id: this.subnet?.subnetId },
        privateLinkServiceConnections: [
          {
            name: this.privateEndpointName,
            properties: { privateLinkServiceId: this.targetResourceId, groupIds: [...this.groupIds] },
          },
        ],
        ...(p.customNetworkInterfaceName !== undefined
          ? { customNetworkInterfaceName: p.customNetworkInterfaceName }
          : {}),
      },
    };
  }

  private err(code: string, message: string, value: unknown, allowed: string, fix: string): void {
    recordError(
      this,
      new ValidationError(code, message, this, {
        value,
        allowed,
        fix,
        ...(this.source ? { source: this.source } : {}),
      }),
    );
  }
}

/** Props of a {@link PrivateDnsZoneGroup}. */
export interface PrivateDnsZoneGroupProps {
  readonly endpoint: PrivateEndpoint;
  readonly zones: readonly PrivateDnsZone[];
}

/** `privateEndpoints/{pe}/privateDnsZoneGroups/default`: registers the endpoint's A records in the zones. */
export class PrivateDnsZoneGroup extends AzureResource {
  private readonly zones: readonly PrivateDnsZone[];

  constructor(scope: Construct, id: string, props: PrivateDnsZoneGroupProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const path = `${scope.node.path}/${id}`;
    if (!PrivateEndpoint.isPrivateEndpoint(props.endpoint))
      throw new ValidationError('MissingPrivateEndpoint', 'a PrivateDnsZoneGroup needs its PrivateEndpoint', path, {
        allowed: 'a PrivateEndpoint construct',
        fix: 'pass endpoint: the PrivateEndpoint (or use PrivateEndpoint.withPrivateDns)',
      });
    if (!Array.isArray(props.zones) || !props.zones.every((z) => PrivateDnsZone.isPrivateDnsZone(z)))
      throw new ValidationError('InvalidPrivateDnsZones', 'zones must be a list of PrivateDnsZone constructs', path, {
        allowed: 'an array of PrivateDnsZone constructs',
        fix: 'pass zones: [zone] with zones made by new PrivateDnsZone(…) or PrivateDnsZone.forName(…)',
      });
    const resourceId = `${props.endpoint.privateEndpointId}/privateDnsZoneGroups/default`;
    super(scope, id, {
      armType: GROUP_TYPE,
      apiVersion: apiVersionFor(GROUP_TYPE),
      resourceId,
      resourceName: 'default',
    });
    reportPropProblems(this, prepared.problems);
    this.zones = [...props.zones];
    this.addDependency(props.endpoint, ...props.zones);
  }

  protected renderBody(): Record<string, unknown> {
    return {
      properties: {
        privateDnsZoneConfigs: this.zones.map((z) => ({
          name: z.zoneName.replace(/\./g, '-'),
          properties: { privateDnsZoneId: z.privateDnsZoneId },
        })),
      },
    };
  }
}
