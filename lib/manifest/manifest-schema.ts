/**
 * The JSON Schema of a manifest document, in a module of its own so scripts/gen-validators.ts can load it without
 * the validators it generates.
 */
import { STACK_NAME_PATTERN } from '../core/stack-name.js';

const sourceLocation = {
  type: 'object',
  required: ['file', 'line'],
  additionalProperties: false,
  properties: {
    file: { type: 'string', not: { pattern: '^(/|[A-Za-z]:\\\\)' } },
    line: { type: 'integer', minimum: 0 },
    column: { type: 'integer' },
  },
};
const diagnostic = {
  type: 'object',
  required: ['level', 'code', 'path', 'message'],
  additionalProperties: false,
  properties: {
    level: { enum: ['error', 'warning', 'info'] },
    code: { type: 'string', minLength: 1 },
    path: { type: 'string' },
    message: { type: 'string' },
    value: {},
    allowed: { type: 'string' },
    fix: { type: 'string' },
    source: sourceLocation,
    acknowledged: {
      type: 'object',
      required: ['reason'],
      additionalProperties: false,
      properties: { reason: { type: 'string', minLength: 1 } },
    },
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
      type: 'object',
      required: ['name', 'subscriptionId', 'resourceGroup', 'location', 'tags'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: STACK_NAME_PATTERN },
        subscriptionId: { type: 'string' },
        resourceGroup: { type: 'string' },
        location: { type: 'string' },
        tags: { type: 'object', additionalProperties: { type: 'string' } },
        ownAllTags: { type: 'boolean' },
      },
    },
    resources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['logicalId', 'type', 'apiVersion', 'id', 'name', 'body', 'dependsOn', 'options'],
        additionalProperties: false,
        properties: {
          logicalId: { type: 'string', minLength: 1 },
          type: { type: 'string', pattern: '^[A-Za-z0-9.]+/[A-Za-z0-9./]+$' },
          apiVersion: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(-preview)?$' },
          id: { type: 'string', pattern: '^/subscriptions/' },
          name: { type: 'string', minLength: 1 },
          body: { type: 'object' },
          dependsOn: { type: 'array', items: { type: 'string' }, uniqueItems: true },
          aliases: { type: 'array', items: { type: 'string', minLength: 1 } },
          overrides: {
            type: 'array',
            items: {
              type: 'object',
              required: ['path', 'op'],
              additionalProperties: false,
              properties: { path: { type: 'string', pattern: '^(/[^/]*)+$' }, op: { enum: ['set', 'delete'] } },
            },
          },
          generic: { type: 'boolean' },
          actions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'when', 'reason'],
              additionalProperties: false,
              properties: {
                name: { type: 'string' },
                body: {},
                when: { const: 'afterCreate' },
                reason: { type: 'string' },
              },
            },
          },
          options: {
            type: 'object',
            required: ['protect', 'deletePolicy'],
            additionalProperties: false,
            properties: {
              protect: { type: 'boolean' },
              deletePolicy: { enum: ['Delete', 'Detach', 'Retain', 'Purge'] },
              ignoreChanges: {
                type: 'array',
                items: { type: 'string', pattern: '^(/[^/]+)+$' },
                uniqueItems: true,
              },
            },
          },
          secrets: { type: 'array', items: { type: 'string', pattern: '^(/[^/]*)+$' } },
          defaults: { type: 'array', items: { type: 'string', pattern: '^(/[^/]*)+$' } },
          construct: { type: 'string' },
          source: sourceLocation,
          suppressions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['ruleId', 'reason', 'declaredAt'],
              properties: {
                ruleId: { type: 'string' },
                reason: { type: 'string', minLength: 1 },
                expires: { type: 'string' },
                declaredAt: { type: 'string' },
                source: sourceLocation,
              },
            },
          },
        },
      },
    },
    assets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'kind', 'directory', 'dockerfile', 'registry', 'repository', 'tag', 'usedBy'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          kind: { const: 'container-image' },
          directory: { type: 'string', not: { pattern: '^(/|[A-Za-z]:\\\\)' } },
          dockerfile: { type: 'string' },
          registry: { type: 'string' },
          repository: { type: 'string' },
          tag: { type: 'string' },
          digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
          buildArgs: { type: 'object', additionalProperties: { type: 'string' } },
          platform: { type: 'string' },
          usedBy: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    diagnostics: { type: 'array', items: diagnostic },
  },
} as const;
