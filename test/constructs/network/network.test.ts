import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  VirtualNetwork,
  Subnet,
  NetworkSecurityGroup,
  PrivateEndpoint,
  PrivateDnsZone,
  parseCidr,
  cidrContains,
  cidrOverlaps,
  azureUsableAddresses,
  prefixFor,
  networkOf,
} from '../../../lib/constructs/network/index.js';
import { canonicalJson } from '../../../lib/manifest/canonical.js';
import { validateBody } from '../../../lib/manifest/schema.js';
import { newStack, synth, codes, errorOf, TestCompute, TestWorkspace, SUB } from './helpers.js';

const NSG_T = 'Microsoft.Network/networkSecurityGroups';

describe('CIDR helpers', () => {
  test('parse, contain, overlap, usable addresses', () => {
    const v = parseCidr('10.10.0.0/16')!;
    const s = parseCidr('10.10.1.0/24')!;
    assert.ok(cidrContains(v, s));
    assert.ok(!cidrContains(s, v));
    assert.ok(cidrOverlaps(parseCidr('10.10.1.0/24')!, parseCidr('10.10.1.128/25')!));
    assert.ok(!cidrOverlaps(parseCidr('10.10.1.0/24')!, parseCidr('10.10.2.0/24')!));
    assert.equal(azureUsableAddresses(s), 251);
    assert.equal(azureUsableAddresses(parseCidr('10.0.0.0/29')!), 3);
    assert.equal(parseCidr('10.0.0.1/24')!.hostBitsSet, true);
    assert.equal(networkOf(parseCidr('10.0.0.1/24')!), '10.0.0.0/24');
    assert.equal(parseCidr('256.0.0.0/8'), undefined);
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('10.0.0.0'), undefined);
    assert.equal(parseCidr(42), undefined);
    assert.equal(prefixFor(251), 24);
    assert.equal(prefixFor(252), 23);
    assert.equal(prefixFor(1), 29);
  });
});

