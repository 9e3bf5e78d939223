/** Network pack: public access, private endpoints, managed VNet, compute placement, NSG rules. */
import type { ManifestResource } from '../../manifest/types.js';
import { evaluateFlow, isOpenSource, portMatches, type NsgRule } from '../graph.js';
import type { FindingDraft, ResourceRule, RuleContext } from '../types.js';
import { T, computeType, effective, get, how, isManagedCompute, lower, refId, text, arr } from '../util.js';
import { resourceRule } from './define.js';

const WS = [T.workspace];
const COMPUTE = [T.compute];

/** Effective public network access of a workspace (API default `Enabled`). */
export function workspacePublic(ws: ManifestResource): ReturnType<typeof effective<string>> {
  return effective<string>(ws, 'properties.publicNetworkAccess', 'Enabled');
}

/** Effective managed network isolation mode (API default `Disabled`). */
export function isolationMode(ws: ManifestResource): ReturnType<typeof effective<string>> {
  return effective<string>(ws, 'properties.managedNetwork.isolationMode', 'Disabled');
}

function hasManagedNetwork(ws: ManifestResource | undefined): boolean {
  return !!ws && lower(isolationMode(ws).value) !== 'disabled';
}

/** Private endpoints of the workspace with group id `amlworkspace`. */
export function workspacePrivateEndpoints(ws: ManifestResource, ctx: RuleContext): ManifestResource[] {
  return ctx.graph.privateEndpointsTo(ws.id).filter((pe) => {
    for (const key of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
      const conns = get(pe.body, `properties.${key}`);
      if (
        Array.isArray(conns) &&
        conns.some((c) => {
          const g = get(c, 'properties.groupIds');
          return !Array.isArray(g) || g.length === 0 || g.some((x) => lower(x) === 'amlworkspace');
        })
      )
        return true;
    }
    return false;
  });
}

function approvedConnections(ws: ManifestResource): number {
  const conns = get(ws.body, 'properties.privateEndpointConnections');
  if (!Array.isArray(conns)) return 0;
  return conns.filter((c) => lower(get(c, 'properties.privateLinkServiceConnectionState.status')) === 'approved')
    .length;
}

/** Effective node public IP of a managed compute: the API default is `true`. */
export function nodePublicIp(c: ManifestResource): ReturnType<typeof effective<boolean>> {
  return effective<boolean>(c, 'properties.properties.enableNodePublicIp', true);
}

const net001 = resourceRule({
  id: 'AML-NET-001',
  name: 'WorkspacePublicNetworkAccessDisabled',
  title: 'Workspace public network access is disabled',
  pack: 'network',
  severity: 'high',
  prodSeverity: 'critical',
  types: WS,
  scope: 'Machine Learning workspaces',
  defaults: '`publicNetworkAccess` absent means the API default `Enabled` (reported as defaulted).',
  rationale:
    'A workspace reachable from the Internet exposes its APIs, notebooks and data-plane endpoints to anyone with a credential; private access confines it to your networks.',
  anchors: {
    checkov: ['CKV_AZURE_144', 'CKV2_AZURE_49'],
    psrule: ['Azure.ML.PublicAccess'],
    azurePolicy: ['438c38d2-3772-465a-a9cc-7a6666a275ce', 'a10ee784-7409-4941-b091-663697637c0f'],
    other: ['MCSB NS-2', 'AzTS NetSec_Dont_Allow_Public_Network_Access'],
  },
  evaluate(ws) {
    const e = workspacePublic(ws);
    if (lower(e.value) === 'disabled') return [];
    return [
      {
        path: 'properties.publicNetworkAccess',
        value: e.value,
        provenance: e.provenance,
        message: `workspace "${ws.name}" accepts traffic from public networks (publicNetworkAccess=${text(e.value)}, ${how(e)})`,
        fix: 'set publicNetworkAccess: false on the Workspace and reach it through PrivateEndpoint.forWorkspace(scope, id, { workspace, subnet })',
      },
    ];
  },
});

