/**
 * `PrivateDnsZone` and its virtual-network links, for private endpoints (an Azure ML workspace needs
 * `privatelink.api.azureml.ms` and `privatelink.notebooks.azure.net`).
 */
import type { Construct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack } from '../../core/stack.js';
import { Names } from '../../core/names.js';
import { recordError } from '../../core/annotations.js';
import { ValidationError } from '../../core/errors.js';
import { parseArmId } from '../../core/validators.js';
import { apiVersionFor } from '../../catalog/api-versions.js';
import { VirtualNetwork, isVirtualNetworkRef, type IVirtualNetwork } from './virtual-network.js';
import { list } from './props.js';
import { prepareConstruct, reportPropProblems } from '../../core/props.js';
import { hasBrand } from '../../core/brand.js';
import { text } from '../../core/text.js';

const ZONE = Symbol.for('amlcdk.PrivateDnsZone');
const ZONE_TYPE = 'Microsoft.Network/privateDnsZones';
const LINK_TYPE = 'Microsoft.Network/privateDnsZones/virtualNetworkLinks';
/** Zones per stack by name: one zone name can exist once per resource group. */
const zonesByStack = new WeakMap<Stack, Map<string, PrivateDnsZone>>();

const ZONE_NAME_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Props of a {@link PrivateDnsZone}. */
export interface PrivateDnsZoneProps extends ResourceOptionsProps {
  /** Zone name, e.g. `PrivateDnsZone.AZUREML_API` (`privatelink.api.azureml.ms`). */
  readonly zoneName: string;
  /**
   * VNets to link the zone to (resolution only, no auto-registration): constructs or ARM ids of existing VNets
   * (e.g. a hub VNet in another resource group).
   * @default - none; add with `addVirtualNetworkLink`
   */
  readonly virtualNetworks?: readonly (IVirtualNetwork | string)[];
  /**
   * Tags.
   * @default - the stack's tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Options of {@link PrivateDnsZone.addVirtualNetworkLink}. */
export interface VirtualNetworkLinkOptions {
  /**
   * Auto-register VM records of the VNet in the zone. Keep false for privatelink zones.
   * @default false
   */
  readonly registrationEnabled?: boolean;
  /**
   * Link name.
   * @default - derived from the construct path
   */
  readonly linkName?: string;
}

/**
 * A private DNS zone (location `global`).
 *
 * @example
 * const api = new PrivateDnsZone(stack, 'ApiZone', { zoneName: PrivateDnsZone.AZUREML_API, virtualNetworks: [vnet] });
 */
export class PrivateDnsZone extends AzureResource {
  /** Azure ML workspace API zone (public cloud). */
  public static readonly AZUREML_API = 'privatelink.api.azureml.ms';
  /** Azure ML notebooks zone (public cloud). */
  public static readonly AZUREML_NOTEBOOKS = 'privatelink.notebooks.azure.net';
  /** Blob storage zone. */
  public static readonly STORAGE_BLOB = 'privatelink.blob.core.windows.net';
  /** File storage zone. */
  public static readonly STORAGE_FILE = 'privatelink.file.core.windows.net';
  /** Key Vault zone. */
  public static readonly KEY_VAULT = 'privatelink.vaultcore.azure.net';
  /** Container registry zone. */
  public static readonly CONTAINER_REGISTRY = 'privatelink.azurecr.io';

  public static isPrivateDnsZone(x: unknown): x is PrivateDnsZone {
    return hasBrand(x, ZONE);
  }

  /**
   * The zone of that name in the scope's stack: the one already defined, or a new one directly under the stack
   * (construct id `PrivateDnsZone-<name>`). Private endpoints share zones this way, as Azure requires (one zone
   * name per resource group).
   */
  public static forName(scope: Construct, zoneName: string): PrivateDnsZone {
    const stack = Stack.of(scope);
    const existing = zonesByStack.get(stack)?.get(text(zoneName).toLowerCase());
    if (existing) return existing;
    return new PrivateDnsZone(
      stack,
      `PrivateDnsZone-${text(zoneName)
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')}`,
      { zoneName },
    );
  }

  /** @attribute */
  public readonly zoneName: string;
  /** @attribute */
  public readonly privateDnsZoneId: string;
  private readonly tags?: Readonly<Record<string, string>>;
  private readonly links = new Map<string, VirtualNetworkLink>();

  constructor(scope: Construct, id: string, props: PrivateDnsZoneProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const stack = Stack.of(scope);
    const p = (props ?? {}) as Partial<PrivateDnsZoneProps>;
    const zoneName = typeof p.zoneName === 'string' ? p.zoneName.toLowerCase() : String(p.zoneName);
    const resourceId = `${stack.providerPrefix()}${ZONE_TYPE}/${zoneName}`;
    super(scope, id, {
      armType: ZONE_TYPE,
      apiVersion: apiVersionFor(ZONE_TYPE),
      resourceId,
      resourceName: zoneName,
      options: p,
    });
    reportPropProblems(this, prepared.problems);
    Object.defineProperty(this, ZONE, { value: true });
    this.zoneName = zoneName;
    this.privateDnsZoneId = resourceId;
    this.tags = p.tags;
    if (!ZONE_NAME_RE.test(zoneName)) {
      recordError(
        this,
        new ValidationError('InvalidDnsZoneName', `"${String(p.zoneName)}" is not a DNS zone name`, this, {
          value: p.zoneName,
          allowed: 'a DNS name with at least two labels, e.g. privatelink.api.azureml.ms',
          fix: 'use a PrivateDnsZone constant such as PrivateDnsZone.AZUREML_API',
        }),
      );
    }
    let zones = zonesByStack.get(stack);
    if (!zones) zonesByStack.set(stack, (zones = new Map<string, PrivateDnsZone>()));
    const prev = zones.get(zoneName);
    if (prev) {
      recordError(
        this,
        new ValidationError(
          'DuplicatePrivateDnsZone',
          `private DNS zone ${zoneName} is already defined by ${prev.node.path} in this resource group`,
          this,
          {
            value: zoneName,
            allowed: 'one zone per name and resource group',
            fix: `reuse ${prev.node.path} (or PrivateDnsZone.forName(scope, '${zoneName}'))`,
          },
        ),
      );
    } else zones.set(zoneName, this);
    for (const v of list<IVirtualNetwork | string>(this, p.virtualNetworks, 'virtualNetworks', '[vnet]'))
      this.addVirtualNetworkLink(v);
  }

