/** Reading a manifest written by another process: JSON syntax, shape (ajv schema) and hash are all checked. */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { parseJsonText } from '../core/json.js';
import { contentHash } from './canonical.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest } from './types.js';
import { validateManifestDeep } from './schema.js';

/** Options of {@link parseManifest} / {@link readManifestFile}. */
export interface ReadManifestOptions {
  /**
   * Also validate the document and every resource body against the JSON Schemas (lib/manifest/schema), e.g. for a
   * manifest written by another amlcdk version. The hash check alone already rejects edited files.
   * @default false
   */
  readonly schema?: boolean;
}

/** Parse and verify a manifest file. Throws InputError with the file (and line for syntax errors). */
export function readManifestFile(file: string, options: ReadManifestOptions = {}): Manifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError('ManifestUnreadable', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
  return parseManifest(text, file, options);
}

export function parseManifest(text: string, file = '<manifest>', options: ReadManifestOptions = {}): Manifest {
  const doc = parseJsonText(text, {
    code: 'ManifestInvalidJson',
    file,
    what: file,
    fix: 'synthesize the manifest again with `amlcdk synth`',
  });
  const manifest = doc as Manifest;
  if (
    !manifest ||
    typeof manifest !== 'object' ||
    manifest.schemaVersion !== MANIFEST_SCHEMA_VERSION ||
    !Array.isArray(manifest.resources)
  ) {
    throw new InputError(
      'ManifestInvalid',
      `${file} is not an amlcdk manifest (schemaVersion ${MANIFEST_SCHEMA_VERSION} with resources[])`,
      { file, fix: 'synthesize the manifest again with `amlcdk synth`' },
    );
  }
  const { hash, ...rest } = manifest;
  if (hash !== contentHash(rest)) {
    throw new InputError(
      'ManifestHashMismatch',
      `${file} was modified after synthesis (its hash does not match its content)`,
      {
        file,
        fix: 'do not edit manifests by hand; change the program and synthesize again',
      },
    );
  }
  if (options.schema) verifyManifestSchema(manifest, file);
  return manifest;
}

/** Throw InputError `ManifestSchemaInvalid` (with the first problems) when the manifest or a body breaks its schema. */
export function verifyManifestSchema(manifest: unknown, file = '<manifest>'): void {
  const issues = validateManifestDeep(manifest);
  if (issues.length === 0) return;
  const shown = issues
    .slice(0, 5)
    .map((i) => `${i.pointer || '/'} ${i.message}`)
    .join('; ');
  throw new InputError(
    'ManifestSchemaInvalid',
    `${file} does not match the manifest schema: ${shown}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`,
    {
      file,
      fix: 'synthesize the manifest again with this version of amlcdk (`amlcdk synth`)',
    },
  );
}