const net002 = resourceRule({
  id: 'AML-NET-002',
  name: 'WorkspaceNoPublicAccessBehindVnet',
  title: 'No legacy public access when the workspace is behind a VNet',
  pack: 'network',
  severity: 'high',
  types: WS,
  scope: 'Machine Learning workspaces',
  defaults: '`allowPublicAccessWhenBehindVnet` absent means `false` (compliant).',
  rationale: 'The legacy flag re-opens a private workspace to the Internet and silently defeats the private endpoint.',
  anchors: { psrule: ['Azure.ML.PublicAccess'], azurePolicy: ['Deny-MachineLearning-PublicAccessWhenBehindVnet'] },
  evaluate(ws) {
    const e = effective<boolean>(ws, 'properties.allowPublicAccessWhenBehindVnet', false);
    if (e.value !== true && lower(e.value) !== 'true') return [];
    return [
      {
        path: 'properties.allowPublicAccessWhenBehindVnet',
        value: e.value,
        provenance: e.provenance,
        message: `workspace "${ws.name}" allows public access although it is behind a VNet`,
        fix: "define the workspace with amlcdk's Workspace, which never sends properties.allowPublicAccessWhenBehindVnet, or drop it from the template",
      },
    ];
  },
});

const net003 = resourceRule({
  id: 'AML-NET-003',
  name: 'WorkspacePrivateEndpoint',
  title: 'A private workspace is reachable through a private endpoint',
  pack: 'network',
  severity: 'high',
  graph: true,
  types: WS,
  scope: 'Workspaces whose effective public network access is Disabled',
  defaults: 'Not applicable while public network access is (effectively) Enabled; AML-NET-001 reports that.',
  rationale:
    'With public access disabled and no private endpoint, nobody (users, CI, compute without public IP) can reach the workspace.',
  anchors: {
    azurePolicy: [
      '45e05259-1eb5-4f70-9574-baf73e9d219b',
      '40cec1dd-a100-4920-b15b-3024fe8901ab',
      '7838fd83-5cbb-4b5d-888c-bfa240972597',
    ],
    other: ['AzTS NetSec_Use_Private_Endpoint'],
  },
  evaluate(ws, ctx) {
    if (lower(workspacePublic(ws).value) !== 'disabled') return 'not-applicable';
    if (workspacePrivateEndpoints(ws, ctx).length > 0 || approvedConnections(ws) > 0) return [];
    return [
      {
        path: 'properties.publicNetworkAccess',
        value: 'Disabled',
        provenance: 'set',
        message: `workspace "${ws.name}" disables public access but no private endpoint (group id amlworkspace) targets it in this program`,
        fix: 'add PrivateEndpoint.forWorkspace(scope, id, { workspace, subnet }) in a subnet your users and compute can reach',
      },
    ];
  },
});

const net004 = resourceRule({
  id: 'AML-NET-004',
  name: 'WorkspacePrivateDns',
  title: 'Workspace private endpoints register in private DNS',
  pack: 'network',
  severity: 'medium',
  graph: true,
  types: [T.privateEndpoint],
  scope: 'Private endpoints with group id amlworkspace',
  rationale:
    'Without a private DNS zone group (privatelink.api.azureml.ms, privatelink.notebooks.azure.net) clients resolve the public address and the private endpoint is not used.',
  anchors: { azurePolicy: ['ee40564d-486e-4f68-a5ca-7a621edae0fb'] },
  evaluate(pe, ctx) {
    const conns = [
      ...arr(get(pe.body, 'properties.privateLinkServiceConnections')),
      ...arr(get(pe.body, 'properties.manualPrivateLinkServiceConnections')),
    ];
    const toWs = conns.some(
      (c) =>
        /\/microsoft\.machinelearningservices\/workspaces\/[^/]+$/i.test(
          text(get(c, 'properties.privateLinkServiceId')),
        ) || arr(get(c, 'properties.groupIds')).some((g) => lower(g) === 'amlworkspace'),
    );
    if (!toWs) return 'not-applicable';
    if (ctx.graph.dnsZoneGroupsOf(pe).length > 0) return [];
    return [
      {
        path: 'properties.privateDnsZoneGroups',
        provenance: 'unknown',
        message: `private endpoint "${pe.name}" to a workspace has no private DNS zone group`,
        fix: 'give the endpoint privateDnsZones (PrivateEndpoint.forWorkspace adds privatelink.api.azureml.ms and privatelink.notebooks.azure.net)',
      },
    ];
  },
});

