/**
 * The ARM protocol engine: routing of one authenticated request to a resource type, the generic semantics
 * every type shares (api-version, resource group and parent checks, 409 while an operation runs, LRO
 * operations with time-derived progress, paging, cascading deletes) and the per-type hooks in rp/*.ts.
 *
 * Long-running operations are computed from time, never from timers: an operation started at t with duration d
 * is `InProgress` until t + d and is settled lazily by the next request that looks at it, so nothing keeps the
 * process alive and a restart continues where it was.
 */
import { randomUUID } from 'node:crypto';
import { ArmHttpError, badRequest, conflict, notFound } from './errors.js';
import { keyOf, parseArmPath, parseOperationPath, type ParsedPath } from './ids.js';
import { acceptedApiVersions, isAcceptedApiVersion } from './api-versions.js';
import { durationFor, type DurationOptions, type OperationDurations, type QuotaOptions } from './options.js';
import type { OperationKind, OperationRecord, ResourceRecord, Store } from './store.js';
import { shapeOf, statusBodyStyle, type AnswerShape } from './lro-shapes.js';

/** The caller, from the bearer token. */
export interface Principal {
  readonly oid: string;
  readonly tid?: string;
  readonly name?: string;
  /** `app` for service principals and managed identities, else a user. */
  readonly idtyp?: string;
}

export interface EngineRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly principal: Principal;
  /** `https://127.0.0.1:<port>` */
  readonly baseUrl: string;
  readonly now: number;
  /** Injected: LROs started by this request fail part-way. */
  readonly lroFailure?: { afterPolls: number; code: string; message: string };
}

export interface EngineResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Resource id the request addressed (for the log). */
  resourceId?: string;
  /** True when the state changed and must be durable before answering. */
  mutated?: boolean;
  /** Lower-case id of a resource this request created (for the creates counter). */
  created?: string;
}

/** Input to a type's PUT/PATCH hook. */
export interface WriteInput {
  readonly engine: Engine;
  readonly req: EngineRequest;
  readonly parsed: ParsedPath;
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly existing?: ResourceRecord;
  /** The request body (an object). */
  readonly body: Record<string, unknown>;
  /** Parent resource record, when the parent is a resource. */
  readonly parent?: ResourceRecord;
}

/** What a PUT/PATCH produces. */
export interface WritePlan {
  /** The resource once the operation succeeded (provisioningState Succeeded). */
  readonly body: Record<string, unknown>;
  /** What GET shows while the LRO runs (default: body with provisioningState Creating/Updating). */
  readonly transitional?: Record<string, unknown>;
  /** Patch applied to the transitional body if the operation fails. */
  readonly onFailure?: Record<string, unknown>;
  /** Region for quota/uniqueness bookkeeping. */
  readonly location?: string;
  /** Other changes to apply with this write (e.g. subnets from a VNet body). Run after validation. */
  readonly apply?: () => void;
  /** Force a synchronous answer even for an LRO type. */
  readonly sync?: boolean;
  /** Override the operation kind's duration key. */
  readonly durationKind?: keyof OperationDurations;
  /**
   * The service accepts the write, then its operation fails with this error at the first look, and a resource
   * created by it is gone (e.g. a workspace name held by a soft-deleted workspace). LRO types only.
   */
  readonly failure?: { readonly code: string; readonly message: string };
}

export interface DeleteInput {
  readonly engine: Engine;
  readonly req: EngineRequest;
  readonly parsed: ParsedPath;
  readonly id: string;
  readonly key: string;
  readonly existing: ResourceRecord;
}

export interface ActionInput extends DeleteInput {
  readonly action: string;
  readonly body: unknown;
}

/** What a POST action produces. */
export interface ActionPlan {
  /** Synchronous answer. */
  readonly status?: number;
  readonly body?: unknown;
  /** The synchronous action changed the resource (its new body): saved durably before the answer. */
  readonly update?: Record<string, unknown>;
  /** An LRO: GET shows `transitional` until it ends, then `final`. */
  readonly lro?: {
    readonly transitional: Record<string, unknown>;
    readonly final: Record<string, unknown>;
    readonly onFailure?: Record<string, unknown>;
  };
}

