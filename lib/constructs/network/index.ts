/** Network constructs: VirtualNetwork, Subnet, NetworkSecurityGroup (Azure ML rules derived from compute), PrivateEndpoint, PrivateDnsZone. */
export * from './cidr.js';
export * from './network-security-group.js';
export * from './virtual-network.js';
export * from './private-dns-zone.js';
export * from './private-endpoint.js';
