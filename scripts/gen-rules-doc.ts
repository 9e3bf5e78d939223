/**
 * Writes docs/rules.md from the rule metadata in lib/policy/rules.
 * Run: node --import tsx scripts/gen-rules-doc.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderRulesDoc } from '../lib/policy/rules-doc.js';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'rules.md');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, renderRulesDoc());
process.stdout.write('wrote docs/rules.md\n');
