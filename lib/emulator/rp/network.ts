/**
 * Microsoft.Network: virtual networks and subnets (kept consistent between the VNet body and the subnet
 * resources, reference §10), network security groups, private endpoints (+ DNS zone groups), private DNS
 * zones (+ virtual network links). Semantics that bite real deployments are reproduced: a VNet PUT without
 * `subnets` keeps them while `subnets: []` deletes them, subnets in use cannot be deleted, parallel writes on
 * one VNet get 409 `AnotherOperationInProgress`, subnet ranges must fit the VNet and not overlap.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, conflict } from '../errors.js';
import type { DeleteInput, Engine, ResourceRecord, ResourceType, WriteInput, WritePlan } from '../engine.js';
import {
  at,
  checkLocationUnchanged,
  clone,
  envelope,
  guidFrom,
  obj,
  props,
  region,
  requireRef,
  type Json,
} from './common.js';
import { text } from '../../core/text.js';

const VNET = 'Microsoft.Network/virtualNetworks';
const SUBNET = 'Microsoft.Network/virtualNetworks/subnets';
const NSG = 'Microsoft.Network/networkSecurityGroups';
const PE = 'Microsoft.Network/privateEndpoints';
const SUBNET_KEY = SUBNET.toLowerCase();
const RULE_KEY = `${NSG}/securityRules`.toLowerCase();
const NAME = {
  re: /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$/,
  allowed:
    '1-80 characters: letters, digits, underscores, periods and hyphens; start with a letter or digit, end with a letter, digit or underscore',
};

const etag = (): string => `W/"${randomUUID()}"`;

// ------------------------------------------------------------------------------------------------ CIDR

function parseCidr(cidr: unknown, target: string): [number, number] {
  const m = typeof cidr === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr) : null;
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw badRequest(
      'InvalidAddressPrefixFormat',
      `Address prefix ${JSON.stringify(cidr)} is not a valid IPv4 CIDR (e.g. 10.0.1.0/24).`,
      target,
    );
  }
  const ip = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
  const bits = Number(m[5]);
  const size = 2 ** (32 - bits);
  const start = ip - (ip % size);
  if (start !== ip)
    throw badRequest(
      'InvalidCIDRNotation',
      `The address prefix ${String(cidr)} has bits set after the prefix length; use ${[start >>> 24, (start >>> 16) & 255, (start >>> 8) & 255, start & 255].join('.')}/${bits}.`,
      target,
    );
  return [start, start + size - 1];
}

function prefixesOf(p: Json): unknown[] {
  if (Array.isArray(p.addressPrefixes)) return p.addressPrefixes;
  return p.addressPrefix !== undefined ? [p.addressPrefix] : [];
}

// ------------------------------------------------------------------------------------------------ in use

function subnetUsers(engine: Engine, subnetId: string): string[] {
  const k = subnetId.toLowerCase();
  const users: string[] = [];
  for (const rec of engine.store.resources.values()) {
    const ref =
      rec.typeKey === 'microsoft.machinelearningservices/workspaces/computes'
        ? at(rec.body, 'properties.properties.subnet.id')
        : rec.typeKey === PE.toLowerCase()
          ? at(rec.body, 'properties.subnet.id')
          : undefined;
    if (typeof ref === 'string' && ref.toLowerCase() === k) users.push(rec.id);
  }
  return users;
}

function assertSubnetFree(engine: Engine, subnetId: string): void {
  const users = subnetUsers(engine, subnetId);
  if (users.length > 0) {
    throw badRequest(
      'InUseSubnetCannotBeDeleted',
      `Subnet ${subnetId.split('/').pop()} is in use by ${users.join(', ')} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet.`,
    );
  }
}

/** 409 when the VNet or any of its subnets has an operation running (what Microsoft.Network answers). */
function assertVnetIdle(engine: Engine, vnetId: string, self: string | undefined, now: number): void {
  const vnet = engine.find(vnetId, now);
  const busy = [vnet, ...engine.store.childrenOf(vnetId.toLowerCase()).map((r) => engine.find(r.id, now))].find(
    (r) => r && r.pending && r.id.toLowerCase() !== self,
  );
  if (busy) {
    throw conflict(
      'AnotherOperationInProgress',
      `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: operation ${busy.pending!.opId} on ${busy.id}. Retry the request after it completes.`,
    );
  }
}

// ------------------------------------------------------------------------------------------------ subnets

