/**
 * `VirtualNetwork` and `Subnet`: your own VNet for Azure ML compute.
 *
 * Subnets are separate ARM resources (`virtualNetworks/subnets`); the VNet body never carries `subnets`, because
 * since api 2023-09-01 `subnets: []` in a VNet PUT deletes every subnet while omitting it keeps them
 * (Azure/azure-quickstart-templates#2786, Azure/bicep-types-az#1687; ../shared/reference/azureml-api.md §10).
 */
import { Construct, type IConstruct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack, normalizeLocation } from '../../core/stack.js';
import { Names, NAME_RULES, type NamingProps } from '../../core/names.js';
import { Annotations, recordError } from '../../core/annotations.js';
import { onValidate } from '../../core/lifecycle.js';
import { ValidationError } from '../../core/errors.js';
import { parseArmId } from '../../core/validators.js';
import { apiVersionFor } from '../../catalog/api-versions.js';
import type { IComputePlacement, ISubnetRef } from '../refs.js';
import {
  azureUsableAddresses,
  cidrContains,
  cidrOverlaps,
  networkOf,
  parseCidr,
  prefixFor,
  type CidrBlock,
} from './cidr.js';
import { NetworkSecurityGroup } from './network-security-group.js';
import { stringList } from './props.js';
import { cleanProps, prepareConstruct, reportPropProblems } from '../../core/props.js';
import { hasBrand, isReadableObject } from '../../core/brand.js';
import { checkConstructId } from '../../core/construct-id.js';
import { describeKind } from '../../core/text.js';

const VNET = Symbol.for('amlcdk.VirtualNetwork');
/** Marks anything subnets can be added to: a VirtualNetwork or an existing VNet imported by id. */
const VNET_REF = Symbol.for('amlcdk.IVirtualNetwork');

/** A virtual network subnets can be added to: defined here (`VirtualNetwork`) or existing (`VirtualNetwork.fromVirtualNetworkId`). */
export interface IVirtualNetwork extends IConstruct {
  /** Full ARM id. @attribute */
  readonly virtualNetworkId: string;
  /** Region (lower-case ARM form), when known. */
  readonly location?: string;
  /** Address space, when known (empty: unknown, containment checks are skipped). */
  readonly addressSpace: readonly string[];
  /** Add a subnet (an ARM resource of this program) to the VNet. */
  addSubnet(id: string, options: SubnetOptions): Subnet;
  /** @internal called by Subnet: returns the previously added subnet, to chain their writes. */
  registerSubnet(subnet: Subnet): Subnet | undefined;
}

/** Whether `x` is a VNet subnets can be added to. */
export function isVirtualNetworkRef(x: unknown): x is IVirtualNetwork {
  return hasBrand(x, VNET_REF);
}

/** What is known about an existing VNet. */
export interface ExistingVirtualNetworkAttributes {
  /**
   * Region of the VNet.
   * @default - unknown (region checks are skipped)
   */
  readonly location?: string;
  /**
   * Its address space, so subnet prefixes can be checked against it.
   * @default - unknown (containment checks are skipped)
   */
  readonly addressSpace?: readonly string[];
}
const SUBNET = Symbol.for('amlcdk.Subnet');
const VNET_TYPE = 'Microsoft.Network/virtualNetworks';
const SUBNET_TYPE = 'Microsoft.Network/virtualNetworks/subnets';

