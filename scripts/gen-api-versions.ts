/**
 * Writes lib/catalog/api-versions-by-type.generated.ts (see scripts/api-versions-by-type.ts for where the data comes
 * from). test/catalog/api-versions-by-type.test.ts fails when the committed file differs from what this writes.
 *
 * Usage: node --import tsx scripts/gen-api-versions.ts
 */
import { writeFileSync } from 'node:fs';
import { API_VERSIONS_BY_TYPE_FILE, renderApiVersionsByType } from './api-versions-by-type.js';

writeFileSync(API_VERSIONS_BY_TYPE_FILE, renderApiVersionsByType());
process.stdout.write(`wrote ${API_VERSIONS_BY_TYPE_FILE}\n`);
