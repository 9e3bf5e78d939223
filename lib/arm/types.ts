/**
 * The one seam between the engine and Azure Resource Manager. `HttpArmClient` implements it for real Azure and
 * for the local emulator (which is reached over HTTPS exactly like Azure). lib/arm knows nothing of constructs.
 */
import { AmlcdkError } from '../core/errors.js';
import type { OperationKind } from './token-bucket.js';

/** A resource as ARM returns it. */
export interface ArmResource {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Options common to every call. */
export interface ArmCallOptions {
  /** Extra query parameters, e.g. `{ underlyingResourceAction: 'Delete' }`. `api-version` is always added. */
  readonly query?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Give up (AmlcdkError `ArmTimeout`) after this long, including retries and LRO polling. */
  readonly timeoutMs?: number;
}

/** Options of a list. */
export interface ArmListOptions extends ArmCallOptions {
  /**
   * Called once per page ARM answered (the first request and every `nextLink` followed), with the number of items
   * on it: every page is one read. Not called when the collection's parent does not exist (404).
   */
  readonly onPage?: (items: number) => void;
}

/**
 * The first answer to a write. For a long-running operation (201/202 with `Azure-AsyncOperation` or
 * `Location`) `pollUrl` is where to follow it; the engine journals it before waiting so a killed process can
 * resume polling instead of writing again.
 */
export interface ArmWriteStarted {
  readonly status: number;
  /** The response body (the resource for PUT/PATCH 200/201), if any. */
  readonly body?: unknown;
  /** Absolute status URL to poll, when the operation is asynchronous. */
  readonly pollUrl?: string;
  /** Which header the poll URL came from: `Azure-AsyncOperation` bodies carry `status`; `Location` gives 202 until done. */
  readonly pollKind?: 'azure-async-operation' | 'location';
  /** Suggested wait before the first poll (from `Retry-After`), ms. */
  readonly retryAfterMs?: number;
  /**
   * The write that started the operation (added so `pollUntilDone` knows whether to re-read the resource at the
   * end; a journal resume sets it from the intent's `method`). @default treated as PUT when `resourceId` is known
   */
  readonly method?: 'PUT' | 'PATCH' | 'DELETE' | 'POST';
  /** The resource the write targeted (for the final GET of PUT/PATCH). */
  readonly resourceId?: string;
  /** api-version of the write (for the final GET). */
  readonly apiVersion?: string;
}

/** The end of a write after polling. */
export interface ArmWriteResult {
  /** `Succeeded`, or the terminal status when the caller asked not to throw. */
  readonly status: 'Succeeded' | 'Failed' | 'Canceled';
  /** The resource after the operation (re-read with GET for PUT/PATCH), absent for DELETE and most POSTs. */
  readonly resource?: ArmResource;
  /** The final response body of a POST action, if any. */
  readonly body?: unknown;
}

export interface ArmClient {
  /** GET a resource. Resolves `undefined` on 404. */
  get(id: string, apiVersion: string, options?: ArmCallOptions): Promise<ArmResource | undefined>;
  /** GET a collection and follow every `nextLink`. Resolves `[]` when the parent does not exist (404). */
  list(collectionId: string, apiVersion: string, options?: ArmListOptions): Promise<ArmResource[]>;
  /**
   * Elapsed ms during which at least one request of `kind` waited for the client's rate budget (queued behind the
   * token bucket or sleeping out a 429), since the client was made. Absent on clients without a rate limiter.
   */
  budgetWaitMs?(kind: OperationKind): number;

  /** Send a write and return as soon as ARM accepted it (no polling). */
  beginPut(id: string, apiVersion: string, body: unknown, options?: ArmCallOptions): Promise<ArmWriteStarted>;
  beginPatch(id: string, apiVersion: string, body: unknown, options?: ArmCallOptions): Promise<ArmWriteStarted>;
  beginDelete(id: string, apiVersion: string, options?: ArmCallOptions): Promise<ArmWriteStarted>;
  /** POST `{id}/{action}`. */
  beginPost(
    id: string,
    action: string,
    apiVersion: string,
    body?: unknown,
    options?: ArmCallOptions,
  ): Promise<ArmWriteStarted>;

  /**
   * Follow a started operation to its end (also one resumed from a journal). Honours `Retry-After`; polls count
   * against the read budget. Throws `ArmError` when the operation failed.
   */
  pollUntilDone(
    started: ArmWriteStarted,
    options?: ArmCallOptions & { readonly resourceId?: string; readonly apiVersion?: string },
  ): Promise<ArmWriteResult>;

  /** Convenience: begin + poll. */
  put(id: string, apiVersion: string, body: unknown, options?: ArmCallOptions): Promise<ArmWriteResult>;
  patch(id: string, apiVersion: string, body: unknown, options?: ArmCallOptions): Promise<ArmWriteResult>;
  delete(id: string, apiVersion: string, options?: ArmCallOptions): Promise<ArmWriteResult>;
  post(
    id: string,
    action: string,
    apiVersion: string,
    body?: unknown,
    options?: ArmCallOptions,
  ): Promise<ArmWriteResult>;
}

/**
 * An error answer from ARM (or a failed LRO), with ARM's `{ error: { code, message, details } }` unpacked.
 * `retryable` is true for 429, 5xx, dropped connections and 409 `OperationInProgress`-style conflicts.
 */
export class ArmError extends AmlcdkError {
  public readonly status: number;
  public readonly armCode: string;
  public readonly details: readonly unknown[];
  public readonly retryable: boolean;
  public readonly retryAfterMs?: number;
  public readonly requestId?: string;
  /**
   * True when the request may or may not have been applied (a dropped connection or timeout after a POST was
   * sent): `retryable`, but only after re-observing the resource, never by resending blindly.
   */
  public readonly outcomeUnknown: boolean;
  constructor(init: {
    status: number;
    armCode: string;
    message: string;
    details?: readonly unknown[];
    retryable?: boolean;
    retryAfterMs?: number;
    requestId?: string;
    outcomeUnknown?: boolean;
  }) {
    super(`Arm${init.armCode}`, `${init.status} ${init.armCode}: ${init.message}`);
    this.status = init.status;
    this.armCode = init.armCode;
    this.details = init.details ?? [];
    this.retryable = init.retryable ?? (init.status === 429 || init.status >= 500);
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }
}