  /** Link the zone to a VNet, given as a construct or the ARM id of an existing VNet (idempotent per VNet). */
  public addVirtualNetworkLink(
    vnet: IVirtualNetwork | string,
    options: VirtualNetworkLinkOptions = {},
  ): VirtualNetworkLink {
    const vnetId = typeof vnet === 'string' ? vnet : isVirtualNetworkRef(vnet) ? vnet.virtualNetworkId : String(vnet);
    const key = String(vnetId).toLowerCase();
    const existing = this.links.get(key);
    if (existing) return existing;
    const base =
      typeof vnet === 'string' || !VirtualNetwork.isVirtualNetwork(vnet)
        ? `Link-${(parseArmId(vnetId)?.name ?? 'vnet').replace(/[^A-Za-z0-9-]/g, '-')}`
        : `Link${vnet.node.id}`;
    let id = base;
    for (let i = 2; this.node.tryFindChild(id); i++) id = `${base}${i}`;
    const link = new VirtualNetworkLink(this, id, {
      zone: this,
      virtualNetwork: VirtualNetwork.isVirtualNetwork(vnet) ? vnet : vnetId,
      ...options,
    });
    this.links.set(key, link);
    return link;
  }

  protected renderBody(): Record<string, unknown> {
    return { location: 'global', ...(this.tags && Object.keys(this.tags).length ? { tags: { ...this.tags } } : {}) };
  }
}

/** Props of a {@link VirtualNetworkLink}. */
export interface VirtualNetworkLinkProps extends VirtualNetworkLinkOptions {
  readonly zone: PrivateDnsZone;
  /** A VirtualNetwork construct or the ARM id of an existing VNet. */
  readonly virtualNetwork: VirtualNetwork | string;
}

/** A link from a private DNS zone to a VNet, so that the VNet resolves the zone's records. */
export class VirtualNetworkLink extends AzureResource {
  /** @attribute */
  public readonly linkName: string;
  private readonly vnetId: string;
  private readonly registrationEnabled: boolean;

  constructor(scope: Construct, id: string, props: VirtualNetworkLinkProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const path = `${scope.node.path}/${id}`;
    if (!PrivateDnsZone.isPrivateDnsZone(props.zone))
      throw new ValidationError(
        'MissingPrivateDnsZone',
        'a VirtualNetworkLink needs the PrivateDnsZone it links',
        path,
        {
          allowed: 'a PrivateDnsZone construct',
          fix: "pass zone: new PrivateDnsZone(stack, 'Zone', { zoneName })",
        },
      );
    if (typeof props.virtualNetwork !== 'string' && !isVirtualNetworkRef(props.virtualNetwork))
      throw new ValidationError(
        'MissingVirtualNetwork',
        'a VirtualNetworkLink needs the virtual network to link',
        path,
        {
          allowed:
            'a VirtualNetwork construct, VirtualNetwork.fromVirtualNetworkId(…), or the ARM id of a virtual network',
          fix: 'pass virtualNetwork: vnet',
        },
      );
    if (props.linkName !== undefined && typeof props.linkName !== 'string')
      throw new ValidationError('InvalidPropType', 'linkName must be a string', path, {
        allowed: 'a string',
        fix: 'pass a string for linkName, or leave it unset',
      });
    const name = props.linkName ?? Names.derive('generic', `${Names.pathFor(scope)}/${id}`);
    const resourceId = `${props.zone.privateDnsZoneId}/virtualNetworkLinks/${name}`;
    super(scope, id, { armType: LINK_TYPE, apiVersion: apiVersionFor(LINK_TYPE), resourceId, resourceName: name });
    reportPropProblems(this, prepared.problems);
    this.linkName = name;
    const v = props.virtualNetwork;
    this.vnetId = typeof v === 'string' ? v : v.virtualNetworkId;
    this.registrationEnabled = props.registrationEnabled ?? false;
    this.addDependency(props.zone);
    if (typeof v === 'string') {
      const parsed = parseArmId(v);
      if (!parsed || parsed.type.toLowerCase() !== 'microsoft.network/virtualnetworks') {
        recordError(
          this,
          new ValidationError('InvalidVirtualNetworkId', `"${String(v)}" is not a virtual network resource id`, this, {
            value: v,
            allowed: '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<name>',
            fix: 'copy the id from `az network vnet show --query id`',
          }),
        );
      }
    } else this.addDependency(v);
  }

  protected renderBody(): Record<string, unknown> {
    return {
      location: 'global',
      properties: { virtualNetwork: { id: this.vnetId }, registrationEnabled: this.registrationEnabled },
    };
  }
}