function subnetBody(
  engine: Engine,
  req: WriteInput['req'],
  vnetId: string,
  name: string,
  input: Json,
  existing: ResourceRecord | undefined,
  vnetRanges: [number, number][],
  siblings: { name: string; ranges: [number, number][] }[],
  target: string,
): Json {
  const p = props(input);
  const prefixes = prefixesOf(p);
  if (prefixes.length === 0)
    throw badRequest(
      'InvalidRequestFormat',
      `Subnet '${name}' needs properties.addressPrefix or properties.addressPrefixes.`,
      `${target}.addressPrefix`,
    );
  const ranges = prefixes.map((c) => parseCidr(c, `${target}.addressPrefix`));
  for (const [i, r] of ranges.entries()) {
    if (!vnetRanges.some(([s, e]) => r[0] >= s && r[1] <= e)) {
      throw badRequest(
        'NetcfgSubnetRangeOutsideVnet',
        `Subnet '${name}' is not valid because its IP address range ${String(prefixes[i])} is outside the IP address range of virtual network '${vnetId.split('/').pop()}'.`,
        `${target}.addressPrefix`,
      );
    }
    for (const s of siblings) {
      if (s.name.toLowerCase() === name.toLowerCase()) continue;
      if (s.ranges.some(([a, b]) => r[0] <= b && a <= r[1])) {
        throw badRequest(
          'NetcfgSubnetRangesOverlap',
          `Subnet '${name}' is not valid because its IP address range ${String(prefixes[i])} overlaps with that of subnet '${s.name}'.`,
          `${target}.addressPrefix`,
        );
      }
    }
  }
  const old = existing ? props(existing.body) : undefined;
  if (
    old &&
    p.defaultOutboundAccess !== undefined &&
    old.defaultOutboundAccess !== undefined &&
    p.defaultOutboundAccess !== old.defaultOutboundAccess
  ) {
    throw badRequest(
      'PropertyChangeNotAllowed',
      `defaultOutboundAccess of subnet '${name}' can only be set when the subnet is created.`,
      `${target}.defaultOutboundAccess`,
    );
  }
  const nsgId = at(p, 'networkSecurityGroup.id');
  if (nsgId !== undefined) {
    const nsg = engine.find(text(nsgId), req.now);
    if (!nsg || nsg.typeKey !== NSG.toLowerCase())
      throw badRequest(
        'InvalidResourceReference',
        `Resource ${text(nsgId)} referenced by resource ${vnetId}/subnets/${name} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        `${target}.networkSecurityGroup.id`,
      );
  }
  const id = existing?.id ?? `${vnetId}/subnets/${name}`;
  const delegations = Array.isArray(p.delegations)
    ? p.delegations.map((d) => {
        const dd = obj(d);
        return {
          ...clone(dd),
          id: `${id}/delegations/${String(dd.name)}`,
          type: 'Microsoft.Network/virtualNetworks/subnets/delegations',
          etag: etag(),
          properties: {
            ...obj(dd.properties),
            actions: obj(dd.properties).actions ?? ['Microsoft.Network/virtualNetworks/subnets/action'],
            provisioningState: 'Succeeded',
          },
        };
      })
    : [];
  const outP: Json = {
    ...clone(p),
    delegations,
    privateEndpointNetworkPolicies: p.privateEndpointNetworkPolicies ?? 'Disabled',
    privateLinkServiceNetworkPolicies: p.privateLinkServiceNetworkPolicies ?? 'Enabled',
    ...(old?.defaultOutboundAccess !== undefined ? { defaultOutboundAccess: old.defaultOutboundAccess } : {}),
    provisioningState: 'Succeeded',
  };
  return { id, name, type: SUBNET, etag: etag(), properties: outP };
}

function vnetRangesOf(vnetBody: Json): [number, number][] {
  return prefixesOf(obj(at(vnetBody, 'properties.addressSpace'))).map((c) =>
    parseCidr(c, 'properties.addressSpace.addressPrefixes'),
  );
}

function siblingRanges(engine: Engine, vnetKey: string): { name: string; ranges: [number, number][] }[] {
  return engine.store
    .childrenOf(vnetKey)
    .filter((r) => r.typeKey === SUBNET_KEY)
    .map((r) => ({
      name: r.id.split('/').pop()!,
      ranges: prefixesOf(props(r.body)).map((c) => parseCidr(c, 'subnet')),
    }));
}

export const subnets: ResourceType = {
  type: SUBNET,
  tracked: false,
  lro: true,
  creatingState: 'Updating',
  name: NAME,
  put(input) {
    const vnet = input.parent!;
    assertVnetIdle(input.engine, vnet.id, input.key, input.req.now);
    const body = subnetBody(
      input.engine,
      input.req,
      vnet.id,
      input.name,
      input.body,
      input.existing,
      vnetRangesOf(vnet.body),
      siblingRanges(input.engine, vnet.id.toLowerCase()),
      'properties',
    );
    return { body, location: vnet.location };
  },
  beforeDelete(input: DeleteInput) {
    assertSubnetFree(input.engine, input.existing.id);
    assertVnetIdle(input.engine, input.existing.parentKey, input.key, input.req.now);
  },
};

// ------------------------------------------------------------------------------------------------ VNets

function vnetPut(input: WriteInput): WritePlan {
  const { engine, body, existing, req } = input;
  checkLocationUnchanged(input);
  if (existing) assertVnetIdle(engine, existing.id, undefined, req.now);
  const p = props(body);
  const space = obj(p.addressSpace);
  if (!Array.isArray(space.addressPrefixes) || space.addressPrefixes.length === 0) {
    throw badRequest(
      'InvalidRequestFormat',
      'properties.addressSpace.addressPrefixes must list at least one CIDR (e.g. 10.0.0.0/16).',
      'properties.addressSpace.addressPrefixes',
    );
  }
  const vnetBodyStub: Json = { properties: { addressSpace: space } };
  const ranges = vnetRangesOf(vnetBodyStub);
  const hasSubnets = Object.prototype.hasOwnProperty.call(p, 'subnets');
  const vnetKey = input.key;
  const current = engine.store.childrenOf(vnetKey).filter((r) => r.typeKey === SUBNET_KEY);
  let apply: (() => void) | undefined;
  if (hasSubnets) {
    // Since api 2023-09-01: subnets omitted = keep; subnets [] or null = delete them all (reference §10).
    const desired = Array.isArray(p.subnets) ? p.subnets.map(obj) : [];
    const names = new Set<string>();
    const planned: { name: string; ranges: [number, number][] }[] = [];
    const bodies: Json[] = [];
    desired.forEach((s, i) => {
      const name = s.name;
      if (typeof name !== 'string' || !NAME.re.test(name))
        throw badRequest(
          'InvalidResourceName',
          `Subnet name ${JSON.stringify(name)} is invalid. Allowed: ${NAME.allowed}.`,
          `properties.subnets[${i}].name`,
        );
      if (names.has(name.toLowerCase()))
        throw badRequest(
          'DuplicateResourceName',
          `Subnet '${name}' appears twice in the virtual network body.`,
          `properties.subnets[${i}].name`,
        );
      names.add(name.toLowerCase());
      const ex = current.find((r) => r.id.split('/').pop()!.toLowerCase() === name.toLowerCase());
      const b = subnetBody(engine, req, input.id, name, s, ex, ranges, planned, `properties.subnets[${i}].properties`);
      planned.push({ name, ranges: prefixesOf(props(b)).map((c) => parseCidr(c, 'subnet')) });
      bodies.push(b);
    });
    const removed = current.filter((r) => !names.has(r.id.split('/').pop()!.toLowerCase()));
    for (const r of removed) assertSubnetFree(engine, r.id);
    apply = () => {
      for (const r of removed) engine.store.remove(r.id.toLowerCase());
      for (const b of bodies) {
        const ex = engine.store.get(String(b.id).toLowerCase());
        engine.store.put({
          id: String(b.id),
          typeKey: SUBNET_KEY,
          parentKey: vnetKey,
          body: b,
          location: region(body.location ?? existing?.body.location),
          ...(ex?.pending ? { pending: ex.pending } : {}),
        });
      }
    };
  } else {
    for (const s of siblingRanges(engine, vnetKey)) {
      for (const r of s.ranges) {
        if (!ranges.some(([a, b]) => r[0] >= a && r[1] <= b))
          throw badRequest(
            'NetcfgSubnetRangeOutsideVnet',
            `The address space no longer contains subnet '${s.name}'. Keep its range or delete the subnet first.`,
            'properties.addressSpace.addressPrefixes',
          );
      }
    }
  }
  const outP: Json = {
    ...clone(p),
    addressSpace: space,
    enableDdosProtection: p.enableDdosProtection ?? false,
    virtualNetworkPeerings: p.virtualNetworkPeerings ?? [],
    privateEndpointVNetPolicies: p.privateEndpointVNetPolicies ?? 'Disabled',
    resourceGuid: at(existing?.body, 'properties.resourceGuid') ?? guidFrom('vnet', input.id),
    provisioningState: 'Succeeded',
  };
  delete outP.subnets;
  return { body: envelope(input, VNET, { etag: etag(), properties: outP }), apply };
}

export const virtualNetworks: ResourceType = {
  type: VNET,
  tracked: true,
  lro: true,
  creatingState: 'Updating',
  name: NAME,
  put: vnetPut,
  render(engine, rec) {
    const subs = engine.store
      .childrenOf(rec.id.toLowerCase())
      .filter((r) => r.typeKey === SUBNET_KEY)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      // A subnet whose operation has ended shows Succeeded here too, not the state it had when last read.
      .map((s) => engine.find(s.id) ?? s);
    return { ...rec.body, properties: { ...props(rec.body), subnets: subs.map((s) => s.body) } };
  },
  beforeDelete(input) {
    for (const s of input.engine.store.childrenOf(input.key).filter((r) => r.typeKey === SUBNET_KEY))
      assertSubnetFree(input.engine, s.id);
    assertVnetIdle(input.engine, input.existing.id, input.key, input.req.now);
  },
};

// ------------------------------------------------------------------------------------------------ NSGs

const DEFAULT_RULES: [string, number, string, string, string, string][] = [
  ['AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
  ['AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'],
  ['DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'],
  ['AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
  ['AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'],
  ['DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'],
];

export const networkSecurityGroups: ResourceType = {
  type: NSG,
  tracked: true,
  lro: true,
  creatingState: 'Updating',
  name: NAME,
  put(input) {
    checkLocationUnchanged(input);
    const p = props(input.body);
    const rules = Array.isArray(p.securityRules) ? p.securityRules.map(obj) : [];
    const seen = new Map<string, string>();
    const outRules = rules.map((r, i) => {
      const rp = props(r);
      const t = `properties.securityRules[${i}]`;
      if (typeof r.name !== 'string' || r.name === '')
        throw badRequest('InvalidRequestFormat', `Security rule #${i} needs a name.`, `${t}.name`);
      for (const f of ['access', 'direction', 'protocol', 'priority'])
        if (rp[f] === undefined)
          throw badRequest(
            'InvalidRequestFormat',
            `Security rule '${r.name}' is missing properties.${f}.`,
            `${t}.properties.${f}`,
          );
      if (!['Allow', 'Deny'].includes(String(rp.access)))
        throw badRequest(
          'InvalidRequestFormat',
          `Security rule '${r.name}': access must be Allow or Deny (got ${JSON.stringify(rp.access)}).`,
          `${t}.properties.access`,
        );
      if (!['Inbound', 'Outbound'].includes(String(rp.direction)))
        throw badRequest(
          'InvalidRequestFormat',
          `Security rule '${r.name}': direction must be Inbound or Outbound.`,
          `${t}.properties.direction`,
        );
      if (!['*', 'Tcp', 'Udp', 'Icmp', 'Esp', 'Ah'].includes(String(rp.protocol)))
        throw badRequest(
          'InvalidRequestFormat',
          `Security rule '${r.name}': protocol must be one of *, Tcp, Udp, Icmp, Esp, Ah.`,
          `${t}.properties.protocol`,
        );
      const prio = Number(rp.priority);
      if (!Number.isInteger(prio) || prio < 100 || prio > 4096)
        throw badRequest(
          'SecurityRuleInvalidPriority',
          `Security rule '${r.name}' has invalid priority ${JSON.stringify(rp.priority)}. Value provided: ${String(rp.priority)} Allowed range 100-4096.`,
          `${t}.properties.priority`,
        );
      const k = `${String(rp.direction)}|${prio}`;
      if (seen.has(k))
        throw badRequest(
          'SecurityRuleConflict',
          `Security rule ${r.name} conflicts with rule ${seen.get(k)}. Rules cannot have the same Priority and Direction.`,
          `${t}.properties.priority`,
        );
      seen.set(k, r.name);
      return {
        name: r.name,
        id: `${input.id}/securityRules/${r.name}`,
        type: `${NSG}/securityRules`,
        etag: etag(),
        properties: { ...clone(rp), provisioningState: 'Succeeded' },
      };
    });
    const defaults = DEFAULT_RULES.map(([name, priority, direction, access, src, dst]) => ({
      name,
      id: `${input.id}/defaultSecurityRules/${name}`,
      type: `${NSG}/defaultSecurityRules`,
      properties: {
        description: `Default rule ${name}`,
        protocol: '*',
        sourcePortRange: '*',
        destinationPortRange: '*',
        sourceAddressPrefix: src,
        destinationAddressPrefix: dst,
        access,
        priority,
        direction,
        provisioningState: 'Succeeded',
      },
    }));
    let apply: (() => void) | undefined;
    if (input.existing && Object.prototype.hasOwnProperty.call(p, 'securityRules')) {
      // Like subnets in a VNet: a body that lists securityRules is the whole set.
      const keep = new Set(outRules.map((r) => String(r.name).toLowerCase()));
      const drop = input.engine.store
        .childrenOf(input.key)
        .filter((r) => r.typeKey === RULE_KEY && !keep.has(r.id.split('/').pop()!.toLowerCase()));
      apply = () => drop.forEach((r) => input.engine.store.remove(r.id.toLowerCase()));
    }
    const outP: Json = {
      ...clone(p),
      securityRules: outRules,
      defaultSecurityRules: defaults,
      resourceGuid: at(input.existing?.body, 'properties.resourceGuid') ?? guidFrom('nsg', input.id),
      provisioningState: 'Succeeded',
    };
    return { body: envelope(input, NSG, { etag: etag(), properties: outP }), apply };
  },
  render(engine, rec) {
    const k = rec.id.toLowerCase();
    const users: Json[] = [];
    for (const r of engine.store.resources.values()) {
      if (r.typeKey === SUBNET_KEY && text(at(r.body, 'properties.networkSecurityGroup.id') ?? '').toLowerCase() === k)
        users.push({ id: r.id });
    }
    // Rules created as their own resources show in the NSG body too, as ARM does.
    const inline = Array.isArray(at(rec.body, 'properties.securityRules'))
      ? (at(rec.body, 'properties.securityRules') as Json[])
      : [];
    const names = new Set(inline.map((r) => String(r.name).toLowerCase()));
    const children = engine.store
      .childrenOf(k)
      .filter((r) => r.typeKey === RULE_KEY && !names.has(r.id.split('/').pop()!.toLowerCase()))
      .map((r) => r.body);
    if (users.length === 0 && children.length === 0) return rec.body;
    return {
      ...rec.body,
      properties: {
        ...props(rec.body),
        securityRules: [...inline, ...children],
        ...(users.length ? { subnets: users } : {}),
      },
    };
  },
  beforeDelete(input) {
    const k = input.key;
    for (const r of input.engine.store.resources.values()) {
      if (
        r.typeKey === SUBNET_KEY &&
        text(at(r.body, 'properties.networkSecurityGroup.id') ?? '').toLowerCase() === k
      ) {
        throw badRequest(
          'InUseNetworkSecurityGroupCannotBeDeleted',
          `Network security group ${input.existing.id} cannot be deleted because it is in use by the following resources: ${r.id}. In order to delete the Network security group, remove the association with the resource(s).`,
        );
      }
    }
  },
};

