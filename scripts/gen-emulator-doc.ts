/**
 * Rewrites the generated section of docs/emulator.md (per-type LRO answers and their evidence) from
 * lib/emulator/lro-shapes.ts. Run: node --import tsx scripts/gen-emulator-doc.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withShapesSection } from '../lib/emulator/shapes-doc.js';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'emulator.md');
writeFileSync(file, withShapesSection(readFileSync(file, 'utf8')));
process.stdout.write('wrote docs/emulator.md\n');