const net005 = resourceRule({
  id: 'AML-NET-005',
  thresholdKeys: ['allowedIsolationModes'],
  name: 'WorkspaceManagedNetworkMode',
  title: 'Managed network isolation mode is one the profile allows',
  pack: 'network',
  severity: 'medium',
  prodSeverity: 'high',
  graph: true,
  types: WS,
  scope: 'Machine Learning workspaces',
  defaults:
    '`managedNetwork.isolationMode` absent means `Disabled`. `Disabled` is accepted when every managed compute of the workspace sits in your own subnet (own-VNet isolation).',
  rationale:
    'A managed VNet with approved outbound only stops data exfiltration from compute; the allowed modes are a profile threshold (`allowedIsolationModes`).',
  anchors: {
    azurePolicy: ['6ddb1705-c8cf-450e-aa4b-19ad6703c440'],
    checkov: ['CKV_AZURE_239'],
    other: ['WAF: Allow only approved outbound'],
  },
  evaluate(ws, ctx) {
    const e = isolationMode(ws);
    const allowed = ctx.thresholds.allowedIsolationModes.map((m) => m.toLowerCase());
    if (allowed.includes(lower(e.value))) return [];
    if (lower(e.value) === 'disabled') {
      const computes = ctx.graph.computesOf(ws).filter(isManagedCompute);
      if (computes.length > 0 && computes.every((c) => refId(get(c.body, 'properties.properties.subnet')))) return [];
    }
    return [
      {
        path: 'properties.managedNetwork.isolationMode',
        value: e.value,
        provenance: e.provenance,
        message: `workspace "${ws.name}" uses managed network isolation mode ${text(e.value)} (${how(e)}); the ${ctx.profile} profile allows ${ctx.thresholds.allowedIsolationModes.join(', ')}`,
        fix: `set isolationMode: '${ctx.thresholds.allowedIsolationModes[ctx.thresholds.allowedIsolationModes.length - 1] ?? 'AllowOnlyApprovedOutbound'}' (an IsolationMode) on the Workspace (isolation cannot be turned off later), or place all compute in your own subnets`,
      },
    ];
  },
});

const net006 = resourceRule({
  id: 'AML-NET-006',
  name: 'ComputeNetworkIsolated',
  title: 'Compute is network-isolated (own subnet or managed VNet)',
  pack: 'network',
  severity: 'high',
  graph: true,
  types: COMPUTE,
  scope: 'ComputeInstance and AmlCompute (attached compute excluded)',
  defaults: 'No subnet and a workspace without managed network (or not in this program) fails.',
  rationale:
    'Compute outside any VNet talks to storage and the workspace over public endpoints. A workspace managed VNet isolates compute as well as your own subnet does; scanners that look only at subnet.id miss that.',
  anchors: {
    azurePolicy: ['7804b5c7-01dc-4723-969b-ae300cc07ff1', 'Deny-MachineLearning-Compute-SubnetId'],
    psrule: ['Azure.ML.ComputeVnet'],
    other: ['AzTS Netsec_Configure_VNet'],
  },
  evaluate(c, ctx) {
    if (!isManagedCompute(c)) return 'not-applicable';
    if (refId(get(c.body, 'properties.properties.subnet'))) return [];
    if (hasManagedNetwork(ctx.graph.workspaceOf(c))) return [];
    return [
      {
        path: 'properties.properties.subnet',
        provenance: 'unknown',
        message: `${computeType(c)} "${c.name}" is in no subnet and its workspace has no managed VNet`,
        fix: 'give the compute a subnet (subnet: vnet.addSubnet(id, props)), or set isolationMode on its Workspace (managed VNet)',
      },
    ];
  },
});

const net007 = resourceRule({
  id: 'AML-NET-007',
  name: 'ComputeNoPublicIp',
  title: 'Compute nodes have no public IP',
  pack: 'network',
  severity: 'high',
  types: COMPUTE,
  scope: 'ComputeInstance and AmlCompute',
  defaults: '`enableNodePublicIp` absent means the API default `true` (reported as defaulted).',
  rationale:
    'A public IP on every node is an Internet-facing attack surface (inbound 44224, SSH); without it compute is reachable only through the VNet.',
  anchors: { other: ["WAF: Don't provision public IP addresses"] },
  evaluate(c) {
    if (!isManagedCompute(c)) return 'not-applicable';
    const e = nodePublicIp(c);
    if (e.value === false || lower(e.value) === 'false') return [];
    return [
      {
        path: 'properties.properties.enableNodePublicIp',
        value: e.value,
        provenance: e.provenance,
        message: `${computeType(c)} "${c.name}" gives its nodes public IPs (enableNodePublicIp=${text(e.value)}, ${how(e)})`,
        fix: 'set nodePublicIp: false (needs a subnet with a workspace private endpoint, or a managed VNet)',
      },
    ];
  },
});

