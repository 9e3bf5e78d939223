/**
 * The corpus of real Azure traffic: the format of one fixture file, its JSON schema, the loader and the writer.
 *
 * A fixture (test/fixtures/azure-corpus/**\/*.json) is one recorded sequence of ARM exchanges against one or a few
 * resources, sanitized, with the repository, path and commit it was derived from. Two parties write fixtures: the
 * importers that derive them from recordings Microsoft publishes with its own test suites (Azure PowerShell
 * `*.Recording.json`, azure-cli `recording_*.yaml`, SDK `SessionRecords`) or from the specs' `x-ms-examples`, and
 * `npm run test:azure --record` against a real subscription. Two tests read them: the replay test drives the emulator
 * with each sequence, and the normalization test plans every real GET against its desired body.
 *
 * THIS FORMAT IS A SHARED CONTRACT (see the README beside the fixtures): change it only additively, or bump
 * `formatVersion` and migrate every fixture in the same commit.
 *
 * @example
 * const files = loadCorpus();
 * for (const { file, corpus } of files) for (const x of corpus.exchanges) console.log(file, x.op, x.response.status);
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { InputError } from '../../lib/core/errors.js';

/** Any JSON value (a request or response body). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The version of this format written in every file. */
export const CORPUS_FORMAT_VERSION = 1;

/** The folder of the corpus, from the repository root. */
export const CORPUS_DIR = join('test', 'fixtures', 'azure-corpus');

/** The subscription id every fixture uses instead of the real one. */
export const SANITIZED_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
/** The tenant id every fixture uses instead of the real one. */
export const SANITIZED_TENANT = '00000000-0000-0000-0000-000000000001';
/** The value that replaces a secret (a key, a password, a connection string, a token, a SAS). */
export const SANITIZED = 'Sanitized';
/** The host that replaces ARM's in recorded URLs (LRO headers, nextLink). */
export const ARM_HOST = 'https://management.azure.com';

/**
 * The response headers a fixture keeps (lower-case): the ones that decide a client's long-running-operation path.
 * Everything else (request ids, rate-limit counters, dates, cookies) is dropped when recording.
 */
export const KEPT_RESPONSE_HEADERS = ['azure-asyncoperation', 'location', 'retry-after'] as const;
export type KeptResponseHeader = (typeof KEPT_RESPONSE_HEADERS)[number];

/** The request headers a fixture may keep (lower-case): conditions that change ARM's answer. */
export const KEPT_REQUEST_HEADERS = ['if-match', 'if-none-match'] as const;
export type KeptRequestHeader = (typeof KEPT_REQUEST_HEADERS)[number];

/**
 * What an exchange does, as the client meant it (a PUT of an existing resource is an `update` even when ARM answers
 * 201): the replay and coverage counts key on it.
 */
export type ExchangeOp = 'create' | 'update' | 'read' | 'list' | 'delete' | 'action' | 'poll';
export const EXCHANGE_OPS: readonly ExchangeOp[] = ['create', 'update', 'read', 'list', 'delete', 'action', 'poll'];

export type HttpMethod = 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST' | 'HEAD';

/** Where a fixture comes from. */
export interface CorpusSource {
  /**
   * `recording`: a published recording of real traffic (Azure PowerShell, azure-cli, an SDK's test recordings);
   * `spec-example`: an `x-ms-examples` file of the official REST spec (evidence of bodies, weaker on LRO shapes);
   * `live`: recorded by `npm run test:azure --record` against a real subscription.
   */
  readonly kind: 'recording' | 'spec-example' | 'live';
  /** `owner/name` on GitHub (`Azure/azure-powershell`), or `amlcdk` for `live`. */
  readonly repository: string;
  /** Path of the source file in that repository (for `live`: the test that recorded it). */
  readonly path: string;
  /** The 40-hex commit the file was read at (for `live`: amlcdk's HEAD when recording). */
  readonly commit: string;
  /** ISO date the traffic was recorded, when known. */
  readonly recordedAt?: string;
}

/** A resource created before the exchanges replay (not itself evidence; the replay waits for it to succeed). */
export interface CorpusGiven {
  readonly method: 'PUT';
  /** Path with `?api-version=`. */
  readonly path: string;
  readonly body: JsonValue;
}

