/**
 * `NetworkSecurityGroup`: an NSG whose Azure Machine Learning rules are derived, at synthesis, from the compute
 * placed in the subnets it is attached to, plus any rules you add.
 *
 * Derived rules (../shared/reference/azureml-api.md §10, from azure-ai-docs `how-to-secure-training-vnet.md`):
 *
 * | name | when | direction | protocol / ports | peer |
 * |---|---|---|---|---|
 * | `AzureML-In-44224` | some compute has public IPs | Inbound | TCP 44224 | from `AzureMachineLearning` |
 * | `AzureML-In-SSH` | some compute enables SSH | Inbound | TCP 22 | from the compute's allowed CIDRs only |
 * | `AzureML-Out-AzureML-Tcp` | any compute | Outbound | TCP 443, 8787, 18881 | to `AzureMachineLearning` |
 * | `AzureML-Out-AzureML-Udp` | any compute | Outbound | UDP 5831 | to `AzureMachineLearning` |
 * | `AzureML-Out-Batch` | any compute | Outbound | any 443 | to `BatchNodeManagement.<region>` |
 * | `AzureML-Out-Storage` | any compute | Outbound | TCP 443 | to `Storage.<region>` |
 * | `AzureML-Out-Storage-Smb` | a compute instance | Outbound | TCP 445 | to `Storage.<region>` (the workspace file share is mounted over SMB) |
 *
 * Derived rules use priorities 3000–3099 (inbound and outbound bands); your rules may use any other priority in
 * 100–4096. Priorities are unique per direction (ARM rejects duplicates), and so are rule names.
 */
import type { Construct } from 'constructs';
import { AzureResource, type ResourceOptionsProps } from '../../core/resource.js';
import { Stack, normalizeLocation } from '../../core/stack.js';
import { Names, NAME_RULES, type NamingProps } from '../../core/names.js';
import { Annotations, recordError } from '../../core/annotations.js';
import { onValidate } from '../../core/lifecycle.js';
import { ValidationError } from '../../core/errors.js';
import { apiVersionFor } from '../../catalog/api-versions.js';
import type { IComputePlacement } from '../refs.js';
import { parseCidr } from './cidr.js';
import { list } from './props.js';
import { prepareConstruct, reportPropProblems } from '../../core/props.js';
import { hasBrand } from '../../core/brand.js';

const NSG = Symbol.for('amlcdk.NetworkSecurityGroup');
const TYPE = 'Microsoft.Network/networkSecurityGroups';

/** Protocols a security rule accepts. */
export type SecurityRuleProtocol = 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | '*';

/** One security rule. Addresses accept CIDRs, IPs, `*` and service tags (`AzureMachineLearning`, `VirtualNetwork`, …). */
export interface SecurityRuleProps {
  /** Rule name, unique in the NSG (1-80 chars). */
  readonly name: string;
  /** 100–4096, unique per direction; lower runs first. */
  readonly priority: number;
  readonly direction: 'Inbound' | 'Outbound';
  readonly access: 'Allow' | 'Deny';
  /** @default '*' */
  readonly protocol?: SecurityRuleProtocol;
  /**
   * Source addresses (CIDR, IP, `*` or a service tag). One entry is sent as `sourceAddressPrefix`, several as
   * `sourceAddressPrefixes`.
   * @default ['*']
   */
  readonly sourceAddresses?: readonly string[];
  /** @default ['*'] */
  readonly sourcePorts?: readonly (string | number)[];
  /** @default ['*'] */
  readonly destinationAddresses?: readonly string[];
  /** @default ['*'] */
  readonly destinationPorts?: readonly (string | number)[];
  /**
   * At most 140 characters.
   * @default - none
   */
  readonly description?: string;
}

/** Props of a {@link NetworkSecurityGroup}. */
export interface NetworkSecurityGroupProps extends ResourceOptionsProps, NamingProps {
  /**
   * NSG name.
   * @default - derived from the construct path
   */
  readonly networkSecurityGroupName?: string;
  /**
   * Region.
   * @default - the stack's location
   */
  readonly location?: string;
  /**
   * Tags.
   * @default - the stack's tags
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Emit the Azure ML rules derived from the compute in this NSG's subnets.
   * @default true
   */
  readonly deriveAzureMlRules?: boolean;
  /**
   * Rules to add at construction (same as calling `addRule` for each).
   * @default - none
   */
  readonly rules?: readonly SecurityRuleProps[];
  /**
   * Add `Deny-Internet-Outbound` (priority 4096: after every other rule): outbound internet traffic is denied except
   * what the derived Azure ML rules and your own rules allow. Data-exfiltration control for locked-down teams.
   * @default false
   */
  readonly denyOtherInternetOutbound?: boolean;
}

