/**
 * `npm run test:azure --record`: an HTTP client for `HttpArmClient` that keeps every ARM exchange of a run and turns
 * them into a corpus fixture (test/azure-corpus/format.ts), sanitized (test/azure-corpus/sanitize.ts).
 *
 * It wraps the HTTP client, below the bearer-token policy's view of the request but after it: it keeps the method,
 * the URL, the JSON body, the status, the three LRO headers and the JSON answer — never the Authorization header.
 *
 * @example
 * const recorder = new ExchangeRecorder();
 * const client = new HttpArmClient({ httpClient: recorder });
 * // ... apply, plan, destroy ...
 * writeFileSync(file, formatCorpusFile(recorder.toCorpus({ title, source, sanitizer })));
 */
import {
  createDefaultHttpClient,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import {
  ARM_HOST,
  CORPUS_FORMAT_VERSION,
  KEPT_RESPONSE_HEADERS,
  type CorpusExchange,
  type CorpusFile,
  type CorpusSource,
  type ExchangeOp,
  type JsonValue,
  type KeptResponseHeader,
} from '../azure-corpus/format.js';
import type { Sanitizer } from '../azure-corpus/sanitize.js';

/** One exchange as it went over the wire (before sanitizing). */
export interface RawExchange {
  readonly method: string;
  /** The full URL requested. */
  readonly url: string;
  readonly requestBody?: string;
  readonly status: number;
  readonly headers: Partial<Record<KeptResponseHeader, string>>;
  readonly responseBody?: string;
}

/** An `HttpClient` that forwards to another and keeps each exchange. */
export class ExchangeRecorder implements HttpClient {
  private readonly raw: RawExchange[] = [];

  constructor(private readonly inner: HttpClient = createDefaultHttpClient()) {}

  public async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const response = await this.inner.sendRequest(request);
    const headers: Partial<Record<KeptResponseHeader, string>> = {};
    for (const h of KEPT_RESPONSE_HEADERS) {
      const v = response.headers.get(h);
      if (v !== undefined) headers[h] = v;
    }
    this.raw.push({
      method: request.method,
      url: request.url,
      ...(typeof request.body === 'string' ? { requestBody: request.body } : {}),
      status: response.status,
      headers,
      ...(response.bodyAsText ? { responseBody: response.bodyAsText } : {}),
    });
    return response;
  }

  /** The exchanges kept so far. */
  public exchanges(): readonly RawExchange[] {
    return this.raw;
  }

  /**
   * The run as one corpus fixture, in the order the requests were sent. `endpoint` is the origin the client talked to
   * (an emulator's is moved to `ARM_HOST`, as Azure's own host is).
   */
  public toCorpus(input: {
    readonly title: string;
    readonly source: CorpusSource;
    readonly sanitizer: Sanitizer;
    readonly endpoint?: string;
  }): CorpusFile {
    return {
      formatVersion: CORPUS_FORMAT_VERSION,
      title: input.title,
      source: input.source,
      sanitized: [
        'subscription id',
        'tenant id',
        'principal object ids',
        'secrets (keys, passwords, connection strings, tokens)',
        'LRO URL signatures',
      ],
      exchanges: toExchanges(this.raw, input.sanitizer, input.endpoint),
    };
  }
}

/**
 * The ARM type a path names (`Microsoft.Resources/resourceGroups` for a resource group, else the provider's types).
 * A POST on a resource names an action after it (`…/computes/ci/stop`): the action is not a type.
 */
export function armTypeOf(path: string, method = 'GET'): string | undefined {
  const segs = path.split('?')[0].split('/').filter(Boolean);
  const p = segs.findIndex((s) => s.toLowerCase() === 'providers');
  if (p < 0) {
    if (segs[2]?.toLowerCase() === 'resourcegroups') return 'Microsoft.Resources/resourceGroups';
    return segs[0]?.toLowerCase() === 'subscriptions' ? 'Microsoft.Resources/subscriptions' : undefined;
  }
  // Nested providers (a role assignment on a workspace): the last provider segment names the type.
  const last = segs.map((s) => s.toLowerCase()).lastIndexOf('providers');
  const rest = segs.slice(last + 1);
  if (rest.length < 2) return undefined;
  // namespace, then type/name pairs (a collection ends with a type); a POST's odd tail is its action.
  const pairs = method === 'POST' && rest.length % 2 === 0 && rest.length > 2 ? rest.slice(1, -1) : rest.slice(1);
  const types = pairs.filter((_, i) => i % 2 === 0);
  return `${rest[0]}/${types.join('/')}`;
}

