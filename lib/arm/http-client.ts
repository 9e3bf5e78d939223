/**
 * `HttpArmClient`: the `ArmClient` for real Azure and for the local emulator (which speaks ARM over HTTPS), on
 * `@azure/core-rest-pipeline` with a bearer-token policy.
 *
 * What it adds over the SDK pipeline (whose own retry policy is switched off so every retry is ours, counted and
 * rate-limited):
 * - a token bucket per (subscription, operation kind) that keeps the engine under ARM's limits, adapts to
 *   `x-ms-ratelimit-remaining-*` and pauses a whole bucket on a throttling 429 until `Retry-After`;
 * - bounded retries with full-jitter backoff that honour `Retry-After` on 429 / 5xx / 409-in-progress;
 * - the idempotency rule: PUT, PATCH, DELETE and GET are retried after a dropped connection; a POST is not
 *   (its `ArmError` has `outcomeUnknown: true`, so the engine re-observes before deciding to resend);
 * - LRO handling: `Azure-AsyncOperation` first, then `Location`, then `provisioningState` on the resource;
 * - one deadline per call (`timeoutMs`) covering retries and polling.
 */
import { abortReason } from './abort-reason.js';
import { Agent as HttpsAgent } from 'node:https';
import { createSecureContext } from 'node:tls';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { armIdProblem } from '../core/arm-id.js';
import { AmlcdkError } from '../core/errors.js';
import { armErrorFromOperation, armErrorFromResponse, parseJsonBody, safePath } from './arm-error.js';
import {
  backoffMs,
  isDroppedConnection,
  parseRetryAfter,
  resolveRetryOptions,
  type ResolvedRetryOptions,
  type RetryOptions,
} from './retry.js';
import {
  ArmRateLimiter,
  kindOfMethod,
  realSleep,
  scopeOf,
  type Clock,
  type OperationKind,
  type Sleep,
  type TokenBucket,
} from './token-bucket.js';
import { BudgetWaits } from './budget-waits.js';
import {
  ArmError,
  type ArmCallOptions,
  type ArmClient,
  type ArmListOptions,
  type ArmResource,
  type ArmWriteResult,
  type ArmWriteStarted,
} from './types.js';

/** Public ARM endpoint. */
export const AZURE_ENDPOINT = 'https://management.azure.com';
const ARM_SCOPE = 'https://management.azure.com/.default';

type Method = 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST';

/** One HTTP exchange, reported to `onRequest` (for logs, progress and counting). Never carries bodies or tokens. */
export interface ArmRequestEvent {
  readonly method: Method;
  /** Path and query (no host). */
  readonly path: string;
  /** HTTP status, or 0 when the connection dropped. */
  readonly status: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly kind: OperationKind;
  readonly durationMs: number;
  /** Set when the exchange is an LRO status poll. */
  readonly poll?: boolean;
  /** Set when the client will retry after this exchange, with the wait in ms. */
  readonly retryInMs?: number;
}

export interface PollOptions {
  /** First wait when ARM sends no `Retry-After`. @default 5000 */
  readonly initialDelayMs?: number;
  /** Largest wait when ARM sends no `Retry-After` (the wait grows ×1.5 per poll). @default 60000 */
  readonly maxDelayMs?: number;
  /** Never poll sooner than this, whatever `Retry-After` says. @default 0 */
  readonly minDelayMs?: number;
}

