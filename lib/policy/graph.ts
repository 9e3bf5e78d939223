/**
 * An index over one manifest for graph rules: resources by id and type, a compute's workspace, subnets and
 * their NSGs (separate or inline), private endpoints by target, role assignments by principal. Built once per
 * manifest so that every lookup is O(1) and 10k-resource manifests check quickly.
 */
import type { Manifest, ManifestResource } from '../manifest/types.js';
import { containsDeployTimeValue } from '../manifest/unknown.js';
import { noteUnknownRead, withUnknownWatch, type UnknownRead } from './unknowns.js';
import { T, get, lower, refId, text } from './util.js';

/** Normalized ARM id: lower case, no trailing slash, no subscription segment (CrossGuard may not know it). */
export function normId(id: string): string {
  let s = id.toLowerCase();
  while (s.endsWith('/')) s = s.slice(0, -1);
  if (s.startsWith('/subscriptions/')) {
    const i = s.indexOf('/', 15);
    s = i < 0 ? '' : s.slice(i);
  }
  return s;
}

/** Parent id of a child resource id (`.../workspaces/w/computes/c` → `.../workspaces/w`). */
export function parentId(id: string): string {
  let end = id.length;
  while (end > 0 && id[end - 1] === '/') end--;
  const a = id.lastIndexOf('/', end - 1);
  const b = a > 0 ? id.lastIndexOf('/', a - 1) : -1;
  return b < 0 ? '' : id.slice(0, b);
}

export interface NsgRule {
  readonly name: string;
  readonly priority: number;
  readonly direction: string;
  readonly access: string;
  readonly protocol: string;
  readonly sources: readonly string[];
  readonly destinations: readonly string[];
  readonly ports: readonly string[];
  /** The resource that defines it (the NSG, or a separate securityRules resource). */
  readonly definedBy: ManifestResource;
  /** Path of the rule inside `definedBy.body`. */
  readonly path: string;
}

export interface SubnetInfo {
  readonly id: string;
  /** The subnet resource, or the VNet holding it inline. */
  readonly resource: ManifestResource;
  readonly path: string;
  readonly nsgId?: string;
  readonly body: Record<string, unknown>;
}

export class ManifestGraph {
  public readonly byId = new Map<string, ManifestResource>();
  public readonly byLogicalId = new Map<string, ManifestResource>();
  private readonly byType = new Map<string, ManifestResource[]>();
  private readonly subnets = new Map<string, SubnetInfo>();
  private readonly nsgRules = new Map<string, NsgRule[]>();
  private readonly pesByTarget = new Map<string, ManifestResource[]>();
  private readonly dnsGroupsByPe = new Map<string, ManifestResource[]>();
  private readonly computesByWorkspace = new Map<string, ManifestResource[]>();
  private readonly computesBySubnet = new Map<string, ManifestResource[]>();
  private readonly assignmentsByPrincipal = new Map<string, ManifestResource[]>();
  private readonly sortedNsgRules = new Map<string, NsgRule[]>();
  private readonly rulesByDefiner = new Map<ManifestResource, NsgRule[]>();
  private computesByNsg?: Map<string, ManifestResource[]>;
  private assignedUsers?: Set<string>;
  /**
   * Deploy-time values the indexes met (a compute's subnet, an endpoint's target, ...), by the kind of link they
   * hide; lookups that depend on that kind note them again, so the rule that asked is not judged on a guess.
   */
  private readonly unknownLinks = new Map<string, UnknownRead[]>();
  public readonly hasDeployTimeValues: boolean;

  constructor(
    public readonly manifest: Manifest,
    hasDeployTimeValues?: boolean,
  ) {
    this.hasDeployTimeValues =
      hasDeployTimeValues ?? manifest.resources.some((r) => containsDeployTimeValue([r.name, r.body]));
    for (const r of manifest.resources) {
      this.byId.set(normId(r.id), r);
      this.byLogicalId.set(r.logicalId, r);
      const t = r.type.toLowerCase();
      let list = this.byType.get(t);
      if (!list) this.byType.set(t, (list = []));
      list.push(r);
    }
    for (const r of manifest.resources) this.record(this.linkKind(r), r, () => this.index(r));
  }