/** Props of a {@link VirtualNetwork}. */
export interface VirtualNetworkProps extends ResourceOptionsProps, NamingProps {
  /**
   * Address space (IPv4 CIDRs), e.g. `['10.10.0.0/16']`.
   */
  readonly addressSpace: readonly string[];
  /**
   * VNet name.
   * @default - derived from the construct path
   */
  readonly virtualNetworkName?: string;
  /**
   * Region. Compute instances must be in the workspace's region; clusters may use a VNet in another region.
   * @default - the stack's location
   */
  readonly location?: string;
  /**
   * Custom DNS servers.
   * @default - Azure-provided DNS
   */
  readonly dnsServers?: readonly string[];
  /**
   * Tags.
   * @default - the stack's tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Options of {@link VirtualNetwork.addSubnet}. */
export interface SubnetOptions extends ResourceOptionsProps, NamingProps {
  /** IPv4 CIDR inside the VNet's address space, e.g. `10.10.1.0/24`. Azure reserves 5 addresses per subnet. */
  readonly addressPrefix: string;
  /**
   * Subnet name.
   * @default - derived from the construct path
   */
  readonly subnetName?: string;
  /**
   * NSG attached to the subnet. Compute registered in the subnet contributes its Azure ML rules to it.
   * @default - no NSG
   */
  readonly networkSecurityGroup?: NetworkSecurityGroup;
  /**
   * Service delegations (e.g. `Microsoft.Web/serverFarms`). Azure ML compute cannot use a delegated subnet.
   * @default - not delegated
   */
  readonly delegations?: readonly string[];
  /**
   * Azure default outbound internet access for VMs without a public IP. Can only be set when the subnet is
   * created. Set `false` and add a NAT gateway or firewall for controlled egress.
   * @default - not sent (Azure's default applies)
   */
  readonly defaultOutboundAccess?: boolean;
  /**
   * Network policies for private endpoints in the subnet.
   * @default - not sent (Azure's default, `Disabled`)
   */
  readonly privateEndpointNetworkPolicies?:
    'Disabled' | 'Enabled' | 'NetworkSecurityGroupEnabled' | 'RouteTableEnabled';
  /**
   * Service endpoints, e.g. `['Microsoft.Storage']`.
   * @default - none
   */
  readonly serviceEndpoints?: readonly string[];
  /**
   * ARM id of a NAT gateway for outbound traffic (recommended for no-public-IP compute).
   * @default - none
   */
  readonly natGatewayId?: string;
  /**
   * ARM id of a route table (e.g. forced tunnelling through a firewall).
   * @default - none
   */
  readonly routeTableId?: string;
}

/** Props of a {@link Subnet} created directly (`new Subnet(...)`) rather than with `vnet.addSubnet`. */
export interface SubnetProps extends SubnetOptions {
  /** The VNet: a `VirtualNetwork` or an existing one from `VirtualNetwork.fromVirtualNetworkId`. */
  readonly virtualNetwork: IVirtualNetwork;
}

/**
 * A virtual network.
 *
 * @example
 * const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
 * const training = vnet.addSubnet('Training', { addressPrefix: '10.10.1.0/24', networkSecurityGroup: nsg });
 */
export class VirtualNetwork extends AzureResource implements IVirtualNetwork {
  public static isVirtualNetwork(x: unknown): x is VirtualNetwork {
    return hasBrand(x, VNET);
  }

  /**
   * An existing VNet (e.g. owned by a platform team) to add subnets to. The VNet itself is not managed; its subnets
   * are. Give `addressSpace` so subnet prefixes are checked; subnets that already exist in it are unknown to amlcdk,
   * so overlaps with them surface only at deploy time.
   *
   * @example
   * const hub = VirtualNetwork.fromVirtualNetworkId(stack, 'Spoke', '/subscriptions/…/virtualNetworks/spoke-ml', { location: 'westeurope', addressSpace: ['10.50.0.0/16'] });
   * const compute = hub.addSubnet('Compute', { addressPrefix: '10.50.8.0/24', networkSecurityGroup: nsg });
   */
  public static fromVirtualNetworkId(
    scope: Construct,
    id: string,
    virtualNetworkId: string,
    attrs: ExistingVirtualNetworkAttributes = {},
  ): IVirtualNetwork {
    return new ExistingVirtualNetwork(scope, id, virtualNetworkId, attrs);
  }

  /** @attribute */
  public readonly virtualNetworkName: string;
  /** @attribute */
  public readonly virtualNetworkId: string;
  public readonly location: string;
  public readonly addressSpace: readonly string[];
  private readonly blocks: CidrBlock[] = [];
  private readonly dnsServers?: readonly string[];
  private readonly tags?: Readonly<Record<string, string>>;
  private readonly subnetList: Subnet[] = [];

