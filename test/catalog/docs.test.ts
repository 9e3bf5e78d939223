import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogDocs, renderVmSizesDoc, renderRolesDoc } from '../../lib/catalog/docs.js';
import { VM_SIZES, BuiltInRole } from '../../lib/catalog/index.js';

const root = join(import.meta.dirname, '..', '..');

test("committed catalog docs equal the generator's output (run scripts/gen-catalog-docs.ts after changing the catalog)", () => {
  for (const [rel, content] of Object.entries(catalogDocs())) {
    assert.equal(
      readFileSync(join(root, rel), 'utf8'),
      content,
      `${rel} is stale: run node --import tsx scripts/gen-catalog-docs.ts`,
    );
  }
});

test('the docs list every size and every role', () => {
  const sizes = renderVmSizesDoc();
  for (const v of VM_SIZES) assert.ok(sizes.includes(`| ${v.name} |`), v.name);
  assert.match(sizes, /\| Standard_NC6s_v3 \|.*\*\*retired 2025-09-30\*\*/);
  const roles = renderRolesDoc();
  for (const r of BuiltInRole.values()) assert.ok(roles.includes(r.guid), r.roleName);
  assert.doesNotMatch(sizes + roles, /\/(home|Users|work|tmp)\//, 'no machine paths');
});