/** A security rule as rendered in the NSG body. */
export interface RenderedSecurityRule {
  readonly name: string;
  readonly properties: Record<string, unknown>;
}

const PROTOCOLS: readonly string[] = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'];
const DERIVED_PRIORITY_MIN = 3000;
const DERIVED_PRIORITY_MAX = 3099;

/**
 * A network security group. Attach it to subnets (`networkSecurityGroup` of `addSubnet`); compute placed in
 * those subnets contributes the Azure ML rules it needs.
 *
 * @example
 * const nsg = new NetworkSecurityGroup(stack, 'TrainingNsg');
 * const subnet = vnet.addSubnet('Training', { addressPrefix: '10.10.1.0/24', networkSecurityGroup: nsg });
 * nsg.addRule({ name: 'DenyInternetOut', priority: 4000, direction: 'Outbound', access: 'Deny', destinationAddresses: ['Internet'] });
 */
export class NetworkSecurityGroup extends AzureResource {
  public static isNetworkSecurityGroup(x: unknown): x is NetworkSecurityGroup {
    return hasBrand(x, NSG);
  }

  /** @attribute */
  public readonly networkSecurityGroupName: string;
  /** @attribute */
  public readonly networkSecurityGroupId: string;
  public readonly location: string;
  public readonly deriveAzureMlRules: boolean;
  private readonly tags?: Readonly<Record<string, string>>;
  private readonly userRules: SecurityRuleProps[] = [];
  private readonly placements = new Set<IComputePlacement>();

  constructor(scope: Construct, id: string, props: NetworkSecurityGroupProps = {}) {
    const prepared = prepareConstruct(scope, id, props);
    id = prepared.id;
    props = prepared.props;
    props = props ?? {};
    const stack = Stack.of(scope);
    const name =
      props.networkSecurityGroupName !== undefined
        ? String(props.networkSecurityGroupName)
        : Names.derive('generic', props.previousPath ?? `${Names.pathFor(scope)}/${id}`);
    const resourceId = `${stack.providerPrefix()}${TYPE}/${name}`;
    super(scope, id, {
      armType: TYPE,
      apiVersion: apiVersionFor(TYPE),
      resourceId,
      resourceName: name,
      options: props,
    });
    reportPropProblems(this, prepared.problems);
    Object.defineProperty(this, NSG, { value: true });
    this.networkSecurityGroupName = name;
    this.networkSecurityGroupId = resourceId;
    this.location = props.location !== undefined ? normalizeLocation(props.location) : stack.location;
    this.deriveAzureMlRules = props.deriveAzureMlRules ?? true;
    this.tags = props.tags;
    if (props.networkSecurityGroupName !== undefined && Names.check('generic', name)) {
      recordError(
        this,
        new ValidationError('InvalidNetworkSecurityGroupName', `NSG name "${name}" is not valid`, this, {
          value: name,
          allowed: NAME_RULES.generic.description,
          fix: 'rename the NSG or leave networkSecurityGroupName unset to derive one',
        }),
      );
    }
    for (const r of list<SecurityRuleProps>(
      this,
      (props ?? {}).rules,
      'rules',
      '[{ name, priority, direction, access }]',
    ))
      this.addRule(r);
    if (props.denyOtherInternetOutbound === true) {
      this.addRule({
        name: 'Deny-Internet-Outbound',
        priority: 4096,
        direction: 'Outbound',
        access: 'Deny',
        protocol: '*',
        sourceAddresses: ['*'],
        destinationAddresses: ['Internet'],
        description: 'Deny outbound internet traffic not allowed by an earlier rule',
      });
    }
    onValidate(this, () => this.validateRules());
  }

  /** Add a rule. Problems (priority range, duplicates, bad fields) are reported at synthesis with every other error. */
  public addRule(rule: SecurityRuleProps): this {
    const r = { ...(typeof rule === 'object' && rule !== null ? rule : {}) } as SecurityRuleProps &
      Record<string, unknown>;
    // List fields are normalized here so that a bad value becomes a coded error, not a crash at synthesis.
    for (const f of ['sourceAddresses', 'destinationAddresses', 'sourcePorts', 'destinationPorts'] as const) {
      if (r[f] !== undefined && !Array.isArray(r[f])) {
        recordError(
          this,
          new ValidationError('InvalidSecurityRule', `rule "${String(r.name)}": ${f} must be a list`, this, {
            value: r[f],
            allowed: f.endsWith('Ports')
              ? 'an array such as [443, "8000-8100"]'
              : 'an array such as ["10.0.0.0/8", "AzureMachineLearning"]',
            fix: `pass ${f} as an array`,
          }),
        );
        delete r[f];
      }
    }
    this.userRules.push(r);
    return this;
  }