export interface CorpusRequest {
  readonly method: HttpMethod;
  /** Path and query exactly as sent, without scheme and host, `api-version` included. Sanitized. */
  readonly path: string;
  readonly headers?: Partial<Record<KeptRequestHeader, string>>;
  /** Parsed JSON body; absent when none was sent. Secrets replaced by `SANITIZED`. */
  readonly body?: JsonValue;
}

export interface CorpusResponse {
  readonly status: number;
  /** Only `KEPT_RESPONSE_HEADERS`, lower-case names; URLs on `ARM_HOST`. An absent name was absent in the answer. */
  readonly headers: Partial<Record<KeptResponseHeader, string>>;
  /** Parsed JSON body; absent when the answer had none (an empty 202 is not `{}`). */
  readonly body?: JsonValue;
}

/** One request and its answer. */
export interface CorpusExchange {
  readonly op: ExchangeOp;
  /** The ARM type the exchange is about (for a poll: the type of the resource whose operation is polled). */
  readonly armType: string;
  readonly request: CorpusRequest;
  readonly response: CorpusResponse;
  /**
   * For `op: 'poll'`: the index (in this file's `exchanges`) of the answer whose header gave the URL polled. The
   * replay follows the emulator's own header there instead of the recorded URL.
   */
  readonly poll?: { readonly of: number; readonly header: 'azure-asyncoperation' | 'location' };
  /**
   * JSON pointers (RFC 6901) into `response.body` whose values the server makes up (etags, times, generated ids):
   * compared by JSON type only. The replay test adds the ones every type shares (systemData, etag…).
   */
  readonly volatile?: readonly string[];
  /** Why this exchange is here, or what it shows (free text). */
  readonly note?: string;
}

/** One fixture file. */
export interface CorpusFile {
  readonly formatVersion: typeof CORPUS_FORMAT_VERSION;
  /** What the sequence shows, in a few words. */
  readonly title: string;
  readonly source: CorpusSource;
  /** What was replaced when sanitizing (e.g. `subscription id`, `storage keys`, `principal object ids`). */
  readonly sanitized: readonly string[];
  readonly given?: readonly CorpusGiven[];
  readonly exchanges: readonly CorpusExchange[];
}

/** A fixture with the file it was read from (path relative to the corpus folder, `/`-separated). */
export interface LoadedCorpusFile {
  readonly file: string;
  readonly corpus: CorpusFile;
}

const JSON_VALUE = {}; // any JSON value

/** JSON schema (draft-07, as ajv's default) of one fixture file. */
export const CORPUS_SCHEMA = {
  $id: 'https://amlcdk.dev/schemas/azure-corpus-1.json',
  type: 'object',
  additionalProperties: false,
  required: ['formatVersion', 'title', 'source', 'sanitized', 'exchanges'],
  properties: {
    formatVersion: { const: CORPUS_FORMAT_VERSION },
    title: { type: 'string', minLength: 1 },
    source: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'repository', 'path', 'commit'],
      properties: {
        kind: { enum: ['recording', 'spec-example', 'live'] },
        repository: { type: 'string', pattern: '^([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+|amlcdk)$' },
        path: { type: 'string', minLength: 1 },
        commit: { type: 'string', pattern: '^[0-9a-f]{40}$' },
        recordedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}' },
      },
    },
    sanitized: { type: 'array', items: { type: 'string', minLength: 1 } },
    given: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['method', 'path', 'body'],
        properties: {
          method: { const: 'PUT' },
          path: { type: 'string', pattern: '^/.*[?&]api-version=' },
          body: JSON_VALUE,
        },
      },
    },
    exchanges: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['op', 'armType', 'request', 'response'],
        properties: {
          op: { enum: EXCHANGE_OPS },
          armType: { type: 'string', pattern: '^[A-Za-z]+\\.[A-Za-z.]+(/[A-Za-z0-9]+)+$' },
          request: {
            type: 'object',
            additionalProperties: false,
            required: ['method', 'path'],
            properties: {
              method: { enum: ['GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'HEAD'] },
              path: { type: 'string', pattern: '^/' },
              headers: {
                type: 'object',
                additionalProperties: false,
                properties: Object.fromEntries(KEPT_REQUEST_HEADERS.map((h) => [h, { type: 'string' }])),
              },
              body: JSON_VALUE,
            },
          },
          response: {
            type: 'object',
            additionalProperties: false,
            required: ['status', 'headers'],
            properties: {
              status: { type: 'integer', minimum: 100, maximum: 599 },
              headers: {
                type: 'object',
                additionalProperties: false,
                properties: Object.fromEntries(KEPT_RESPONSE_HEADERS.map((h) => [h, { type: 'string' }])),
              },
              body: JSON_VALUE,
            },
          },
          poll: {
            type: 'object',
            additionalProperties: false,
            required: ['of', 'header'],
            properties: {
              of: { type: 'integer', minimum: 0 },
              header: { enum: ['azure-asyncoperation', 'location'] },
            },
          },
          volatile: { type: 'array', items: { type: 'string', pattern: '^(/.*)?$' } },
          note: { type: 'string' },
        },
      },
    },
  },
} as const;

