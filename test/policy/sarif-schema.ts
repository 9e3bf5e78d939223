/** Validation of SARIF output against the SARIF 2.1.0 JSON schema fixture (a draft-04 schema read by ajv). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const schemaFile = fileURLToPath(new URL('../fixtures/policy/sarif-schema-2.1.0.json', import.meta.url));

let validate: ValidateFunction | undefined;

/** Errors of a SARIF document against the schema (empty = valid). */
export function sarifErrors(doc: unknown): string[] {
  if (!validate) {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
    // draft-04 names its id `id`; ajv 8 reads `$id`. Nothing else in this schema differs between the drafts.
    const { $schema: _drop, id, ...rest } = schema;
    // unicodeRegExp off: the RTM.5 `language` pattern has a stray `]` that only non-unicode regular expressions accept.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv);
    validate = ajv.compile({ ...rest, $id: String(id) });
  }
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