export interface HttpArmClientOptions {
  /** ARM endpoint (scheme and host). @default 'https://management.azure.com' */
  readonly endpoint?: string;
  /**
   * Identity for the bearer token. @default DefaultAzureCredential from @azure/identity (created on first use);
   * use `LocalCredential` for the emulator.
   */
  readonly credential?: TokenCredential;
  /** Token scope. @default 'https://management.azure.com/.default' */
  readonly scope?: string;
  /**
   * PEM of a CA (or self-signed certificate) to trust, e.g. the local emulator's. When set only this CA is
   * trusted for the endpoint. @default the system's trusted CAs
   */
  readonly caCertPem?: string | readonly string[];
  /** Connections kept to the endpoint when `caCertPem` is set (requests beyond it queue for a free socket). @default 32 */
  readonly maxSockets?: number;
  /** Prefix of the User-Agent header. @default 'amlcdk' */
  readonly userAgent?: string;
  /** Client-side rate limiting; `false` turns it off (tests of raw protocol only). @default new ArmRateLimiter() */
  readonly limiter?: ArmRateLimiter | false;
  /** Retry policy. @default 6 attempts, 1 s base, 60 s cap, full jitter */
  readonly retry?: RetryOptions;
  /** Deadline of one call including retries and LRO polling. @default 1800000 (30 min, Terraform's create default) */
  readonly defaultTimeoutMs?: number;
  /** Deadline of one HTTP exchange; a hung request is abandoned and (if idempotent) retried. @default 120000 */
  readonly requestTimeoutMs?: number;
  /** LRO polling cadence when ARM sends no `Retry-After`. */
  readonly poll?: PollOptions;
  /**
   * Accept `Azure-AsyncOperation` / `Location` / `nextLink` URLs on another origin than `endpoint`. Off by
   * default so the bearer token is never sent to a host ARM did not name. @default false
   */
  readonly allowForeignUrls?: boolean;
  /** Called after each HTTP exchange. */
  readonly onRequest?: (event: ArmRequestEvent) => void;
  /** @default Date.now (tests inject a clock) */
  readonly clock?: Clock;
  /** @default setTimeout-based (tests inject) */
  readonly sleep?: Sleep;
  /** @default core-rest-pipeline's default HTTP client */
  readonly httpClient?: HttpClient;
}

/** Lazily created DefaultAzureCredential: loading @azure/identity's credential chain costs time the emulator path never needs. */
class LazyDefaultCredential implements TokenCredential {
  private inner?: Promise<TokenCredential>;
  public getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    this.inner ??= import('@azure/identity').then((m) => new m.DefaultAzureCredential());
    return this.inner.then((c) => c.getToken(scopes, options));
  }
}

interface Ctx {
  /** Aborts on the caller's signal or the call's deadline. */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly what: string;
}

interface Sent {
  readonly response: PipelineResponse;
  readonly body: unknown;
}

const TERMINAL = new Map<string, 'Succeeded' | 'Failed' | 'Canceled'>([
  ['succeeded', 'Succeeded'],
  ['failed', 'Failed'],
  ['canceled', 'Canceled'],
  ['cancelled', 'Canceled'],
]);

function terminalOf(status: unknown): 'Succeeded' | 'Failed' | 'Canceled' | undefined {
  return typeof status === 'string' ? TERMINAL.get(status.toLowerCase()) : undefined;
}

function provisioningStateOf(body: unknown): unknown {
  if (!body || typeof body !== 'object') return undefined;
  const props = (body as Record<string, unknown>).properties;
  if (!props || typeof props !== 'object') return undefined;
  return (props as Record<string, unknown>).provisioningState;
}

function isArmResource(v: unknown): v is ArmResource {
  return !!v && typeof v === 'object' && typeof (v as Record<string, unknown>).id === 'string';
}

/**
 * @example
 * const arm = new HttpArmClient(); // real Azure, DefaultAzureCredential
 * const ws = await arm.get('/subscriptions/…/workspaces/ml', '2025-09-01');
 *
 * @example
 * const local = new HttpArmClient({ endpoint: emulator.url, credential: new LocalCredential(), caCertPem: emulator.caCertPem });
 */
export class HttpArmClient implements ArmClient {
  public readonly endpoint: string;
  public readonly limiter: ArmRateLimiter | undefined;
  private readonly origin: string;
  private readonly pipeline: Pipeline;
  private readonly httpClient: HttpClient;
  private readonly agent?: HttpsAgent;
  private readonly retry: ResolvedRetryOptions;
  private readonly defaultTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly poll: Required<PollOptions>;
  private readonly allowForeignUrls: boolean;
  private readonly onRequest?: (event: ArmRequestEvent) => void;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  /** Buckets whose first request (the probe) is in flight: the others wait for ARM's remaining count. */
  private readonly probes = new Map<TokenBucket, Promise<void>>();
  private readonly waits: BudgetWaits;

