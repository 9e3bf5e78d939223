/** docs/pulumi.md stays true to the mapping table: every row with its class and both api-versions is documented. */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TYPE_MAPPINGS } from '../../lib/pulumi/mapping.js';
import { API_VERSIONS } from '../../lib/catalog/api-versions.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/pulumi.md', import.meta.url)), 'utf8');

test("docs/pulumi.md lists every mapped ARM type with its class, our api-version and azure-native's", () => {
  for (const m of TYPE_MAPPINGS) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${m.armType}\` |`));
    assert.ok(row, `${m.armType} has no row`);
    const ours = Object.entries(API_VERSIONS).find(([t]) => t.toLowerCase() === m.armType.toLowerCase())?.[1];
    const cells = row.split('|').map((c) => c.trim());
    assert.equal(cells[2], `\`${m.token}\``, m.armType);
    if (ours) assert.equal(cells[3], ours, `${m.armType}: our pinned version`);
    assert.equal(cells[4], m.azureNativeApiVersion, `${m.armType}: azure-native version`);
    for (const [arm, arg] of Object.entries(m.renames ?? {}))
      assert.ok(row.includes(`\`${arm}\`→\`${arg}\``), `${m.armType}: rename ${arm}`);
  }
});

test('docs/pulumi.md has no absolute machine paths', () => {
  assert.doesNotMatch(doc, /\/(work|home|Users|tmp)\//);
});