export interface ResourceType {
  /** Canonical full type, e.g. `Microsoft.MachineLearningServices/workspaces/computes`. */
  readonly type: string;
  /** Requires `location` (tracked resource). */
  readonly tracked: boolean;
  /** PUT and DELETE are long-running (201/202 + Azure-AsyncOperation). */
  readonly lro: boolean;
  /** provisioningState while a create runs. @default Creating */
  readonly creatingState?: string;
  /** Name rule checked on create. */
  readonly name?: { readonly re: RegExp; readonly allowed: string };
  /** The parent does not need to exist as a record (e.g. `fileServices/default`), only the grandparent. */
  readonly implicitParent?: (parentId: string) => string | undefined;
  /** Extension resource: the parent is any scope (subscription, resource group or resource). */
  readonly extension?: boolean;
  /** Location used when the body has none (non-tracked children take the parent's). */
  readonly defaultLocation?: string;
  put(input: WriteInput): WritePlan;
  patch?(input: WriteInput): WritePlan;
  /** Validate a DELETE (throw to refuse); may return side effects to run at once. */
  beforeDelete?(input: DeleteInput): void;
  /** After the resource is gone (soft delete, detach bookkeeping, cascading). */
  afterDelete?(engine: Engine, rec: ResourceRecord, query: URLSearchParams): void;
  /** DELETE for a resource that does not exist (e.g. purge of a soft-deleted workspace). */
  deleteAbsent?(input: Omit<DeleteInput, 'existing'>): EngineResponse | undefined;
  actions?: Readonly<Record<string, (input: ActionInput) => ActionPlan>>;
  /** Properties a failed create/update leaves on the resource besides `provisioningState: Failed`. */
  failedProperties?(error: { readonly code: string; readonly message: string }): Record<string, unknown>;
  /** Adds computed parts to a GET answer (e.g. a VNet's subnets). */
  render?(engine: Engine, rec: ResourceRecord): Record<string, unknown>;
  /** Extra filter for list answers. */
  listFilter?(engine: Engine, recs: ResourceRecord[], req: EngineRequest, parsed: ParsedPath): ResourceRecord[];
  /** The body returned by a successful synchronous DELETE (ARM returns the role assignment). @default none (200 empty) */
  readonly deleteReturnsBody?: boolean;
}

export interface EngineConfig {
  durations?: DurationOptions;
  quotas?: QuotaOptions;
  pageSize: number;
  /** Resources created less than this many ms ago are left out of list answers. */
  listLagMs?: number;
  retryAfterSeconds?: number;
  tenantId: string;
  /** See EmulatorOptions.principalReplicationMs. */
  principalReplicationMs?: number;
}

/**
 * The resource providers the engine serves (lib/emulator/rp/registry.ts's PROVIDERS). They are handed to the
 * engine rather than imported by it: rp/*.ts implement their hooks against the engine's types, so an import here
 * would close a cycle.
 */
export interface ResourceProviders {
  /** Resource types by lower-case type (`microsoft.machinelearningservices/workspaces`). */
  readonly types: ReadonlyMap<string, ResourceType>;
  /** Namespaces served (lower-case), for `NoRegisteredProviderFound`. */
  readonly namespaces: ReadonlySet<string>;
  /** `GET …/locations/<loc>/usages|vmSizes`: undefined when the path is not one it answers. */
  readonly locationQuery: (engine: Engine, req: EngineRequest) => EngineResponse | undefined;
  /** `GET …/providers/Microsoft.Authorization/roleDefinitions[/<id>]`: undefined when not answered. */
  readonly roleDefinitionQuery: (engine: Engine, req: EngineRequest) => EngineResponse | undefined;
  /** `POST …/checkNameAvailability` and the deleted-vault reads (list, get, purge): undefined when not answered. */
  readonly lifecycleQuery: (engine: Engine, req: EngineRequest) => EngineResponse | undefined;
  /** After a write: the managed identities the body gives the resource join the emulator's Entra directory. */
  readonly registerIdentities: (engine: Engine, typeKey: string, body: Record<string, unknown>, now: number) => void;
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'Canceled']);

export class Engine {
  /** Added to the wall clock: lets tests move time forward (`POST /_emulator/clock`). */
  clockOffsetMs = 0;

  constructor(
    public readonly store: Store,
    public config: EngineConfig,
    private readonly providers: ResourceProviders,
  ) {}

  /**
   * Custom role definitions (lower-case GUID → name) a test seeded through the admin API: role assignments may name
   * them besides the built-in roles. In memory only (a restart forgets them).
   */
  readonly customRoles = new Map<string, string>();

  /** The emulator's notion of now (wall clock + offset). */
  clock(): number {
    return Date.now() + this.clockOffsetMs;
  }

  // ---------------------------------------------------------------- lookups used by rp/*

  /** The resource as GET returns it, after settling any finished operation. */
  find(idOrKey: string, now: number = this.clock()): ResourceRecord | undefined {
    const rec = this.store.get(keyOf(idOrKey));
    if (!rec) return undefined;
    this.settleRecord(rec, now);
    return this.store.get(keyOf(idOrKey));
  }

