/**
 * ajv validation of manifests and of every resource body they contain. The validators are ajv standalone code
 * generated from the schemas (lib/manifest/validators.generated.ts, scripts/gen-validators.ts), so a cold synth
 * compiles nothing; if that file does not match the schemas, they are compiled once, lazily, per ARM type.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { BODY_SCHEMAS, SECRET_FIELD_NAMES, secretRef } from './body-schemas.js';
import { MANIFEST_SCHEMA } from './manifest-schema.js';
import { AJV_OPTIONS, schemasHash } from './schema-options.js';
import * as generated from './validators.generated.js';
import { checkReferences, mayHoldRefs, withRefPlaceholders } from './refs.js';
import type { ManifestResource } from './types.js';
import { types } from 'node:util';

/** One schema violation. `pointer` is a JSON pointer into the validated document. */
export interface SchemaIssue {
  readonly pointer: string;
  readonly message: string;
  readonly value?: unknown;
  readonly allowed?: string;
}

export { MANIFEST_SCHEMA } from './manifest-schema.js';

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();
let manifestValidator: ValidateFunction | undefined;

function getAjv(): Ajv {
  return (ajv ??= new Ajv({ ...AJV_OPTIONS }));
}

let useGenerated: boolean | undefined;

/** The generated validators, when they were made from exactly these schemas and options. */
function generatedValidators(): typeof generated | undefined {
  useGenerated ??= generated.SCHEMAS_HASH === schemasHash(BODY_SCHEMAS, MANIFEST_SCHEMA);
  return useGenerated ? generated : undefined;
}

function toIssues(errors: ErrorObject[] | null | undefined, doc: unknown): SchemaIssue[] {
  if (!errors) return [];
  // With if/then discriminators ajv also reports the generic "must match then schema"; keep the specific ones.
  const specific = errors.filter((e) => e.keyword !== 'if');
  return specific.map((e) => {
    const value = valueAt(doc, e.instancePath);
    let allowed: string | undefined;
    if (e.keyword === 'enum')
      allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
    else if (e.keyword === 'const') allowed = JSON.stringify((e.params as { allowedValue: unknown }).allowedValue);
    else if (e.keyword === 'additionalProperties')
      allowed = `no member "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    else if (e.keyword === 'pattern') allowed = `a string matching ${(e.params as { pattern: string }).pattern}`;
    const extra =
      e.keyword === 'additionalProperties'
        ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}")`
        : '';
    return {
      pointer: e.instancePath,
      message: `${e.message ?? 'is invalid'}${extra}`,
      ...(value !== undefined && typeof value !== 'object' ? { value } : {}),
      ...(allowed ? { allowed } : {}),
    };
  });
}

function valueAt(doc: unknown, pointer: string): unknown {
  if (!pointer) return undefined;
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

// Many bodies of a program are identical (clusters do not carry their own name): remember recent results by the
// body's JSON, per ARM type (no key concatenation per lookup). Bounded so a huge program cannot grow it without limit.
const memo = new Map<string, Map<string, SchemaIssue[]>>();
let memoSize = 0;
const MEMO_MAX = 5000;

/** Validate one ARM PUT body against the schema of its type, and check that no secret field holds a plain value. */
export function validateBody(armType: string, body: unknown, bodyText?: string): SchemaIssue[] {
  let memoKey: string | undefined;
  try {
    memoKey = bodyText ?? JSON.stringify(body);
  } catch {
    memoKey = undefined; // cycles or BigInt: validate without memo (ajv reports what it can)
  }
  let byBody = memo.get(armType);
  if (memoKey !== undefined && byBody) {
    const hit = byBody.get(memoKey);
    if (hit) return hit.length ? hit.map((i) => ({ ...i })) : [];
  }
  // A deploy-time reference stands where a value of the attribute's format goes: the schema checks a stand-in there.
  const issues = validateBodyUncached(
    armType,
    memoKey === undefined || mayHoldRefs(memoKey) ? withRefPlaceholders(body) : body,
  );
  if (memoKey !== undefined) {
    if (memoSize >= MEMO_MAX) {
      memo.clear();
      memoSize = 0;
      byBody = undefined;
    }
    if (!byBody) memo.set(armType, (byBody = new Map<string, SchemaIssue[]>()));
    byBody.set(memoKey, issues);
    memoSize += 1;
  }
  return issues.map((i) => ({ ...i }));
}

function validateBodyUncached(armType: string, body: unknown): SchemaIssue[] {
  const key = armType.toLowerCase();
  const schema = BODY_SCHEMAS[key];
  const issues: SchemaIssue[] = [];
  if (schema) {
    let fn = compiled.get(key);
    if (!fn) {
      fn =
        (generatedValidators()?.BODY_VALIDATORS as Record<string, ValidateFunction> | undefined)?.[key] ??
        getAjv().compile(schema);
      compiled.set(key, fn);
    }
    if (!fn(body)) issues.push(...toIssues(fn.errors, body));
  } else if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    issues.push({ pointer: '', message: 'must be an object' });
  }
  findPlainSecrets(body, '', issues);
  return issues;
}

const isSecretRef = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { secretRef?: unknown }).secretRef === 'string' &&
  Object.keys(v).length === 1;

function findPlainSecrets(v: unknown, pointer: string, out: SchemaIssue[]): void {
  if (v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => findPlainSecrets(x, `${pointer}/${i}`, out));
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === 'tags' || k === 'metadata') continue;
    const p = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (SECRET_FIELD_NAMES.has(k) && typeof x === 'string') {
      out.push({
        pointer: p,
        message: 'holds a plain secret value; secrets must be SecretRefs (Secret.fromEnv / Secret.fromKeyVault)',
        allowed: JSON.stringify(secretRef.properties),
      });
    } else if (!isSecretRef(x)) findPlainSecrets(x, p, out);
  }
}

/** Validate a whole manifest document (shape only; bodies are checked by `validateBody`). */
export function validateManifest(doc: unknown): SchemaIssue[] {
  // Validators read every property: a Proxy's traps would run (and may throw) inside them. Manifests are JSON.
  if (types.isProxy(doc)) return [{ pointer: '', message: 'a manifest is JSON data, not a Proxy' }];
  manifestValidator ??=
    (generatedValidators()?.manifest as ValidateFunction | undefined) ?? getAjv().compile(MANIFEST_SCHEMA);
  return manifestValidator(doc) ? [] : toIssues(manifestValidator.errors, doc);
}

/** Validate a manifest and every body in it. Used by readers and tests. */
export function validateManifestDeep(doc: unknown): SchemaIssue[] {
  const issues = validateManifest(doc);
  if (types.isProxy(doc)) return issues;
  const resources = (doc as { resources?: Array<{ type?: string; body?: unknown }> })?.resources;
  if (Array.isArray(resources)) {
    resources.forEach((r, i) => {
      if (typeof r?.type === 'string')
        for (const is of validateBody(r.type, r.body))
          issues.push({ ...is, pointer: `/resources/${i}/body${is.pointer}` });
    });
    const all = resources.filter(
      (r): r is ManifestResource => typeof (r as { logicalId?: unknown })?.logicalId === 'string',
    );
    const byLogicalId = new Map(all.map((r) => [r.logicalId, r]));
    const name = (doc as { stack?: { name?: unknown } }).stack?.name;
    const stack = typeof name === 'string' ? name : '';
    all.forEach((r) => {
      for (const ri of checkReferences(r, byLogicalId, stack))
        issues.push({
          pointer: `/resources/${resources.indexOf(r)}/body`,
          message: `${ri.code}: ${ri.message}`,
          allowed: ri.allowed,
        });
    });
  }
  return issues;
}
