/**
 * `npm run docs`: regenerate every generated table in docs/ from the data it is printed from (catalog, rules,
 * field tables, construct TSDoc). Each generator is its own script so it can also run alone; the staleness
 * tests (test/catalog/docs.test.ts, test/policy/docs.test.ts, test/core/docs.test.ts) fail when one is out of date.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The spec-derived data first: the field table doc is printed from it.
const generators = [
  'gen-spec-fields.ts',
  'gen-catalog-docs.ts',
  'gen-rules-doc.ts',
  'gen-field-table-doc.ts',
  'gen-constructs-doc.ts',
  'gen-emulator-doc.ts',
  // After the measured table of docs/performance.md (written from bench/results.json by gen-performance-doc.ts).
  'gen-bench-mentions.ts',
];
let failed = 0;
for (const g of generators) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('scripts', g)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`docs: ${g} failed (exit ${r.status})\n`);
  } else process.stdout.write(`docs: ${g} done\n`);
}
process.exitCode = failed ? 1 : 0;