  private linkKind(r: ManifestResource): string {
    const t = r.type.toLowerCase();
    if (t === T.nsg) return `nsgRules:${normId(r.id)}`;
    if (t === T.nsgRule) return `nsgRules:${normId(parentId(r.id))}`;
    if (t === T.compute) return 'computeSubnet';
    if (t === T.subnet || t === T.vnet) return 'subnetNsg';
    if (t === T.privateEndpoint) return 'peTarget';
    if (t === T.roleAssignment) return 'principal';
    return 'other';
  }

  /** Run an index step, keeping the deploy-time values it read under `kind`. */
  private record(kind: string, r: ManifestResource, fn: () => void): void {
    if (!this.hasDeployTimeValues) return fn();
    const { reads } = withUnknownWatch(fn);
    if (reads.length === 0) return;
    let list = this.unknownLinks.get(kind);
    if (!list) this.unknownLinks.set(kind, (list = []));
    for (const x of reads)
      list.push({
        path: `${r.logicalId}: ${x.path}`,
        what: x.what,
        ...(x.reference ? { reference: true as const } : {}),
      });
  }

  /** Note again the deploy-time values hidden behind the links a lookup follows. */
  private renote(...kinds: string[]): void {
    if (!this.hasDeployTimeValues) return;
    for (const k of kinds) for (const x of this.unknownLinks.get(k) ?? []) noteUnknownRead(x);
  }

  private push<K>(map: Map<K, ManifestResource[]>, key: K, r: ManifestResource): void {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    list.push(r);
  }

  private index(r: ManifestResource): void {
    const t = r.type.toLowerCase();
    const body = r.body as Record<string, unknown>;
    switch (t) {
      case T.compute: {
        this.push(this.computesByWorkspace, normId(parentId(r.id)), r);
        const subnet = refId(get(body, 'properties.properties.subnet'));
        if (subnet) this.push(this.computesBySubnet, normId(subnet), r);
        break;
      }
      case T.subnet:
        this.subnets.set(normId(r.id), {
          id: r.id,
          resource: r,
          path: '',
          nsgId: refId(get(body, 'properties.networkSecurityGroup')),
          body,
        });
        break;
      case T.vnet: {
        const subs = get(body, 'properties.subnets');
        if (Array.isArray(subs)) {
          subs.forEach((s: Record<string, unknown>, i) => {
            if (!s || typeof s.name !== 'string') return;
            const id = `${r.id}/subnets/${s.name}`;
            if (!this.subnets.has(normId(id)))
              this.subnets.set(normId(id), {
                id,
                resource: r,
                path: `properties.subnets.${i}`,
                nsgId: refId(get(s, 'properties.networkSecurityGroup')),
                body: s,
              });
          });
        }
        break;
      }
      case T.nsg: {
        const rules = get(body, 'properties.securityRules');
        if (Array.isArray(rules))
          rules.forEach((rule, i) => this.addNsgRule(normId(r.id), rule, r, `properties.securityRules.${i}`));
        break;
      }
      case T.nsgRule:
        this.addNsgRule(normId(parentId(r.id)), { name: r.name, properties: body.properties }, r, '');
        break;
      case T.privateEndpoint: {
        for (const key of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
          const conns = get(body, `properties.${key}`);
          if (!Array.isArray(conns)) continue;
          for (const c of conns) {
            const target = get(c, 'properties.privateLinkServiceId');
            if (typeof target === 'string') this.push(this.pesByTarget, normId(target), r);
          }
        }
        break;
      }
      case T.dnsZoneGroup:
        this.push(this.dnsGroupsByPe, normId(parentId(r.id)), r);
        break;
      case T.roleAssignment: {
        const p = get(body, 'properties.principalId');
        if (typeof p === 'string') this.push(this.assignmentsByPrincipal, p.toLowerCase(), r);
        break;
      }
    }
  }