const net008 = resourceRule({
  id: 'AML-NET-008',
  name: 'ClusterSshPortNotPublic',
  title: 'Cluster remote login (SSH) port is not public',
  pack: 'security',
  severity: 'high',
  types: COMPUTE,
  scope: 'AmlCompute clusters',
  defaults:
    '`remoteLoginPortPublicAccess` absent means `NotSpecified`: closed when the cluster has a subnet, open otherwise (the finding says which).',
  rationale: 'An open SSH port on every cluster node invites brute force and bypasses workspace RBAC.',
  anchors: {
    azurePolicy: ['Deny-MachineLearning-ComputeCluster-RemoteLoginPortPublicAccess'],
    other: ['WAF: Disable the public SSH port', 'Trivy AVD-AZU-0050'],
  },
  evaluate(c) {
    if (computeType(c) !== 'AmlCompute') return 'not-applicable';
    const e = effective<string>(c, 'properties.properties.remoteLoginPortPublicAccess', 'NotSpecified');
    const v = lower(e.value);
    if (v === 'disabled') return [];
    const inSubnet = !!refId(get(c.body, 'properties.properties.subnet'));
    if (v === 'notspecified' && inSubnet) return [];
    const effectiveOpen = v === 'enabled' ? 'Enabled' : 'NotSpecified, which is open without a subnet';
    return [
      {
        path: 'properties.properties.remoteLoginPortPublicAccess',
        value: e.value,
        provenance: e.provenance,
        message: `cluster "${c.name}" exposes its SSH port publicly (remoteLoginPortPublicAccess=${effectiveOpen}; ${how(e)})`,
        fix: 'set sshAccess: SshAccess.disabled() (the default), or nodePublicIp: false so SSH is reachable only from the VNet',
      },
    ];
  },
});

/** Inbound SSH (22) from the Internet as the NSG of the compute's subnet decides; undefined when unknown. */
function sshOpenViaSubnet(c: ManifestResource, ctx: RuleContext): boolean | undefined {
  const subnet = ctx.graph.subnet(refId(get(c.body, 'properties.properties.subnet')));
  if (!subnet?.nsgId) return undefined;
  const rules = ctx.graph.nsgRulesOf(subnet.nsgId);
  if (!rules) return undefined;
  return (
    evaluateFlow(rules, {
      direction: 'inbound',
      protocol: 'tcp',
      port: 22,
      source: 'Internet',
      destination: 'VirtualNetwork',
    }).allowed ||
    evaluateFlow(rules, {
      direction: 'inbound',
      protocol: 'tcp',
      port: 50000,
      source: 'Internet',
      destination: 'VirtualNetwork',
    }).allowed
  );
}

const net009 = resourceRule({
  id: 'AML-NET-009',
  name: 'InstanceSshRestricted',
  title: 'Compute instance SSH is disabled or restricted by an NSG',
  pack: 'security',
  severity: 'high',
  graph: true,
  types: COMPUTE,
  scope: 'ComputeInstance',
  defaults: '`sshSettings.sshPublicAccess` absent means `Disabled` (compliant).',
  rationale:
    "SSH to an instance is allowed only when the subnet NSG limits who can reach it; SSH open to the Internet on a personal workstation exposes its data and the user's tokens.",
  anchors: { other: ['WAF: Disable the public SSH port', 'AzTS AuthN_Disable_SSH_Authentication'] },
  evaluate(c, ctx) {
    if (computeType(c) !== 'ComputeInstance') return 'not-applicable';
    const e = effective<string>(c, 'properties.properties.sshSettings.sshPublicAccess', 'Disabled');
    if (lower(e.value) !== 'enabled') return [];
    const open = sshOpenViaSubnet(c, ctx);
    if (open === false) return [];
    const why =
      open === true
        ? 'its subnet NSG allows SSH from the Internet'
        : 'no NSG in this program restricts who can reach it';
    return [
      {
        path: 'properties.properties.sshSettings.sshPublicAccess',
        value: e.value,
        provenance: e.provenance,
        message: `compute instance "${c.name}" enables SSH and ${why}`,
        fix: 'set sshAccess: SshAccess.disabled(), or SshAccess.enabled({ publicKey, sourceCidrs }) in a subnet whose NetworkSecurityGroup allows port 22 only from those CIDRs',
      },
    ];
  },
});

