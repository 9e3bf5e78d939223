// docs/emulator.md states each modeled per-type answer with its evidence: its generated section must equal what
// lib/emulator/lro-shapes.ts prints, and every corpus file it cites must exist.
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderShapesSection, SHAPES_BEGIN, SHAPES_END } from '../../lib/emulator/shapes-doc.js';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'emulator.md'), 'utf8');

test('the per-type answers in docs/emulator.md are the generator output (run node --import tsx scripts/gen-emulator-doc.ts)', () => {
  const a = doc.indexOf(SHAPES_BEGIN);
  const b = doc.indexOf(SHAPES_END);
  assert.ok(a >= 0 && b > a, 'markers present');
  assert.equal(doc.slice(a, b + SHAPES_END.length), renderShapesSection());
});

test('every corpus file the evidence cites exists', () => {
  const cited = [...renderShapesSection().matchAll(/\b((?:ml|storage|keyvault|network|authorization)\/[\w-]+\.json)/g)];
  assert.ok(cited.length >= 10, `${cited.length} citations`);
  const missing = cited.map((m) => m[1]).filter((f) => !existsSync(join(root, 'test', 'fixtures', 'azure-corpus', f)));
  assert.deepEqual(missing, []);
});
