/**
 * Azure Policy alias → ARM body path, for the ML, network, storage, key vault and registry types a manifest
 * holds. `[*]` stands for "every element". Aliases not in the table fall back to `properties.<rest>` (and, for
 * ML computes, `properties.properties.<rest>`), which is how most aliases are defined.
 */

const ML = 'microsoft.machinelearningservices/workspaces';
const C = `${ML}/computes`;
const NSG = 'microsoft.network/networksecuritygroups';
const PE = 'microsoft.network/privateendpoints';
const VNET = 'microsoft.network/virtualnetworks';
const DIAG = 'microsoft.insights/diagnosticsettings';

const RULE_PROPS = [
  'access',
  'direction',
  'priority',
  'protocol',
  'sourceAddressPrefix',
  'sourcePortRange',
  'destinationAddressPrefix',
  'destinationPortRange',
  'description',
];
const RULE_ARRAYS = [
  'sourceAddressPrefixes',
  'destinationAddressPrefixes',
  'destinationPortRanges',
  'sourcePortRanges',
];

const table: Record<string, string> = {
  // Machine Learning computes: type-specific fields sit one level deeper.
  [`${C}/computetype`]: 'properties.computeType',
  [`${C}/disablelocalauth`]: 'properties.disableLocalAuth',
  [`${C}/computelocation`]: 'properties.computeLocation',
  [`${C}/resourceid`]: 'properties.resourceId',
  [`${C}/description`]: 'properties.description',
  [`${C}/subnet`]: 'properties.properties.subnet',
  [`${C}/subnet.id`]: 'properties.properties.subnet.id',
  [`${C}/vmsize`]: 'properties.properties.vmSize',
  [`${C}/vmpriority`]: 'properties.properties.vmPriority',
  [`${C}/ostype`]: 'properties.properties.osType',
  [`${C}/idletimebeforeshutdown`]: 'properties.properties.idleTimeBeforeShutdown',
  [`${C}/scalesettings`]: 'properties.properties.scaleSettings',
  [`${C}/scalesettings.maxnodecount`]: 'properties.properties.scaleSettings.maxNodeCount',
  [`${C}/scalesettings.minnodecount`]: 'properties.properties.scaleSettings.minNodeCount',
  [`${C}/scalesettings.nodeidletimebeforescaledown`]: 'properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown',
  [`${C}/remoteloginportpublicaccess`]: 'properties.properties.remoteLoginPortPublicAccess',
  [`${C}/enablenodepublicip`]: 'properties.properties.enableNodePublicIp',
  [`${C}/isolatednetwork`]: 'properties.properties.isolatedNetwork',
  [`${C}/sshsettings.sshpublicaccess`]: 'properties.properties.sshSettings.sshPublicAccess',
  [`${C}/applicationsharingpolicy`]: 'properties.properties.applicationSharingPolicy',
  [`${C}/computeinstanceauthorizationtype`]: 'properties.properties.computeInstanceAuthorizationType',
  [`${C}/personalcomputeinstancesettings.assigneduser.objectid`]:
    'properties.properties.personalComputeInstanceSettings.assignedUser.objectId',
  [`${C}/osimagemetadata.islatestosimageversion`]: 'properties.properties.osImageMetadata.isLatestOsImageVersion',
  [`${C}/schedules.computestartstop[*]`]: 'properties.properties.schedules.computeStartStop[*]',
  [`${C}/schedules.computestartstop[*].action`]: 'properties.properties.schedules.computeStartStop[*].action',
  [`${C}/schedules.computestartstop[*].status`]: 'properties.properties.schedules.computeStartStop[*].status',
  [`${C}/useraccountcredentials.adminuserpassword`]: 'properties.properties.userAccountCredentials.adminUserPassword',
  [`${C}/enablesso`]: 'properties.properties.enableSSO',
  // Workspaces.
  [`${ML}/sku.name`]: 'sku.name',
  [`${ML}/sku.tier`]: 'sku.tier',
  [`${ML}/privateendpointconnections[*]`]: 'properties.privateEndpointConnections[*]',
  [`${ML}/privateendpointconnections[*].privatelinkserviceconnectionstate.status`]:
    'properties.privateEndpointConnections[*].properties.privateLinkServiceConnectionState.status',
  [`${ML}/managednetwork.outboundrules`]: 'properties.managedNetwork.outboundRules',
  [`${ML}/serverlesscomputesettings.serverlesscomputenopublicip`]:
    'properties.serverlessComputeSettings.serverlessComputeNoPublicIP',
  // Private endpoints: connection elements keep their own `properties`.
  [`${PE}/privatelinkserviceconnections[*]`]: 'properties.privateLinkServiceConnections[*]',
  [`${PE}/privatelinkserviceconnections[*].groupids[*]`]:
    'properties.privateLinkServiceConnections[*].properties.groupIds[*]',
  [`${PE}/privatelinkserviceconnections[*].privatelinkserviceid`]:
    'properties.privateLinkServiceConnections[*].properties.privateLinkServiceId',
  [`${PE}/manualprivatelinkserviceconnections[*].groupids[*]`]:
    'properties.manualPrivateLinkServiceConnections[*].properties.groupIds[*]',
  [`${PE}/subnet.id`]: 'properties.subnet.id',
  // Virtual networks and subnets.
  [`${VNET}/subnets[*]`]: 'properties.subnets[*]',
  [`${VNET}/subnets[*].networksecuritygroup.id`]: 'properties.subnets[*].properties.networkSecurityGroup.id',
  [`${VNET}/subnets[*].addressprefix`]: 'properties.subnets[*].properties.addressPrefix',
  [`${VNET}/subnets[*].delegations[*]`]: 'properties.subnets[*].properties.delegations[*]',
  [`${VNET}/subnets/networksecuritygroup.id`]: 'properties.networkSecurityGroup.id',
  [`${VNET}/subnets/defaultoutboundaccess`]: 'properties.defaultOutboundAccess',
  [`${NSG}/securityrules[*]`]: 'properties.securityRules[*]',
  // Diagnostic settings. `logs.enabled` and `metrics.enabled` are legacy aliases without `[*]` whose path is
  // still `properties.logs[*].enabled` (Azure's alias list, as dumped from `az provider show --expand
  // resourceTypes/aliases` in github.com/maciejporebski/azure-policy-aliases,
  // aliases/microsoft.insights/diagnosticSettings.md). Built-ins afe0c3be and f59276f0 (Azure/azure-policy,
  // built-in-policies/policyDefinitions/Machine Learning/AuditDiagnosticLog_*.json) use them inside a count over
  // `logs[*]` and as a plain condition; read as `properties.logs.enabled` they could never be true.
  [`${DIAG}/logs.enabled`]: 'properties.logs[*].enabled',
  [`${DIAG}/metrics.enabled`]: 'properties.metrics[*].enabled',
  // Role assignments.
  ['microsoft.authorization/roleassignments/roledefinitionid']: 'properties.roleDefinitionId',
  ['microsoft.authorization/roleassignments/principalid']: 'properties.principalId',
  ['microsoft.authorization/roleassignments/principaltype']: 'properties.principalType',
};
for (const p of RULE_PROPS) {
  table[`${NSG}/securityrules[*].${p.toLowerCase()}`] = `properties.securityRules[*].properties.${p}`;
  table[`${NSG}/securityrules/${p.toLowerCase()}`] = `properties.${p}`;
}
for (const p of RULE_ARRAYS) {
  table[`${NSG}/securityrules[*].${p.toLowerCase()}[*]`] = `properties.securityRules[*].properties.${p}[*]`;
  table[`${NSG}/securityrules/${p.toLowerCase()}[*]`] = `properties.${p}[*]`;
}