const net010 = resourceRule({
  id: 'AML-NET-010',
  name: 'ComputeSubnetHasNsg',
  title: 'The compute subnet has a network security group',
  pack: 'network',
  severity: 'medium',
  graph: true,
  types: COMPUTE,
  scope: 'ComputeInstance and AmlCompute placed in a subnet defined in this program',
  defaults: 'Not applicable when the subnet is not in the program (imported).',
  rationale:
    'Without an NSG every port of the compute subnet follows the platform defaults, and nothing documents the flows Azure ML needs.',
  anchors: { checkov: ['CKV2_AZURE_31'], other: ['WAF: dedicated compute subnet'] },
  evaluate(c, ctx) {
    if (!isManagedCompute(c)) return 'not-applicable';
    const subnet = ctx.graph.subnet(refId(get(c.body, 'properties.properties.subnet')));
    if (!subnet) return 'not-applicable';
    if (subnet.nsgId) return [];
    return [
      {
        path: 'properties.properties.subnet.id',
        value: subnet.id.split('/').slice(-3).join('/'),
        provenance: 'set',
        message: `${computeType(c)} "${c.name}" sits in subnet "${subnet.id.split('/').pop()}" which has no network security group`,
        fix: 'give the subnet a networkSecurityGroup: new NetworkSecurityGroup(scope, id) (it derives the Azure ML rules from the compute it hosts)',
      },
    ];
  },
});

const ADMIN_PORTS: readonly [number, string][] = [
  [22, 'SSH'],
  [3389, 'RDP'],
];

function nsgRuleFindings(rules: readonly NsgRule[], wideOnly: boolean): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const r of rules) {
    if (r.direction !== 'inbound' || r.access !== 'allow') continue;
    const open = r.sources.filter(isOpenSource);
    if (open.length === 0) continue;
    const admin = ADMIN_PORTS.filter(([p]) => portMatches(r.ports, p));
    const path = r.path ? `${r.path}.properties` : 'properties';
    if (!wideOnly && admin.length > 0) {
      out.push({
        logicalId: r.definedBy.logicalId,
        path: `${path}.destinationPortRange`,
        value: { rule: r.name, source: open[0], ports: r.ports },
        provenance: 'set',
        message: `security rule "${r.name}" allows ${admin.map((a) => `${a[1]} (${a[0]})`).join(' and ')} from ${open[0]}`,
        fix: "limit the rule's sourceAddresses to your admin CIDRs or a bastion subnet, or remove the rule",
      });
    } else if (wideOnly && admin.length === 0) {
      out.push({
        logicalId: r.definedBy.logicalId,
        path: `${path}.sourceAddressPrefix`,
        value: { rule: r.name, source: open[0], ports: r.ports },
        provenance: 'set',
        message: `security rule "${r.name}" allows inbound ${r.ports.join(',') || '*'} from ${open[0]}; Azure ML needs inbound only 44224 from the AzureMachineLearning service tag`,
        fix: "narrow the rule's sourceAddresses to a service tag (AzureMachineLearning) or your CIDRs, or delete the rule",
      });
    }
  }
  return out;
}

function nsgRulesFor(r: ManifestResource, ctx: RuleContext): readonly NsgRule[] {
  return ctx.graph.nsgRulesDefinedBy(r);
}

const net011 = resourceRule({
  id: 'AML-NET-011',
  name: 'NsgNoInternetAdminPorts',
  title: 'No NSG rule allows SSH or RDP from the Internet',
  pack: 'security',
  severity: 'critical',
  graph: true,
  types: [T.nsg, T.nsgRule],
  scope: 'Network security groups and security rules',
  rationale: '0.0.0.0/0 (or *, Internet) to 22/3389 is the most attacked configuration in Azure.',
  anchors: { checkov: ['CKV_AZURE_10', 'CKV_AZURE_9'], other: ['Trivy AVD-AZU-0050', 'Trivy AVD-AZU-0048'] },
  evaluate(r, ctx) {
    return nsgRuleFindings(nsgRulesFor(r, ctx), false);
  },
});

