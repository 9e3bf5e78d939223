/**
 * Writes lib/catalog/spec-fields.generated.ts from the spec extracts (see scripts/spec-fields.ts).
 * test/catalog/spec-fields.test.ts fails when the committed file differs from what this writes.
 *
 * Usage: node --import tsx scripts/gen-spec-fields.ts
 */
import { writeFileSync } from 'node:fs';
import { SPEC_FIELDS_FILE, renderSpecFields } from './spec-fields.js';

writeFileSync(SPEC_FIELDS_FILE, renderSpecFields());
process.stdout.write(`wrote ${SPEC_FIELDS_FILE}\n`);
