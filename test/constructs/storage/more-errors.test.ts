/** The remaining coded errors of the network and storage constructs, one assertion each. */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { FileShare, FileShareMount } from '../../../lib/constructs/storage/index.js';
import {
  VirtualNetwork,
  Subnet,
  NetworkSecurityGroup,
  PrivateEndpoint,
} from '../../../lib/constructs/network/index.js';
import { ValidationError } from '../../../lib/core/errors.js';
import { newStack, synth, errorOf, TestWorkspace, SUB } from '../network/helpers.js';

const ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stmlteam`;

test('InvalidShareAccessTier, InvalidServiceDataAccessIdentity, InvalidFileShare, readOnly InvalidPropType, UnknownRole for userRole', () => {
  const { app, stack } = newStack();
  const ws = new TestWorkspace(stack, 'Ws');
  const share = new FileShare(stack, 'S', { storageAccount: ACCOUNT_ID, accessTier: 'Frozen' as never });
  new FileShareMount(stack, 'Sda', { workspace: ws, share, serviceDataAccessAuthIdentity: 'Mine' as never });
  new FileShareMount(stack, 'NotShare', { workspace: ws, share: { shareName: 'x' } as never });
  new FileShareMount(stack, 'Ro', { workspace: ws, share, readOnly: 'yes' as never });
  new FileShareMount(stack, 'Role', { workspace: ws, share, userRole: 'Reader' as never });
  const s = synth(app);
  assert.equal(errorOf(s, 'InvalidShareAccessTier').value, 'Frozen');
  assert.equal(errorOf(s, 'InvalidServiceDataAccessIdentity').value, 'Mine');
  assert.equal(errorOf(s, 'InvalidFileShare').path, 'Net/NotShare');
  assert.equal(errorOf(s, 'InvalidPropType').path, 'Net/Ro');
  assert.equal(errorOf(s, 'UnknownRole').path, 'Net/Role');
  assert.ok(!s.errors.some((e) => e.code === 'SchemaViolation'), JSON.stringify(s.errors));
});

test('InvalidNetworkSecurityGroupName, InvalidPrivateEndpointName, MissingSubnet, InvalidPropType for list props', () => {
  const { app, stack } = newStack();
  const ws = new TestWorkspace(stack, 'Ws');
  new NetworkSecurityGroup(stack, 'Nsg', { networkSecurityGroupName: 'bad name' });
  const vnet = new VirtualNetwork(stack, 'Vnet', { addressSpace: ['10.0.0.0/16'], dnsServers: '10.0.0.4' as never });
  const sn = vnet.addSubnet('S', { addressPrefix: '10.0.1.0/24', delegations: [42] as never });
  new PrivateEndpoint(stack, 'Pe', { subnet: sn, target: ws, groupIds: ['amlworkspace'], privateEndpointName: '-pe-' });
  new PrivateEndpoint(stack, 'NoSubnet', { subnet: undefined as never, target: ws, groupIds: ['amlworkspace'] });
  const s = synth(app);
  assert.equal(errorOf(s, 'InvalidNetworkSecurityGroupName').value, 'bad name');
  assert.equal(errorOf(s, 'InvalidPrivateEndpointName').value, '-pe-');
  assert.equal(errorOf(s, 'MissingSubnet').path, 'Net/NoSubnet');
  const types = s.errors
    .filter((e) => e.code === 'InvalidPropType')
    .map((e) => e.path)
    .sort();
  assert.deepEqual(types, ['Net/Vnet', 'Net/Vnet/S']);
});

test('MissingVirtualNetwork is thrown (with a fix) when a Subnet is created without its VNet', () => {
  const { stack } = newStack();
  assert.throws(
    () => new Subnet(stack, 'Orphan', { addressPrefix: '10.0.0.0/24' } as never),
    (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.code, 'MissingVirtualNetwork');
      assert.equal(e.path, 'Net/Orphan');
      assert.match(e.details.fix!, /addSubnet/);
      return true;
    },
  );
});