  private addNsgRule(nsgKey: string, rule: unknown, definedBy: ManifestResource, path: string): void {
    const raw = (get(rule, 'properties') ?? {}) as Record<string, unknown>;
    // Every field through `get`, so that a deploy-time value among them is noted (and the rules using it not judged).
    const p = Object.fromEntries(Object.keys(raw).map((k) => [k, get(raw, k)]));
    const list = (single: unknown, multi: unknown): string[] => {
      const out: string[] = [];
      if (typeof single === 'string' && single) out.push(single);
      if (Array.isArray(multi)) for (const m of multi) if (typeof m === 'string') out.push(m);
      return out;
    };
    const parsed: NsgRule = {
      name: text(get(rule, 'name') ?? ''),
      priority:
        typeof p.priority === 'number'
          ? p.priority
          : typeof p.priority === 'string' && p.priority.trim() !== ''
            ? Number(p.priority) || 0
            : 0,
      direction: lower(p.direction),
      access: lower(p.access),
      protocol: lower(p.protocol ?? '*'),
      sources: list(p.sourceAddressPrefix, p.sourceAddressPrefixes),
      destinations: list(p.destinationAddressPrefix, p.destinationAddressPrefixes),
      ports: list(p.destinationPortRange, p.destinationPortRanges),
      definedBy,
      path,
    };
    let rules = this.nsgRules.get(nsgKey);
    if (!rules) this.nsgRules.set(nsgKey, (rules = []));
    rules.push(parsed);
    let own = this.rulesByDefiner.get(definedBy);
    if (!own) this.rulesByDefiner.set(definedBy, (own = []));
    own.push(parsed);
  }

  /** Security rules a resource defines (an NSG's inline rules, or a separate securityRules resource), even when
   *  the NSG itself is not in the manifest. */
  public nsgRulesDefinedBy(r: ManifestResource): readonly NsgRule[] {
    return this.rulesByDefiner.get(r) ?? [];
  }

  public ofType(type: string): readonly ManifestResource[] {
    return this.byType.get(type.toLowerCase()) ?? [];
  }

  public get(id: string | undefined): ManifestResource | undefined {
    return id ? this.byId.get(normId(id)) : undefined;
  }

  /** The workspace a compute or datastore belongs to, when it is in the manifest. */
  public workspaceOf(child: ManifestResource): ManifestResource | undefined {
    return this.byId.get(normId(parentId(child.id)));
  }

  public computesOf(workspace: ManifestResource): readonly ManifestResource[] {
    return this.computesByWorkspace.get(normId(workspace.id)) ?? [];
  }

  public computesInSubnet(subnetId: string): readonly ManifestResource[] {
    this.renote('computeSubnet');
    return this.computesBySubnet.get(normId(subnetId)) ?? [];
  }

  public subnet(id: string | undefined): SubnetInfo | undefined {
    this.renote('subnetNsg');
    return id ? this.subnets.get(normId(id)) : undefined;
  }

  /** Rules of an NSG (inline and separate), in priority order; undefined when the NSG is not in the manifest. */
  public nsgRulesOf(nsgId: string): readonly NsgRule[] | undefined {
    const key = normId(nsgId);
    this.renote(`nsgRules:${key}`);
    if (!this.byId.has(key)) return undefined;
    let sorted = this.sortedNsgRules.get(key);
    if (!sorted)
      this.sortedNsgRules.set(
        key,
        (sorted = [...(this.nsgRules.get(key) ?? [])].sort((a, b) => a.priority - b.priority)),
      );
    return sorted;
  }

  /** Managed compute (instances, clusters) in subnets whose NSG is `nsgId`. */
  public computesBehindNsg(nsgId: string): readonly ManifestResource[] {
    this.renote('computeSubnet', 'subnetNsg');
    if (!this.computesByNsg) {
      this.computesByNsg = new Map();
      for (const [subnetKey, computes] of this.computesBySubnet) {
        const nsg = this.subnets.get(subnetKey)?.nsgId;
        if (!nsg) continue;
        const k = normId(nsg);
        let list = this.computesByNsg.get(k);
        if (!list) this.computesByNsg.set(k, (list = []));
        list.push(...computes);
      }
    }
    return this.computesByNsg.get(normId(nsgId)) ?? [];
  }

  /** Object ids (lower case) of the assigned users of compute instances. */
  public assignedUserIds(): ReadonlySet<string> {
    if (!this.assignedUsers) {
      const users = new Set<string>();
      for (const c of this.ofType(T.compute))
        this.record('assignedUsers', c, () => {
          const oid = get(c.body, 'properties.properties.personalComputeInstanceSettings.assignedUser.objectId');
          if (typeof oid === 'string') users.add(oid.toLowerCase());
        });
      this.assignedUsers = users;
    }
    this.renote('assignedUsers');
    return this.assignedUsers;
  }