let validator: ReturnType<Ajv['compile']> | undefined;

function schemaProblems(value: unknown): string[] {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(CORPUS_SCHEMA);
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/**
 * What is wrong with a parsed fixture beyond its schema: api-versions, poll references, ops that do not fit their
 * method. Empty when the file is valid.
 */
export function corpusProblems(value: unknown): string[] {
  const problems = schemaProblems(value);
  if (problems.length > 0) return problems;
  const file = value as CorpusFile;
  file.exchanges.forEach((x, i) => {
    const where = `/exchanges/${i}`;
    if (x.op !== 'poll' && !/[?&]api-version=[^&]+/.test(x.request.path))
      problems.push(`${where}/request/path has no api-version`);
    const methods: Record<ExchangeOp, readonly HttpMethod[]> = {
      create: ['PUT'],
      update: ['PUT', 'PATCH'],
      read: ['GET', 'HEAD'],
      list: ['GET'],
      delete: ['DELETE'],
      action: ['POST'],
      poll: ['GET'],
    };
    if (!methods[x.op].includes(x.request.method))
      problems.push(`${where}: op '${x.op}' does not fit method ${x.request.method}`);
    if (x.op === 'poll') {
      if (!x.poll) problems.push(`${where}: a poll names the exchange whose header it follows (poll.of, poll.header)`);
      else if (x.poll.of >= i) problems.push(`${where}/poll/of must name an earlier exchange`);
      else if (!followable(file.exchanges, x.poll.of, x.poll.header))
        problems.push(`${where}/poll: exchange ${x.poll.of} has no ${x.poll.header} header to follow`);
    } else if (x.poll) problems.push(`${where}/poll is only for op 'poll'`);
  });
  return problems;
}

/** An exchange's header can be followed if it carries it, or if it is itself a poll that does (Location chains). */
function followable(xs: readonly CorpusExchange[], of: number, header: string): boolean {
  const h = xs[of]?.response.headers;
  return h !== undefined && typeof (h as Record<string, string | undefined>)[header] === 'string';
}

/**
 * Parse and check one fixture's text; `file` names it in errors. Throws `InputError` `InvalidCorpusFile` listing
 * every problem.
 */
export function parseCorpusFile(text: string, file: string): CorpusFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError('InvalidCorpusFile', `${file} is not JSON: ${(e as Error).message}`, {
      file,
      fix: 'write fixtures with formatCorpusFile()',
    });
  }
  const problems = corpusProblems(value);
  if (problems.length > 0)
    throw new InputError('InvalidCorpusFile', `${file} is not a valid corpus file:\n  ${problems.join('\n  ')}`, {
      file,
      fix: `see ${CORPUS_DIR}/README.md and CORPUS_SCHEMA in test/azure-corpus/format.ts`,
    });
  return value as CorpusFile;
}

/** Every fixture under `dir` (recursively, sorted by path), parsed and checked. */
export function loadCorpus(dir: string = join(import.meta.dirname, '..', '..', CORPUS_DIR)): LoadedCorpusFile[] {
  const files = [...readdirSync(dir, { recursive: true, encoding: 'utf8' })].filter((f) => f.endsWith('.json')).sort();
  return files.map((f) => {
    const file = f.split(sep).join('/');
    return { file, corpus: parseCorpusFile(readFileSync(join(dir, f), 'utf8'), relative('.', join(dir, f))) };
  });
}

/** A fixture's text as committed: two-space JSON with a final newline (the fixture folder is not prettier's). */
export function formatCorpusFile(file: CorpusFile): string {
  const problems = corpusProblems(JSON.parse(JSON.stringify(file)));
  if (problems.length > 0)
    throw new InputError('InvalidCorpusFile', `refusing to write an invalid corpus file:\n  ${problems.join('\n  ')}`);
  return `${JSON.stringify(file, null, 2)}\n`;
}