// ------------------------------------------------------------------------------------------------ private endpoints

export const privateEndpoints: ResourceType = {
  type: PE,
  tracked: true,
  lro: true,
  creatingState: 'Updating',
  name: NAME,
  put(input) {
    checkLocationUnchanged(input);
    const p = props(input.body);
    const subnetId = at(p, 'subnet.id');
    requireRef(input, subnetId, SUBNET, 'properties.subnet.id');
    if (
      input.existing &&
      String(at(input.existing.body, 'properties.subnet.id')).toLowerCase() !== String(subnetId).toLowerCase()
    ) {
      throw badRequest(
        'PropertyChangeNotAllowed',
        'The subnet of a private endpoint cannot change; create a new private endpoint.',
        'properties.subnet.id',
      );
    }
    const conns = [
      ...(Array.isArray(p.privateLinkServiceConnections) ? (p.privateLinkServiceConnections as unknown[]) : []),
      ...(Array.isArray(p.manualPrivateLinkServiceConnections)
        ? (p.manualPrivateLinkServiceConnections as unknown[])
        : []),
    ].map(obj);
    if (conns.length === 0)
      throw badRequest(
        'InvalidRequestFormat',
        'A private endpoint needs at least one privateLinkServiceConnection.',
        'properties.privateLinkServiceConnections',
      );
    const outConns = conns.map((c, i) => {
      const cp = props(c);
      const target = cp.privateLinkServiceId;
      if (typeof target !== 'string')
        throw badRequest(
          'InvalidRequestFormat',
          `privateLinkServiceConnections[${i}].properties.privateLinkServiceId is required.`,
          `properties.privateLinkServiceConnections[${i}].properties.privateLinkServiceId`,
        );
      if (!input.engine.find(target, input.req.now))
        throw badRequest(
          'PrivateLinkServiceNotFound',
          `Private link service '${target}' was not found.`,
          `properties.privateLinkServiceConnections[${i}].properties.privateLinkServiceId`,
        );
      return {
        ...clone(c),
        id: `${input.id}/privateLinkServiceConnections/${String(c.name)}`,
        type: `${PE}/privateLinkServiceConnections`,
        etag: etag(),
        properties: {
          ...clone(cp),
          privateLinkServiceConnectionState: {
            status: 'Approved',
            description: 'Auto-Approved',
            actionsRequired: 'None',
          },
          provisioningState: 'Succeeded',
        },
      };
    });
    const rg = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(input.id)![0];
    const outP: Json = {
      ...clone(p),
      privateLinkServiceConnections: Array.isArray(p.privateLinkServiceConnections)
        ? outConns.slice(0, p.privateLinkServiceConnections.length)
        : [],
      manualPrivateLinkServiceConnections: Array.isArray(p.manualPrivateLinkServiceConnections)
        ? outConns.slice(Array.isArray(p.privateLinkServiceConnections) ? p.privateLinkServiceConnections.length : 0)
        : [],
      networkInterfaces: [
        { id: `${rg}/providers/Microsoft.Network/networkInterfaces/${input.name}.nic.${guidFrom('nic', input.id)}` },
      ],
      customDnsConfigs: [],
      provisioningState: 'Succeeded',
    };
    return { body: envelope(input, PE, { etag: etag(), properties: outP }) };
  },
};