  public privateEndpointsTo(targetId: string): readonly ManifestResource[] {
    this.renote('peTarget');
    return this.pesByTarget.get(normId(targetId)) ?? [];
  }

  public dnsZoneGroupsOf(pe: ManifestResource): readonly ManifestResource[] {
    const inline = get(pe.body, 'properties.privateDnsZoneGroups');
    return [...(this.dnsGroupsByPe.get(normId(pe.id)) ?? []), ...(Array.isArray(inline) && inline.length ? [pe] : [])];
  }

  public roleAssignmentsOf(principalId: string): readonly ManifestResource[] {
    this.renote('principal');
    return this.assignmentsByPrincipal.get(principalId.toLowerCase()) ?? [];
  }
}

/** Scope of a role assignment: the id before `/providers/Microsoft.Authorization/roleAssignments/`. */
export function assignmentScope(r: ManifestResource): string {
  const explicit = get(r.body, 'properties.scope');
  if (typeof explicit === 'string') return explicit;
  const i = r.id.toLowerCase().lastIndexOf('/providers/microsoft.authorization/roleassignments/');
  return i >= 0 ? r.id.slice(0, i) || '/' : r.id;
}

/** True when `scope` is `target` or one of its ancestors (subscription, resource group, parent resource). */
export function scopeCovers(scope: string, target: string): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, '');
  const t = target.toLowerCase().replace(/\/+$/, '');
  return t === s || t.startsWith(s + '/');
}

// ---- NSG flow evaluation (first matching rule by priority wins; Azure default rules last) ----

export interface Flow {
  readonly direction: 'inbound' | 'outbound';
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  /** Source: a service tag, `Internet`, `VirtualNetwork` or a CIDR. */
  readonly source: string;
  readonly destination: string;
}

function addressMatches(prefixes: readonly string[], addr: string): boolean {
  const a = addr.toLowerCase();
  for (const raw of prefixes) {
    const p = raw.toLowerCase();
    if (p === '*' || p === 'any' || p === '0.0.0.0/0') return true;
    if (p === a) return true;
    // A regional tag (AzureMachineLearning.westeurope) covers the global flow only for that region; the global
    // tag covers every regional one.
    if (a.startsWith(p + '.')) return true;
    // Service tags other than VirtualNetwork/AzureLoadBalancer are reached over the Internet tag.
    if (p === 'internet' && a !== 'virtualnetwork' && a !== 'azureloadbalancer' && !/^\d/.test(a)) return true;
  }
  return false;
}

export function portMatches(ports: readonly string[], port: number): boolean {
  for (const raw of ports) {
    const p = raw.trim();
    if (p === '*') return true;
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    if (port >= lo && port <= hi) return true;
  }
  return false;
}

/** The first rule that matches a flow, or the Azure default rule's verdict. */
export function evaluateFlow(rules: readonly NsgRule[], flow: Flow): { allowed: boolean; rule?: NsgRule } {
  for (const r of rules) {
    if (r.direction !== flow.direction) continue;
    if (r.protocol !== '*' && r.protocol !== flow.protocol) continue;
    if (!portMatches(r.ports, flow.port)) continue;
    if (!addressMatches(r.sources, flow.source)) continue;
    if (!addressMatches(r.destinations.length ? r.destinations : ['*'], flow.destination)) continue;
    return { allowed: r.access === 'allow', rule: r };
  }
  // Defaults: inbound allows VirtualNetwork and AzureLoadBalancer only; outbound allows VirtualNetwork and Internet.
  if (flow.direction === 'inbound')
    return { allowed: ['virtualnetwork', 'azureloadbalancer'].includes(flow.source.toLowerCase()) };
  return { allowed: true };
}

/** True for an address prefix meaning "anyone on the Internet". */
export function isOpenSource(prefix: string): boolean {
  const p = prefix.trim().toLowerCase();
  return p === '*' || p === 'any' || p === 'internet' || p === '0.0.0.0/0' || p === '::/0';
}
