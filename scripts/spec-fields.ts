/**
 * Derives per-path update semantics from the official OpenAPI (trimmed extracts in scripts/spec-extracts/, each spec
 * file with its repository, path and commit) and renders lib/catalog/spec-fields.generated.ts:
 *
 * - `readOnly: true` → the path is server-managed (the field tables ignore it);
 * - `x-ms-mutability` with `create` and without `update` → create-only (a change replaces the resource);
 * - `x-ms-secret: true` → write-only (never echoed: compared with the last applied body, never with Azure);
 * - `enum` and `required` as the spec lists them.
 *
 * `$ref`, `allOf`, `items` (`*`), `additionalProperties` (`*`) and discriminated subtypes (`x-ms-discriminator-value`,
 * chosen by the root's `computeType`) are followed. test/catalog/spec-fields.test.ts regenerates and compares.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SPEC_EXTRACTS_DIR = join(import.meta.dirname, 'spec-extracts');
export const SPEC_FIELDS_FILE = join(import.meta.dirname, '..', 'lib', 'catalog', 'spec-fields.generated.ts');

interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly allOf?: readonly Schema[];
  readonly items?: Schema;
  readonly additionalProperties?: Schema | boolean;
  readonly enum?: readonly string[];
  readonly readOnly?: boolean;
  readonly 'x-ms-mutability'?: readonly string[];
  readonly 'x-ms-secret'?: boolean;
  readonly discriminator?: string;
  readonly 'x-ms-discriminator-value'?: string;
}

interface SpecFile {
  readonly repository: string;
  readonly path: string;
  readonly commit: string;
  readonly definitions: Readonly<Record<string, Schema>>;
}

interface Extract {
  readonly apiVersion: string;
  readonly files: Readonly<Record<string, SpecFile>>;
  readonly roots: readonly {
    readonly armType: string;
    readonly computeType?: string;
    readonly file: string;
    readonly definition: string;
  }[];
}

/** One path the spec marks, in body form (`/properties/properties/vmSize`, `*` for any key or index). */
export interface DerivedField {
  path: string;
  readOnly?: true;
  createOnly?: true;
  secret?: true;
  enum?: string[];
  required?: true;
  /** `<spec file name>#/definitions/<Definition>/properties/<name>` */
  from: string;
}

class Walker {
  readonly out = new Map<string, DerivedField>();

  constructor(
    private readonly extract: Extract,
    private readonly computeType: string | undefined,
    private readonly extractName: string,
  ) {}