const net012 = resourceRule({
  id: 'AML-NET-012',
  name: 'NsgAllowsAzureMlTraffic',
  title: 'The compute subnet NSG allows the traffic Azure ML needs',
  pack: 'network',
  severity: 'high',
  graph: true,
  types: [T.nsg],
  scope: 'NSGs attached to subnets that host ComputeInstance/AmlCompute in this program',
  rationale:
    'Compute fails to provision or to run jobs when the NSG blocks inbound 44224 from AzureMachineLearning (public-IP compute) or outbound 443 to AzureMachineLearning, BatchNodeManagement and Storage.',
  anchors: { other: ['Learn: how-to-secure-training-vnet (required inbound/outbound)'] },
  evaluate(nsg, ctx) {
    const rules = ctx.graph.nsgRulesOf(nsg.id) ?? [];
    const hosted = hostedCompute(nsg, ctx);
    if (hosted.length === 0) return 'not-applicable';
    const out: FindingDraft[] = [];
    const region = ctx.manifest.stack.location;
    const needs: { flow: Parameters<typeof evaluateFlow>[1]; what: string; when: boolean }[] = [
      {
        flow: {
          direction: 'inbound',
          protocol: 'tcp',
          port: 44224,
          source: 'AzureMachineLearning',
          destination: 'VirtualNetwork',
        },
        what: 'inbound TCP 44224 from AzureMachineLearning',
        when: hosted.some((c) => nodePublicIp(c).value !== false),
      },
      {
        flow: {
          direction: 'outbound',
          protocol: 'tcp',
          port: 443,
          source: 'VirtualNetwork',
          destination: 'AzureMachineLearning',
        },
        what: 'outbound TCP 443 to AzureMachineLearning',
        when: true,
      },
      {
        flow: {
          direction: 'outbound',
          protocol: 'tcp',
          port: 443,
          source: 'VirtualNetwork',
          destination: `BatchNodeManagement.${region}`,
        },
        what: `outbound 443 to BatchNodeManagement.${region}`,
        when: true,
      },
      {
        flow: {
          direction: 'outbound',
          protocol: 'tcp',
          port: 443,
          source: 'VirtualNetwork',
          destination: `Storage.${region}`,
        },
        what: `outbound 443 to Storage.${region}`,
        when: true,
      },
      {
        flow: {
          direction: 'outbound',
          protocol: 'udp',
          port: 5831,
          source: 'VirtualNetwork',
          destination: 'AzureMachineLearning',
        },
        what: 'outbound UDP 5831 to AzureMachineLearning',
        when: true,
      },
    ];
    for (const n of needs) {
      if (!n.when) continue;
      const verdict = evaluateFlow(rules, n.flow);
      if (verdict.allowed) continue;
      out.push({
        path: verdict.rule ? `${verdict.rule.path}.properties.access`.replace(/^\./, '') : 'properties.securityRules',
        value: verdict.rule ? { rule: verdict.rule.name, access: 'Deny' } : 'default DenyAllInBound',
        provenance: verdict.rule ? 'set' : 'defaulted',
        message: `NSG "${nsg.name}" blocks ${n.what}, which compute in its subnet needs${verdict.rule ? ` (rule "${verdict.rule.name}")` : ' (Azure default rule DenyAllInBound)'}`,
        fix: `keep deriveAzureMlRules: true on the NetworkSecurityGroup, or add an Allow rule for ${n.what} (nsg.addRule) with a priority below any Deny rule`,
      });
    }
    return out;
  },
});

function hostedCompute(nsg: ManifestResource, ctx: RuleContext): ManifestResource[] {
  return ctx.graph.computesBehindNsg(nsg.id).filter(isManagedCompute);
}

const net013 = resourceRule({
  id: 'AML-NET-013',
  name: 'NsgNoWideInbound',
  title: 'NSG inbound rules are no wider than Azure ML needs',
  pack: 'network',
  severity: 'high',
  graph: true,
  types: [T.nsg, T.nsgRule],
  scope: 'Network security groups and security rules',
  rationale:
    'Azure ML compute needs inbound only TCP 44224 from the AzureMachineLearning service tag; any Allow from * or Internet opens the subnet to the world.',
  anchors: { other: ['Trivy AVD-AZU-0047'] },
  evaluate(r, ctx) {
    return nsgRuleFindings(nsgRulesFor(r, ctx), true);
  },
});