  /** Record that compute lands in a subnet of this NSG (called by `Subnet.registerCompute`). */
  public registerCompute(compute: IComputePlacement): void {
    this.placements.add(compute);
  }

  /** The compute registered so far. */
  public get registeredCompute(): readonly IComputePlacement[] {
    return [...this.placements];
  }

  /** The Azure ML rules derived from the registered compute (empty when `deriveAzureMlRules` is false). */
  public derivedRules(): SecurityRuleProps[] {
    if (!this.deriveAzureMlRules || this.placements.size === 0) return [];
    const placements = [...this.placements];
    const region = this.location;
    const out: SecurityRuleProps[] = [];
    let inP = DERIVED_PRIORITY_MIN;
    let outP = DERIVED_PRIORITY_MIN;
    if (placements.some((p) => p.nodePublicIp)) {
      out.push({
        name: 'AzureML-In-44224',
        priority: inP++,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddresses: ['AzureMachineLearning'],
        destinationAddresses: ['VirtualNetwork'],
        destinationPorts: [44224],
        description: 'Azure ML: inbound from AzureMachineLearning for compute with public IPs',
      });
    }
    const sshCidrs = [
      ...new Set(
        placements
          .flatMap((p): unknown[] =>
            Array.isArray(p.sshSourceCidrs) ? [...(p.sshSourceCidrs as readonly unknown[])] : [],
          )
          .filter((c): c is string => typeof c === 'string'),
      ),
    ].sort();
    if (sshCidrs.length) {
      out.push({
        name: 'AzureML-In-SSH',
        priority: inP++,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddresses: sshCidrs,
        destinationAddresses: ['VirtualNetwork'],
        destinationPorts: [22],
        description: 'SSH to compute, only from the allowed source CIDRs',
      });
    }
    out.push(
      {
        name: 'AzureML-Out-AzureML-Tcp',
        priority: outP++,
        direction: 'Outbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddresses: ['VirtualNetwork'],
        destinationAddresses: ['AzureMachineLearning'],
        destinationPorts: [443, 8787, 18881],
        description: 'Azure ML: control plane, instance applications',
      },
      {
        name: 'AzureML-Out-AzureML-Udp',
        priority: outP++,
        direction: 'Outbound',
        access: 'Allow',
        protocol: 'Udp',
        sourceAddresses: ['VirtualNetwork'],
        destinationAddresses: ['AzureMachineLearning'],
        destinationPorts: [5831],
        description: 'Azure ML: compute instance tunnel',
      },
      {
        name: 'AzureML-Out-Batch',
        priority: outP++,
        direction: 'Outbound',
        access: 'Allow',
        protocol: '*',
        sourceAddresses: ['VirtualNetwork'],
        destinationAddresses: [`BatchNodeManagement.${region}`],
        destinationPorts: [443],
        description: 'Azure ML: node management (Azure Batch)',
      },
      {
        name: 'AzureML-Out-Storage',
        priority: outP++,
        direction: 'Outbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddresses: ['VirtualNetwork'],
        destinationAddresses: [`Storage.${region}`],
        destinationPorts: [443],
        description: 'Azure ML: workspace storage',
      },
    );
    if (placements.some((p) => p.computeKind === 'ComputeInstance')) {
      out.push({
        name: 'AzureML-Out-Storage-Smb',
        priority: outP++,
        direction: 'Outbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddresses: ['VirtualNetwork'],
        destinationAddresses: [`Storage.${region}`],
        destinationPorts: [445],
        description: 'Azure ML: SMB mount of the workspace file share on compute instances',
      });
    }
    return out;
  }

  /** Every rule the NSG will hold: derived ones then yours, sorted by direction and priority. */
  public allRules(): SecurityRuleProps[] {
    return [...this.derivedRules(), ...this.userRules].sort(
      (a, b) =>
        (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : 0) ||
        a.priority - b.priority ||
        (a.name < b.name ? -1 : 1),
    );
  }

  protected renderBody(): Record<string, unknown> {
    return {
      location: this.location,
      ...(this.tags && Object.keys(this.tags).length ? { tags: { ...this.tags } } : {}),
      // Rules with invalid fields were reported with coded errors; leave them out so the schema does not repeat them.
      properties: { securityRules: this.allRules().filter(renderable).map(renderRule) },
    };
  }