  /** Resolves `#/definitions/X` in `fileKey`, or `../…/types.json#/definitions/X` by the file's path suffix. */
  resolve(fileKey: string, ref: string): { fileKey: string; name: string; schema: Schema } {
    const [filePart, pointer] = ref.split('#');
    const name = pointer.replace(/^\/definitions\//, '');
    let key = fileKey;
    if (filePart) {
      const suffix = filePart.replace(/^(\.\.\/)+/, '');
      const found = Object.entries(this.extract.files).find(([, f]) => f.path.endsWith(suffix));
      if (!found) throw new Error(`${this.extractName}: no file for $ref ${ref}`);
      key = found[0];
    }
    const schema = this.extract.files[key].definitions[name];
    if (!schema) throw new Error(`${this.extractName}: ${key} has no definition ${name} ($ref ${ref})`);
    return { fileKey: key, name, schema };
  }

  /** The subtype of a discriminated definition for this root's compute type. */
  subtype(fileKey: string, baseName: string): { name: string; schema: Schema } | undefined {
    for (const [name, s] of Object.entries(this.extract.files[fileKey].definitions)) {
      if (s['x-ms-discriminator-value'] !== this.computeType) continue;
      if (s.allOf?.some((a) => a.$ref === `#/definitions/${baseName}`)) return { name, schema: s };
    }
    return undefined;
  }

  record(path: string, from: string, mark: Omit<DerivedField, 'path' | 'from'>): void {
    if (Object.keys(mark).length === 0) return;
    const prev = this.out.get(path);
    this.out.set(path, { ...(prev ?? { path, from }), ...mark });
  }

  /** Walks a schema at `path`; `def` names the definition the schema's properties belong to. */
  walk(fileKey: string, def: string, schema: Schema, path: string, seen: ReadonlySet<string>): void {
    if (schema.$ref) {
      const r = this.resolve(fileKey, schema.$ref);
      const id = `${r.fileKey}#${r.name}`;
      // A discriminated base is walked as its subtype once; the subtype's allOf then reaches the base itself.
      const sub = r.schema.discriminator && this.computeType ? this.subtype(r.fileKey, r.name) : undefined;
      if (sub && !seen.has(`subtype:${id}`)) {
        this.walk(r.fileKey, sub.name, sub.schema, path, new Set(seen).add(`subtype:${id}`));
        return;
      }
      if (seen.has(id)) return;
      this.walk(r.fileKey, r.name, r.schema, path, new Set(seen).add(id));
      return;
    }
    for (const a of schema.allOf ?? []) this.walk(fileKey, def, a, path, seen);
    const fileName = this.extract.files[fileKey].path.split('/').pop() ?? fileKey;
    for (const [name, p] of Object.entries(schema.properties ?? {})) {
      const at = `${path}/${name}`;
      const from = `${fileName}#/definitions/${def}/properties/${name}`;
      const enumValues = p.enum ?? (p.$ref ? this.resolve(fileKey, p.$ref).schema.enum : undefined);
      const mut = p['x-ms-mutability'];
      this.record(at, from, {
        ...(p.readOnly ? { readOnly: true as const } : {}),
        ...(mut && mut.includes('create') && !mut.includes('update') ? { createOnly: true as const } : {}),
        ...(p['x-ms-secret'] ? { secret: true as const } : {}),
        ...(enumValues ? { enum: [...enumValues] } : {}),
        ...(schema.required?.includes(name) ? { required: true as const } : {}),
      });
      if (p.readOnly) continue; // nothing below a read-only property is ours to compare
      this.walk(fileKey, def, p, at, seen);
    }
    if (schema.items) this.walk(fileKey, def, schema.items, `${path}/*`, seen);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
      this.walk(fileKey, def, schema.additionalProperties, `${path}/*`, seen);
  }
}

function key(armType: string, computeType?: string): string {
  return computeType ? `${armType}|${computeType}` : armType;
}

/** Every extract in the folder, sorted by file name. */
export function readExtracts(dir = SPEC_EXTRACTS_DIR): { name: string; extract: Extract }[] {
  return [...readdirSync(dir)]
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name, extract: JSON.parse(readFileSync(join(dir, name), 'utf8')) as Extract }));
}

/** The derived fields per `armType` or `armType|computeType`, paths sorted. */
export function deriveSpecFields(dir = SPEC_EXTRACTS_DIR): Record<string, DerivedField[]> {
  const out: Record<string, DerivedField[]> = {};
  for (const { name, extract } of readExtracts(dir)) {
    for (const root of extract.roots) {
      const w = new Walker(extract, root.computeType, name);
      const schema = extract.files[root.file]?.definitions[root.definition];
      if (!schema) throw new Error(`${name}: root ${root.file}#${root.definition} is not in the extract`);
      w.walk(root.file, root.definition, schema, '', new Set([`${root.file}#${root.definition}`]));
      out[key(root.armType, root.computeType)] = [...w.out.values()].sort((a, b) =>
        a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
      );
    }
  }
  return out;
}

/** The generated module's text. */
export function renderSpecFields(dir = SPEC_EXTRACTS_DIR): string {
  const sources = readExtracts(dir).flatMap(({ extract }) =>
    Object.values(extract.files).map((f) => ({
      repository: f.repository,
      path: f.path,
      commit: f.commit,
      apiVersion: extract.apiVersion,
    })),
  );
  const fields = deriveSpecFields(dir);
  return `// GENERATED by scripts/gen-spec-fields.ts from scripts/spec-extracts/: do not edit. Run \`node --import tsx scripts/gen-spec-fields.ts\`.
/**
 * What the official OpenAPI (Azure/azure-rest-api-specs, at the pinned api-versions) says of each property path:
 * \`readOnly\` (server-managed), \`createOnly\` (x-ms-mutability without update), \`secret\` (x-ms-secret: write-only),
 * \`enum\`, \`required\`. Keys are ARM types, or \`type|computeType\` for Azure ML computes.
 */
export interface SpecField {
  readonly path: string;
  readonly readOnly?: true;
  readonly createOnly?: true;
  readonly secret?: true;
  readonly enum?: readonly string[];
  readonly required?: true;
  /** The spec file and definition the marker is in. */
  readonly from: string;
}

export interface SpecSource {
  readonly repository: string;
  readonly path: string;
  readonly commit: string;
  readonly apiVersion: string;
}

export const SPEC_FIELD_SOURCES: readonly SpecSource[] = ${JSON.stringify(sources, null, 2)};

export const SPEC_FIELDS: Readonly<Record<string, readonly SpecField[]>> = ${JSON.stringify(fields, null, 2)};
`;
}
