import { test, describe } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FIELD_TABLES,
  ML_COMPUTES,
  ML_WORKSPACES,
  classifyPath,
  createOnlyPaths,
  fieldTableFor,
  isIgnored,
  joinPath,
  splitPath,
} from '../../lib/catalog/field-tables.js';
import { renderFieldTableDoc } from '../../scripts/gen-field-table-doc.js';

describe('field tables', () => {
  test('compute instance: create-only except actions', () => {
    const t = fieldTableFor(ML_COMPUTES, 'ComputeInstance');
    assert.equal(classifyPath(t, '/properties/properties/vmSize').update, 'replace');
    assert.equal(classifyPath(t, '/properties/properties/sshSettings/sshPublicAccess').update, 'replace');
    assert.equal(classifyPath(t, '/tags/team').update, 'replace');
    assert.equal(classifyPath(t, '/properties/properties/somethingNew').update, 'replace');
    const idle = classifyPath(t, '/properties/properties/idleTimeBeforeShutdown');
    assert.equal(idle.update, 'action');
    assert.equal(idle.action, 'updateIdleShutdownSetting');
    // No operation of the pinned stable api-version changes schedules (updateSchedules is preview-only): replace.
    assert.equal(
      classifyPath(t, '/properties/properties/schedules/computeStartStop/0/cron/expression').update,
      'replace',
    );
    // A more specific ignore rule beats the replace rule above it.
    assert.equal(classifyPath(t, '/properties/properties/schedules/computeStartStop/3/id').update, 'ignore');
    assert.equal(classifyPath(t, '/properties/properties/state').update, 'ignore');
  });

  test('cluster: scale settings by PATCH, tags and identity in place, the rest replaces', () => {
    const t = fieldTableFor(ML_COMPUTES, 'AmlCompute');
    assert.equal(classifyPath(t, '/properties/properties/scaleSettings/maxNodeCount').update, 'patch');
    assert.equal(classifyPath(t, '/tags/owner').update, 'in-place');
    assert.equal(classifyPath(t, '/identity/type').update, 'in-place');
    assert.equal(classifyPath(t, '/identity/principalId').update, 'ignore');
    assert.equal(classifyPath(t, '/properties/properties/vmSize').update, 'replace');
    assert.equal(classifyPath(t, '/properties/properties/vmPriority').update, 'replace');
    assert.equal(classifyPath(t, '/properties/properties/currentNodeCount').update, 'ignore');
    assert.equal(classifyPath(t, '/properties/description').update, 'replace');
  });

  test('attached compute: a different resourceId is detach + re-attach', () => {
    for (const ct of ['Kubernetes', 'VirtualMachine', 'SynapseSpark', 'Databricks']) {
      const c = classifyPath(fieldTableFor(ML_COMPUTES, ct), '/properties/resourceId');
      assert.equal(c.update, 'replace', ct);
      assert.match(c.source, /detach/);
    }
    // An unknown compute type is treated as attached (replace by default): the safe choice.
    assert.equal(fieldTableFor(ML_COMPUTES, 'SomethingNew').default, 'replace');
  });

  test('workspace: dependent resources replace, one-way isolation mode', () => {
    const t = fieldTableFor(ML_WORKSPACES);
    for (const p of ['storageAccount', 'keyVault', 'applicationInsights', 'containerRegistry', 'hbiWorkspace']) {
      assert.equal(classifyPath(t, `/properties/${p}`).update, 'replace', p);
    }
    assert.equal(classifyPath(t, '/properties/publicNetworkAccess').update, 'in-place');
    assert.equal(classifyPath(t, '/properties/managedNetwork/status/sparkReady').update, 'ignore');
    assert.deepEqual(t.oneWay?.find((o) => o.path === '/properties/managedNetwork/isolationMode')?.refuseTo, [
      'Disabled',
    ]);
  });

  test('lookup is case-insensitive on type and unknown types get the generic table', () => {
    assert.equal(fieldTableFor(ML_COMPUTES.toLowerCase(), 'amlcompute').computeType, 'AmlCompute');
    const g = fieldTableFor('Microsoft.Foo/bars');
    assert.equal(g.default, 'in-place');
    assert.equal(classifyPath(g, '/location').update, 'replace');
    assert.equal(isIgnored(g, '/systemData/createdAt'), true);
    assert.equal(
      classifyPath(fieldTableFor('Microsoft.Authorization/roleAssignments'), '/properties/principalId').update,
      'replace',
    );
  });

  test('createOnlyPaths lists replace rules as dotted paths', () => {
    const ci = createOnlyPaths(ML_COMPUTES, 'ComputeInstance');
    assert.ok(ci.paths.includes('properties.properties.vmSize'));
    assert.equal(ci.defaultIsReplace, true);
    const ws = createOnlyPaths(ML_WORKSPACES);
    assert.ok(ws.paths.includes('properties.storageAccount'));
    assert.equal(ws.defaultIsReplace, false);
  });

  test('every rule has a source and a note, every action rule an action name, no duplicate paths', () => {
    for (const t of FIELD_TABLES) {
      const seen = new Set<string>();
      for (const r of t.rules) {
        assert.ok(r.source.length > 3 && r.note.length > 3, `${t.type} ${r.path}`);
        assert.ok(r.path.startsWith('/'), r.path);
        if (r.update === 'action') assert.ok(r.action, `${t.type} ${r.path} needs an action`);
        assert.ok(!seen.has(r.path), `${t.type}/${t.computeType} duplicate ${r.path}`);
        seen.add(r.path);
      }
    }
  });

  test('path escaping round-trips', () => {
    const segs = ['tags', 'a/b', 'c~d'];
    assert.deepEqual(splitPath(joinPath(segs)), segs);
    assert.equal(joinPath(['tags', 'a/b']), '/tags/a~1b');
  });

  test('docs/field-table.md equals the generator output', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'field-table.md'), 'utf8');
    assert.equal(
      committed,
      renderFieldTableDoc(),
      'run `node --import tsx scripts/gen-field-table-doc.ts` and commit docs/field-table.md',
    );
  });
});