  /** Every resource of a lower-case type, settled. */
  all(typeKey: string, now: number = this.clock()): ResourceRecord[] {
    const out: ResourceRecord[] = [];
    for (const rec of [...this.store.resources.values()]) {
      if (rec.typeKey !== typeKey) continue;
      this.settleRecord(rec, now);
      if (this.store.get(rec.id.toLowerCase())) out.push(rec);
    }
    return out;
  }

  render(rec: ResourceRecord): Record<string, unknown> {
    const t = this.providers.types.get(rec.typeKey);
    const body = t?.render ? t.render(this, rec) : rec.body;
    if (shapeOf(rec.typeKey)?.systemData !== false || !('systemData' in body)) return body;
    const { systemData: _omitted, ...rest } = body;
    return rest;
  }

  /**
   * Remove a resource and everything under it (children and extension resources on it). Each removed resource
   * gets its type's `afterDelete`: a resource group's delete soft-deletes the workspaces and key vaults in it,
   * as Azure does.
   */
  removeTree(rec: ResourceRecord, query: URLSearchParams = new URLSearchParams()): void {
    const key = rec.id.toLowerCase();
    const descendants = this.store.descendantsOf(key);
    for (const d of descendants) this.store.remove(d.id.toLowerCase());
    this.store.remove(key);
    for (const d of descendants) this.providers.types.get(d.typeKey)?.afterDelete?.(this, d, new URLSearchParams());
    this.providers.types.get(rec.typeKey)?.afterDelete?.(this, rec, query);
  }

  // ---------------------------------------------------------------- operations

  private settleRecord(rec: ResourceRecord, now: number): void {
    if (!rec.pending) return;
    const op = this.store.operations.get(rec.pending.opId);
    if (!op) {
      rec.pending = undefined;
      this.store.touchResource(rec.id.toLowerCase(), false);
      return;
    }
    this.settleOperation(op, now);
  }

  /** Move an operation to its end when due, and apply that end to its resource. */
  settleOperation(op: OperationRecord, now: number): void {
    if (op.status !== 'InProgress') return;
    let outcome: 'Succeeded' | 'Failed' | undefined;
    if (op.fail) {
      if (op.polls >= op.fail.afterPolls) outcome = 'Failed';
    } else if (now >= op.doneAt) {
      outcome = 'Succeeded';
    }
    if (!outcome) return;
    op.status = outcome;
    op.endTime = Math.max(now, op.startTime);
    this.store.touchOperation(op.id);
    const rec = this.store.get(op.resourceKey);
    if (!rec || rec.pending?.opId !== op.id) return;
    const pending = rec.pending;
    rec.pending = undefined;
    if (outcome === 'Failed') {
      op.error = { code: op.fail!.code, message: op.fail!.message };
      if (pending.removeOnFailure) {
        this.store.remove(rec.id.toLowerCase());
        op.resultBody = undefined;
        return;
      }
      const props = {
        ...((rec.body.properties as Record<string, unknown>) ?? {}),
        ...(pending.onFailure ?? {}),
        ...(this.providers.types.get(rec.typeKey)?.failedProperties?.(op.error) ?? {}),
        provisioningState: 'Failed',
      };
      rec.body = { ...rec.body, properties: props };
      this.store.put(rec);
      op.resultBody = undefined;
      return;
    }
    if (pending.final === null) {
      this.removeTree(rec, new URLSearchParams(op.deleteQuery ?? ''));
      return;
    }
    rec.body = pending.final;
    this.store.put(rec);
    if (op.kind !== 'action') op.resultBody = undefined;
  }

  private startOperation(
    req: EngineRequest,
    rec: ResourceRecord,
    kind: OperationKind,
    durationKind: keyof OperationDurations,
    final: Record<string, unknown> | null,
    onFailure: Record<string, unknown> | undefined,
    namespace: string,
    action?: string,
    deleteQuery?: string,
    failure?: { readonly code: string; readonly message: string },
  ): OperationRecord {
    const duration = durationFor(this.config.durations, rec.typeKey, durationKind);
    const fail = failure ? { afterPolls: 0, code: failure.code, message: failure.message } : req.lroFailure;
    const op: OperationRecord = {
      id: randomUUID(),
      resourceId: rec.id,
      resourceKey: rec.id.toLowerCase(),
      kind,
      action,
      ...(deleteQuery !== undefined ? { deleteQuery } : {}),
      namespace,
      location: (rec.location ?? 'global').toLowerCase().replace(/\s+/g, ''),
      startTime: req.now,
      doneAt: req.now + duration,
      status: 'InProgress',
      polls: 0,
      ...(fail ? { fail } : {}),
    };
    this.store.operations.set(op.id, op);
    rec.pending = {
      opId: op.id,
      kind,
      final,
      ...(onFailure ? { onFailure } : {}),
      ...(failure && kind === 'create' ? { removeOnFailure: true } : {}),
    };
    this.store.put(rec);
    return op;
  }

