/** docs/rules.md is generated from the rule metadata and must be regenerated when a rule changes. */
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRulesDoc } from '../../lib/policy/rules-doc.js';
import { BUILTIN_RULES } from '../../lib/policy/rules/index.js';

test('docs/rules.md is up to date (run: node --import tsx scripts/gen-rules-doc.ts)', () => {
  const file = fileURLToPath(new URL('../../docs/rules.md', import.meta.url));
  assert.equal(readFileSync(file, 'utf8'), renderRulesDoc());
});

test('every rule has a section and its docs link points at it', () => {
  const doc = renderRulesDoc();
  for (const r of BUILTIN_RULES) {
    assert.ok(doc.includes(`### ${r.id}\n`), r.id);
    assert.equal(r.docs, `docs/rules.md#${r.id.toLowerCase()}`);
  }
});