export const privateDnsZoneGroups: ResourceType = {
  type: `${PE}/privateDnsZoneGroups`,
  tracked: false,
  lro: true,
  creatingState: 'Updating',
  put(input) {
    const p = props(input.body);
    const configs = Array.isArray(p.privateDnsZoneConfigs) ? p.privateDnsZoneConfigs.map(obj) : [];
    configs.forEach((c, i) =>
      requireRef(
        input,
        at(c, 'properties.privateDnsZoneId'),
        'Microsoft.Network/privateDnsZones',
        `properties.privateDnsZoneConfigs[${i}].properties.privateDnsZoneId`,
      ),
    );
    return {
      body: {
        id: input.id,
        name: input.name,
        type: `${PE}/privateDnsZoneGroups`,
        etag: etag(),
        properties: { ...clone(p), provisioningState: 'Succeeded' },
      },
      location: input.parent?.location,
    };
  },
};

// ------------------------------------------------------------------------------------------------ private DNS

export const privateDnsZones: ResourceType = {
  type: 'Microsoft.Network/privateDnsZones',
  tracked: true,
  lro: true,
  name: {
    re: /^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\.)+[a-zA-Z]{2,63}$/,
    allowed: 'a DNS zone name with at least two labels, e.g. privatelink.api.azureml.ms',
  },
  put(input) {
    const links = input.existing ? at(input.existing.body, 'properties.numberOfVirtualNetworkLinks') : 0;
    const body = envelope(
      input,
      'Microsoft.Network/privateDnsZones',
      {
        etag: randomUUID(),
        properties: {
          ...clone(props(input.body)),
          maxNumberOfRecordSets: 25000,
          numberOfRecordSets: 1,
          maxNumberOfVirtualNetworkLinks: 1000,
          numberOfVirtualNetworkLinks: links ?? 0,
          maxNumberOfVirtualNetworkLinksWithRegistration: 100,
          numberOfVirtualNetworkLinksWithRegistration: 0,
          internalId: guidFrom('dns', input.id),
          provisioningState: 'Succeeded',
        },
      },
      { location: 'global' },
    );
    return { body, location: 'global' };
  },
};

export const virtualNetworkLinks: ResourceType = {
  type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
  tracked: true,
  lro: true,
  name: NAME,
  put(input) {
    const p = props(input.body);
    requireRef(input, at(p, 'virtualNetwork.id'), VNET, 'properties.virtualNetwork.id');
    const body = envelope(
      input,
      'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
      {
        etag: randomUUID(),
        properties: {
          ...clone(p),
          registrationEnabled: p.registrationEnabled ?? false,
          resolutionPolicy: p.resolutionPolicy ?? 'Default',
          virtualNetworkLinkState: 'Completed',
          provisioningState: 'Succeeded',
        },
      },
      { location: 'global' },
    );
    return { body, location: 'global' };
  },
};