  private validateRules(): void {
    const derived = this.derivedRules();
    this.warnShadowedRules(derived);
    const seenPriority = new Map<string, string>();
    const seenName = new Map<string, string>();
    for (const r of derived) {
      seenPriority.set(`${r.direction}/${r.priority}`, r.name);
      seenName.set(r.name.toLowerCase(), r.name);
    }
    for (const r of this.userRules) {
      const where = `rule "${String(r.name)}"`;
      if (typeof r.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$|^[A-Za-z0-9]$/.test(r.name)) {
        this.err(
          'InvalidSecurityRule',
          `${where}: name is not valid`,
          r.name,
          '1-80 letters, digits, "_", "." or "-", starting with a letter or digit',
          'rename the rule',
        );
        continue;
      }
      if (!Number.isInteger(r.priority) || r.priority < 100 || r.priority > 4096) {
        this.err(
          'NsgRulePriorityOutOfRange',
          `${where}: priority ${String(r.priority)} is outside 100-4096`,
          r.priority,
          'an integer from 100 to 4096, unique per direction',
          'pick a priority in 100-4096',
        );
      }
      if (r.direction !== 'Inbound' && r.direction !== 'Outbound') {
        this.err(
          'InvalidSecurityRule',
          `${where}: direction must be Inbound or Outbound`,
          r.direction,
          'Inbound | Outbound',
          'set direction',
        );
      }
      if (r.access !== 'Allow' && r.access !== 'Deny') {
        this.err(
          'InvalidSecurityRule',
          `${where}: access must be Allow or Deny`,
          r.access,
          'Allow | Deny',
          'set access',
        );
      }
      if (r.protocol !== undefined && !PROTOCOLS.includes(r.protocol)) {
        this.err(
          'InvalidSecurityRule',
          `${where}: protocol "${String(r.protocol)}" is not valid`,
          r.protocol,
          PROTOCOLS.join(' | '),
          'use one of the allowed protocols',
        );
      }
      if (r.description !== undefined && r.description.length > 140) {
        this.err(
          'InvalidSecurityRule',
          `${where}: description is longer than 140 characters`,
          r.description.length,
          '≤ 140 characters',
          'shorten the description',
        );
      }
      for (const port of [...(r.sourcePorts ?? []), ...(r.destinationPorts ?? [])]) {
        if (!isPortSpec(port)) {
          this.err(
            'InvalidSecurityRule',
            `${where}: port "${String(port)}" is not a port, a range or "*"`,
            port,
            '"*", 0-65535 or a range like "8000-8100"',
            'fix the port',
          );
        }
      }
      for (const a of [...(r.sourceAddresses ?? []), ...(r.destinationAddresses ?? [])]) {
        if (typeof a !== 'string' || a.length === 0) {
          this.err(
            'InvalidSecurityRule',
            `${where}: an address is empty`,
            a,
            'a CIDR, an IP, "*" or a service tag',
            'fix the address',
          );
        } else if (/^[\d./]+$/.test(a) && a.includes('/') && !parseCidr(a)) {
          this.err(
            'InvalidCidr',
            `${where}: "${a}" is not a valid IPv4 CIDR`,
            a,
            'a.b.c.d/n with octets ≤ 255 and n ≤ 32',
            'fix the address prefix',
          );
        }
      }
      const pk = `${r.direction}/${r.priority}`;
      const prevP = seenPriority.get(pk);
      if (prevP !== undefined && Number.isInteger(r.priority)) {
        const derivedHint =
          r.priority >= DERIVED_PRIORITY_MIN && r.priority <= DERIVED_PRIORITY_MAX
            ? ' (priorities 3000-3099 are used by the derived Azure ML rules)'
            : '';
        this.err(
          'DuplicateNsgRulePriority',
          `${where}: ${r.direction} priority ${r.priority} is already used by rule "${prevP}"${derivedHint}`,
          r.priority,
          'a priority not used by another rule of the same direction',
          'change one of the priorities',
        );
      } else seenPriority.set(pk, r.name);
      const prevN = seenName.get(r.name.toLowerCase());
      if (prevN !== undefined) {
        this.err(
          'DuplicateNsgRuleName',
          `${where}: name is already used by another rule${prevN.startsWith('AzureML-') ? ' (a derived Azure ML rule)' : ''}`,
          r.name,
          'rule names unique within the NSG',
          'rename one of the rules',
        );
      } else seenName.set(r.name.toLowerCase(), r.name);
    }
  }