  constructor(scope: Construct, id: string, props: VirtualNetworkProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const stack = Stack.of(scope);
    const p = (props ?? {}) as Partial<VirtualNetworkProps>;
    const name =
      p.virtualNetworkName !== undefined
        ? String(p.virtualNetworkName)
        : Names.derive('generic', p.previousPath ?? `${Names.pathFor(scope)}/${id}`);
    const resourceId = `${stack.providerPrefix()}${VNET_TYPE}/${name}`;
    super(scope, id, {
      armType: VNET_TYPE,
      apiVersion: apiVersionFor(VNET_TYPE),
      resourceId,
      resourceName: name,
      options: p,
    });
    reportPropProblems(this, prepared.problems);
    Object.defineProperty(this, VNET, { value: true });
    Object.defineProperty(this, VNET_REF, { value: true });
    this.virtualNetworkName = name;
    this.virtualNetworkId = resourceId;
    this.location = p.location !== undefined ? normalizeLocation(p.location) : stack.location;
    this.addressSpace = Array.isArray(p.addressSpace)
      ? p.addressSpace.map((x) => (typeof x === 'string' ? x : String(x)))
      : [];
    this.dnsServers = stringList(this, p.dnsServers, 'dnsServers', '["10.10.0.4"]');
    this.tags = p.tags;

    if (p.virtualNetworkName !== undefined && Names.check('generic', name)) {
      recordError(
        this,
        new ValidationError('InvalidVirtualNetworkName', `virtual network name "${name}" is not valid`, this, {
          value: name,
          allowed: NAME_RULES.generic.description,
          fix: 'rename the VNet or leave virtualNetworkName unset to derive one',
        }),
      );
    }
    if (this.addressSpace.length === 0) {
      recordError(
        this,
        new ValidationError('InvalidCidr', 'addressSpace must hold at least one IPv4 CIDR', this, {
          value: p.addressSpace,
          allowed: 'a non-empty list of CIDRs such as ["10.10.0.0/16"]',
          fix: 'set addressSpace',
        }),
      );
    }
    for (const c of this.addressSpace) {
      const b = checkCidr(this, c, 'addressSpace');
      if (!b) continue;
      for (const other of this.blocks) {
        if (cidrOverlaps(b, other)) {
          recordError(
            this,
            new ValidationError('AddressSpaceOverlap', `address space ${c} overlaps ${other.cidr}`, this, {
              value: c,
              allowed: 'address prefixes that do not overlap',
              fix: 'remove or change one of the prefixes',
            }),
          );
        }
      }
      this.blocks.push(b);
    }
    onValidate(this, () => validateSubnets(this.subnetList, this.blocks, this.addressSpace));
  }

  /** Add a subnet to this VNet. */
  public addSubnet(id: string, options: SubnetOptions): Subnet {
    return new Subnet(this, id, { ...options, virtualNetwork: this });
  }

  /** Subnets defined in this program, in creation order. */
  public get subnets(): readonly Subnet[] {
    return [...this.subnetList];
  }

  /** Whether `cidr` lies inside the VNet's address space. */
  public containsCidr(cidr: string): boolean {
    const b = parseCidr(cidr);
    return !!b && this.blocks.some((outer) => cidrContains(outer, b));
  }

  /** @internal called by Subnet */
  public registerSubnet(subnet: Subnet): Subnet | undefined {
    const prev = this.subnetList[this.subnetList.length - 1];
    this.subnetList.push(subnet);
    return prev;
  }

  protected renderBody(): Record<string, unknown> {
    return {
      location: this.location,
      ...(this.tags && Object.keys(this.tags).length ? { tags: { ...this.tags } } : {}),
      properties: {
        // Invalid prefixes were reported as InvalidCidr; keep them out so the schema does not repeat them.
        addressSpace: { addressPrefixes: this.blocks.length ? this.blocks.map((b) => b.cidr) : [...this.addressSpace] },
        ...(this.dnsServers?.length ? { dhcpOptions: { dnsServers: [...this.dnsServers] } } : {}),
      },
    };
  }
}

/**
 * A subnet of a {@link VirtualNetwork}. Compute constructs call `registerCompute` so that the subnet can check its
 * size and delegation, and its NSG can derive the Azure ML rules.
 *
 * @example
 * const subnet = vnet.addSubnet('Training', { addressPrefix: '10.10.1.0/24', defaultOutboundAccess: false });
 * const existing = Subnet.fromSubnetId(stack, 'Shared', '/subscriptions/…/virtualNetworks/hub/subnets/ml', { location: 'westeurope' });
 */
export class Subnet extends AzureResource implements ISubnetRef {
  public static isSubnet(x: unknown): x is Subnet {
    return hasBrand(x, SUBNET);
  }

