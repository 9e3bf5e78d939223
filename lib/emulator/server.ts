/**
 * The emulator's HTTPS front: bearer-token authentication (unsigned JWTs accepted, principal = `oid`), ARM
 * throttling, seeded fault injection, the operations log and counters, the admin API under `/_emulator/`, and
 * durable acknowledgement of writes (the answer is sent only after the state file holds the write).
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Engine, type EngineResponse, type Principal } from './engine.js';
import { ArmHttpError } from './errors.js';
import { FaultInjector } from './faults.js';
import { parseArmPath, parseOperationPath } from './ids.js';
import { DEFAULT_TENANT_ID, type EmulatorOptions, type RuntimeConfig } from './options.js';
import { PROVIDERS } from './rp/registry.js';
import { Store, type DirectoryPrincipal } from './store.js';
import { addPrincipal, type PrincipalSeed } from './directory.js';
import { Throttler, type BucketKind } from './throttle.js';
import { text } from '../core/text.js';

export type LogKind = 'read' | 'write' | 'delete' | 'action' | 'poll' | 'admin';

/** One request in the operations log. */
export interface LogEntry {
  readonly seq: number;
  /** ISO time the request arrived. */
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /** ARM id the request addressed (the collection for a list, the operation's resource for a poll). */
  readonly resourceId?: string;
  readonly apiVersion?: string;
  /** HTTP status sent; 0 when the connection was dropped without an answer. */
  readonly status: number;
  readonly errorCode?: string;
  readonly principal: string;
  readonly kind: LogKind;
  /** Fault rules (indexes) that acted on this request. */
  readonly faults?: readonly number[];
  /** `dropped` (no answer, not processed) or `acceptedThenDropped` (processed, no answer). */
  readonly connection?: 'dropped' | 'acceptedThenDropped';
}

export interface Counters {
  /** PUTs that created a resource, per lower-case resource id: more than 1 means a duplicate create. */
  creates: Record<string, number>;
  writes: number;
  reads: number;
  deletes: number;
  actions: number;
  polls: number;
  throttled: number;
  faults: number;
}

const emptyCounters = (): Counters => ({
  creates: {},
  writes: 0,
  reads: 0,
  deletes: 0,
  actions: 0,
  polls: 0,
  throttled: 0,
  faults: 0,
});