describe('VirtualNetwork and Subnet', () => {
  test('the VNet body never carries subnets; subnets are separate, schema-valid resources chained in order', () => {
    const { app, stack } = newStack();
    const nsg = new NetworkSecurityGroup(stack, 'Nsg');
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'], dnsServers: ['10.10.0.4'] });
    vnet.addSubnet('A', {
      addressPrefix: '10.10.1.0/24',
      networkSecurityGroup: nsg,
      defaultOutboundAccess: false,
      serviceEndpoints: ['Microsoft.Storage'],
    });
    vnet.addSubnet('B', { addressPrefix: '10.10.2.0/24', privateEndpointNetworkPolicies: 'Disabled' });
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    const v = s.resource('Net/Vnet');
    assert.equal(v.type, 'Microsoft.Network/virtualNetworks');
    assert.equal(v.apiVersion, '2024-05-01');
    assert.ok(!('subnets' in (v.body.properties as object)), 'no subnets in the VNet body');
    assert.deepEqual(v.body.properties, {
      addressSpace: { addressPrefixes: ['10.10.0.0/16'] },
      dhcpOptions: { dnsServers: ['10.10.0.4'] },
    });
    const a = s.resource('Net/Vnet/A');
    assert.equal(a.id, `${v.id}/subnets/${a.name}`);
    assert.deepEqual(a.body, {
      properties: {
        addressPrefix: '10.10.1.0/24',
        defaultOutboundAccess: false,
        networkSecurityGroup: { id: s.resource('Net/Nsg').id },
        serviceEndpoints: [{ service: 'Microsoft.Storage' }],
      },
    });
    assert.deepEqual(a.dependsOn, ['Net/Nsg', 'Net/Vnet']);
    assert.deepEqual(
      s.resource('Net/Vnet/B').dependsOn,
      ['Net/Vnet', 'Net/Vnet/A'],
      'subnets of one VNet are written one after another',
    );
    for (const r of s.manifest.resources) assert.deepEqual(validateBody(r.type, r.body), [], r.logicalId);
  });

  test('fails InvalidCidr for malformed prefixes and host bits, reporting all at once', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16', '300.1.0.0/16'] });
    vnet.addSubnet('Bad', { addressPrefix: '10.10.1.7/24' });
    vnet.addSubnet('Worse', { addressPrefix: 'ten-dot-ten' });
    new VirtualNetwork(stack, 'Empty', { addressSpace: [] });
    const s = synth(app);
    const invalid = s.errors.filter((e) => e.code === 'InvalidCidr');
    assert.equal(invalid.length, 4);
    const hostBits = invalid.find((e) => e.path === 'Net/Vnet/Bad')!;
    assert.equal(hostBits.value, '10.10.1.7/24');
    assert.equal(hostBits.allowed, '10.10.1.0/24');
    assert.match(hostBits.fix!, /10\.10\.1\.0\/24/);
    assert.ok(invalid.some((e) => e.path === 'Net/Vnet' && e.value === '300.1.0.0/16'));
    assert.ok(invalid.some((e) => e.path === 'Net/Empty'));
  });

  test('fails AddressSpaceOverlap for overlapping VNet prefixes', () => {
    const { app, stack } = newStack();
    new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16', '10.10.128.0/17'] });
    assert.equal(errorOf(synth(app), 'AddressSpaceOverlap').value, '10.10.128.0/17');
  });

  test('fails SubnetOutsideAddressSpace with the VNet prefix as what is allowed', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    vnet.addSubnet('Out', { addressPrefix: '10.11.0.0/24' });
    const e = errorOf(synth(app), 'SubnetOutsideAddressSpace');
    assert.equal(e.path, 'Net/Vnet/Out');
    assert.equal(e.value, '10.11.0.0/24');
    assert.match(e.allowed!, /10\.10\.0\.0\/16/);
    assert.ok(e.source && e.source.file.endsWith('network.test.ts'), "points at the user's line");
  });

  test('fails SubnetOverlap naming the other subnet', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    vnet.addSubnet('A', { addressPrefix: '10.10.0.0/23' });
    vnet.addSubnet('B', { addressPrefix: '10.10.1.0/24' });
    const e = errorOf(synth(app), 'SubnetOverlap');
    assert.equal(e.path, 'Net/Vnet/B');
    assert.match(e.message, /Net\/Vnet\/A/);
  });

  test('fails SubnetTooSmall when the registered compute needs more addresses than Azure leaves usable', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    const small = vnet.addSubnet('Small', { addressPrefix: '10.10.1.0/28' }); // 16 - 5 = 11 usable
    small.registerCompute(new TestCompute(stack, 'Cluster', 'AmlCompute', false, 10));
    small.registerCompute(new TestCompute(stack, 'Instance', 'ComputeInstance', false, 1));
    assert.deepEqual(codes(synth(app)), [], 'exactly 11 fits');
    small.registerCompute(new TestCompute(stack, 'Instance2', 'ComputeInstance', false, 1));
    const e = errorOf(synth(app), 'SubnetTooSmall');
    assert.match(e.message, /11 usable addresses/);
    assert.match(e.message, /needs up to 12/);
    assert.match(e.allowed!, /\/27/);
    assert.equal(small.requiredAddresses, 12);
  });

  test('fails SubnetTooSmall for prefixes smaller than /29', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    vnet.addSubnet('Tiny', { addressPrefix: '10.10.1.0/30' });
    assert.equal(errorOf(synth(app), 'SubnetTooSmall').value, '10.10.1.0/30');
  });

  test('fails DelegatedSubnet when compute is placed in a delegated subnet; delegation alone is fine', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    const d = vnet.addSubnet('Web', { addressPrefix: '10.10.1.0/24', delegations: ['Microsoft.Web/serverFarms'] });
    let s = synth(app);
    assert.deepEqual(s.errors, []);
    assert.deepEqual(s.resource('Net/Vnet/Web').body.properties, {
      addressPrefix: '10.10.1.0/24',
      delegations: [{ name: 'Microsoft-Web-serverFarms', properties: { serviceName: 'Microsoft.Web/serverFarms' } }],
    });
    d.registerCompute(new TestCompute(stack, 'Cluster', 'AmlCompute', false, 4));
    s = synth(app);
    const e = errorOf(s, 'DelegatedSubnet');
    assert.deepEqual(e.value, ['Microsoft.Web/serverFarms']);
    assert.match(e.message, /Net\/Cluster/);
  });

  test("exposes location for the compute constructs' region check", () => {
    const { stack } = newStack('westeurope');
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'], location: 'North Europe' });
    const sn = vnet.addSubnet('A', { addressPrefix: '10.10.1.0/24' });
    assert.equal(sn.location, 'northeurope');
    assert.equal(sn.addressPrefix, '10.10.1.0/24');
    assert.deepEqual(sn.delegations, []);
    assert.ok(Subnet.isSubnet(sn));
    assert.ok(VirtualNetwork.isVirtualNetwork(vnet));
    assert.ok(vnet.containsCidr('10.10.200.0/24'));
    assert.equal(vnet.subnets.length, 1);
  });

  test('fails InvalidVirtualNetworkName / InvalidSubnetName for explicit bad names', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'], virtualNetworkName: 'bad name!' });
    vnet.addSubnet('A', { addressPrefix: '10.10.1.0/24', subnetName: '-x.' });
    assert.deepEqual(codes(synth(app)), ['InvalidSubnetName', 'InvalidVirtualNetworkName']);
  });

  test('Subnet.fromSubnetId validates the id and checks size and delegation of what lands in it', () => {
    const { app, stack } = newStack();
    const ok = Subnet.fromSubnetId(
      stack,
      'Hub',
      `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub/subnets/ml`,
      {
        location: 'West Europe',
        addressPrefix: '10.0.0.0/29',
        delegations: [],
      },
    );
    assert.equal(ok.location, 'westeurope');
    assert.ok(!Subnet.isSubnet(ok), 'imported subnets are not Subnet constructs');
    ok.registerCompute!(new TestCompute(stack, 'C', 'AmlCompute', false, 4));
    Subnet.fromSubnetId(
      stack,
      'Bad',
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub`,
    );
    const s = synth(app);
    assert.deepEqual(codes(s), ['InvalidSubnetId', 'SubnetTooSmall']);
    assert.equal(errorOf(s, 'SubnetTooSmall').path, 'Net/Hub');
    assert.equal(s.manifest.resources.length, 0, 'imported subnets render nothing');
  });

  test('two syntheses of the same program are byte-identical', () => {
    const build = (): string => {
      const { app, stack } = newStack();
      const nsg = new NetworkSecurityGroup(stack, 'Nsg');
      const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
      const sn = vnet.addSubnet('A', { addressPrefix: '10.10.1.0/24', networkSecurityGroup: nsg });
      sn.registerCompute(new TestCompute(stack, 'C', 'AmlCompute', true, 4, ['203.0.113.0/24']));
      return canonicalJson(synth(app).manifest);
    };
    assert.equal(build(), build());
  });
});

describe('NetworkSecurityGroup', () => {
  function rules(s: ReturnType<typeof synth>): Array<{ name: string; properties: Record<string, unknown> }> {
    return (
      s.ofType(NSG_T)[0].body.properties as {
        securityRules: Array<{ name: string; properties: Record<string, unknown> }>;
      }
    ).securityRules;
  }

  test('no compute: no derived rules (an empty rule list, not a missing one)', () => {
    const { app, stack } = newStack();
    new NetworkSecurityGroup(stack, 'Nsg');
    assert.deepEqual(rules(synth(app)), []);
  });

  test('no-public-IP cluster: outbound Azure ML rules with regional tags, no inbound', () => {
    const { app, stack } = newStack('swedencentral');
    const nsg = new NetworkSecurityGroup(stack, 'Nsg');
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    vnet
      .addSubnet('A', { addressPrefix: '10.10.1.0/24', networkSecurityGroup: nsg })
      .registerCompute(new TestCompute(stack, 'Gpu', 'AmlCompute', false, 4));
    const rs = rules(synth(app));
    assert.ok(rs.every((r) => r.properties.direction === 'Outbound'));
    const byName = Object.fromEntries(rs.map((r) => [r.name, r.properties]));
    assert.deepEqual(Object.keys(byName).sort(), [
      'AzureML-Out-AzureML-Tcp',
      'AzureML-Out-AzureML-Udp',
      'AzureML-Out-Batch',
      'AzureML-Out-Storage',
    ]);
    assert.deepEqual(byName['AzureML-Out-AzureML-Tcp'].destinationPortRanges, ['443', '8787', '18881']);
    assert.equal(byName['AzureML-Out-AzureML-Tcp'].destinationAddressPrefix, 'AzureMachineLearning');
    assert.equal(byName['AzureML-Out-AzureML-Udp'].protocol, 'Udp');
    assert.equal(byName['AzureML-Out-AzureML-Udp'].destinationPortRange, '5831');
    assert.equal(byName['AzureML-Out-Batch'].destinationAddressPrefix, 'BatchNodeManagement.swedencentral');
    assert.equal(byName['AzureML-Out-Batch'].destinationPortRange, '443');
    assert.equal(byName['AzureML-Out-Storage'].destinationAddressPrefix, 'Storage.swedencentral');
  });

  test('public-IP compute adds inbound 44224 from AzureMachineLearning; instances add SMB 445; SSH only from the given CIDRs', () => {
    const { app, stack } = newStack();
    const nsg = new NetworkSecurityGroup(stack, 'Nsg');
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    const a = vnet.addSubnet('A', { addressPrefix: '10.10.1.0/24', networkSecurityGroup: nsg });
    a.registerCompute(new TestCompute(stack, 'Ci', 'ComputeInstance', true, 1, ['203.0.113.0/24']));
    a.registerCompute(
      new TestCompute(stack, 'Ci2', 'ComputeInstance', false, 1, ['198.51.100.7/32', '203.0.113.0/24']),
    );
    const rs = rules(synth(app));
    const inbound = rs.filter((r) => r.properties.direction === 'Inbound');
    assert.deepEqual(
      inbound.map((r) => r.name),
      ['AzureML-In-44224', 'AzureML-In-SSH'],
    );
    assert.deepEqual(inbound[0].properties, {
      access: 'Allow',
      description: 'Azure ML: inbound from AzureMachineLearning for compute with public IPs',
      destinationAddressPrefix: 'VirtualNetwork',
      destinationPortRange: '44224',
      direction: 'Inbound',
      priority: 3000,
      protocol: 'Tcp',
      sourceAddressPrefix: 'AzureMachineLearning',
      sourcePortRange: '*',
    });
    assert.deepEqual(inbound[1].properties.sourceAddressPrefixes, ['198.51.100.7/32', '203.0.113.0/24']);
    assert.equal(inbound[1].properties.destinationPortRange, '22');
    assert.ok(rs.some((r) => r.name === 'AzureML-Out-Storage-Smb' && r.properties.destinationPortRange === '445'));
  });

  test("deriveAzureMlRules: false leaves only the user's rules", () => {
    const { app, stack } = newStack();
    const nsg = new NetworkSecurityGroup(stack, 'Nsg', {
      deriveAzureMlRules: false,
      rules: [
        {
          name: 'AllowVpn',
          priority: 200,
          direction: 'Inbound',
          access: 'Allow',
          protocol: 'Tcp',
          sourceAddresses: ['10.0.0.0/8'],
          destinationPorts: ['8000-8100', 22],
        },
      ],
    });
    new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] })
      .addSubnet('A', { addressPrefix: '10.10.1.0/24', networkSecurityGroup: nsg })
      .registerCompute(new TestCompute(stack, 'C', 'AmlCompute', true, 2));
    const rs = rules(synth(app));
    assert.deepEqual(
      rs.map((r) => r.name),
      ['AllowVpn'],
    );
    assert.deepEqual(rs[0].properties.destinationPortRanges, ['8000-8100', '22']);
    assert.equal(nsg.registeredCompute.length, 1);
  });

  test('fails NsgRulePriorityOutOfRange, DuplicateNsgRulePriority (incl. the derived band), DuplicateNsgRuleName, InvalidSecurityRule, InvalidCidr', () => {
    const { app, stack } = newStack();
    const nsg = new NetworkSecurityGroup(stack, 'Nsg');
    new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] })
      .addSubnet('A', { addressPrefix: '10.10.1.0/24', networkSecurityGroup: nsg })
      .registerCompute(new TestCompute(stack, 'C', 'AmlCompute', false, 2));
    nsg.addRule({ name: 'TooLow', priority: 99, direction: 'Inbound', access: 'Deny' });
    nsg.addRule({ name: 'TooHigh', priority: 4097, direction: 'Outbound', access: 'Deny' });
    nsg.addRule({ name: 'Clash', priority: 3000, direction: 'Outbound', access: 'Deny' }); // derived AzureML-Out-AzureML-Tcp
    nsg.addRule({ name: 'SameInOtherDirection', priority: 3000, direction: 'Inbound', access: 'Deny' }); // fine: no inbound derived rule
    nsg.addRule({ name: 'P1', priority: 500, direction: 'Inbound', access: 'Allow' });
    nsg.addRule({ name: 'P2', priority: 500, direction: 'Inbound', access: 'Allow' });
    nsg.addRule({ name: 'p1', priority: 501, direction: 'Inbound', access: 'Allow' });
    nsg.addRule({ name: 'AzureML-Out-Batch', priority: 600, direction: 'Outbound', access: 'Deny' });
    nsg.addRule({ name: 'BadProto', priority: 700, direction: 'Inbound', access: 'Allow', protocol: 'Http' as never });
    nsg.addRule({ name: 'BadPort', priority: 701, direction: 'Inbound', access: 'Allow', destinationPorts: [70000] });
    nsg.addRule({
      name: 'BadCidr',
      priority: 702,
      direction: 'Inbound',
      access: 'Allow',
      sourceAddresses: ['10.0.0.0/40'],
    });
    const s = synth(app);
    const byCode = (c: string) => s.errors.filter((e) => e.code === c);
    assert.deepEqual(
      byCode('NsgRulePriorityOutOfRange').map((e) => e.value),
      [99, 4097],
    );
    const dupP = byCode('DuplicateNsgRulePriority');
    assert.equal(dupP.length, 2);
    assert.match(dupP[0].message, /AzureML-Out-AzureML-Tcp.*3000-3099/);
    assert.match(dupP[1].message, /"P1"/);
    assert.deepEqual(
      byCode('DuplicateNsgRuleName').map((e) => e.value),
      ['p1', 'AzureML-Out-Batch'],
    );
    assert.equal(byCode('InvalidSecurityRule').length, 2);
    assert.equal(byCode('InvalidCidr')[0].value, '10.0.0.0/40');
    assert.ok(s.errors.every((e) => e.path === 'Net/Nsg'));
    assert.ok(
      !s.errors.some((e) => e.code === 'SchemaViolation'),
      'coded errors are not repeated as schema violations',
    );
  });
});

describe('PrivateEndpoint and PrivateDnsZone', () => {
  test('forWorkspace creates the endpoint, both Azure ML zones linked to the VNet, and the zone group', () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    const pes = vnet.addSubnet('Pe', { addressPrefix: '10.10.9.0/29' });
    const pe = PrivateEndpoint.forWorkspace(stack, 'WsPe', { workspace: ws, subnet: pes });
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    const r = s.resource('Net/WsPe');
    assert.equal(r.type, 'Microsoft.Network/privateEndpoints');
    assert.deepEqual(r.body, {
      location: 'westeurope',
      properties: {
        privateLinkServiceConnections: [
          {
            name: pe.privateEndpointName,
            properties: { groupIds: ['amlworkspace'], privateLinkServiceId: ws.workspaceId },
          },
        ],
        subnet: { id: pes.subnetId },
      },
    });
    const zones = s.ofType('Microsoft.Network/privateDnsZones');
    assert.deepEqual(zones.map((z) => z.name).sort(), [
      'privatelink.api.azureml.ms',
      'privatelink.notebooks.azure.net',
    ]);
    for (const z of zones) assert.deepEqual(z.body, { location: 'global' });
    const links = s.ofType('Microsoft.Network/privateDnsZones/virtualNetworkLinks');
    assert.equal(links.length, 2);
    for (const l of links)
      assert.deepEqual(l.body.properties, {
        registrationEnabled: false,
        virtualNetwork: { id: vnet.virtualNetworkId },
      });
    const group = s.resource('Net/WsPe/DnsZoneGroup');
    assert.equal(group.id, `${r.id}/privateDnsZoneGroups/default`);
    assert.deepEqual(
      (group.body.properties as { privateDnsZoneConfigs: Array<{ name: string }> }).privateDnsZoneConfigs.map(
        (c) => c.name,
      ),
      ['privatelink-api-azureml-ms', 'privatelink-notebooks-azure-net'],
    );
    assert.ok(group.dependsOn.includes('Net/WsPe'));
    assert.equal(pes.requiredAddresses, 1, 'the endpoint takes an address in its subnet');
    for (const x of s.manifest.resources) assert.deepEqual(validateBody(x.type, x.body), [], x.logicalId);
  });

  test('fails InvalidPrivateEndpointGroupId for a sub-resource the target type does not have', () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    const sn = Subnet.fromSubnetId(
      stack,
      'S',
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pe`,
    );
    new PrivateEndpoint(stack, 'Pe', { subnet: sn, target: ws, groupIds: ['blob'] });
    new PrivateEndpoint(stack, 'Pe2', { subnet: sn, target: ws.workspaceId, groupIds: [] });
    const s = synth(app);
    const errs = s.errors.filter((e) => e.code === 'InvalidPrivateEndpointGroupId');
    assert.equal(errs.length, 2);
    assert.equal(errs[0].allowed, 'amlworkspace');
  });

  test('fails InvalidPrivateEndpointTarget for a target without an ARM id', () => {
    const { app, stack } = newStack();
    const sn = Subnet.fromSubnetId(
      stack,
      'S',
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pe`,
    );
    new PrivateEndpoint(stack, 'Pe', { subnet: sn, target: 'not-an-id', groupIds: ['amlworkspace'] });
    assert.equal(errorOf(synth(app), 'InvalidPrivateEndpointTarget').value, 'not-an-id');
  });

  test("fails PrivateEndpointRegionMismatch when location differs from the subnet's", () => {
    const { app, stack } = newStack();
    const ws = new TestWorkspace(stack, 'Ws');
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'], location: 'northeurope' });
    const sn = vnet.addSubnet('Pe', { addressPrefix: '10.10.9.0/29' });
    const ok = new PrivateEndpoint(stack, 'Follows', { subnet: sn, target: ws, groupIds: ['amlworkspace'] });
    assert.equal(ok.location, 'northeurope');
    new PrivateEndpoint(stack, 'Pinned', {
      subnet: sn,
      target: ws,
      groupIds: ['amlworkspace'],
      location: 'westeurope',
    });
    const e = errorOf(synth(app), 'PrivateEndpointRegionMismatch');
    assert.equal(e.path, 'Net/Pinned');
    assert.equal(e.allowed, 'northeurope');
  });

  test('fails InvalidDnsZoneName; addVirtualNetworkLink is idempotent per VNet', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    const z = new PrivateDnsZone(stack, 'Z', { zoneName: PrivateDnsZone.STORAGE_FILE, virtualNetworks: [vnet] });
    assert.equal(z.addVirtualNetworkLink(vnet), z.addVirtualNetworkLink(vnet));
    new PrivateDnsZone(stack, 'Bad', { zoneName: 'no_dots' });
    const s = synth(app);
    assert.deepEqual(codes(s), ['InvalidDnsZoneName']);
    assert.equal(s.ofType('Microsoft.Network/privateDnsZones/virtualNetworkLinks').length, 1);
  });
});

describe('PrivateDnsZone links to existing VNets', () => {
  test('links a hub VNet by id; fails InvalidVirtualNetworkId for an id of another type', () => {
    const { app, stack } = newStack();
    const hub = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub`;
    const z = new PrivateDnsZone(stack, 'Api', { zoneName: PrivateDnsZone.AZUREML_API, virtualNetworks: [hub] });
    assert.equal(
      z.addVirtualNetworkLink(hub.toUpperCase()),
      z.addVirtualNetworkLink(hub),
      'one link per VNet, ids compared case-insensitively',
    );
    let s = synth(app);
    assert.deepEqual(s.errors, []);
    const link = s.resource('Net/Api/Link-hub');
    assert.deepEqual(link.body.properties, { registrationEnabled: false, virtualNetwork: { id: hub } });
    assert.deepEqual(link.dependsOn, ['Net/Api']);
    z.addVirtualNetworkLink(
      `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/networkSecurityGroups/hub`,
    );
    s = synth(app);
    assert.equal(errorOf(s, 'InvalidVirtualNetworkId').path, 'Net/Api/Link-hub2');
  });
});

