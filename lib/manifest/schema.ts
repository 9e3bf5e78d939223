/**
 * ajv validation of manifests and of every resource body they contain. Schemas are compiled once, lazily, per
 * ARM type (compiling per resource would dominate synthesis time of large programs).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { BODY_SCHEMAS, SECRET_FIELD_NAMES, secretRef } from './body-schemas.js';

/** One schema violation. `pointer` is a JSON pointer into the validated document. */
export interface SchemaIssue {
  readonly pointer: string;
  readonly message: string;
  readonly value?: unknown;
  readonly allowed?: string;
}

const sourceLocation = { type: 'object', required: ['file', 'line'], additionalProperties: false, properties: { file: { type: 'string', not: { pattern: '^(/|[A-Za-z]:\\\\)' } }, line: { type: 'integer', minimum: 0 }, column: { type: 'integer' } } };
const diagnostic = {
  type: 'object', required: ['level', 'code', 'path', 'message'], additionalProperties: false,
  properties: {
    level: { enum: ['error', 'warning', 'info'] }, code: { type: 'string', minLength: 1 }, path: { type: 'string' }, message: { type: 'string' },
    value: {}, allowed: { type: 'string' }, fix: { type: 'string' }, source: sourceLocation,
    acknowledged: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1 } } },
  },
};

/** JSON Schema of a manifest document (lib/manifest/types.ts `Manifest`). */
export const MANIFEST_SCHEMA = {
  $id: 'https://amlcdk.dev/schemas/manifest-v1.json',
  type: 'object',
  required: ['schemaVersion', 'stack', 'resources', 'hash'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: 1 },
    hash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    stack: {
      type: 'object', required: ['name', 'subscriptionId', 'resourceGroup', 'location', 'tags'], additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1 }, subscriptionId: { type: 'string' }, resourceGroup: { type: 'string' }, location: { type: 'string' }, tags: { type: 'object', additionalProperties: { type: 'string' } } },
    },
    resources: {
      type: 'array',
      items: {
        type: 'object', required: ['logicalId', 'type', 'apiVersion', 'id', 'name', 'body', 'dependsOn', 'options'], additionalProperties: false,
        properties: {
          logicalId: { type: 'string', minLength: 1 },
          type: { type: 'string', pattern: '^[A-Za-z0-9.]+/[A-Za-z0-9./]+$' },
          apiVersion: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(-preview)?$' },
          id: { type: 'string', pattern: '^/subscriptions/' },
          name: { type: 'string', minLength: 1 },
          body: { type: 'object' },
          dependsOn: { type: 'array', items: { type: 'string' }, uniqueItems: true },
          actions: { type: 'array', items: { type: 'object', required: ['name', 'when', 'reason'], additionalProperties: false, properties: { name: { type: 'string' }, body: {}, when: { const: 'afterCreate' }, reason: { type: 'string' } } } },
          options: { type: 'object', required: ['protect', 'deletePolicy'], additionalProperties: false, properties: { protect: { type: 'boolean' }, deletePolicy: { enum: ['Delete', 'Detach', 'Retain', 'Purge'] } } },
          secrets: { type: 'array', items: { type: 'string', pattern: '^(/[^/]*)+$' } },
          construct: { type: 'string' },
          source: sourceLocation,
          suppressions: { type: 'array', items: { type: 'object', required: ['ruleId', 'reason', 'declaredAt'], properties: { ruleId: { type: 'string' }, reason: { type: 'string', minLength: 1 }, expires: { type: 'string' }, declaredAt: { type: 'string' }, source: sourceLocation } } },
        },
      },
    },
    assets: {
      type: 'array',
      items: {
        type: 'object', required: ['id', 'kind', 'directory', 'dockerfile', 'registry', 'repository', 'tag', 'usedBy'], additionalProperties: false,
        properties: {
          id: { type: 'string' }, kind: { const: 'container-image' }, directory: { type: 'string', not: { pattern: '^(/|[A-Za-z]:\\\\)' } }, dockerfile: { type: 'string' },
          registry: { type: 'string' }, repository: { type: 'string' }, tag: { type: 'string' }, digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
          buildArgs: { type: 'object', additionalProperties: { type: 'string' } }, platform: { type: 'string' }, usedBy: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    diagnostics: { type: 'array', items: diagnostic },
  },
} as const;

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();
let manifestValidator: ValidateFunction | undefined;

function getAjv(): Ajv {
  return (ajv ??= new Ajv({ allErrors: true, strict: false }));
}

function toIssues(errors: ErrorObject[] | null | undefined, doc: unknown): SchemaIssue[] {
  if (!errors) return [];
  // With if/then discriminators ajv also reports the generic "must match then schema"; keep the specific ones.
  const specific = errors.filter((e) => e.keyword !== 'if');
  return specific.map((e) => {
    const value = valueAt(doc, e.instancePath);
    let allowed: string | undefined;
    if (e.keyword === 'enum') allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
    else if (e.keyword === 'const') allowed = JSON.stringify((e.params as { allowedValue: unknown }).allowedValue);
    else if (e.keyword === 'additionalProperties') allowed = `no member "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    else if (e.keyword === 'pattern') allowed = `a string matching ${(e.params as { pattern: string }).pattern}`;
    const extra = e.keyword === 'additionalProperties' ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}")` : '';
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
  const issues = validateBodyUncached(armType, body);
  if (memoKey !== undefined) {
    if (memoSize >= MEMO_MAX) {
      memo.clear();
      memoSize = 0;
      byBody = undefined;
    }
    if (!byBody) memo.set(armType, (byBody = new Map()));
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
      fn = getAjv().compile(schema);
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
  typeof v === 'object' && v !== null && typeof (v as { secretRef?: unknown }).secretRef === 'string' && Object.keys(v).length === 1;

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
      out.push({ pointer: p, message: 'holds a plain secret value; secrets must be SecretRefs (Secret.fromEnv / Secret.fromKeyVault)', allowed: JSON.stringify(secretRef.properties) });
    } else if (!isSecretRef(x)) findPlainSecrets(x, p, out);
  }
}

/** Validate a whole manifest document (shape only; bodies are checked by `validateBody`). */
export function validateManifest(doc: unknown): SchemaIssue[] {
  manifestValidator ??= getAjv().compile(MANIFEST_SCHEMA);
  return manifestValidator(doc) ? [] : toIssues(manifestValidator.errors, doc);
}

/** Validate a manifest and every body in it. Used by readers and tests. */
export function validateManifestDeep(doc: unknown): SchemaIssue[] {
  const issues = validateManifest(doc);
  const resources = (doc as { resources?: Array<{ type?: string; body?: unknown }> })?.resources;
  if (Array.isArray(resources)) {
    resources.forEach((r, i) => {
      if (typeof r?.type === 'string') for (const is of validateBody(r.type, r.body)) issues.push({ ...is, pointer: `/resources/${i}/body${is.pointer}` });
    });
  }
  return issues;
}
