/**
 * What the schema validators are made with, shared by lib/manifest/schema.ts (run-time compilation) and
 * scripts/gen-validators.ts (the generated standalone validators), so both validate the same way.
 */
import { createHash } from 'node:crypto';

/** ajv options of every manifest and body validator. */
export const AJV_OPTIONS = { allErrors: true, strict: false } as const;

/** A hash of the schemas and options: the generated validators are used only when theirs equals this. */
export function schemasHash(bodySchemas: unknown, manifestSchema: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ options: AJV_OPTIONS, bodySchemas, manifestSchema }))
    .digest('hex');
}