describe('egress warning', () => {
  test('notes azureml:network:noEgress for no-public-IP compute in a subnet without default outbound, NAT or route table', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    vnet
      .addSubnet('Closed', { addressPrefix: '10.10.1.0/24', defaultOutboundAccess: false })
      .registerCompute(new TestCompute(stack, 'C', 'AmlCompute', false, 2));
    vnet
      .addSubnet('Nat', {
        addressPrefix: '10.10.2.0/24',
        defaultOutboundAccess: false,
        natGatewayId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/natGateways/nat`,
      })
      .registerCompute(new TestCompute(stack, 'D', 'AmlCompute', false, 2));
    vnet
      .addSubnet('Public', { addressPrefix: '10.10.3.0/24', defaultOutboundAccess: false })
      .registerCompute(new TestCompute(stack, 'E', 'AmlCompute', true, 2));
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    const w = s.diagnostics.filter((d) => d.code === 'azureml:network:noEgress');
    assert.deepEqual(
      w.map((d) => d.path),
      ['Net/Vnet/Closed'],
    );
    assert.equal(w[0].level, 'info');
    assert.match(w[0].message, /natGatewayId/);
    assert.deepEqual(s.resource('Net/Vnet/Nat').body.properties, {
      addressPrefix: '10.10.2.0/24',
      defaultOutboundAccess: false,
      natGateway: { id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/natGateways/nat` },
    });
  });
});