/** A name, or `*` for every element of an array. */
export type Segment = string;

/** `a.b[*].c` → ['a', 'b', '*', 'c']. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\*\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (let i = 0; i < m[2].length / 3; i++) out.push('*');
  }
  return out;
}

/** Resource types an alias may belong to, longest first, for the fallback rule. */
function typePrefix(aliasLower: string, resourceTypeLower: string): string | undefined {
  if (aliasLower.startsWith(resourceTypeLower + '/')) return resourceTypeLower;
  return undefined;
}

/**
 * Candidate body paths of an alias for a resource of `resourceType`: empty when the alias belongs to another
 * type (the field is then absent, as in Azure).
 */
export function aliasPaths(alias: string, resourceType: string): Segment[][] {
  const a = alias.toLowerCase();
  const t = resourceType.toLowerCase();
  const known = table[a];
  if (known !== undefined) {
    // The table entry belongs to the type its key starts with.
    const owner = a.slice(0, a.lastIndexOf('/'));
    return owner === t ? [parsePath(known)] : [];
  }
  const prefix = typePrefix(a, t);
  if (!prefix) return [];
  const rest = alias.slice(prefix.length + 1);
  if (rest.includes('/')) return [];
  // Envelope members (sku, identity, kind, zones, extendedLocation) sit at the top of the body, not in properties.
  if (/^(sku|identity|kind|zones|extendedLocation)(\.|\[|$)/i.test(rest)) return [parsePath(rest)];
  const candidates = [parsePath(`properties.${rest}`)];
  if (t === C) candidates.push(parsePath(`properties.properties.${rest}`));
  return candidates;
}

/** Whether the alias table knows an alias exactly (used by tests and docs). */
export function isKnownAlias(alias: string): boolean {
  return table[alias.toLowerCase()] !== undefined;
}

export const ALIAS_COUNT = Object.keys(table).length;