  /**
   * Reference an existing subnet by ARM id. Give `location` (and `addressPrefix`, `delegations`) when you know
   * them, so region and size checks can run; otherwise they are skipped.
   */
  public static fromSubnetId(
    scope: Construct,
    id: string,
    subnetId: string,
    attrs: ImportedSubnetAttributes = {},
  ): ISubnetRef {
    return new ImportedSubnet(scope, id, subnetId, attrs);
  }

  /** @attribute */
  public readonly subnetId: string;
  /** @attribute */
  public readonly subnetName: string;
  public readonly virtualNetwork: IVirtualNetwork;
  public readonly addressPrefix: string;
  public readonly delegations: readonly string[];
  public readonly networkSecurityGroup?: NetworkSecurityGroup;
  /** @internal parsed prefix */
  public readonly block?: CidrBlock;
  private readonly options: SubnetOptions;
  private readonly serviceEndpoints: readonly string[];
  private readonly placements = new Set<IComputePlacement>();
  private privateEndpointIps = 0;

  constructor(scope: Construct, id: string, props: SubnetProps) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    const p = (props ?? {}) as Partial<SubnetProps>;
    const vnet = p.virtualNetwork;
    if (!vnet || !isVirtualNetworkRef(vnet)) {
      throw new ValidationError(
        'MissingVirtualNetwork',
        'a Subnet needs the VirtualNetwork it belongs to',
        `${scope.node.path}/${id}`,
        {
          allowed: 'a VirtualNetwork construct or VirtualNetwork.fromVirtualNetworkId(...)',
          fix: 'use vnet.addSubnet(id, {...}) or pass virtualNetwork',
        },
      );
    }
    const name =
      p.subnetName !== undefined
        ? String(p.subnetName)
        : Names.derive('generic', p.previousPath ?? `${Names.pathFor(scope)}/${id}`);
    const resourceId = `${vnet.virtualNetworkId}/subnets/${name}`;
    super(scope, id, {
      armType: SUBNET_TYPE,
      apiVersion: apiVersionFor(SUBNET_TYPE),
      resourceId,
      resourceName: name,
      options: p,
    });
    reportPropProblems(this, prepared.problems);
    Object.defineProperty(this, SUBNET, { value: true });
    this.subnetId = resourceId;
    this.subnetName = name;
    this.virtualNetwork = vnet;
    this.addressPrefix = typeof p.addressPrefix === 'string' ? p.addressPrefix : String(p.addressPrefix);
    this.delegations = [];
    this.networkSecurityGroup = p.networkSecurityGroup;
    this.options = p as SubnetOptions;
    this.block = checkCidr(this, p.addressPrefix, 'addressPrefix');
    (this as { delegations: readonly string[] }).delegations = stringList(
      this,
      p.delegations,
      'delegations',
      '["Microsoft.Web/serverFarms"]',
    );
    this.serviceEndpoints = stringList(this, p.serviceEndpoints, 'serviceEndpoints', '["Microsoft.Storage"]');

    if (p.subnetName !== undefined && Names.check('generic', name)) {
      recordError(
        this,
        new ValidationError('InvalidSubnetName', `subnet name "${name}" is not valid`, this, {
          value: name,
          allowed: NAME_RULES.generic.description,
          fix: 'rename the subnet or leave subnetName unset to derive one',
        }),
      );
    }
    if (this.block && this.block.prefix > 29) {
      recordError(
        this,
        new ValidationError(
          'SubnetTooSmall',
          `subnet prefix ${this.addressPrefix} is smaller than Azure's minimum /29`,
          this,
          {
            value: this.addressPrefix,
            allowed: 'a prefix length of /29 or shorter',
            fix: 'use a larger subnet, e.g. /24',
          },
        ),
      );
    }
    if (AzureResource.isAzureResource(vnet)) this.addDependency(vnet);
    if (this.networkSecurityGroup) this.addDependency(this.networkSecurityGroup);
    // ARM serializes writes to subnets of one VNet (AnotherOperationInProgress): create them one after another.
    const prev = vnet.registerSubnet(this);
    if (prev) this.addDependency(prev);
    onValidate(this, () => this.validatePlacement());
  }

