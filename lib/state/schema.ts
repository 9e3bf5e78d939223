/**
 * The JSON Schema of a stored state (line 2 of a state file, as stored: `observed` may be an `observedDelta`), checked
 * on every load. The checksum only proves the file is whole; the schema proves its entries have the shape the
 * engine relies on, so a hand-edited or forged entry (`null`, `"x"`, `applied: 42`) is refused with the file and
 * the JSON pointer of the first bad value, instead of crashing plan or, worse, being read as a different resource
 * (an `applied` of 42 made apply replace a cluster). Fields beyond these are allowed, so a newer amlcdk that adds
 * one still loads.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { InputError } from '../core/errors.js';

const str = { type: 'string' } as const;
const obj = { type: 'object' } as const;

const ownedResource = {
  type: 'object',
  required: ['logicalId', 'id', 'type', 'apiVersion', 'ownership'],
  properties: {
    logicalId: { type: 'string', minLength: 1 },
    id: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
    apiVersion: { type: 'string', minLength: 1 },
    applied: obj,
    // Whatever Azure answered (normally an object; any JSON is kept as it came).
    observed: {},
    observedDelta: obj,
    ownership: { enum: ['created', 'adopted'] },
    options: {
      type: 'object',
      required: ['protect', 'deletePolicy'],
      properties: { protect: { type: 'boolean' }, deletePolicy: str },
    },
    pendingActions: { type: 'array', items: str },
  },
} as const;

/** The recorded manifest: only what the engine reads from it (the stack's scope, the old dependency edges). */
const recordedManifest = {
  type: 'object',
  required: ['stack', 'resources'],
  properties: {
    stack: {
      type: 'object',
      required: ['name', 'subscriptionId', 'resourceGroup'],
      properties: { name: str, subscriptionId: str, resourceGroup: str, location: str, tags: obj },
    },
    resources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['logicalId', 'id', 'type', 'apiVersion'],
        properties: {
          logicalId: str,
          id: str,
          type: str,
          apiVersion: str,
          body: obj,
          dependsOn: { type: 'array', items: str },
          options: obj,
        },
      },
    },
    hash: str,
  },
} as const;

export const STATE_SCHEMA = {
  $id: 'https://amlcdk.dev/schemas/state-v1.json',
  type: 'object',
  required: ['version', 'stack', 'resources', 'updatedAt'],
  properties: {
    version: { const: 1 },
    stack: str,
    updatedAt: str,
    manifest: recordedManifest,
    resources: { type: 'object', additionalProperties: ownedResource },
  },
} as const;

let validator: ValidateFunction | undefined;

/** Throws InputError `StateInvalid` naming the file and the JSON pointer of the first value that breaks the schema. */
export function checkStateSchema(value: unknown, where: string): void {
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(STATE_SCHEMA);
  if (validator(value)) return;
  const e = validator.errors?.[0];
  const pointer = e?.instancePath || '/';
  const extra =
    e?.keyword === 'required'
      ? ` (missing "${String((e.params as { missingProperty?: unknown }).missingProperty)}")`
      : e?.keyword === 'enum'
        ? ` (allowed: ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')})`
        : '';
  throw new InputError(
    'StateInvalid',
    `state ${where} does not have the shape of an amlcdk state at ${pointer}: it ${e?.message ?? 'is invalid'}${extra}. Nothing was changed.`,
    {
      file: where,
      fix: `restore the state from the previous copy (file store: <stack>.prev.json next to it; blob store: blob versioning/soft delete), or rebuild it with \`amlcdk import\`; never edit the state by hand (JSON pointer ${pointer})`,
    },
  );
}
