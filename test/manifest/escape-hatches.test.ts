/**
 * Escape hatches: addPropertyOverride / addPropertyDeletion on any resource (recorded in the manifest, the closed
 * schema relaxed only at those paths, one warning per path), and GenericResource for any ARM type and api-version.
 */
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  App,
  ComputeCluster,
  GenericResource,
  Stack,
  VmSize,
  Workspace,
  validateManifestDeep,
} from '../../lib/index.js';
import { Template } from '../../lib/testing/index.js';
import type { Json } from '../helpers/json.js';
import { HATCH_ROUTE_TABLE_ID, hatchProgram } from '../helpers/hatch-program.js';

const SUB = '00000000-0000-0000-0000-000000000000';
const TENANT = '11111111-1111-1111-1111-111111111111';

function setup(): { app: App; stack: Stack; ws: Workspace } {
  const app = new App();
  const stack = new Stack(app, 'Team', { subscriptionId: SUB, resourceGroup: 'rg', location: 'westeurope' });
  return { app, stack, ws: new Workspace(stack, 'Ws', { tenantId: TENANT }) };
}

describe('addPropertyOverride / addPropertyDeletion', () => {
  test('an unmodeled property is set, recorded with its path, warned about, and not refused by the closed schema', () => {
    const { stack, ws } = setup();
    ws.addPropertyOverride('properties.allowPublicAccessWhenBehindVnet', true);
    ws.addPropertyDeletion('/properties/hbiWorkspace');
    const t = Template.fromStack(stack);
    t.hasNoErrors();
    const r = t.resource('Team/Ws');
    const body = r.body as Json;
    assert.equal(body.properties.allowPublicAccessWhenBehindVnet, true);
    assert.equal('hbiWorkspace' in body.properties, false);
    assert.deepEqual(r.overrides, [
      { path: '/properties/allowPublicAccessWhenBehindVnet', op: 'set' },
      { path: '/properties/hbiWorkspace', op: 'delete' },
    ]);
    const warnings = t.warnings().filter((w) => w.code === 'azureml:override:unvalidated');
    assert.deepEqual(
      warnings.map((w) => w.value),
      ['/properties/allowPublicAccessWhenBehindVnet', '/properties/hbiWorkspace'],
    );
    assert.deepEqual(
      validateManifestDeep(t.manifest).filter((i) => !i.pointer.includes('/properties/allow')),
      [],
    );
  });

  test('the schema is relaxed only at the overridden paths: a bad value elsewhere is still a SchemaViolation', () => {
    const { stack, ws } = setup();
    const c = new ComputeCluster(ws, 'Cpu', {
      vmSize: VmSize.STANDARD_DS3_V2,
      maxNodeCount: 2,
      osType: 'Solaris' as never,
    });
    c.addPropertyOverride('properties.properties.scaleSettings.futureKnob', 'on');
    const errors = Template.fromStack(stack).errors();
    assert.deepEqual(
      errors.map((e) => [e.code, /osType/.test(e.message)]),
      [['SchemaViolation', true]],
    );
  });

  test("a default an override replaces is the program's value: it leaves the resource's defaults", () => {
    const { stack, ws } = setup();
    const before = Template.fromStack(stack).resource('Team/Ws').defaults ?? [];
    assert.ok(before.includes('/properties/publicNetworkAccess'));
    ws.addPropertyOverride('properties.publicNetworkAccess', 'Disabled');
    const r = Template.fromStack(stack).resource('Team/Ws');
    assert.equal((r.body as Json).properties.publicNetworkAccess, 'Disabled');
    assert.deepEqual(
      r.defaults,
      before.filter((d) => d !== '/properties/publicNetworkAccess'),
    );
  });

  test('a path that names nothing is InvalidOverridePath', () => {
    const { stack, ws } = setup();
    ws.addPropertyOverride('properties..x', 1);
    Template.fromStack(stack).hasError('InvalidOverridePath', 'Team/Ws');
  });
});

describe('GenericResource', () => {
  test('any type and api-version: the body as written, a derived id, generic in the manifest; a child needs its parent', () => {
    const { stack } = hatchProgram({ route: true });
    new GenericResource(stack, 'Orphan', {
      type: 'Microsoft.Network/routeTables/routes',
      apiVersion: '2024-05-01',
      name: 'x',
    });
    const t = Template.fromStack(stack);
    assert.deepEqual(
      t.errors().map((e) => [e.code, e.path]),
      [['MissingParent', 'Hatch/Orphan']],
    );
    const r = t.resource('Hatch/Routes');
    assert.equal(r.id, HATCH_ROUTE_TABLE_ID);
    assert.equal(r.apiVersion, '2024-05-01');
    assert.equal(r.generic, true);
    assert.deepEqual((r.body as Json).properties, { disableBgpRoutePropagation: true });
    assert.deepEqual(t.resource('Hatch/Route').dependsOn, ['Hatch/Routes']);
    assert.equal(t.resource('Hatch/Route').id, `${r.id}/routes/default`);
  });
});