  /** Region of the subnet (its VNet's), when known. */
  public get location(): string | undefined {
    return this.virtualNetwork.location;
  }

  /** Usable addresses (total minus the 5 Azure reserves). */
  public get usableAddresses(): number {
    return this.block ? azureUsableAddresses(this.block) : 0;
  }

  /** Record compute placed in this subnet (size/delegation checks, NSG rules). */
  public registerCompute(compute: IComputePlacement): void {
    if (this.placements.has(compute)) return;
    this.placements.add(compute);
    this.networkSecurityGroup?.registerCompute(compute);
  }

  /** @internal a private endpoint takes an address in this subnet */
  public registerPrivateEndpoint(): void {
    this.privateEndpointIps += 1;
  }

  /** Compute registered in this subnet. */
  public get registeredCompute(): readonly IComputePlacement[] {
    return [...this.placements];
  }

  /** Addresses the registered compute and private endpoints may need at most. */
  public get requiredAddresses(): number {
    let n = this.privateEndpointIps;
    for (const c of this.placements) n += Math.max(0, Number(c.maxIpCount) || 0);
    return n;
  }

  protected renderBody(): Record<string, unknown> {
    const o = this.options;
    const props: Record<string, unknown> = this.block ? { addressPrefix: this.addressPrefix } : {};
    if (this.networkSecurityGroup)
      props.networkSecurityGroup = { id: this.networkSecurityGroup.networkSecurityGroupId };
    if (this.delegations.length) {
      props.delegations = this.delegations.map((serviceName) => ({
        name: serviceName.replace(/[^A-Za-z0-9-]/g, '-'),
        properties: { serviceName },
      }));
    }
    if (o.defaultOutboundAccess !== undefined) props.defaultOutboundAccess = o.defaultOutboundAccess;
    if (o.privateEndpointNetworkPolicies !== undefined)
      props.privateEndpointNetworkPolicies = o.privateEndpointNetworkPolicies;
    if (this.serviceEndpoints.length) props.serviceEndpoints = this.serviceEndpoints.map((service) => ({ service }));
    if (o.natGatewayId !== undefined) props.natGateway = { id: o.natGatewayId };
    if (o.routeTableId !== undefined) props.routeTable = { id: o.routeTableId };
    return { properties: props };
  }

  private validatePlacement(): void {
    validatePlacements(this, [...this.placements], {
      addressPrefix: this.addressPrefix,
      block: this.block,
      delegations: this.delegations,
      extraIps: this.privateEndpointIps,
    });
    const o = this.options;
    const noPublicIp = [...this.placements].filter((p) => p.nodePublicIp === false);
    if (
      noPublicIp.length &&
      o.defaultOutboundAccess === false &&
      o.natGatewayId === undefined &&
      o.routeTableId === undefined
    ) {
      // how-to-secure-training-vnet.md: no-public-IP compute has no internet egress without Azure default outbound
      // access; the docs recommend a NAT gateway or a firewall (route table) for the outbound rules it needs.
      // Reported as a note for now (not a warning) so existing programs that rely on private endpoints only keep a
      // clean warning list; see the network README.
      Annotations.of(this).addInfo(
        'azureml:network:noEgress',
        `compute without public IPs (${noPublicIp
          .slice(0, 3)
          .map((p) => p.node.path)
          .join(
            ', ',
          )}${noPublicIp.length > 3 ? ', …' : ''}) is in a subnet with defaultOutboundAccess: false and no NAT gateway or route table: it cannot reach Azure ML, Batch or Storage over the internet. Fix: set natGatewayId (NAT gateway) or routeTableId (firewall), unless every dependency is reached through private endpoints`,
      );
    }
  }
}

/** What is known about an imported subnet. */
export interface ImportedSubnetAttributes {
  /**
   * Region of the subnet's VNet.
   * @default - unknown (region checks are skipped)
   */
  readonly location?: string;
  /**
   * Address prefix.
   * @default - unknown (size checks are skipped)
   */
  readonly addressPrefix?: string;
  /**
   * Service delegations.
   * @default - unknown (assumed none)
   */
  readonly delegations?: readonly string[];
}

