/**
 * lib/manifest/validators.generated.ts (ajv standalone code) must be what scripts/gen-validators.ts makes from the
 * current schemas, and must be the validators synthesis uses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from '@jest/globals';
import { Ajv } from 'ajv';
import { BODY_SCHEMAS } from '../../lib/manifest/body-schemas.js';
import { MANIFEST_SCHEMA } from '../../lib/manifest/manifest-schema.js';
import { AJV_OPTIONS, schemasHash } from '../../lib/manifest/schema-options.js';
import { validateBody } from '../../lib/manifest/schema.js';
import * as generated from '../../lib/manifest/validators.generated.js';
import { GENERATED_FILE, generateValidators } from '../../scripts/gen-validators.js';

test('the generated validators are up to date (else run: node --import tsx scripts/gen-validators.ts)', () => {
  assert.equal(readFileSync(GENERATED_FILE, 'utf8'), generateValidators());
  assert.equal(generated.SCHEMAS_HASH, schemasHash(BODY_SCHEMAS, MANIFEST_SCHEMA));
  assert.deepEqual(Object.keys(generated.BODY_VALIDATORS).sort(), Object.keys(BODY_SCHEMAS).sort());
});

test('generated and run-time compiled validators report the same errors', () => {
  const ajv = new Ajv({ ...AJV_OPTIONS });
  const type = 'microsoft.machinelearningservices/workspaces/computes';
  const compiled = ajv.compile(BODY_SCHEMAS[type]);
  const fast = (generated.BODY_VALIDATORS as unknown as Record<string, typeof compiled>)[type];
  const bodies: unknown[] = [
    {
      properties: {
        computeType: 'AmlCompute',
        properties: { vmSize: 'Standard_DS3_v2', scaleSettings: { maxNodeCount: -1, minNodeCount: 'x' } },
      },
      bogus: 1,
    },
    { properties: { computeType: 'ComputeInstance', properties: { vmSize: 7 } } },
    { location: 'westeurope', properties: { computeType: 'Nope' } },
    'not an object',
  ];
  for (const body of bodies) {
    assert.equal(fast(body), compiled(body));
    assert.deepEqual(fast.errors, compiled.errors);
  }
  assert.ok(validateBody('Microsoft.MachineLearningServices/workspaces/computes', bodies[0]).length > 0);
});