describe('shared private DNS zones', () => {
  test('two workspaces and a storage endpoint share zones per name; a second zone of the same name fails DuplicatePrivateDnsZone', () => {
    const { app, stack } = newStack();
    const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] });
    const pes = vnet.addSubnet('Pe', { addressPrefix: '10.10.9.0/28' });
    PrivateEndpoint.forWorkspace(stack, 'Ws1Pe', { workspace: new TestWorkspace(stack, 'Ws1'), subnet: pes });
    PrivateEndpoint.forWorkspace(stack, 'Ws2Pe', { workspace: new TestWorkspace(stack, 'Ws2'), subnet: pes });
    const account = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stml`;
    PrivateEndpoint.withPrivateDns(stack, 'BlobPe', { target: account, groupId: 'blob', subnet: pes });
    PrivateEndpoint.withPrivateDns(stack, 'FilePe', { target: account, groupId: 'file', subnet: pes });
    let s = synth(app);
    assert.deepEqual(s.errors, []);
    assert.deepEqual(
      s
        .ofType('Microsoft.Network/privateDnsZones')
        .map((z) => z.name)
        .sort(),
      [
        'privatelink.api.azureml.ms',
        'privatelink.blob.core.windows.net',
        'privatelink.file.core.windows.net',
        'privatelink.notebooks.azure.net',
      ],
    );
    assert.equal(
      s.ofType('Microsoft.Network/privateDnsZones/virtualNetworkLinks').length,
      4,
      'one link per zone and VNet',
    );
    assert.equal(s.ofType('Microsoft.Network/privateEndpoints/privateDnsZoneGroups').length, 4);
    assert.equal(
      new Set(s.manifest.resources.map((r) => r.id.toLowerCase())).size,
      s.manifest.resources.length,
      'no duplicate resource ids',
    );
    const blobGroup = s.resource('Net/BlobPe/DnsZoneGroup').body.properties as {
      privateDnsZoneConfigs: Array<{ name: string }>;
    };
    assert.deepEqual(
      blobGroup.privateDnsZoneConfigs.map((c) => c.name),
      ['privatelink-blob-core-windows-net'],
    );
    new PrivateDnsZone(stack, 'Again', { zoneName: 'privatelink.api.azureml.ms' });
    s = synth(app);
    const e = errorOf(s, 'DuplicatePrivateDnsZone');
    assert.equal(e.path, 'Net/Again');
    assert.match(e.fix!, /PrivateDnsZone-privatelink-api-azureml-ms/);
  });
});

describe('NSG rules that block Azure ML', () => {
  test('warns azureml:network:nsgBlocksAzureMl for an early deny-all or deny-Internet; later or narrower denies are fine', () => {
    const { app, stack } = newStack();
    const nsg = new NetworkSecurityGroup(stack, 'Nsg');
    new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] })
      .addSubnet('A', { addressPrefix: '10.10.1.0/24', networkSecurityGroup: nsg })
      .registerCompute(new TestCompute(stack, 'C', 'ComputeInstance', true, 1));
    nsg.addRule({ name: 'DenyAllOut', priority: 100, direction: 'Outbound', access: 'Deny' });
    nsg.addRule({
      name: 'DenyInternetIn',
      priority: 110,
      direction: 'Inbound',
      access: 'Deny',
      sourceAddresses: ['Internet'],
      destinationPorts: ['40000-50000'],
    });
    nsg.addRule({
      name: 'DenyLater',
      priority: 4000,
      direction: 'Outbound',
      access: 'Deny',
      destinationAddresses: ['Internet'],
    });
    nsg.addRule({
      name: 'DenySsh',
      priority: 120,
      direction: 'Inbound',
      access: 'Deny',
      protocol: 'Tcp',
      destinationPorts: [22],
    });
    nsg.addRule({
      name: 'DenyUdpElsewhere',
      priority: 130,
      direction: 'Outbound',
      access: 'Deny',
      protocol: 'Udp',
      destinationAddresses: ['10.0.0.0/8'],
    });
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    const w = s.diagnostics.filter((d) => d.code === 'azureml:network:nsgBlocksAzureMl');
    const pairs = w
      .map((d) => {
        const v = d.value as { rule: string; blocks: string };
        return `${v.rule}>${v.blocks}`;
      })
      .sort();
    assert.deepEqual(pairs, [
      'DenyAllOut>AzureML-Out-AzureML-Tcp',
      'DenyAllOut>AzureML-Out-AzureML-Udp',
      'DenyAllOut>AzureML-Out-Batch',
      'DenyAllOut>AzureML-Out-Storage',
      'DenyAllOut>AzureML-Out-Storage-Smb',
      'DenyInternetIn>AzureML-In-44224',
    ]);
    assert.match(w[0].fix!, /above 3099/);
  });
});

describe('subnets in an existing VNet', () => {
  test('fromVirtualNetworkId: subnets are managed, the VNet is not; prefixes are checked against the given address space', () => {
    const { app, stack } = newStack();
    const vnetId = `/subscriptions/${SUB}/resourceGroups/rg-platform/providers/Microsoft.Network/virtualNetworks/spoke-ml`;
    const spoke = VirtualNetwork.fromVirtualNetworkId(stack, 'Spoke', vnetId, {
      location: 'West Europe',
      addressSpace: ['10.50.0.0/16'],
    });
    const nsg = new NetworkSecurityGroup(stack, 'Nsg');
    const compute = spoke.addSubnet('Compute', { addressPrefix: '10.50.8.0/24', networkSecurityGroup: nsg });
    const pe = spoke.addSubnet('Pe', { addressPrefix: '10.50.9.0/28' });
    PrivateEndpoint.forWorkspace(stack, 'WsPe', { workspace: new TestWorkspace(stack, 'Ws'), subnet: pe });
    let s = synth(app);
    assert.deepEqual(s.errors, []);
    assert.equal(s.ofType('Microsoft.Network/virtualNetworks').length, 0, 'the existing VNet is not managed');
    const sub = s.resource('Net/Spoke/Compute');
    assert.equal(sub.id, `${vnetId}/subnets/${sub.name}`);
    assert.deepEqual(sub.dependsOn, ['Net/Nsg']);
    assert.deepEqual(s.resource('Net/Spoke/Pe').dependsOn, ['Net/Spoke/Compute']);
    assert.equal(compute.location, 'westeurope');
    for (const l of s.ofType('Microsoft.Network/privateDnsZones/virtualNetworkLinks')) {
      assert.deepEqual((l.body.properties as { virtualNetwork: { id: string } }).virtualNetwork, { id: vnetId });
    }
    spoke.addSubnet('Outside', { addressPrefix: '10.60.0.0/24' });
    VirtualNetwork.fromVirtualNetworkId(
      stack,
      'Bad',
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/x`,
    );
    s = synth(app);
    assert.deepEqual(codes(s), ['InvalidVirtualNetworkId', 'SubnetOutsideAddressSpace']);
  });
});