/** A subnet that exists outside this program. */
class ImportedSubnet extends Construct implements ISubnetRef {
  public readonly subnetId: string;
  public readonly location?: string;
  public readonly addressPrefix?: string;
  public readonly delegations?: readonly string[];
  private readonly placements = new Set<IComputePlacement>();
  private readonly block?: CidrBlock;

  constructor(scope: Construct, id: string, subnetId: string, attrs: ImportedSubnetAttributes) {
    super(scope, checkConstructId(scope, id));
    attrs = isReadableObject(attrs) ? cleanProps(attrs).props : {};
    this.subnetId = typeof subnetId === 'string' ? subnetId : '';
    this.location = attrs.location !== undefined ? normalizeLocation(attrs.location) : undefined;
    this.addressPrefix = attrs.addressPrefix;
    this.delegations = attrs.delegations;
    const parsed = parseArmId(this.subnetId);
    if (!parsed || parsed.type.toLowerCase() !== SUBNET_TYPE.toLowerCase()) {
      recordError(
        this,
        new ValidationError(
          'InvalidSubnetId',
          `${typeof subnetId === 'string' ? `"${subnetId}"` : describeKind(subnetId)} is not a subnet resource id`,
          this,
          {
            value: subnetId,
            allowed:
              '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>',
            fix: 'copy the id from `az network vnet subnet show --query id`',
          },
        ),
      );
    }
    if (attrs.addressPrefix !== undefined) this.block = checkCidr(this, attrs.addressPrefix, 'addressPrefix');
    onValidate(this, () =>
      validatePlacements(this, [...this.placements], {
        addressPrefix: this.addressPrefix,
        block: this.block,
        delegations: this.delegations ?? [],
        extraIps: 0,
      }),
    );
  }

  public registerCompute(compute: IComputePlacement): void {
    this.placements.add(compute);
  }
}

function validatePlacements(
  subnet: IConstruct,
  placements: readonly IComputePlacement[],
  info: { addressPrefix?: string; block?: CidrBlock; delegations: readonly string[]; extraIps: number },
): void {
  if (placements.length === 0) return;
  // Name at most five computes in a message; a subnet can hold hundreds of personal instances.
  const names = (f: (p: IComputePlacement) => string): string =>
    placements.slice(0, 5).map(f).join(', ') + (placements.length > 5 ? ` and ${placements.length - 5} more` : '');
  const source = AzureResource.isAzureResource(subnet) ? subnet.source : undefined;
  if (info.delegations.length) {
    recordError(
      subnet,
      new ValidationError(
        'DelegatedSubnet',
        `subnet is delegated to ${info.delegations.join(', ')} but holds Azure ML compute (${names((p) => p.node.path)})`,
        subnet,
        {
          value: info.delegations,
          allowed: 'a subnet without delegations',
          fix: 'place the compute in a subnet without delegations, or remove the delegation',
          ...(source ? { source } : {}),
        },
      ),
    );
  }
  if (info.block) {
    const need = placements.reduce((n, c) => n + Math.max(0, Number(c.maxIpCount) || 0), 0) + info.extraIps;
    const have = azureUsableAddresses(info.block);
    if (need > have) {
      recordError(
        subnet,
        new ValidationError(
          'SubnetTooSmall',
          `subnet ${info.addressPrefix} has ${have} usable addresses (Azure reserves 5) but its compute needs up to ${need}: ${names((p) => `${p.node.path} (${p.maxIpCount})`)}${info.extraIps ? ` and ${info.extraIps} private endpoint(s)` : ''}`,
          subnet,
          {
            value: info.addressPrefix,
            allowed: `a prefix of /${prefixFor(need)} or larger (≥ ${need} usable addresses)`,
            fix: 'enlarge the subnet, lower maxNodeCount, or spread compute over several subnets',
            ...(source ? { source } : {}),
          },
        ),
      );
    }
  }
}

function checkCidr(scope: IConstruct, value: unknown, field: string): CidrBlock | undefined {
  const b = parseCidr(value);
  if (!b) {
    recordError(
      scope,
      new ValidationError('InvalidCidr', `${field} "${String(value)}" is not a valid IPv4 CIDR`, scope, {
        value,
        allowed: 'a.b.c.d/n with octets 0-255 and n 0-32, e.g. 10.10.1.0/24',
        fix: `fix ${field}`,
      }),
    );
    return undefined;
  }
  if (b.hostBitsSet) {
    recordError(
      scope,
      new ValidationError(
        'InvalidCidr',
        `${field} "${String(value)}" has host bits set; Azure expects the network address`,
        scope,
        {
          value,
          allowed: networkOf(b),
          fix: `use ${networkOf(b)}`,
        },
      ),
    );
    return undefined;
  }
  return b;
}