const MAX_BODY = 8 * 1024 * 1024;

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class EmulatorServer {
  readonly store: Store;
  readonly engine: Engine;
  private readonly throttler: Throttler;
  private readonly faults: FaultInjector;
  private server?: https.Server;
  private readonly sockets = new Set<Socket>();
  private logEntries: LogEntry[] = [];
  private seq = 0;
  private countersValue: Counters = emptyCounters();
  private config: RuntimeConfig;
  private readonly tokenCache = new Map<string, { principal: Principal; exp?: number } | ArmHttpError>();
  private readonly startedAt = Date.now();
  private readonly logLimit: number;
  url = '';

  constructor(
    private readonly options: EmulatorOptions & { dataDir: string },
    private readonly tls: { certPem: string; keyPem: string },
  ) {
    this.config = {
      seed: options.seed ?? 1,
      durations: options.durations,
      quotas: options.quotas,
      throttle: options.throttle,
      faults: options.faults ?? [],
      pageSize: options.pageSize ?? 100,
      listLagMs: options.listLagMs ?? 0,
      retryAfterSeconds: options.retryAfterSeconds,
      principalReplicationMs: options.principalReplicationMs,
    };
    this.logLimit = options.logLimit ?? 200_000;
    this.store = new Store(options.dataDir);
    this.store.load();
    this.engine = new Engine(
      this.store,
      {
        durations: options.durations,
        quotas: options.quotas,
        pageSize: this.config.pageSize!,
        listLagMs: this.config.listLagMs ?? 0,
        retryAfterSeconds: options.retryAfterSeconds,
        tenantId: options.tenantId ?? DEFAULT_TENANT_ID,
        principalReplicationMs: options.principalReplicationMs,
      },
      PROVIDERS,
    );
    this.throttler = new Throttler(options.throttle);
    this.faults = new FaultInjector(options.faults, options.seed);
  }

  async listen(port: number): Promise<number> {
    const server = https.createServer({ cert: this.tls.certPem, key: this.tls.keyPem, keepAlive: true }, (req, res) => {
      void this.onRequest(req, res);
    });
    server.keepAliveTimeout = 30_000;
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('tlsClientError', () => undefined);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const actual = (server.address() as AddressInfo).port;
    this.url = `https://127.0.0.1:${actual}`;
    return actual;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of this.sockets) s.destroy();
        server.closeAllConnections?.();
      });
    }
    await this.store.close();
  }

  // ------------------------------------------------------------------------------------------ public admin

  log(since = 0): LogEntry[] {
    return since <= 0 ? [...this.logEntries] : this.logEntries.filter((e) => e.seq > since);
  }

  counters(): Counters {
    return JSON.parse(JSON.stringify(this.countersValue)) as Counters;
  }

  currentConfig(): RuntimeConfig {
    return JSON.parse(JSON.stringify(this.config)) as RuntimeConfig;
  }

  configure(patch: RuntimeConfig): RuntimeConfig {
    validateConfig(patch);
    const next: RuntimeConfig = { ...this.config };
    for (const k of CONFIG_KEY_LIST) {
      if (Object.prototype.hasOwnProperty.call(patch, k)) (next as Record<string, unknown>)[k] = patch[k];
    }
    validateConfig(next);
    this.config = next;
    this.engine.config = {
      ...this.engine.config,
      durations: next.durations,
      quotas: next.quotas,
      pageSize: next.pageSize ?? 100,
      listLagMs: next.listLagMs ?? 0,
      retryAfterSeconds: next.retryAfterSeconds ?? undefined,
      principalReplicationMs: next.principalReplicationMs ?? undefined,
    };
    if ('throttle' in patch) this.throttler.configure(next.throttle ?? {});
    if ('faults' in patch || 'seed' in patch) this.faults.configure(next.faults ?? [], next.seed ?? 1);
    return this.currentConfig();
  }

  /** Add a principal to the directory (see directory.ts); returns it as stored. */
  /** Seed a custom role definition (in memory): role assignments may name its GUID. */
  addRoleDefinition(guid: string, roleName = 'Custom role'): { guid: string; roleName: string } {
    this.engine.customRoles.set(guid.toLowerCase(), roleName);
    return { guid: guid.toLowerCase(), roleName };
  }

  addPrincipal(seed: PrincipalSeed): DirectoryPrincipal {
    return addPrincipal(this.engine, seed);
  }

  /** Move the clock forward by `ms` (tests of retention periods and operation ends). */
  advanceClock(ms: number): void {
    if (!(ms >= 0)) throw new ArmHttpError(400, 'InvalidEmulatorConfig', 'advanceClock takes a number of ms >= 0.');
    this.engine.clockOffsetMs += ms;
  }

  async reset(): Promise<void> {
    this.store.clear();
    this.engine.customRoles.clear();
    this.logEntries = [];
    this.seq = 0;
    this.countersValue = emptyCounters();
    this.throttler.reset();
    this.faults.configure(this.config.faults ?? [], this.config.seed ?? 1);
    await this.store.commit();
  }

  // ------------------------------------------------------------------------------------------ requests

  private principalOf(header: string | undefined, now: number): Principal | ArmHttpError {
    if (!header)
      return new ArmHttpError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
      );
    let entry = this.tokenCache.get(header);
    if (!entry) {
      entry = decodeToken(header);
      if (this.tokenCache.size > 10_000) this.tokenCache.clear();
      this.tokenCache.set(header, entry);
    }
    if (entry instanceof ArmHttpError) return entry;
    if (entry.exp !== undefined && entry.exp * 1000 < now) {
      return new ArmHttpError(
        401,
        'ExpiredAuthenticationToken',
        'The access token expiry UTC time is earlier than current UTC time.',
      );
    }
    return entry.principal;
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY)
        throw new ArmHttpError(413, 'RequestEntityTooLarge', `The request body is larger than ${MAX_BODY} bytes.`);
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** An admin request's JSON body (`empty` when there is none); 400 `InvalidRequestContent` when it is not JSON. */
  private async readJson(req: IncomingMessage, empty: string, what: string): Promise<unknown> {
    const text = await this.readBody(req);
    try {
      return JSON.parse(text || empty) as unknown;
    } catch (err) {
      throw new ArmHttpError(400, 'InvalidRequestContent', `${what} is not JSON: ${(err as Error).message}`);
    }
  }

  private send(res: ServerResponse, a: Answer, requestId: string): void {
    const text = a.body === undefined || res.req.method === 'HEAD' ? '' : JSON.stringify(a.body);
    const headers: Record<string, string | number> = {
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': requestId,
      ...(a.headers ?? {}),
    };
    if (text.length > 0) headers['Content-Type'] = 'application/json; charset=utf-8';
    headers['Content-Length'] = Buffer.byteLength(text);
    res.writeHead(a.status, headers);
    res.end(text);
  }

  private record(e: Omit<LogEntry, 'seq'>): void {
    const entry: LogEntry = { seq: ++this.seq, ...e };
    this.logEntries.push(entry);
    if (this.logEntries.length > this.logLimit) this.logEntries.splice(0, this.logEntries.length - this.logLimit);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = this.engine.clock();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    const query = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : '');
    const requestId = randomUUID();
    const time = new Date(now).toISOString();
    if (path.startsWith('/_emulator/') || path === '/_emulator') {
      let a: Answer;
      try {
        a = await this.admin(method, path, query, req);
      } catch (err) {
        a =
          err instanceof ArmHttpError
            ? { status: err.status, body: err.body() }
            : { status: 500, body: { error: { code: 'InternalServerError', message: String(err) } } };
      }
      this.send(res, a, requestId);
      if (path !== '/_emulator/log')
        this.record({ time, method, path, status: a.status, principal: 'admin', kind: 'admin' });
      return;
    }

    const isPoll = method === 'GET' && parseOperationPath(path) !== undefined;
    const kind: LogKind = isPoll
      ? 'poll'
      : method === 'GET' || method === 'HEAD'
        ? 'read'
        : method === 'DELETE'
          ? 'delete'
          : method === 'POST'
            ? 'action'
            : 'write';
    const bucket: BucketKind = kind === 'read' || kind === 'poll' ? 'reads' : kind === 'delete' ? 'deletes' : 'writes';
    const apiVersion = query.get('api-version') ?? undefined;
    const parsed = isPoll ? undefined : parseArmPath(path, method === 'POST');
    let resourceId: string | undefined = parsed?.id ?? parsed?.collectionPath;
    let principalName = 'anonymous';
    const base = { time, method, path, apiVersion, kind };
    const answerError = (err: ArmHttpError, extra: Record<string, string> = {}): Answer => ({
      status: err.status,
      body: err.body(),
      headers: { ...err.headers, ...extra },
    });

    let answer: Answer;
    let faultRules: number[] | undefined;
    let acceptThenDrop = false;
    const rate: Record<string, string> = {};
    try {
      let bodyText = '';
      if (method !== 'GET' && method !== 'HEAD') bodyText = await this.readBody(req);
      const principal = this.principalOf(req.headers.authorization, now);
      if (principal instanceof ArmHttpError) {
        throw new ArmHttpError(principal.status, principal.code, principal.message, undefined, [], {
          'WWW-Authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="${principal.message.replace(/"/g, "'")}"`,
        });
      }
      principalName = principal.oid;
      const subscription = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1] ?? 'tenant';

      const t = this.throttler.take(subscription, principal.oid, bucket, now);
      rate[`x-ms-ratelimit-remaining-subscription-${bucket}`] = String(t.remaining);
      if (!t.allowed) {
        this.countersValue.throttled += 1;
        throw new ArmHttpError(
          429,
          'TooManyRequests',
          `Number of '${bucket === 'reads' ? 'read' : bucket === 'writes' ? 'write' : 'delete'}' requests for subscription '${subscription}' actor '${principal.oid}' exceeded. Please try again after '${t.retryAfterSeconds}' seconds after the last request.`,
          undefined,
          [],
          {
            'Retry-After': String(t.retryAfterSeconds),
          },
        );
      }

      let lroFailure: { afterPolls: number; code: string; message: string } | undefined;
      if (this.faults.active) {
        const d = this.faults.decide({ method, path, typeKey: parsed?.typeKey, isPoll }, now);
        if (d.rules.length > 0) {
          faultRules = d.rules;
          this.countersValue.faults += 1;
        }
        if (d.latencyMs > 0) await new Promise((r) => setTimeout(r, d.latencyMs));
        if (d.drop) {
          req.socket.destroy();
          this.record({
            ...base,
            resourceId,
            status: 0,
            errorCode: 'ConnectionDropped',
            principal: principalName,
            faults: faultRules,
            connection: 'dropped',
          });
          return;
        }
        if (d.stormRetryAfter !== undefined) {
          this.countersValue.throttled += 1;
          throw new ArmHttpError(
            429,
            'TooManyRequests',
            'The request is throttled (injected 429 storm). Please try again later.',
            undefined,
            [],
            { 'Retry-After': String(d.stormRetryAfter) },
          );
        }
        if (d.errorStatus !== undefined) {
          throw new ArmHttpError(
            d.errorStatus,
            d.errorStatus === 503 ? 'ServiceUnavailable' : 'InternalServerError',
            `The server encountered a transient error (injected ${d.errorStatus}). Retry the request.`,
          );
        }
        acceptThenDrop = Boolean(d.acceptThenDrop) && method !== 'GET';
        lroFailure = d.lroFailure;
      }

      let body: unknown;
      if (bodyText.length > 0) {
        try {
          body = JSON.parse(bodyText);
        } catch (err) {
          throw new ArmHttpError(
            400,
            'InvalidRequestContent',
            `The request content was invalid and could not be deserialized: ${(err as Error).message}.`,
          );
        }
      }
      const r: EngineResponse = this.engine.handle({
        method,
        path,
        query,
        body,
        principal,
        baseUrl: this.url,
        now,
        lroFailure,
      });
      resourceId = r.resourceId ?? resourceId;
      if (r.mutated) await this.store.commit();
      else this.store.saveLater();
      if (r.created) this.countersValue.creates[r.created] = (this.countersValue.creates[r.created] ?? 0) + 1;
      answer = { status: r.status, body: r.body, headers: { ...r.headers, ...rate } };
    } catch (err) {
      if (err instanceof ArmHttpError) answer = answerError(err, rate);
      else {
        answer = {
          status: 500,
          body: {
            error: {
              code: 'InternalServerError',
              message: `The emulator failed to process the request: ${err instanceof Error ? err.message : String(err)}`,
            },
          },
          headers: rate,
        };
      }
    }
    if (kind === 'read') this.countersValue.reads += 1;
    else if (kind === 'poll') this.countersValue.polls += 1;
    else if (kind === 'delete') this.countersValue.deletes += 1;
    else if (kind === 'action') this.countersValue.actions += 1;
    else this.countersValue.writes += 1;
    const errorCode =
      answer.status >= 400
        ? ((answer.body as { error?: { code?: string } } | undefined)?.error?.code ?? undefined)
        : undefined;
    if (acceptThenDrop && answer.status < 400) {
      req.socket.destroy();
      this.record({
        ...base,
        resourceId,
        status: 0,
        errorCode: 'ConnectionDropped',
        principal: principalName,
        faults: faultRules,
        connection: 'acceptedThenDropped',
      });
      return;
    }
    this.send(res, answer, requestId);
    this.record({
      ...base,
      resourceId,
      status: answer.status,
      ...(errorCode ? { errorCode } : {}),
      principal: principalName,
      ...(faultRules ? { faults: faultRules } : {}),
    });
  }

  private async admin(method: string, path: string, query: URLSearchParams, req: IncomingMessage): Promise<Answer> {
    const route = `${method} ${path.replace(/\/+$/, '')}`;
    switch (route) {
      case 'GET /_emulator/health':
        return {
          status: 200,
          body: {
            status: 'ok',
            pid: process.pid,
            url: this.url,
            dataDir: this.options.dataDir,
            uptimeMs: Date.now() - this.startedAt,
            resources: this.store.resources.size,
          },
        };
      case 'GET /_emulator/log': {
        const since = Number(query.get('since') ?? '0') || 0;
        const entries = this.log(since);
        return { status: 200, body: { entries, lastSeq: this.seq } };
      }
      case 'GET /_emulator/counters':
        return { status: 200, body: this.counters() };
      case 'POST /_emulator/reset':
        await this.reset();
        return { status: 200, body: { status: 'reset' } };
      case 'GET /_emulator/config':
        return { status: 200, body: this.currentConfig() };
      case 'PUT /_emulator/config':
      case 'PATCH /_emulator/config': {
        const patch = await this.readJson(req, '{}', 'The configuration');
        if (!patch || typeof patch !== 'object' || Array.isArray(patch))
          throw new ArmHttpError(400, 'InvalidRequestContent', 'The configuration must be a JSON object.');
        return { status: 200, body: this.configure(patch) };
      }
      case 'POST /_emulator/clock': {
        // Move the emulator's clock forward (soft-delete retention, LRO ends, token refill), never back.
        const text = await this.readBody(req);
        let advance: unknown;
        try {
          advance = (JSON.parse(text || '{}') as { advanceMs?: unknown }).advanceMs;
        } catch {
          advance = undefined;
        }
        if (typeof advance !== 'number' || !Number.isFinite(advance) || advance < 0) {
          throw new ArmHttpError(
            400,
            'InvalidEmulatorConfig',
            'POST /_emulator/clock takes { "advanceMs": <number >= 0> }.',
            'advanceMs',
          );
        }
        this.engine.clockOffsetMs += advance;
        return {
          status: 200,
          body: { now: new Date(this.engine.clock()).toISOString(), offsetMs: this.engine.clockOffsetMs },
        };
      }
      case 'GET /_emulator/roleDefinitions':
        return {
          status: 200,
          body: { value: [...this.engine.customRoles].map(([guid, roleName]) => ({ guid, roleName })) },
        };
      case 'POST /_emulator/roleDefinitions': {
        const seed = (await this.readJson(req, 'null', 'The role definition')) as {
          guid?: unknown;
          roleName?: unknown;
        };
        if (typeof seed?.guid !== 'string' || !/^[0-9a-f-]{36}$/i.test(seed.guid))
          throw new ArmHttpError(
            400,
            'InvalidRequestContent',
            'POST /_emulator/roleDefinitions takes { guid, roleName? }: a custom role assignments may name.',
          );
        return {
          status: 201,
          body: this.addRoleDefinition(seed.guid, typeof seed.roleName === 'string' ? seed.roleName : undefined),
        };
      }
      case 'GET /_emulator/principals':
        return { status: 200, body: { value: [...this.store.principals.values()] } };
      case 'POST /_emulator/principals': {
        // Seed the directory: a principal (or a list) that exists in Entra ID, visible after its replication delay.
        const seeds = await this.readJson(req, 'null', 'The principals');
        const list = Array.isArray(seeds) ? seeds : [seeds];
        if (list.some((x) => !x || typeof x !== 'object'))
          throw new ArmHttpError(
            400,
            'InvalidRequestContent',
            'POST /_emulator/principals takes { objectId, type?, displayName?, replicationDelayMs? } or a list of them.',
          );
        const value = list.map((x) => this.addPrincipal(x as PrincipalSeed));
        await this.store.commit();
        return { status: 200, body: { value } };
      }
      case 'GET /_emulator/state': {
        const value = [...this.store.resources.values()]
          .map((r) => this.engine.find(r.id))
          .filter((r) => r !== undefined)
          .map((r) => this.engine.render(r));
        return { status: 200, body: { value } };
      }
      default:
        throw new ArmHttpError(
          404,
          'NotFound',
          `Unknown emulator admin route '${route}'. Routes: GET health, GET log?since=, GET counters, POST reset, GET/PUT config, GET state, POST clock, GET/POST principals, GET/POST roleDefinitions.`,
        );
    }
  }
}

/** Decode a bearer JWT without checking its signature (unsigned `alg: none` tokens are the norm here). */
function decodeToken(header: string): { principal: Principal; exp?: number } | ArmHttpError {
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m)
    return new ArmHttpError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
    );
  const bad = (why: string): ArmHttpError =>
    new ArmHttpError(401, 'InvalidAuthenticationToken', `The access token is invalid: ${why}.`);
  const parts = m[1].split('.');
  if (parts.length < 2) return bad('not a JWT');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return bad('the payload is not JSON');
  }
  if (!claims || typeof claims !== 'object') return bad('the payload is not a JSON object');
  const c = claims as Record<string, unknown>;
  if (typeof c.oid !== 'string' || c.oid.length === 0) return bad("the token has no 'oid' claim");
  const principal: Principal = {
    oid: c.oid,
    ...(typeof c.tid === 'string' ? { tid: c.tid } : {}),
    ...(typeof c.upn === 'string' ? { name: c.upn } : typeof c.name === 'string' ? { name: c.name } : {}),
    ...(typeof c.idtyp === 'string' ? { idtyp: c.idtyp } : {}),
  };
  return { principal, ...(typeof c.exp === 'number' ? { exp: c.exp } : {}) };
}

const CONFIG_KEY_LIST = [
  'seed',
  'durations',
  'quotas',
  'throttle',
  'faults',
  'pageSize',
  'listLagMs',
  'retryAfterSeconds',
  'principalReplicationMs',
] as const;
const CONFIG_KEYS: ReadonlySet<string> = new Set(CONFIG_KEY_LIST);

/** Reject a malformed run-time configuration with a clear 400 instead of failing later. */
export function validateConfig(c: RuntimeConfig): void {
  const bad = (target: string, msg: string): never => {
    throw new ArmHttpError(400, 'InvalidEmulatorConfig', `${target}: ${msg}`, target);
  };
  for (const k of Object.keys(c))
    if (!CONFIG_KEYS.has(k)) bad(k, `unknown setting; allowed: ${[...CONFIG_KEYS].join(', ')}`);
  if (c.seed !== undefined && !Number.isInteger(c.seed)) bad('seed', 'must be an integer');
  if (c.pageSize !== undefined && (!Number.isInteger(c.pageSize) || c.pageSize < 1))
    bad('pageSize', 'must be an integer >= 1');
  if (
    c.listLagMs !== undefined &&
    !(typeof c.listLagMs === 'number' && Number.isFinite(c.listLagMs) && c.listLagMs >= 0)
  )
    bad('listLagMs', 'must be a number of ms >= 0');
  if (
    c.retryAfterSeconds !== undefined &&
    c.retryAfterSeconds !== null &&
    (!Number.isInteger(c.retryAfterSeconds) || c.retryAfterSeconds < 0)
  )
    bad('retryAfterSeconds', 'must be an integer >= 0');
  if (
    c.principalReplicationMs !== undefined &&
    c.principalReplicationMs !== null &&
    !(
      typeof c.principalReplicationMs === 'number' &&
      Number.isFinite(c.principalReplicationMs) &&
      c.principalReplicationMs >= 0
    )
  )
    bad('principalReplicationMs', 'must be a number of ms >= 0');
  if (c.throttle !== undefined && c.throttle !== false && (typeof c.throttle !== 'object' || c.throttle === null))
    bad('throttle', 'must be an object or false');
  if (c.throttle) {
    for (const k of ['reads', 'writes', 'deletes'] as const) {
      const b = c.throttle[k];
      if (
        b !== undefined &&
        (typeof b.burst !== 'number' || typeof b.perSecond !== 'number' || b.burst < 1 || b.perSecond < 0)
      )
        bad(`throttle.${k}`, 'must be { burst >= 1, perSecond >= 0 }');
    }
    if (c.throttle.scale !== undefined && !(typeof c.throttle.scale === 'number' && c.throttle.scale > 0))
      bad('throttle.scale', 'must be a number > 0');
  }
  if (c.faults !== undefined) {
    if (!Array.isArray(c.faults)) bad('faults', 'must be an array of rules');
    (c.faults as unknown[]).forEach((entry, i) => {
      const f = entry as Partial<Record<'path' | 'errorRate' | 'dropRate' | 'acceptThenDropRate', unknown>>;
      if (!f || typeof f !== 'object') bad(`faults[${i}]`, 'must be an object');
      if (f.path !== undefined) {
        try {
          new RegExp(text(f.path));
        } catch (err) {
          bad(`faults[${i}].path`, `invalid regular expression: ${(err as Error).message}`);
        }
      }
      for (const k of ['errorRate', 'dropRate', 'acceptThenDropRate'] as const) {
        const v = f[k];
        if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1))
          bad(`faults[${i}].${k}`, 'must be a probability between 0 and 1');
      }
    });
  }
}