describe('denyOtherInternetOutbound', () => {
  test('adds a last Deny Internet outbound rule that does not shadow the derived Azure ML rules', () => {
    const { app, stack } = newStack();
    const nsg = new NetworkSecurityGroup(stack, 'Nsg', { denyOtherInternetOutbound: true });
    new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.10.0.0/16'] })
      .addSubnet('A', { addressPrefix: '10.10.1.0/24', networkSecurityGroup: nsg })
      .registerCompute(new TestCompute(stack, 'C', 'AmlCompute', false, 2));
    const s = synth(app);
    assert.deepEqual(s.errors, []);
    assert.ok(!s.diagnostics.some((d) => d.code === 'azureml:network:nsgBlocksAzureMl'));
    const rules = (
      s.resource('Net/Nsg').body.properties as {
        securityRules: Array<{ name: string; properties: Record<string, unknown> }>;
      }
    ).securityRules;
    const last = rules.at(-1)!;
    assert.equal(last.name, 'Deny-Internet-Outbound');
    assert.deepEqual(
      [last.properties.priority, last.properties.access, last.properties.destinationAddressPrefix],
      [4096, 'Deny', 'Internet'],
    );
  });
});

describe('imported subnets', () => {
  test('fails DelegatedSubnet for compute placed in an imported subnet known to be delegated', () => {
    const { app, stack } = newStack();
    const sn = Subnet.fromSubnetId(
      stack,
      'Shared',
      `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/web`,
      {
        location: 'westeurope',
        delegations: ['Microsoft.ContainerInstance/containerGroups'],
      },
    );
    sn.registerCompute!(new TestCompute(stack, 'C', 'AmlCompute', false, 2));
    assert.equal(errorOf(synth(app), 'DelegatedSubnet').path, 'Net/Shared');
  });
});