/** Subnets inside the address space (when known) and disjoint from each other. */
function validateSubnets(
  subnetList: readonly Subnet[],
  blocks: readonly CidrBlock[],
  addressSpace: readonly string[],
): void {
  const seen: Array<{ subnet: Subnet; block: CidrBlock }> = [];
  for (const s of subnetList) {
    const b = s.block;
    if (!b) continue;
    if (blocks.length && !blocks.some((outer) => cidrContains(outer, b))) {
      recordError(
        s,
        new ValidationError(
          'SubnetOutsideAddressSpace',
          `subnet prefix ${s.addressPrefix} is not inside the VNet address space ${addressSpace.join(', ')}`,
          s,
          {
            value: s.addressPrefix,
            allowed: `a prefix inside ${addressSpace.join(' or ')}`,
            fix: 'change the subnet prefix or add a matching prefix to the VNet addressSpace',
            ...(s.source ? { source: s.source } : {}),
          },
        ),
      );
    }
    for (const o of seen) {
      if (cidrOverlaps(b, o.block)) {
        recordError(
          s,
          new ValidationError(
            'SubnetOverlap',
            `subnet prefix ${s.addressPrefix} overlaps subnet ${o.subnet.node.path} (${o.subnet.addressPrefix})`,
            s,
            {
              value: s.addressPrefix,
              allowed: 'subnet prefixes that do not overlap within one VNet',
              fix: 'give the subnets disjoint prefixes',
              ...(s.source ? { source: s.source } : {}),
            },
          ),
        );
      }
    }
    seen.push({ subnet: s, block: b });
  }
}

/** An existing VNet (not managed) whose subnets this program defines. */
class ExistingVirtualNetwork extends Construct implements IVirtualNetwork {
  public readonly virtualNetworkId: string;
  public readonly location?: string;
  public readonly addressSpace: readonly string[];
  private readonly blocks: CidrBlock[] = [];
  private readonly subnetList: Subnet[] = [];

  constructor(scope: Construct, id: string, virtualNetworkId: string, attrs: ExistingVirtualNetworkAttributes) {
    super(scope, checkConstructId(scope, id));
    Object.defineProperty(this, VNET_REF, { value: true });
    this.virtualNetworkId = typeof virtualNetworkId === 'string' ? virtualNetworkId : '';
    const a: ExistingVirtualNetworkAttributes = isReadableObject(attrs) ? cleanProps(attrs).props : {};
    this.location = a.location !== undefined ? normalizeLocation(a.location) : undefined;
    this.addressSpace = stringList(this, a.addressSpace, 'addressSpace', '["10.50.0.0/16"]');
    for (const c of this.addressSpace) {
      const b = checkCidr(this, c, 'addressSpace');
      if (b) this.blocks.push(b);
    }
    const parsed = parseArmId(this.virtualNetworkId);
    if (!parsed || parsed.type.toLowerCase() !== VNET_TYPE.toLowerCase()) {
      recordError(
        this,
        new ValidationError(
          'InvalidVirtualNetworkId',
          `${typeof virtualNetworkId === 'string' ? `"${virtualNetworkId}"` : describeKind(virtualNetworkId)} is not a virtual network resource id`,
          this,
          {
            value: virtualNetworkId,
            allowed: '/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<name>',
            fix: 'copy the id from `az network vnet show --query id`',
          },
        ),
      );
    }
    onValidate(this, () => validateSubnets(this.subnetList, this.blocks, this.addressSpace));
  }

  public addSubnet(id: string, options: SubnetOptions): Subnet {
    return new Subnet(this, id, { ...options, virtualNetwork: this });
  }

  public registerSubnet(subnet: Subnet): Subnet | undefined {
    const prev = this.subnetList[this.subnetList.length - 1];
    this.subnetList.push(subnet);
    return prev;
  }
}
