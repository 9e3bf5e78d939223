/** Reading a manifest written by another process: JSON syntax, shape (ajv schema) and hash are all checked. */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { parseJsonText } from '../core/json.js';
import { JsonLines } from '../core/json-lines.js';
import { contentHash } from './canonical.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest } from './types.js';
import { validateManifestDeep } from './schema.js';
import { apiVersionFor, isKnownResourceType } from '../catalog/api-versions.js';

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
  if (typeof file !== 'string')
    throw new InputError('ManifestUnreadable', 'readManifestFile takes the path of a manifest file (a string)', {
      fix: 'pass a path such as "amlcdk.out/Team.manifest.json"',
    });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError('ManifestUnreadable', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
  return parseManifest(text, file, options);
}

export function parseManifest(text: string, file = '<manifest>', options: ReadManifestOptions = {}): Manifest {
  if (typeof text !== 'string' || typeof file !== 'string')
    throw new InputError('ManifestInvalidJson', 'parseManifest takes the manifest as JSON text (a string)', {
      file: typeof file === 'string' ? file : '<manifest>',
      fix: 'pass the text of the manifest file, e.g. readFileSync(path, "utf8"), or use readManifestFile(path)',
    });
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
  if (options.schema) verifyManifestSchema(manifest, file, text);
  return manifest;
}

/**
 * Throw InputError `ManifestSchemaInvalid` when the manifest or a resource body breaks its schema: each problem (the
 * first five) names the resource (logicalId and type), the JSON pointer in its body, what is wrong and what is
 * allowed; with the file's text, the error carries the line of the first one.
 */
export function verifyManifestSchema(manifest: unknown, file = '<manifest>', text?: string): void {
  const resources =
    (manifest as { resources?: { logicalId?: unknown; type?: unknown; apiVersion?: unknown }[] }).resources ?? [];
  // The body schemas describe the pinned api-versions. A body written for another api-version (a hand-made manifest,
  // an older template) is held only to what every version requires (discriminators such as computeType): value
  // shapes differ between versions and Azure accepts them.
  const pinned = resources.map((r) => {
    const type = typeof r?.type === 'string' ? r.type : '';
    return isKnownResourceType(type) && apiVersionFor(type) === r.apiVersion;
  });
  const all = validateManifestDeep(manifest).filter((i) => {
    const m = /^\/resources\/(\d+)\/body(\/|$)/.exec(i.pointer);
    return !m || pinned[Number(m[1])] || /required property/.test(i.message);
  });
  if (all.length === 0) return;
  // A missing required member (a discriminator such as computeType) fails every branch below it as well: keep the
  // root cause, drop the deeper echoes and repeats.
  const missing = all.filter((i) => /required property/.test(i.message)).map((i) => i.pointer);
  const seen = new Set<string>();
  const issues = all.filter((i) => {
    const key = `${i.pointer} ${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return !missing.some((m) => i.pointer.startsWith(m + '/'));
  });
  const describe = (pointer: string, message: string, allowed?: string): string => {
    const m = /^\/resources\/(\d+)(\/body)?(.*)$/.exec(pointer);
    const r = m ? resources[Number(m[1])] : undefined;
    const where = r
      ? `resource ${String(r.logicalId)} (${String(r.type)}) ${m![2] ? `body${m![3] || ''}` : m![3] || ''}`.trim()
      : pointer || '/';
    return `${where} ${message}${allowed ? ` (allowed: ${allowed})` : ''}`;
  };
  const shown = issues
    .slice(0, 5)
    .map((i) => describe(i.pointer, i.message, i.allowed))
    .join('; ');
  const line = text ? new JsonLines(text).lineOfPointer(issues[0].pointer) : undefined;
  throw new InputError(
    'ManifestSchemaInvalid',
    `${file} does not match the manifest schema: ${shown}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`,
    {
      file,
      ...(line ? { line } : {}),
      fix: 'write ARM PUT bodies of the pinned api-versions (docs/policy.md, "Hand-made manifests"), or synthesize the manifest with this version of amlcdk (`amlcdk synth`)',
    },
  );
}