  constructor(options: HttpArmClientOptions = {}) {
    const endpoint = (options.endpoint ?? AZURE_ENDPOINT).replace(/\/+$/, '');
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new AmlcdkError(
        'ArmInvalidEndpoint',
        `ARM endpoint ${JSON.stringify(endpoint)} is not a URL; allowed: https://<host>[:port]. Fix: set the endpoint to e.g. ${AZURE_ENDPOINT}`,
      );
    }
    if (url.protocol !== 'https:') {
      throw new AmlcdkError(
        'ArmInvalidEndpoint',
        `ARM endpoint ${JSON.stringify(endpoint)} must use https (bearer tokens are never sent in clear text); allowed: https://<host>[:port]. Fix: use the emulator's https URL and pass its caCertPem`,
      );
    }
    this.endpoint = endpoint;
    this.origin = url.origin;
    this.limiter =
      options.limiter === false
        ? undefined
        : (options.limiter ?? new ArmRateLimiter({ clock: options.clock, sleep: options.sleep }));
    this.retry = resolveRetryOptions(options.retry);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 1_800_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
    this.poll = { initialDelayMs: 5000, maxDelayMs: 60_000, minDelayMs: 0, ...(options.poll ?? {}) };
    this.allowForeignUrls = options.allowForeignUrls ?? false;
    this.onRequest = options.onRequest;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.waits = new BudgetWaits(this.clock);
    this.httpClient = options.httpClient ?? createDefaultHttpClient();
    if (options.caCertPem !== undefined) {
      const ca = typeof options.caCertPem === 'string' ? [options.caCertPem] : [...options.caCertPem];
      // One TLS context for every socket (passing `ca` per connection builds a new context each time: ~1 ms of CPU
      // per socket), and a bounded pool: a burst of hundreds of requests reuses warm sockets instead of paying a
      // TLS handshake each on both ends.
      this.agent = new HttpsAgent({
        keepAlive: true,
        maxSockets: options.maxSockets ?? 32,
        secureContext: createSecureContext({ ca }),
      });
    }
    this.pipeline = createPipelineFromOptions({
      retryOptions: { maxRetries: 0 },
      userAgentOptions: { userAgentPrefix: options.userAgent ?? 'amlcdk' },
      redirectOptions: { maxRetries: 0 },
    });
    this.pipeline.addPolicy(
      bearerTokenAuthenticationPolicy({
        credential: options.credential ?? new LazyDefaultCredential(),
        scopes: options.scope ?? ARM_SCOPE,
      }),
      { phase: 'Sign' },
    );
  }

  /** Close pooled connections (the emulator's keep-alive sockets), so a test process can exit at once. */
  public close(): void {
    this.agent?.destroy();
  }

  public budgetWaitMs(kind: OperationKind): number {
    return this.waits.ms(kind);
  }

  // ---------------------------------------------------------------- reads

  public async get(id: string, apiVersion: string, options: ArmCallOptions = {}): Promise<ArmResource | undefined> {
    return this.withCtx(`GET ${id}`, options, async (ctx) => {
      const sent = await this.send(ctx, 'GET', this.urlFor(id, apiVersion, options.query), undefined, {
        allow404: true,
      });
      if (sent.response.status === 404) return undefined;
      return this.expectResource(sent.body, 'GET', id);
    });
  }

  public async list(collectionId: string, apiVersion: string, options: ArmListOptions = {}): Promise<ArmResource[]> {
    return this.withCtx(`LIST ${collectionId}`, options, async (ctx) => {
      const out: ArmResource[] = [];
      let url: string | undefined = this.urlFor(collectionId, apiVersion, options.query);
      const seen = new Set<string>();
      while (url) {
        if (seen.has(url))
          throw new ArmError({
            status: 200,
            armCode: 'NextLinkLoop',
            message: `listing ${collectionId} returned a nextLink already followed (${safePath(url)}); stopping instead of looping forever`,
            retryable: false,
          });
        seen.add(url);
        const sent = await this.send(ctx, 'GET', url, undefined, { allow404: true });
        if (sent.response.status === 404) return out;
        const page = sent.body as { value?: unknown; nextLink?: unknown } | undefined;
        if (!page || typeof page !== 'object' || !Array.isArray(page.value)) {
          throw new ArmError({
            status: sent.response.status,
            armCode: 'InvalidListResponse',
            message: `GET ${collectionId} did not return a list ({ "value": [...] })`,
            retryable: false,
          });
        }
        options.onPage?.(page.value.length);
        for (const item of page.value) if (isArmResource(item)) out.push(item);
        url =
          typeof page.nextLink === 'string' && page.nextLink !== ''
            ? this.checkedUrl(page.nextLink, 'nextLink')
            : undefined;
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- writes

  public beginPut(
    id: string,
    apiVersion: string,
    body: unknown,
    options: ArmCallOptions = {},
  ): Promise<ArmWriteStarted> {
    return this.withCtx(`PUT ${id}`, options, (ctx) => this.begin(ctx, 'PUT', id, apiVersion, body, options));
  }

  public beginPatch(
    id: string,
    apiVersion: string,
    body: unknown,
    options: ArmCallOptions = {},
  ): Promise<ArmWriteStarted> {
    return this.withCtx(`PATCH ${id}`, options, (ctx) => this.begin(ctx, 'PATCH', id, apiVersion, body, options));
  }

  public beginDelete(id: string, apiVersion: string, options: ArmCallOptions = {}): Promise<ArmWriteStarted> {
    return this.withCtx(`DELETE ${id}`, options, (ctx) =>
      this.begin(ctx, 'DELETE', id, apiVersion, undefined, options),
    );
  }

  public beginPost(
    id: string,
    action: string,
    apiVersion: string,
    body?: unknown,
    options: ArmCallOptions = {},
  ): Promise<ArmWriteStarted> {
    return this.withCtx(`POST ${id}/${action}`, options, (ctx) =>
      this.begin(ctx, 'POST', id, apiVersion, body, options, action),
    );
  }

  public pollUntilDone(
    started: ArmWriteStarted,
    options: ArmCallOptions & { readonly resourceId?: string; readonly apiVersion?: string } = {},
  ): Promise<ArmWriteResult> {
    const resourceId = options.resourceId ?? started.resourceId;
    return this.withCtx(`poll ${resourceId ?? started.pollUrl ?? ''}`, options, (ctx) =>
      this.pollInCtx(ctx, started, resourceId, options.apiVersion ?? started.apiVersion),
    );
  }

  public put(id: string, apiVersion: string, body: unknown, options: ArmCallOptions = {}): Promise<ArmWriteResult> {
    return this.withCtx(`PUT ${id}`, options, async (ctx) =>
      this.pollInCtx(ctx, await this.begin(ctx, 'PUT', id, apiVersion, body, options), id, apiVersion),
    );
  }

  public patch(id: string, apiVersion: string, body: unknown, options: ArmCallOptions = {}): Promise<ArmWriteResult> {
    return this.withCtx(`PATCH ${id}`, options, async (ctx) =>
      this.pollInCtx(ctx, await this.begin(ctx, 'PATCH', id, apiVersion, body, options), id, apiVersion),
    );
  }

  public delete(id: string, apiVersion: string, options: ArmCallOptions = {}): Promise<ArmWriteResult> {
    return this.withCtx(`DELETE ${id}`, options, async (ctx) =>
      this.pollInCtx(ctx, await this.begin(ctx, 'DELETE', id, apiVersion, undefined, options), id, apiVersion),
    );
  }

  public post(
    id: string,
    action: string,
    apiVersion: string,
    body?: unknown,
    options: ArmCallOptions = {},
  ): Promise<ArmWriteResult> {
    return this.withCtx(`POST ${id}/${action}`, options, async (ctx) =>
      this.pollInCtx(ctx, await this.begin(ctx, 'POST', id, apiVersion, body, options, action), id, apiVersion),
    );
  }

  // ---------------------------------------------------------------- internals

  private async begin(
    ctx: Ctx,
    method: Exclude<Method, 'GET'>,
    id: string,
    apiVersion: string,
    body: unknown,
    options: ArmCallOptions,
    action?: string,
  ): Promise<ArmWriteStarted> {
    const target = action ? `${id.replace(/\/+$/, '')}/${action.replace(/^\/+/, '')}` : id;
    const sent = await this.send(ctx, method, this.urlFor(target, apiVersion, options.query), body, {
      allow404: method === 'DELETE',
    });
    const res = sent.response;
    const base = { method, resourceId: id, apiVersion } as const;
    if (method === 'DELETE' && res.status === 404) return { status: 404, ...base };
    const aao = res.headers.get('azure-asyncoperation');
    const location = res.headers.get('location');
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), this.clock());
    let pollUrl: string | undefined;
    let pollKind: ArmWriteStarted['pollKind'];
    if (aao) {
      pollUrl = this.checkedUrl(aao, 'Azure-AsyncOperation');
      pollKind = 'azure-async-operation';
    } else if (location && (res.status === 201 || res.status === 202)) {
      pollUrl = this.checkedUrl(location, 'Location');
      pollKind = 'location';
    }
    return {
      status: res.status,
      ...(sent.body !== undefined ? { body: sent.body } : {}),
      ...(pollUrl ? { pollUrl, pollKind } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...base,
    };
  }

  private async pollInCtx(
    ctx: Ctx,
    started: ArmWriteStarted,
    resourceId: string | undefined,
    apiVersion: string | undefined,
  ): Promise<ArmWriteResult> {
    const method = started.method ?? (resourceId ? 'PUT' : undefined);
    if (method === 'DELETE' && started.status === 404) return { status: 'Succeeded' };
    let finalBody: unknown = started.body;
    let delay = started.retryAfterMs;
    let backoff = this.poll.initialDelayMs;
    const nextDelay = (res: PipelineResponse): number => {
      const ra = parseRetryAfter(res.headers.get('retry-after'), this.clock());
      if (ra !== undefined) return Math.max(ra, this.poll.minDelayMs);
      const d = backoff;
      backoff = Math.min(this.poll.maxDelayMs, Math.round(backoff * 1.5));
      return Math.max(d, this.poll.minDelayMs);
    };
    const firstWait = (): number => {
      if (delay !== undefined) return Math.max(delay, this.poll.minDelayMs);
      const d = backoff;
      backoff = Math.min(this.poll.maxDelayMs, Math.round(backoff * 1.5));
      return Math.max(d, this.poll.minDelayMs);
    };

    if (started.pollUrl) {
      const pollUrl = this.checkedUrl(started.pollUrl, 'poll URL');
      let wait = firstWait();
      for (;;) {
        await this.wait(ctx, wait);
        const sent = await this.send(ctx, 'GET', pollUrl, undefined, { allow404: method === 'DELETE', poll: true });
        const res = sent.response;
        if (started.pollKind === 'location') {
          if (res.status === 202) {
            wait = nextDelay(res);
            continue;
          }
          finalBody = sent.body;
          break;
        }
        // Azure-AsyncOperation: the body carries the status.
        if (res.status === 404 && method === 'DELETE') break;
        const st = terminalOf((sent.body as { status?: unknown } | undefined)?.status);
        if (st === 'Succeeded') {
          finalBody = sent.body;
          break;
        }
        if (st === 'Failed' || st === 'Canceled') {
          throw armErrorFromOperation({
            status: st,
            body: sent.body,
            pollStatus: res.status,
            resourceId,
            requestId: requestIdOf(res),
          });
        }
        wait = nextDelay(res);
      }
    } else if ((method === 'PUT' || method === 'PATCH') && resourceId && apiVersion) {
      // No poll URL: the operation is done when provisioningState is terminal (absent means succeeded).
      let state = provisioningStateOf(started.body);
      while (state !== undefined && terminalOf(state) === undefined) {
        await this.wait(ctx, firstWait());
        delay = undefined;
        const sent = await this.send(ctx, 'GET', this.urlFor(resourceId, apiVersion), undefined, {
          allow404: true,
          poll: true,
        });
        if (sent.response.status === 404)
          throw new ArmError({
            status: 404,
            armCode: 'ResourceNotFound',
            message: `${resourceId} disappeared while its ${method} was provisioning`,
            retryable: true,
          });
        finalBody = sent.body;
        state = provisioningStateOf(sent.body);
        if (terminalOf(state) === 'Succeeded' && isArmResource(sent.body))
          return { status: 'Succeeded', resource: sent.body };
      }
      const t = terminalOf(state);
      if (t === 'Failed' || t === 'Canceled') {
        throw new ArmError({
          status: 200,
          armCode: t === 'Failed' ? 'ProvisioningFailed' : 'ProvisioningCanceled',
          message: `${resourceId} ended provisioningState=${t} after ${method}`,
          retryable: false,
        });
      }
      if (isArmResource(finalBody)) return { status: 'Succeeded', resource: finalBody };
    } else if (method === 'DELETE' && started.status === 202 && resourceId && apiVersion) {
      // 202 without a poll URL: the resource is gone when GET says 404.
      for (;;) {
        await this.wait(ctx, firstWait());
        delay = undefined;
        const sent = await this.send(ctx, 'GET', this.urlFor(resourceId, apiVersion), undefined, {
          allow404: true,
          poll: true,
        });
        if (sent.response.status === 404) break;
      }
    }

    if (method === 'PUT' || method === 'PATCH') {
      if (resourceId && apiVersion) {
        const sent = await this.send(ctx, 'GET', this.urlFor(resourceId, apiVersion), undefined, { allow404: true });
        // A provider that reports success and then 404s (ASO's known quirk) leaves `resource` undefined: the engine re-plans it.
        if (sent.response.status !== 404 && isArmResource(sent.body))
          return { status: 'Succeeded', resource: sent.body };
        return { status: 'Succeeded' };
      }
      return isArmResource(finalBody) ? { status: 'Succeeded', resource: finalBody } : { status: 'Succeeded' };
    }
    if (method === 'POST')
      return finalBody !== undefined ? { status: 'Succeeded', body: finalBody } : { status: 'Succeeded' };
    return { status: 'Succeeded' };
  }

  private expectResource(body: unknown, method: string, id: string): ArmResource {
    if (!isArmResource(body)) {
      throw new ArmError({
        status: 200,
        armCode: 'InvalidResourceResponse',
        message: `${method} ${id} returned a body without an "id"; expected an ARM resource`,
        retryable: false,
      });
    }
    return body;
  }

  private urlFor(id: string, apiVersion: string, query?: Readonly<Record<string, string>>): string {
    // A non-canonical id would be rewritten by the URL parser (`..` resolved, a backslash read as `/`) into another one.
    const problem = armIdProblem(id);
    if (problem !== undefined) {
      throw new AmlcdkError(
        'ArmInvalidResourceId',
        `ARM resource id ${JSON.stringify(typeof id === 'string' ? id.slice(0, 300) : id)} is not canonical: ${problem}; allowed: /subscriptions/<id>/resourceGroups/<rg>/providers/<type>/<name> without "." or ".." segments, "//", "?", "#", "%" or "\\". Fix: pass the full id from the manifest`,
      );
    }
    if (typeof apiVersion !== 'string' || !/^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9.]+)?$/.test(apiVersion)) {
      throw new AmlcdkError(
        'ArmInvalidApiVersion',
        `api-version ${JSON.stringify(apiVersion)} for ${id} is not of the form YYYY-MM-DD[-preview]. Fix: use the pinned version from the catalog`,
      );
    }
    const u = new URL(this.endpoint + encodeURI(id));
    u.searchParams.set('api-version', apiVersion);
    for (const [k, v] of Object.entries(query ?? {})) u.searchParams.set(k, v);
    return u.toString();
  }

  /** Resolve a URL ARM handed back and refuse one on another origin (the bearer token would go there). */
  private checkedUrl(raw: string, what: string): string {
    let u: URL;
    try {
      u = new URL(raw, this.endpoint);
    } catch {
      throw new ArmError({
        status: 0,
        armCode: 'InvalidPollUrl',
        message: `ARM returned a ${what} that is not a URL: ${JSON.stringify(raw.slice(0, 200))}`,
        retryable: false,
      });
    }
    if (!this.allowForeignUrls && u.origin !== this.origin) {
      throw new ArmError({
        status: 0,
        armCode: 'ForeignUrl',
        message: `ARM returned a ${what} on ${u.origin}, not ${this.origin}; the client does not send its token to another host. Fix: if this is expected, create the client with allowForeignUrls: true`,
        retryable: false,
      });
    }
    return u.toString();
  }

  private async withCtx<T>(what: string, options: ArmCallOptions, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const deadline = deadlineSignal(
      timeoutMs,
      options.signal,
      () => new DOMException(`deadline of ${timeoutMs} ms passed`, 'TimeoutError'),
    );
    try {
      return await fn({ signal: deadline.signal, timeoutMs, what });
    } catch (err) {
      if (deadline.timedOut() && !(err instanceof ArmError)) {
        throw new AmlcdkError(
          'ArmTimeout',
          `${what} did not finish within ${timeoutMs} ms (retries and polling included). Fix: raise the timeout, or check the operation in the portal; a resumed apply re-polls it`,
          { cause: err },
        );
      }
      if (options.signal?.aborted && !(err instanceof ArmError)) {
        throw new AmlcdkError('ArmAborted', `${what} was cancelled`, { cause: err });
      }
      throw err;
    } finally {
      deadline.dispose();
    }
  }

  private async wait(ctx: Ctx, ms: number): Promise<void> {
    if (ms > 0) await this.sleep(ms, ctx.signal);
    else if (ctx.signal.aborted) throw ctx.signal.reason;
  }

  /**
   * One logical request: rate limit, send, classify, retry. Resolves with 2xx/3xx answers (and 404 when
   * `allow404`); throws ArmError otherwise.
   */
  private async send(
    ctx: Ctx,
    method: Method,
    url: string,
    body: unknown,
    opts: { allow404?: boolean; poll?: boolean } = {},
  ): Promise<Sent> {
    const kind = kindOfMethod(method);
    const scope = scopeOf(url);
    const path = safePath(url);
    const bodyText = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      let probeDone: (() => void) | undefined;
      let release: (() => void) | undefined;
      if (this.limiter) {
        const waited = this.waits.begin(kind);
        try {
          // Cold start: the first request of a bucket goes alone, and its answer's x-ms-ratelimit-remaining header
          // tells the bucket what is really left before the burst is spent (another run may have used it).
          const bucket = this.limiter.bucket(scope, kind);
          while (!bucket.calibrated) {
            const probe = this.probes.get(bucket);
            if (!probe) {
              let resolve!: () => void;
              this.probes.set(bucket, new Promise<void>((r) => (resolve = r)));
              probeDone = () => {
                bucket.calibrated = true;
                this.probes.delete(bucket);
                resolve();
              };
              break;
            }
            await abortable(probe, ctx.signal);
          }
          release = await this.limiter.acquire(scope, kind, ctx.signal);
        } finally {
          waited();
        }
      }
      const headers = createHttpHeaders({ accept: 'application/json' });
      if (bodyText !== undefined) headers.set('content-type', 'application/json');
      // Per-request timeout, our own (not the pipeline's: see deadlineSignal).
      const attemptDeadline = deadlineSignal(this.requestTimeoutMs, ctx.signal);
      const request = createPipelineRequest({
        url,
        method,
        headers,
        body: bodyText,
        abortSignal: attemptDeadline.signal,
      });
      if (this.agent) request.agent = this.agent;
      const started = this.clock();
      const cleanup = (): void => {
        attemptDeadline.dispose();
        // The answer (or the failure) is back: this request no longer holds room in the bucket's cap.
        release?.();
      };
      const endProbe = (): void => {
        probeDone?.();
        probeDone = undefined;
      };
      let response: PipelineResponse;
      try {
        response = await this.pipeline.sendRequest(this.httpClient, request);
        cleanup();
      } catch (err) {
        cleanup();
        endProbe();
        if (ctx.signal.aborted) throw err;
        const timedOut = attemptDeadline.timedOut();
        if (!timedOut && !isDroppedConnection(err)) {
          const msg = (err as Error)?.message ?? String(err);
          const fix = /certificate|self[- ]signed|CERT_|TLS/i.test(msg)
            ? ' Fix: for the local emulator pass its caCertPem; for Azure check proxies that intercept TLS'
            : '';
          throw new ArmError({
            status: 0,
            armCode: 'RequestFailed',
            message: `${method} ${path} failed before ARM answered: ${msg}.${fix}`,
            retryable: false,
          });
        }
        const reason = timedOut
          ? `no answer within ${this.requestTimeoutMs} ms`
          : `the connection dropped (${(err as { code?: string })?.code ?? (err as Error)?.message ?? 'unknown'})`;
        // A POST is not idempotent: it may have been applied before the connection dropped. Never resend blindly.
        const canRetry = method !== 'POST' && attempt < this.retry.maxAttempts;
        const retryInMs = canRetry ? backoffMs(attempt - 1, this.retry) : undefined;
        this.onRequest?.({
          method,
          path,
          status: 0,
          attempt,
          kind,
          durationMs: this.clock() - started,
          ...(opts.poll ? { poll: true } : {}),
          ...(retryInMs !== undefined ? { retryInMs } : {}),
        });
        if (!canRetry) {
          throw new ArmError({
            status: 0,
            armCode: timedOut ? 'RequestTimeout' : 'ConnectionDropped',
            message:
              method === 'POST'
                ? `${method} ${path}: ${reason}; the action may or may not have run. Re-read the resource before sending it again`
                : `${method} ${path}: ${reason}, ${attempt} attempt(s) made`,
            retryable: true,
            outcomeUnknown: method === 'POST',
          });
        }
        await this.wait(ctx, retryInMs!);
        continue;
      }
      this.observeRateHeaders(scope, kind, response);
      endProbe();
      const text = response.bodyAsText;
      if (response.status < 400 || (response.status === 404 && opts.allow404)) {
        this.onRequest?.({
          method,
          path,
          status: response.status,
          attempt,
          kind,
          durationMs: this.clock() - started,
          ...(opts.poll ? { poll: true } : {}),
        });
        return { response, body: parseJsonBody(text) };
      }
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.clock());
      const error = armErrorFromResponse({
        status: response.status,
        bodyText: text,
        method,
        url,
        retryAfterMs,
        requestId: requestIdOf(response),
      });
      const contention = /anotheroperation|retryableerror/i.test(error.armCode);
      if (response.status === 429 && !contention && this.limiter) {
        // Real throttling: ARM ignores requests sent before Retry-After; hold the whole bucket.
        this.limiter.bucket(scope, kind).pause(retryAfterMs ?? backoffMs(attempt - 1, this.retry));
      }
      // A POST that got 5xx may have been applied: only 429 and 409-in-progress mean "not processed".
      const postSafe = method !== 'POST' || response.status === 429 || response.status === 409;
      let retryInMs: number | undefined;
      if (error.retryable && postSafe && attempt < this.retry.maxAttempts) {
        const wait = retryAfterMs ?? backoffMs(attempt - 1, this.retry);
        if (wait <= this.retry.maxRetryAfterMs) retryInMs = wait;
      }
      this.onRequest?.({
        method,
        path,
        status: response.status,
        attempt,
        kind,
        durationMs: this.clock() - started,
        ...(opts.poll ? { poll: true } : {}),
        ...(retryInMs !== undefined ? { retryInMs } : {}),
      });
      if (retryInMs === undefined) throw error;
      // Sleeping out a throttling 429 is waiting for budget too.
      const waited = response.status === 429 && !contention ? this.waits.begin(kind) : undefined;
      try {
        await this.wait(ctx, retryInMs);
      } finally {
        waited?.();
      }
    }
  }

  private observeRateHeaders(scope: string, kind: OperationKind, res: PipelineResponse): void {
    if (!this.limiter) return;
    const singular = kind === 'reads' ? 'reads' : kind === 'writes' ? 'writes' : 'deletes';
    let min: number | undefined;
    for (const h of [
      `x-ms-ratelimit-remaining-subscription-${singular}`,
      `x-ms-ratelimit-remaining-tenant-${singular}`,
    ]) {
      const v = res.headers.get(h);
      if (v === undefined) continue;
      const n = Number(v);
      if (Number.isFinite(n) && (min === undefined || n < min)) min = n;
    }
    if (min !== undefined) this.limiter.bucket(scope, kind).observeRemaining(min);
  }
}

/**
 * A signal that aborts after `ms` (with `timeoutReason()`, or the default abort reason) or when `parent` aborts
 * (with its reason); `dispose()` clears the timer and the listener on `parent`. A plain controller and timer:
 * AbortSignal.timeout/any cost more CPU than a request at hundreds of calls per second, AbortSignal.any keeps
 * dependents on a long-lived parent, and the pipeline's own `timeout` leaves its timer running when a connection
 * fails (keeping the process alive after a dropped socket).
 */
function deadlineSignal(
  ms: number,
  parent: AbortSignal | undefined,
  timeoutReason?: () => unknown,
): { readonly signal: AbortSignal; timedOut(): boolean; dispose(): void } {
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort(timeoutReason?.());
  }, ms);
  const relay = (): void => ac.abort(parent?.reason);
  if (parent?.aborted) relay();
  else parent?.addEventListener('abort', relay, { once: true });
  return {
    signal: ac.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', relay);
    },
  };
}

/** Wait for `p`, but give up when `signal` aborts. */
function abortable(p: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (e: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function requestIdOf(res: PipelineResponse): string | undefined {
  return res.headers.get('x-ms-request-id') ?? res.headers.get('x-ms-correlation-request-id') ?? undefined;
}
