// The normalization test: every real resource body Azure answered in the corpus (GETs, and final poll or synchronous
// PUT answers that carry the resource), taken as the observation of the body the same recording sent, plans as no
// change. What Azure echoes differently (defaults, casing, read-only fields) must not show as a diff; a difference at a
// path the field table ignores (a vaultUri the client sent empty) is dropped, as plan drops it.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { loadCorpus, type CorpusExchange } from './format.js';
import { diffBodies } from '../../lib/reconciler/diff.js';
import { normalizeObserved, tableForBody } from '../../lib/reconciler/normalize.js';
import { classifyPath } from '../../lib/catalog/field-tables.js';
import type { ArmResource } from '../../lib/arm/types.js';

/** A settled resource body in an answer (not an operation status, not a list, not a transitional state). */
function settledResource(x: CorpusExchange): ArmResource | undefined {
  const b = x.response.body as Record<string, unknown> | undefined;
  if (!b || typeof b.id !== 'string' || (x.response.status !== 200 && x.response.status !== 201)) return undefined;
  const state = (b.properties as Record<string, unknown> | undefined)?.provisioningState;
  if (state !== undefined && state !== 'Succeeded') return undefined;
  return b as unknown as ArmResource;
}

const cases = loadCorpus().flatMap(({ file, corpus }) => {
  const out: { name: string; type: string; desired: unknown; observed: ArmResource }[] = [];
  let desired: unknown;
  corpus.exchanges.forEach((x, i) => {
    if (x.request.method === 'PUT' && x.request.body !== undefined) desired = x.request.body;
    const observed = settledResource(x);
    if (observed && desired !== undefined && x.request.method !== 'DELETE')
      out.push({ name: `${file} exchange ${i} (${x.op})`, type: x.armType, desired, observed });
  });
  return out;
});

describe('every real resource body plans as no-op against the body that was sent', () => {
  test('the corpus has such bodies for several types', () => {
    assert.ok(new Set(cases.map((c) => c.type)).size >= 5, cases.map((c) => c.name).join(', '));
  });
  for (const c of cases) {
    test(c.name, () => {
      const observed = normalizeObserved({ ...c.observed, type: c.observed.type ?? c.type });
      // As plan does: a difference at a path the field table ignores (read-only, server-managed) is no change.
      const table = tableForBody(c.type, c.desired);
      const diffs = diffBodies({ type: c.type, desired: c.desired, observed });
      assert.deepEqual(
        diffs.filter((d) => classifyPath(table, d.path).update !== 'ignore'),
        [],
      );
    });
  }
});

describe('casing Azure rewrites is not a change', () => {
  test('workspace kind and subnet policy enums compare case-insensitively', () => {
    const ws = diffBodies({
      type: 'Microsoft.MachineLearningServices/workspaces',
      desired: { kind: 'default', location: 'westeurope' },
      observed: { kind: 'Default', location: 'westeurope' },
    });
    assert.deepEqual(ws, []);
    const subnet = diffBodies({
      type: 'Microsoft.Network/virtualNetworks/subnets',
      desired: {
        properties: { privateEndpointNetworkPolicies: 'disabled', privateLinkServiceNetworkPolicies: 'enabled' },
      },
      observed: {
        properties: { privateEndpointNetworkPolicies: 'Disabled', privateLinkServiceNetworkPolicies: 'Enabled' },
      },
    });
    assert.deepEqual(subnet, []);
    const other = diffBodies({
      type: 'Microsoft.Network/virtualNetworks/subnets',
      desired: { properties: { privateEndpointNetworkPolicies: 'Enabled' } },
      observed: { properties: { privateEndpointNetworkPolicies: 'Disabled' } },
    });
    assert.equal(other.length, 1, 'a real value change still shows');
  });
});

describe('echo rules the corpus shows, against the bodies amlcdk and Microsoft clients send', () => {
  test("a Default workspace GET rewrites the dependency ids' provider casing: no change against the create body", () => {
    const byFile = new Map(loadCorpus().map((f) => [f.file, f.corpus]));
    const created = byFile.get('ml/workspace-create.json')?.exchanges[0].request.body;
    const got = byFile.get('ml/workspace-update.json')?.exchanges[0].response.body as ArmResource | undefined;
    assert.ok(created && got);
    assert.match(JSON.stringify(created), /Microsoft\.KeyVault\/vaults.*microsoft\.insights\/components/);
    assert.match(JSON.stringify(got.properties), /Microsoft\.Keyvault\/vaults.*Microsoft\.insights\/components/);
    const type = 'Microsoft.MachineLearningServices/workspaces';
    const desired = { ...(created as Record<string, unknown>), tags: got.tags };
    assert.deepEqual(diffBodies({ type, desired, observed: normalizeObserved({ ...got, type }) }), []);
  });
});