/** Public network access of a dependent resource: storage, key vault and registry all default to Enabled. */
function dependentPublic(r: ManifestResource): ReturnType<typeof effective<string>> {
  const e = effective<string>(r, 'properties.publicNetworkAccess', 'Enabled');
  if (r.type.toLowerCase() === T.storage && lower(e.value) !== 'disabled') {
    // A storage account with default action Deny and no IP rules is private in effect.
    const action = lower(get(r.body, 'properties.networkAcls.defaultAction'));
    const ips = get(r.body, 'properties.networkAcls.ipRules');
    if (action === 'deny' && (!Array.isArray(ips) || ips.length === 0) && e.provenance !== 'set')
      return { value: 'Disabled', provenance: 'set' };
  }
  return e;
}

const net014 = resourceRule({
  id: 'AML-NET-014',
  name: 'DependentServicesPrivate',
  title: 'Storage, key vault and registry are private when the workspace is',
  pack: 'network',
  severity: 'high',
  graph: true,
  types: WS,
  scope:
    'Workspaces that are private (public access Disabled) or HBI, with dependent resources defined in this program',
  defaults: 'Storage, Key Vault and ACR default to public network access Enabled.',
  rationale:
    'A private workspace whose storage account, key vault or registry is public leaks data and secrets around the private endpoint.',
  anchors: { checkov: ['CKV2_AZURE_50'], other: ['WAF: Virtual network isolation for dependent services'] },
  evaluate(ws, ctx) {
    const hbi = get(ws.body, 'properties.hbiWorkspace') === true;
    const wsPrivate = lower(workspacePublic(ws).value) === 'disabled';
    if (!wsPrivate && !hbi) return 'not-applicable';
    const out: FindingDraft[] = [];
    for (const key of ['storageAccount', 'keyVault', 'containerRegistry'] as const) {
      const dep = ctx.graph.get(refId(get(ws.body, `properties.${key}`)));
      if (!dep) continue;
      if (!wsPrivate && key !== 'storageAccount') continue;
      const e = dependentPublic(dep);
      if (lower(e.value) === 'disabled') continue;
      out.push({
        logicalId: dep.logicalId,
        path: 'properties.publicNetworkAccess',
        value: e.value,
        provenance: e.provenance,
        message: `${key} "${dep.name}" of ${wsPrivate ? 'private' : 'HBI'} workspace "${ws.name}" allows public network access (${how(e)})`,
        fix: 'set publicNetworkAccess: false on the Workspace (its storage account, key vault and registry follow) and add PrivateEndpoint.withPrivateDns(scope, id, { target, groupId, subnet }) for this one',
      });
    }
    return out;
  },
});

const net016 = resourceRule({
  id: 'AML-NET-016',
  name: 'NoPublicIpNeedsPrivatePath',
  title: 'Compute without public IP has a private path to the workspace',
  pack: 'network',
  severity: 'high',
  graph: true,
  types: COMPUTE,
  scope: 'ComputeInstance and AmlCompute with enableNodePublicIp=false',
  rationale:
    'Compute without public IP reaches the workspace only through a workspace private endpoint or the managed VNet; without either, provisioning fails or jobs hang.',
  anchors: {
    other: [
      'Learn: how-to-secure-training-vnet (no public IP)',
      'azurerm validation: node_public_ip_enabled=false requires subnet or managed network',
    ],
  },
  evaluate(c, ctx) {
    if (!isManagedCompute(c) || nodePublicIp(c).value !== false) return 'not-applicable';
    const ws = ctx.graph.workspaceOf(c);
    if (!ws) return 'not-applicable';
    if (hasManagedNetwork(ws) || workspacePrivateEndpoints(ws, ctx).length > 0 || approvedConnections(ws) > 0)
      return [];
    return [
      {
        path: 'properties.properties.enableNodePublicIp',
        value: false,
        provenance: 'set',
        message: `${computeType(c)} "${c.name}" has no public IP but workspace "${ws.name}" has neither a private endpoint nor a managed VNet`,
        fix: 'add PrivateEndpoint.forWorkspace(scope, id, { workspace, subnet }) reachable from the compute subnet, or set isolationMode on the Workspace',
      },
    ];
  },
});

export const networkRules: readonly ResourceRule[] = [
  net001,
  net002,
  net003,
  net004,
  net005,
  net006,
  net007,
  net008,
  net009,
  net010,
  net011,
  net012,
  net013,
  net014,
  net016,
];
