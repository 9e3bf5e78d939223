/**
 * Writes the catalog docs (docs/vm-sizes.md, docs/roles.md, docs/api-versions.md) from lib/catalog.
 * Run: node --import tsx scripts/gen-catalog-docs.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogDocs } from '../lib/catalog/docs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [rel, content] of Object.entries(catalogDocs())) {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  process.stdout.write(`wrote ${rel}\n`);
}