  private operationUrls(req: EngineRequest, op: OperationRecord, apiVersion: string): Record<string, string> {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(op.resourceId)?.[1] ?? 'none';
    const base = `${req.baseUrl}/subscriptions/${sub}/providers/${op.namespace}/locations/${op.location}`;
    const q = `?api-version=${encodeURIComponent(apiVersion)}`;
    const remaining = Math.max(0, op.doneAt - req.now);
    const retryAfter = this.config.retryAfterSeconds ?? Math.ceil(remaining / 1000);
    return {
      'Azure-AsyncOperation': `${base}/operationStatuses/${op.id}${q}`,
      Location: `${base}/operationResults/${op.id}${q}`,
      'Retry-After': String(retryAfter),
    };
  }

  /** GET of an operation status (`Azure-AsyncOperation`) or result (`Location`) URL. */
  poll(req: EngineRequest): EngineResponse | undefined {
    const p = parseOperationPath(req.path);
    if (!p) return undefined;
    const op = this.store.operations.get(p.operationId);
    if (!op) throw notFound('OperationNotFound', `The operation '${p.operationId}' could not be found.`);
    if (op.status === 'InProgress') {
      op.polls += 1;
      // Saved with the next write (a poll alone does not need one).
      this.store.touchOperation(op.id, false);
    }
    this.settleOperation(op, req.now);
    const apiVersion = req.query.get('api-version') ?? '';
    if (p.kind === 'status') {
      const style = statusBodyStyle(op.namespace);
      const error = op.error ? { error: { code: op.error.code, message: op.error.message, details: [] } } : {};
      const body: Record<string, unknown> =
        style === 'arm'
          ? {
              id: req.path,
              name: op.id,
              status: op.status,
              startTime: new Date(op.startTime).toISOString(),
              ...(op.endTime !== undefined ? { endTime: new Date(op.endTime).toISOString() } : {}),
              ...(op.status === 'Succeeded' ? { percentComplete: 100 } : {}),
              ...error,
            }
          : {
              status: op.status,
              ...(style === 'ml' && op.status === 'Succeeded' ? { percentComplete: 100 } : {}),
              ...error,
            };
      // ML polls carry no Retry-After (corpus ml/compute-instance-stop.json); others do while in progress.
      const headers =
        op.status === 'InProgress' && style !== 'ml'
          ? { 'Retry-After': this.operationUrls(req, op, apiVersion)['Retry-After'] }
          : undefined;
      return { status: 200, body, headers, resourceId: op.resourceId };
    }
    if (op.status === 'InProgress') {
      const urls = this.operationUrls(req, op, apiVersion);
      return {
        status: 202,
        headers: { Location: urls.Location, 'Retry-After': urls['Retry-After'] },
        resourceId: op.resourceId,
      };
    }
    if (op.status === 'Failed') {
      const e = op.error ?? { code: 'InternalServerError', message: 'The operation failed.' };
      throw new ArmHttpError(e.code === 'InternalServerError' ? 500 : 400, e.code, e.message);
    }
    if (op.kind === 'delete') {
      const typeKey = parseArmPath(op.resourceId, false)?.typeKey;
      const status = (typeKey && shapeOf(typeKey)?.deleteResultStatus) || 204;
      return { status, resourceId: op.resourceId };
    }
    if (op.kind === 'action') return { status: 200, body: op.resultBody, resourceId: op.resourceId };
    const rec = this.find(op.resourceKey, req.now);
    return { status: 200, body: rec ? this.render(rec) : undefined, resourceId: op.resourceId };
  }

  // ---------------------------------------------------------------- ARM requests

