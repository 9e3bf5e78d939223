// The per-type api-versions from the official specs: the committed data is what the generator writes today, and every
// version lib/catalog pins is one the spec defines for that type (so a wrong pin cannot ship).
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_VERSION_ENTRIES } from '../../lib/catalog/api-versions.js';
import { SPEC_API_VERSIONS } from '../../lib/catalog/api-versions-by-type.generated.js';
import { API_VERSIONS_BY_TYPE_FILE, renderApiVersionsByType } from '../../scripts/api-versions-by-type.js';

describe('api-versions by type (generated from the specs)', () => {
  test('the committed file is what scripts/gen-api-versions.ts writes (fix: run it)', () => {
    assert.equal(readFileSync(API_VERSIONS_BY_TYPE_FILE, 'utf8'), renderApiVersionsByType());
  });

  test('every pinned api-version is defined by the spec for its type', () => {
    const missing = API_VERSION_ENTRIES.filter((e) => !(SPEC_API_VERSIONS[e.armType] ?? []).includes(e.apiVersion));
    assert.deepEqual(
      missing.map((e) => `${e.armType}@${e.apiVersion}`),
      [],
    );
  });

  test('the data keeps types apart: 2024-06-01 is a privateDnsZones version, not a virtualNetworks one', () => {
    assert.ok(SPEC_API_VERSIONS['Microsoft.Network/privateDnsZones'].includes('2024-06-01'));
    assert.ok(!SPEC_API_VERSIONS['Microsoft.Network/virtualNetworks'].includes('2024-06-01'));
  });
});