  /**
   * Warn when one of your Deny rules runs before (lower priority number) a derived Azure ML rule and matches its
   * traffic, e.g. a "deny all outbound" at 100: the compute would lose the service connections it needs.
   */
  private warnShadowedRules(derived: readonly SecurityRuleProps[]): void {
    for (const d of derived) {
      const blocker = this.userRules.find(
        (u) =>
          renderable(u) &&
          u.access === 'Deny' &&
          u.direction === d.direction &&
          u.priority < d.priority &&
          covers(u, d),
      );
      if (!blocker) continue;
      Annotations.of(this).addWarning(
        'azureml:network:nsgBlocksAzureMl',
        `rule "${blocker.name}" (Deny, priority ${blocker.priority}) runs before derived rule "${d.name}" (priority ${d.priority}) and blocks traffic Azure ML compute needs`,
        {
          value: { rule: blocker.name, priority: blocker.priority, blocks: d.name },
          fix: `give "${blocker.name}" a priority above ${DERIVED_PRIORITY_MAX} (derived rules use ${DERIVED_PRIORITY_MIN}-${DERIVED_PRIORITY_MAX}) or narrow it`,
          ...(this.source ? { source: this.source } : {}),
        },
      );
    }
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

/** Whether rule `u` matches all traffic of rule `d` (protocol, the peer on the remote side, and d's ports). */
function covers(u: SecurityRuleProps, d: SecurityRuleProps): boolean {
  const proto = u.protocol ?? '*';
  if (proto !== '*' && proto !== (d.protocol ?? '*')) return false;
  // The remote peer: destination for outbound rules, source for inbound ones. `Internet` includes Azure's public
  // service-tag ranges (AzureMachineLearning, Storage.<region>, BatchNodeManagement.<region>).
  const remote = (r: SecurityRuleProps): readonly string[] =>
    (r.direction === 'Outbound' ? r.destinationAddresses : r.sourceAddresses) ?? ['*'];
  const uPeers = remote(u).map((x) => String(x).toLowerCase());
  const dPeers = remote(d).map((x) => String(x).toLowerCase());
  const peerOk =
    uPeers.includes('*') ||
    dPeers.every((p) => uPeers.includes(p) || (uPeers.includes('internet') && !/^(\d|virtualnetwork)/.test(p)));
  if (!peerOk) return false;
  const uPorts = (u.destinationPorts ?? ['*']).map(String);
  const dPorts = (d.destinationPorts ?? ['*']).map(String);
  return dPorts.every((p) => uPorts.some((q) => portCovers(q, p)));
}

function portCovers(range: string, port: string): boolean {
  if (range === '*') return true;
  if (port === '*') return false;
  const [a, b] = range.split('-').map(Number);
  const p = Number(port);
  return Number.isFinite(a) && p >= a && p <= (b ?? a);
}

function renderable(r: SecurityRuleProps): boolean {
  return (
    Number.isInteger(r.priority) &&
    r.priority >= 100 &&
    r.priority <= 4096 &&
    (r.direction === 'Inbound' || r.direction === 'Outbound') &&
    (r.access === 'Allow' || r.access === 'Deny') &&
    (r.protocol === undefined || PROTOCOLS.includes(r.protocol)) &&
    typeof r.name === 'string' &&
    r.name.length > 0
  );
}

function isPortSpec(p: unknown): boolean {
  if (p === '*') return true;
  if (typeof p === 'number') return Number.isInteger(p) && p >= 0 && p <= 65535;
  if (typeof p !== 'string') return false;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(p);
  if (!m) return false;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  return a <= 65535 && b <= 65535 && a <= b;
}

function renderRule(r: SecurityRuleProps): RenderedSecurityRule {
  const props: Record<string, unknown> = {
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol ?? '*',
  };
  Object.assign(props, many('sourceAddressPrefix', r.sourceAddresses ?? ['*']));
  Object.assign(props, many('sourcePortRange', (r.sourcePorts ?? ['*']).map(String)));
  Object.assign(props, many('destinationAddressPrefix', r.destinationAddresses ?? ['*']));
  Object.assign(props, many('destinationPortRange', (r.destinationPorts ?? ['*']).map(String)));
  if (r.description !== undefined) props.description = r.description;
  return { name: r.name, properties: props };
}

/** ARM has a singular field for one value and a plural array field for several. */
function many(field: string, values: readonly string[]): Record<string, unknown> {
  const plural = field.endsWith('Prefix') ? `${field}es` : `${field}s`;
  return values.length === 1 ? { [field]: values[0] } : { [plural]: [...values] };
}