/** The resource a path addresses (without query and action), lower-cased: what `create` vs `update` keys on. */
function resourceKey(path: string): string {
  return path.split('?')[0].toLowerCase();
}

function parseJson(text: string | undefined): JsonValue | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Path and query of a URL on the endpoint (or `ARM_HOST`), sanitized. */
function pathOf(url: string, sanitizer: Sanitizer, endpoint: string | undefined): string {
  const onArm = endpoint && url.startsWith(endpoint) ? ARM_HOST + url.slice(endpoint.length) : url;
  const clean = sanitizer.text(onArm);
  const u = new URL(clean, ARM_HOST);
  return decodeURIComponent(u.pathname) + u.search;
}

function toExchanges(raw: readonly RawExchange[], s: Sanitizer, endpoint: string | undefined): CorpusExchange[] {
  const out: CorpusExchange[] = [];
  // Resources seen to exist (a 2xx GET or a finished PUT): a later PUT on them is an update.
  const existing = new Set<string>();
  // Header URLs (sanitized) to the exchange that gave them and which header it was.
  const pollSources = new Map<string, { of: number; header: 'azure-asyncoperation' | 'location'; armType: string }>();
  for (const x of raw) {
    const path = pathOf(x.url, s, endpoint);
    const headers: Partial<Record<KeptResponseHeader, string>> = {};
    for (const [k, v] of Object.entries(x.headers) as [KeptResponseHeader, string][])
      headers[k] = k === 'retry-after' ? v : `${ARM_HOST}${pathOf(v, s, endpoint)}`;
    const requestBody = parseJson(x.requestBody);
    const responseBody = parseJson(x.responseBody);
    const polled = x.method === 'GET' ? pollSources.get(path) : undefined;
    const armType = polled?.armType ?? armTypeOf(path, x.method);
    if (armType === undefined) continue; // not an ARM resource path (tenant-level calls): not corpus material
    const key = resourceKey(path);
    let op: ExchangeOp;
    if (polled) op = 'poll';
    else if (x.method === 'GET')
      op =
        responseBody !== null &&
        typeof responseBody === 'object' &&
        !Array.isArray(responseBody) &&
        'value' in responseBody
          ? 'list'
          : 'read';
    else if (x.method === 'PUT') op = existing.has(key) ? 'update' : 'create';
    else if (x.method === 'PATCH') op = 'update';
    else if (x.method === 'DELETE') op = 'delete';
    else if (x.method === 'POST') op = 'action';
    else continue;
    if ((op === 'read' || op === 'create' || op === 'update') && x.status >= 200 && x.status < 300) existing.add(key);
    if (op === 'delete' && x.status >= 200 && x.status < 300) existing.delete(key);
    const index = out.length;
    out.push({
      op,
      armType,
      ...(polled ? { poll: { of: polled.of, header: polled.header } } : {}),
      request: {
        method: x.method as CorpusExchange['request']['method'],
        path,
        ...(requestBody !== undefined ? { body: s.json(requestBody) } : {}),
      },
      response: {
        status: x.status,
        headers,
        ...(responseBody !== undefined ? { body: s.json(responseBody) } : {}),
      },
    });
    // Azure-AsyncOperation last: when both headers name the same URL, clients follow it.
    for (const h of ['location', 'azure-asyncoperation'] as const) {
      const v = headers[h];
      if (v !== undefined) pollSources.set(v.slice(ARM_HOST.length), { of: index, header: h, armType });
    }
  }
  return out;
}