  handle(req: EngineRequest): EngineResponse {
    const polled = req.method === 'GET' ? this.poll(req) : undefined;
    if (polled) return polled;
    if (req.method === 'GET' && /\/locations\/[^/]+\/(usages|vmSizes)$/i.test(req.path)) {
      if (!req.query.get('api-version'))
        throw badRequest(
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.',
        );
      const answer = this.providers.locationQuery(this, req);
      if (answer) return answer;
    }
    if (req.method === 'GET' && /\/providers\/Microsoft\.Authorization\/roleDefinitions(\/[^/]+)?$/i.test(req.path)) {
      if (!req.query.get('api-version'))
        throw badRequest(
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.',
        );
      const answer = this.providers.roleDefinitionQuery(this, req);
      if (answer) return answer;
    }
    if (
      /\/providers\/[^/]+\/(checkNameAvailability|deletedVaults(\/.*)?|locations\/[^/]+\/deletedVaults\/.*)$/i.test(
        req.path,
      )
    ) {
      if (!req.query.get('api-version'))
        throw badRequest(
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.',
        );
      const answer = this.providers.lifecycleQuery(this, req);
      if (answer) return answer;
    }
    const parsed = parseArmPath(req.path, req.method === 'POST');
    if (!parsed)
      throw new ArmHttpError(
        404,
        'NotFound',
        `The requested path '${req.path}' is not an Azure Resource Manager resource path.`,
      );
    const t = this.providers.types.get(parsed.typeKey);
    if (!t) {
      if (!this.providers.namespaces.has(parsed.namespace.toLowerCase())) {
        throw badRequest(
          'NoRegisteredProviderFound',
          `No registered resource provider found for namespace '${parsed.namespace}'. The local emulator serves: ${[...this.providers.namespaces].join(', ')}.`,
        );
      }
      throw new ArmHttpError(
        404,
        'InvalidResourceType',
        `The resource type '${parsed.typeAsWritten}' could not be found in the namespace '${parsed.namespace}'.`,
      );
    }
    const apiVersion = req.query.get('api-version');
    if (!apiVersion) {
      throw badRequest(
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    }
    if (!isAcceptedApiVersion(t.type, apiVersion)) {
      throw badRequest(
        'InvalidApiVersionParameter',
        `The api-version '${apiVersion}' is invalid. The supported versions for resource type '${t.type}' are '${acceptedApiVersions(t.type).join(',')}'.`,
      );
    }
    if (parsed.name === undefined) {
      if (req.method !== 'GET')
        throw new ArmHttpError(405, 'MethodNotAllowed', `The method '${req.method}' is not allowed on a collection.`);
      return this.list(req, parsed, t);
    }
    const key = keyOf(parsed.id!);
    const base = { resourceId: parsed.id };
    switch (req.method) {
      case 'HEAD': {
        // Existence check (arm-resources checkExistence): 204 or 404, never a body.
        const rec = this.find(key, req.now);
        return { ...base, status: rec ? 204 : 404 };
      }
      case 'GET': {
        this.checkScope(parsed, t, req.now);
        const rec = this.find(key, req.now);
        if (!rec && parsed.typeKey === 'microsoft.resources/resourcegroups')
          throw notFound('ResourceGroupNotFound', `Resource group '${parsed.name}' could not be found.`);
        if (!rec)
          throw notFound(
            'ResourceNotFound',
            `The Resource '${t.type}/${parsed.name}' under resource group '${parsed.resourceGroup ?? ''}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
          );
        return { ...base, status: 200, body: this.render(rec) };
      }
      case 'PUT':
      case 'PATCH':
        return { ...base, ...this.write(req, parsed, t, key, apiVersion) };
      case 'DELETE':
        return { ...base, ...this.remove(req, parsed, t, key, apiVersion) };
      case 'POST':
        return { ...base, ...this.action(req, parsed, t, key, apiVersion) };
      default:
        throw new ArmHttpError(405, 'MethodNotAllowed', `The method '${req.method}' is not supported.`);
    }
  }

  /** Resource group and parent checks; returns the parent record when the parent is a resource. */
  private checkScope(parsed: ParsedPath, t: ResourceType, now: number): ResourceRecord | undefined {
    if (parsed.resourceGroup !== undefined && parsed.typeKey !== 'microsoft.resources/resourcegroups') {
      const rgKey = `/subscriptions/${parsed.subscription}/resourcegroups/${parsed.resourceGroup}`.toLowerCase();
      if (!this.find(rgKey, now))
        throw notFound('ResourceGroupNotFound', `Resource group '${parsed.resourceGroup}' could not be found.`);
    }
    const parentKey = keyOf(parsed.parentId);
    const isScopeOnly = /^\/subscriptions\/[^/]+(\/resourcegroups\/[^/]+)?$/i.test(parentKey);
    if (isScopeOnly) return undefined;
    const implicit = t.implicitParent?.(parsed.parentId);
    const lookup = implicit !== undefined ? implicit : t.extension ? scopeAlias(parentKey) : parentKey;
    const parent = this.find(lookup, now);
    if (!parent) {
      if (t.extension) throw notFound('ResourceNotFound', `The scope '${parsed.parentId}' does not exist.`);
      throw notFound(
        'ParentResourceNotFound',
        `Can not perform requested operation on nested resource. Parent resource '${parsed.parentId.split('/').slice(-1)[0]}' not found.`,
      );
    }
    return parent;
  }

  private inProgress(rec: ResourceRecord, t: ResourceType): ArmHttpError {
    const op = rec.pending ? this.store.operations.get(rec.pending.opId) : undefined;
    const what = op ? `${op.kind}${op.action ? ` (${op.action})` : ''}` : 'an operation';
    const network = t.type.toLowerCase().startsWith('microsoft.network/');
    return conflict(
      network ? 'AnotherOperationInProgress' : 'Conflict',
      `Operation on '${rec.id.split('/').slice(-1)[0]}' is not allowed: ${what} is in progress on the resource (operation ${op?.id ?? 'unknown'}). Retry after it completes.`,
    );
  }

  private write(
    req: EngineRequest,
    parsed: ParsedPath,
    t: ResourceType,
    key: string,
    apiVersion: string,
  ): EngineResponse {
    const parent = this.checkScope(parsed, t, req.now);
    const existing = this.find(key, req.now);
    if (existing?.pending) throw this.inProgress(existing, t);
    if (req.method === 'PATCH' && !existing) {
      throw notFound(
        'ResourceNotFound',
        `The Resource '${t.type}/${parsed.name}' under resource group '${parsed.resourceGroup ?? ''}' was not found.`,
      );
    }
    const body = req.body;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest(
        'InvalidRequestContent',
        'The request content was invalid and could not be deserialized: the body must be a JSON object.',
      );
    }
    const name = parsed.name!;
    if (!existing && t.name && !t.name.re.test(name)) {
      throw badRequest(
        'InvalidResourceName',
        `The resource name '${name}' is invalid for type '${t.type}'. Allowed: ${t.name.allowed}.`,
        'name',
      );
    }
    const b = body as Record<string, unknown>;
    if (req.method === 'PUT' && t.tracked && !existing && (typeof b.location !== 'string' || b.location.length === 0)) {
      throw badRequest(
        'LocationRequired',
        `The location property is required for resource type '${t.type}'.`,
        'location',
      );
    }
    const input: WriteInput = {
      engine: this,
      req,
      parsed,
      id: existing?.id ?? parsed.id!,
      key,
      name: existing ? existing.id.split('/').slice(-1)[0] : name,
      existing,
      body: b,
      parent,
    };
    let plan: WritePlan;
    if (req.method === 'PATCH') {
      plan = t.patch ? t.patch(input) : defaultPatch(input);
    } else {
      plan = t.put(input);
    }
    plan.apply?.();
    this.providers.registerIdentities(this, t.type.toLowerCase(), plan.body, req.now);
    const isCreate = !existing;
    const id = input.id;
    const rec: ResourceRecord = existing ?? {
      id,
      typeKey: t.type.toLowerCase(),
      parentKey: keyOf(parsed.parentId),
      body: {},
      createdAt: req.now,
    };
    rec.location =
      plan.location ??
      (typeof plan.body.location === 'string' ? plan.body.location : (rec.location ?? parent?.location));
    // A create the service refuses later (plan.failure) never makes a resource: not counted as one.
    const created = isCreate && !plan.failure ? key : undefined;
    const shape = answerShapeOf(t, isCreate ? 'create' : req.method === 'PATCH' ? 'patch' : 'update');
    if (!t.lro || plan.sync || shape?.sync) {
      rec.body = plan.body;
      this.store.put(rec);
      const rendered = this.render(rec);
      const keys = shape?.bodyKeys;
      const body = keys ? Object.fromEntries(Object.entries(rendered).filter(([k]) => keys.includes(k))) : rendered;
      return { status: shape?.status ?? (isCreate ? 201 : 200), body, mutated: true, created };
    }
    const state = shape?.state ?? (isCreate ? (t.creatingState ?? 'Creating') : 'Updating');
    const transitional =
      plan.transitional && shape?.state === undefined
        ? plan.transitional
        : withProvisioningState(plan.transitional ?? plan.body, state);
    rec.body = transitional;
    const op = this.startOperation(
      req,
      rec,
      isCreate ? 'create' : 'update',
      plan.durationKind ?? (isCreate ? 'create' : 'update'),
      plan.body,
      plan.onFailure,
      parsed.namespace,
      undefined,
      undefined,
      plan.failure,
    );
    return {
      status: shape?.status ?? (isCreate ? 201 : 200),
      ...(shape?.body === false ? {} : { body: this.render(rec) }),
      headers: pickHeaders(this.operationUrls(req, op, apiVersion), shape),
      mutated: true,
      created,
    };
  }

  private remove(
    req: EngineRequest,
    parsed: ParsedPath,
    t: ResourceType,
    key: string,
    apiVersion: string,
  ): EngineResponse {
    if (parsed.resourceGroup !== undefined && parsed.typeKey !== 'microsoft.resources/resourcegroups') {
      const rgKey = `/subscriptions/${parsed.subscription}/resourcegroups/${parsed.resourceGroup}`.toLowerCase();
      if (!this.find(rgKey, req.now))
        throw notFound('ResourceGroupNotFound', `Resource group '${parsed.resourceGroup}' could not be found.`);
    }
    const existing = this.find(key, req.now);
    if (!existing) {
      const custom = t.deleteAbsent?.({ engine: this, req, parsed, id: parsed.id!, key });
      return custom ?? { status: 204 };
    }
    if (existing.pending) {
      const op = this.store.operations.get(existing.pending.opId);
      // A repeated DELETE while the delete runs is answered like the first one (idempotent, ARM-like).
      if (op && op.kind === 'delete') return { status: 202, headers: this.operationUrls(req, op, apiVersion) };
      throw this.inProgress(existing, t);
    }
    const input: DeleteInput = { engine: this, req, parsed, id: existing.id, key, existing };
    t.beforeDelete?.(input);
    const deleteShape = shapeOf(t.type.toLowerCase())?.delete;
    if (!t.lro || deleteShape === 'sync') {
      const body = t.deleteReturnsBody ? this.render(existing) : undefined;
      this.removeTree(existing, req.query);
      return { status: 200, body, mutated: true };
    }
    existing.body = withProvisioningState(existing.body, 'Deleting');
    const op = this.startOperation(
      req,
      existing,
      'delete',
      'delete',
      null,
      undefined,
      parsed.namespace,
      undefined,
      req.query.toString(),
    );
    const ds = deleteShape;
    return {
      status: ds?.status ?? 202,
      headers: pickHeaders(this.operationUrls(req, op, apiVersion), ds),
      mutated: true,
    };
  }

  private action(
    req: EngineRequest,
    parsed: ParsedPath,
    t: ResourceType,
    key: string,
    apiVersion: string,
  ): EngineResponse {
    this.checkScope(parsed, t, req.now);
    const existing = this.find(key, req.now);
    const fn = parsed.action
      ? (t.actions?.[parsed.action] ??
        Object.entries(t.actions ?? {}).find(([k]) => k.toLowerCase() === parsed.action!.toLowerCase())?.[1])
      : undefined;
    if (!fn)
      throw new ArmHttpError(
        404,
        'InvalidResourceType',
        `The action '${parsed.action ?? ''}' is not supported on resource type '${t.type}'.`,
      );
    if (!existing)
      throw notFound(
        'ResourceNotFound',
        `The Resource '${t.type}/${parsed.name}' under resource group '${parsed.resourceGroup ?? ''}' was not found.`,
      );
    if (existing.pending) throw this.inProgress(existing, t);
    const plan = fn({
      engine: this,
      req,
      parsed,
      id: existing.id,
      key,
      existing,
      action: parsed.action!,
      body: req.body,
    });
    if (!plan.lro) {
      if (plan.update) {
        existing.body = plan.update;
        this.store.put(existing);
      }
      return { status: plan.status ?? 200, body: plan.body, mutated: plan.update !== undefined };
    }
    existing.body = plan.lro.transitional;
    const op = this.startOperation(
      req,
      existing,
      'action',
      'action',
      plan.lro.final,
      plan.lro.onFailure,
      parsed.namespace,
      parsed.action,
    );
    const as = shapeOf(t.type.toLowerCase())?.action;
    return {
      status: as?.status ?? 202,
      ...(as?.body ? { body: this.render(existing) } : {}),
      headers: pickHeaders(this.operationUrls(req, op, apiVersion), as),
      mutated: true,
    };
  }

  private list(req: EngineRequest, parsed: ParsedPath, t: ResourceType): EngineResponse {
    const typeKey = t.type.toLowerCase();
    let recs: ResourceRecord[];
    if (parsed.subscriptionWide) {
      const prefix = `/subscriptions/${parsed.subscription}/`.toLowerCase();
      recs = this.all(typeKey, req.now).filter((r) => r.id.toLowerCase().startsWith(prefix));
    } else {
      this.checkScope(parsed, t, req.now);
      const parentKey = keyOf(parsed.parentId);
      recs = this.store.childrenOf(parentKey).filter((r) => r.typeKey === typeKey);
      for (const r of recs) this.settleRecord(r, req.now);
      recs = recs.filter((r) => this.store.get(r.id.toLowerCase()));
    }
    if (t.listFilter) recs = t.listFilter(this, recs, req, parsed);
    const lag = this.config.listLagMs ?? 0;
    if (lag > 0) recs = recs.filter((r) => r.createdAt === undefined || req.now - r.createdAt >= lag);
    recs.sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1));
    const skip = Math.max(0, Number(req.query.get('$skiptoken') ?? '0') || 0);
    const top = Number(req.query.get('$top') ?? '') || Infinity;
    const size = Math.max(1, Math.min(this.config.pageSize, top));
    const page = recs.slice(skip, skip + size);
    const body: Record<string, unknown> = { value: page.map((r) => this.render(r)) };
    if (skip + size < recs.length && !(top < Infinity)) {
      const q = new URLSearchParams(req.query);
      q.set('$skiptoken', String(skip + size));
      body.nextLink = `${req.baseUrl}${req.path}?${q.toString()}`;
    }
    return { status: 200, body, resourceId: parsed.collectionPath };
  }

  // ---------------------------------------------------------------- helpers for rp/*

  systemData(req: EngineRequest, existing?: ResourceRecord): Record<string, unknown> {
    const now = new Date(req.now).toISOString();
    const who = req.principal.name ?? req.principal.oid;
    const byType = req.principal.idtyp === 'app' ? 'Application' : 'User';
    const prev = existing?.body.systemData as Record<string, unknown> | undefined;
    return {
      createdBy: prev?.createdBy ?? who,
      createdByType: prev?.createdByType ?? byType,
      createdAt: prev?.createdAt ?? now,
      lastModifiedBy: who,
      lastModifiedByType: byType,
      lastModifiedAt: now,
    };
  }
}

/**
 * Scopes ARM accepts for extension resources under names the emulator stores differently: RBAC on a file share
 * uses `fileServices/default/fileshares/{share}` (the share resource is `.../shares/{share}`), and the default
 * file/blob service exists whenever its account does.
 */
export function scopeAlias(scopeKey: string): string {
  const k = scopeKey.replace(/\/fileservices\/default\/fileshares\//, '/fileservices/default/shares/');
  const m = /^(.*\/providers\/microsoft\.storage\/storageaccounts\/[^/]+)\/(fileservices|blobservices)\/default$/.exec(
    k,
  );
  return m ? m[1] : k;
}

function answerShapeOf(t: ResourceType, kind: 'create' | 'update' | 'patch'): AnswerShape | undefined {
  return shapeOf(t.type.toLowerCase())?.[kind];
}

/** The LRO headers a shape sends (all three when the type has no shape). */
function pickHeaders(all: Record<string, string>, shape: AnswerShape | undefined): Record<string, string> {
  if (!shape) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => (shape.headers as readonly string[]).includes(k)));
}

export function withProvisioningState(body: Record<string, unknown>, state: string): Record<string, unknown> {
  const props = (body.properties as Record<string, unknown> | undefined) ?? {};
  return { ...body, properties: { ...props, provisioningState: state } };
}

export function isTerminal(state: unknown): boolean {
  return typeof state === 'string' && TERMINAL.has(state);
}

/** Recursive merge used by PATCH: objects merge, everything else (arrays included) replaces; null deletes. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** PATCH for types without their own: merge-patch of `tags` and `properties` only. */
export function defaultPatch(input: WriteInput): WritePlan {
  const ex = input.existing!;
  const allowed = new Set(['tags', 'properties', 'sku', 'identity']);
  for (const k of Object.keys(input.body)) {
    if (!allowed.has(k))
      throw badRequest(
        'InvalidRequestContent',
        `The property '${k}' cannot be changed with PATCH on '${ex.id}'. Allowed: ${[...allowed].join(', ')}.`,
        k,
      );
  }
  const merged = mergePatch(ex.body, input.body) as Record<string, unknown>;
  // `tags` in a PATCH replace the whole set (corpus storage/storage-account-update.json: key1/key2 gone after a
  // PATCH of tag1; network updateTags the same).
  if (input.body.tags !== undefined && input.body.tags !== null) merged.tags = input.body.tags;
  return {
    body: { ...withProvisioningState(merged, 'Succeeded'), systemData: input.engine.systemData(input.req, ex) },
  };
}

export type { ResourceRecord };
