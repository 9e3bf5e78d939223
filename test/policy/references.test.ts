/**
 * Policy over deploy-time references: a rule never passes or fails on a value known only after apply, and the
 * report says so.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  App,
  BuiltInRole,
  ComputeCluster,
  ComputeIdentity,
  ComputeInstance,
  Principal,
  SshAccess,
  Stack,
  VmSize,
  Workspace,
  type Manifest,
} from '../../lib/index.js';
import { buildManifests } from '../../lib/core/synth.js';
import { check } from '../../lib/policy/engine.js';
import type { Json } from '../helpers/json.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcmB3n0oQ8gM5mX1m5wq0wJ0n3k7y8c2w8u3v9a3b4c alice@laptop';

function program(): Manifest {
  const app = new App();
  const stack = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  const ws = new Workspace(stack, 'Ws', { tenantId: TENANT });
  const gpu = new ComputeCluster(ws, 'Gpu', {
    vmSize: VmSize.STANDARD_DS3_V2,
    maxNodeCount: 1,
    identity: ComputeIdentity.systemAssigned(),
  });
  gpu.identity.grant(ws.storageAccount!, BuiltInRole.STORAGE_BLOB_DATA_READER);
  new ComputeInstance(ws, 'Alice', {
    vmSize: VmSize.STANDARD_DS3_V2,
    assignedUser: Principal.user('22222222-2222-2222-2222-222222222222', { tenantId: TENANT }),
    sshAccess: SshAccess.enabled({ publicKey: KEY }),
  });
  return buildManifests(app).manifests[0];
}

describe('policy and deploy-time values', () => {
  test('a program with references is checked without error; a rule reading one reports "not judged" at info', () => {
    const m = program();
    assert.ok(check(m).findings.length >= 0, 'references in bodies do not break the engine');
    // A rule that reads a deploy-time value (here: the instance SSH setting, made a reference by hand) neither
    // passes nor fails on it, and says so.
    const hacked = JSON.parse(JSON.stringify(m));
    const inst = (hacked.resources as Json[]).find((r) => r.logicalId === 'Team/Ws/Alice')!;
    inst.body.properties.properties.sshSettings.sshPublicAccess = {
      ref: { resource: 'Team/Ws/Gpu', attribute: 'identity.principalId' },
    };
    const before = check(m).findings.filter((f) => f.ruleId === 'AML-NET-009' && f.logicalId === 'Team/Ws/Alice');
    assert.equal(before.length, 1, 'with the literal value the rule fails');
    assert.notEqual(before[0].severity, 'info');
    const after = check(hacked as Manifest, { recordPasses: true });
    const judged = after.findings.filter((f) => f.ruleId === 'AML-NET-009' && f.logicalId === 'Team/Ws/Alice');
    assert.equal(judged.length, 1);
    assert.equal(judged[0].severity, 'info');
    assert.match(judged[0].message, /not judged: .*known only after apply/);
    assert.equal(judged[0].provenance, 'unknown');
    assert.ok(
      !(after.passes ?? []).some((p) => p.ruleId === 'AML-NET-009' && p.logicalId === 'Team/Ws/Alice'),
      'not recorded as a pass',
    );
  });
});
