/**
 * SSH with a key but no public access, a cluster in a subnet of another region (computeLocation), and one error
 * per mistake: each expressible (or reported once) with a fix that says what to do.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  App,
  ComputeCluster,
  ComputeInstance,
  Principal,
  SshAccess,
  Stack,
  Subnet,
  VmSize,
  Workspace,
  type VmPriority,
} from '../../lib/index.js';
import { Template } from '../../lib/testing/index.js';
import { readAzmlComputeYaml } from '../../lib/cli/azml-yaml/read.js';
import { generateComputeCode } from '../../lib/cli/azml-yaml/codegen.js';
import type { Json } from '../helpers/json.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcmB3n0oQ8gM5mX1m5wq0wJ0n3k7y8c2w8u3v9a3b4c alice@laptop';
const NE_SUBNET = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/ne/subnets/ml`;

function setup(): { stack: Stack; ws: Workspace } {
  const app = new App();
  const stack = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  return { stack, ws: new Workspace(stack, 'Ws', { tenantId: TENANT }) };
}

const inner = (t: Template, path: string): Json => (t.resource(path).body as Json).properties.properties;

describe('SSH with a key, without public access', () => {
  test('instance: sshPublicAccess Disabled with the key installed, as az ml sends it', () => {
    const { stack, ws } = setup();
    new ComputeInstance(ws, 'Alice', {
      vmSize: VmSize.STANDARD_DS3_V2,
      assignedUser: Principal.user('22222222-2222-2222-2222-222222222222', { tenantId: TENANT }),
      sshAccess: SshAccess.enabled({ publicKey: KEY, publicAccess: false }),
    });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    assert.deepEqual(inner(t, 'Team/Ws/Alice').sshSettings, { sshPublicAccess: 'Disabled', adminPublicKey: KEY });
  });

  test('cluster on public IPs: remote login port closed, credentials kept', () => {
    const { stack, ws } = setup();
    new ComputeCluster(ws, 'Cpu', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 2,
      sshAccess: SshAccess.enabled({ publicKey: KEY, publicAccess: false }),
    });
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    const p = inner(t, 'Team/Ws/Cpu');
    assert.equal(p.remoteLoginPortPublicAccess, 'Disabled');
    assert.equal(p.userAccountCredentials.adminUserSshPublicKey, KEY);
  });

  test('publicAccess must be a boolean', () => {
    const { stack, ws } = setup();
    new ComputeCluster(ws, 'Cpu', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 2,
      sshAccess: SshAccess.enabled({ publicKey: KEY, publicAccess: 'no' as never }),
    });
    assert.match(
      String(Template.fromStack(stack).hasError('InvalidPropType', 'Team/Ws/Cpu').fix),
      /publicAccess: false/,
    );
  });

  test('az ml YAML: an instance key without public access and cluster credentials with public access off convert', () => {
    const yaml =
      `name: ci-a\ntype: computeinstance\nssh_settings:\n  ssh_key_value: ${KEY}\n---\n` +
      `name: cpu-a\ntype: amlcompute\nssh_public_access_enabled: false\nssh_settings:\n  ssh_key_value: ${KEY}\n`;
    const r = readAzmlComputeYaml(yaml);
    assert.deepEqual(r.problems, []);
    const code = generateComputeCode(r.specs, { source: 'c.yml' }).code;
    assert.equal(code.match(/publicAccess: false/g)?.length, 2, code);
  });
});

describe('cluster in a subnet of another region', () => {
  test('with computeLocation set to the subnet region: accepted', () => {
    const { stack, ws } = setup();
    const subnet = Subnet.fromSubnetId(stack, 'Ne', NE_SUBNET, { location: 'northeurope' });
    new ComputeCluster(ws, 'Far', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 2,
      subnet,
      computeLocation: 'northeurope',
    });
    Template.fromStack(stack).hasNoErrors();
  });

  test('without it: SubnetRegionMismatch whose fix is computeLocation; an instance is told it runs in the workspace region', () => {
    const { stack, ws } = setup();
    const subnet = Subnet.fromSubnetId(stack, 'Ne', NE_SUBNET, { location: 'northeurope' });
    new ComputeCluster(ws, 'Far', { vmSize: VmSize.STANDARD_DS3_V2, maxNodeCount: 2, subnet });
    new ComputeCluster(ws, 'Wrong', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 2,
      subnet,
      computeLocation: 'swedencentral',
    });
    new ComputeInstance(ws, 'Alice', {
      vmSize: VmSize.STANDARD_DS3_V2,
      assignedUser: Principal.user('22222222-2222-2222-2222-222222222222', { tenantId: TENANT }),
      subnet,
    });
    const t = Template.fromStack(stack);
    assert.match(String(t.hasError('SubnetRegionMismatch', 'Team/Ws/Far').fix), /computeLocation: 'northeurope'/);
    assert.match(t.hasError('SubnetRegionMismatch', 'Team/Ws/Wrong').message, /computeLocation is swedencentral/);
    assert.match(String(t.hasError('SubnetRegionMismatch', 'Team/Ws/Alice').fix), /workspace region/);
  });
});

describe('one mistake, one error', () => {
  test("vmPriority 'Spot' is InvalidVmPriority only (no SchemaViolation)", () => {
    const { stack, ws } = setup();
    new ComputeCluster(ws, 'Spot', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 2,
      vmPriority: 'Spot' as VmPriority,
    });
    const errors = Template.fromStack(stack).errors();
    assert.deepEqual(
      errors.map((e) => e.code),
      ['InvalidVmPriority'],
    );
  });
});
